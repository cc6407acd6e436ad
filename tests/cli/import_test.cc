// The `voronka` command as a person runs it: import, demo, help.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "store/sqlite/sqlite_store.h"
#include "testing/process.h"

namespace voronka {
namespace {

using testing::CommandResult;
using testing::RunVoronka;
using testing::TempDir;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

int64_t StoredRecords(const std::string& data_dir) {
  auto store = SqliteStore::Open(data_dir);
  EXPECT_TRUE(store.ok()) << store.message();
  int64_t count = 0;
  Status loaded = store.value()->Load(store.value()->EnsureDefaultWorkspace().value(),
                                      [&](const Record&) { ++count; });
  EXPECT_TRUE(loaded.ok()) << loaded.message();
  return count;
}

constexpr std::string_view kGood =
    R"({"type":"pipeline","id":"p1","name":"B2B","stages":[{"id":"new","name":"New","semantic":"open"},{"id":"paid","name":"Paid","semantic":"won"}]}
{"type":"user","id":"u1","name":"Anna"}
{"event_id":"e1","type":"deal","id":"D1","pipeline_id":"p1","stage_id":"new","amount":"150000.00","responsible_id":"u1","created_at":"2024-03-01T10:00:00+03:00"}
{"event_id":"e2","type":"stage_change","deal_id":"D1","to":"paid","at":"2024-03-05T09:30:00+03:00"}
)";

TEST(ImportCommandTest, ImportsAFileAndSkipsWhatWasAppliedBefore) {
  TempDir dir;
  std::string file = dir.path() + "/good.ndjson";
  WriteFile(file, std::string(kGood));
  CommandResult first = RunVoronka("import --data " + dir.path() + "/data " + file);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find("Imported 4 records (0 skipped"), std::string::npos) << first.output;
  // The same file again: definitions are upserts (applied again), the two events are skipped.
  CommandResult second = RunVoronka("import --data " + dir.path() + "/data " + file);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("Imported 2 records (2 skipped"), std::string::npos)
      << second.output;
  EXPECT_EQ(StoredRecords(dir.path() + "/data"), 4 + 1);  // + the workspace settings record
}

TEST(ImportCommandTest, BadLinesAreAllReportedAndNothingIsStored) {
  TempDir dir;
  std::string file = dir.path() + "/bad.ndjson";
  WriteFile(
      file,
      std::string(kGood) +
          R"({"type":"stage_change","deal_id":"D1","to":"paied","at":"2024-03-06T10:00:00Z"})"
          "\n"
          R"({"type":"deal","id":"D2","pipeline_id":"p1","stage_id":"new","amount":"12,5","created_at":"2024-03-01T10:00:00Z"})"
          "\n");
  CommandResult result = RunVoronka("import --data " + dir.path() + "/data " + file);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_NE(result.output.find("line 5:"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("paied"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("line 6:"), std::string::npos) << result.output;
  EXPECT_NE(result.output.find("nothing was imported"), std::string::npos) << result.output;
  EXPECT_EQ(StoredRecords(dir.path() + "/data"), 1);  // only the default workspace settings
}

TEST(ImportCommandTest, DemoHistoryIsDeterministicAndImports) {
  TempDir dir;
  std::string a = dir.path() + "/a.ndjson", b = dir.path() + "/b.ndjson";
  ASSERT_EQ(RunVoronka("demo --deals 300 --seed 7 --end-date 2024-06-30 --out " + a).exit_code, 0);
  ASSERT_EQ(RunVoronka("demo --deals 300 --seed 7 --end-date 2024-06-30 --out " + b).exit_code, 0);
  std::ifstream fa(a), fb(b);
  std::string text_a((std::istreambuf_iterator<char>(fa)), {});
  std::string text_b((std::istreambuf_iterator<char>(fb)), {});
  EXPECT_GT(text_a.size(), 10000u);
  EXPECT_EQ(text_a, text_b);
  CommandResult imported = RunVoronka("import --data " + dir.path() + "/data " + a);
  EXPECT_EQ(imported.exit_code, 0) << imported.output;
}

TEST(CommandLineTest, EveryCommandExplainsItselfWithAnExample) {
  for (std::string command : {"serve", "import", "demo", "report", "token create",
                              "cluster init"}) {
    CommandResult help = RunVoronka(command + " --help");
    EXPECT_EQ(help.exit_code, 0) << command;
    EXPECT_NE(help.output.find("Example:"), std::string::npos) << command << ": " << help.output;
  }
  EXPECT_NE(RunVoronka("import --data").exit_code, 0);
}

}  // namespace
}  // namespace voronka
