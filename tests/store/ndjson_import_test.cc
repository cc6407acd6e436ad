#include "store/sqlite/ndjson_import.h"

#include <gtest/gtest.h>

#include <fstream>

#include "store_test_util.h"

namespace voronka {
namespace {

using testing::LoadAll;
using testing::OpenStore;
using testing::RowCounts;
using testing::TempDir;

// A pipeline and `deals` deals, each with one stage change that refers back to it, so later
// chunks depend on earlier ones. 1 + 2 * deals lines.
std::string History(int deals) {
  std::string text =
      R"({"type":"pipeline","id":"p1","name":"B2B","stages":[{"id":"a","name":"A","semantic":"open"},{"id":"b","name":"B","semantic":"won"}]})"
      "\n";
  for (int i = 0; i < deals; ++i) {
    std::string id = "D" + std::to_string(i);
    text +=
        R"({"type":"deal","id":")" + id +
        R"(","title":"t","pipeline_id":"p1","stage_id":"a","amount":"1","created_at":"2024-03-01T10:00:00Z"})"
        "\n";
    text += R"({"type":"stage_change","event_id":"e)" + std::to_string(i) + R"(","deal_id":")" +
            id +
            R"(","to":"b","at":"2024-03-02T10:00:00Z"})"
            "\n";
  }
  return text;
}

TEST(NdjsonImportTest, ImportsInChunksAsOneBatch) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  int64_t workspace = store->EnsureDefaultWorkspace().value();
  ImportOptions options;
  options.chunk_lines = 7;  // 201 lines: 28 full chunks and one of 5
  int chunks = 0;
  options.on_chunk = [&](const ParsedBatch&, const ApplyResult&) { ++chunks; };
  ImportResult result = ImportNdjson(*store, workspace, History(100), options);
  for (const std::string& error : result.errors) ADD_FAILURE() << error;
  EXPECT_EQ(result.lines, 201);
  EXPECT_EQ(result.applied, 201);
  EXPECT_EQ(chunks, 29);
  EXPECT_EQ(RowCounts(store->path())["deals"], 100);
  EXPECT_EQ(RowCounts(store->path())["stage_changes"], 100);

  // Importing it again stores nothing new: deals are replaced, stage changes skipped by id.
  result = ImportNdjson(*store, workspace, History(100), options);
  EXPECT_EQ(result.applied, 101);
  EXPECT_EQ(result.skipped, 100);
  EXPECT_EQ(RowCounts(store->path())["deals"], 100);
}

TEST(NdjsonImportTest, ReadsAFileInChunks) {
  TempDir dir;
  auto store = OpenStore(dir.path() + "/data");
  int64_t workspace = store->EnsureDefaultWorkspace().value();
  std::string path = dir.path() + "/history.ndjson";
  std::string text = History(3000);  // about 750 KB; the last line has no newline
  text.pop_back();
  std::ofstream(path, std::ios::binary) << text;
  ImportOptions options;
  options.chunk_lines = 1000;
  ImportResult result = ImportNdjsonFile(*store, workspace, path, options);
  for (const std::string& error : result.errors) ADD_FAILURE() << error;
  EXPECT_EQ(result.lines, 6001);
  EXPECT_EQ(result.applied, 6001);

  EXPECT_FALSE(ImportNdjsonFile(*store, workspace, dir.path() + "/missing.ndjson").ok());
}

TEST(NdjsonImportTest, AnErrorInAnyChunkStoresNothingAndNamesTheLine) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  int64_t workspace = store->EnsureDefaultWorkspace().value();
  std::map<std::string, int64_t> before = RowCounts(store->path());
  std::string text = History(50);  // lines 1..101
  text += R"({"type":"stage_change","deal_id":"D7","to":"nowhere","at":"2024-03-03T10:00:00Z"})"
          "\n";                                     // line 102: unknown stage
  text += History(10).substr(text.find('\n') + 1);  // lines 103..122 redefine D0..D9
  text += "{not json\n";                            // line 123
  ImportOptions options;
  options.chunk_lines = 10;
  ImportResult result = ImportNdjson(*store, workspace, text, options);
  ASSERT_EQ(result.errors.size(), 2u);
  EXPECT_NE(result.errors[0].find("line 102"), std::string::npos) << result.errors[0];
  EXPECT_NE(result.errors[1].find("line 123"), std::string::npos) << result.errors[1];
  EXPECT_EQ(result.applied, 0);
  EXPECT_EQ(RowCounts(store->path()), before);
  EXPECT_EQ(LoadAll(*store, workspace).size(), 1u);  // the settings only
  // The store takes writes again.
  EXPECT_TRUE(ImportNdjson(*store, workspace, History(2)).ok());
}

// History(deals) with every stage change moved above the pipeline and the deals it refers to:
// 50 stage changes (lines 1..50), then the pipeline (51) and the deals (52..101).
std::string StageChangesFirst(int deals) {
  std::string changes, definitions;
  std::string text = History(deals);
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at) + 1;
    std::string_view line(text.data() + at, end - at);
    (line.find("stage_change") != std::string_view::npos ? changes : definitions) += line;
    at = end;
  }
  return changes + definitions;
}

TEST(NdjsonImportTest, AReferenceToARecordFurtherDownTheFileIsNotAnError) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  int64_t workspace = store->EnsureDefaultWorkspace().value();
  ImportOptions options;
  options.chunk_lines = 10;  // the stage changes of lines 1..50 name deals of lines 52..101
  ImportResult result = ImportNdjson(*store, workspace, StageChangesFirst(50), options);
  for (const std::string& error : result.errors) ADD_FAILURE() << error;
  EXPECT_EQ(result.applied, 101);
  EXPECT_EQ(RowCounts(store->path())["deals"], 50);
  EXPECT_EQ(RowCounts(store->path())["stage_changes"], 50);
}

TEST(NdjsonImportTest, AReferenceToARecordDefinedNowhereStillFailsWithItsLine) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  int64_t workspace = store->EnsureDefaultWorkspace().value();
  std::map<std::string, int64_t> before = RowCounts(store->path());
  // Line 1 moves deal D999, which no line defines; lines 2..102 are fine in any order.
  std::string text =
      R"({"type":"stage_change","deal_id":"D999","to":"b","at":"2024-03-02T10:00:00Z"})"
      "\n" +
      StageChangesFirst(50);
  ImportOptions options;
  options.chunk_lines = 10;
  ImportResult result = ImportNdjson(*store, workspace, text, options);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].find("line 1:"), std::string::npos) << result.errors[0];
  EXPECT_NE(result.errors[0].find("D999"), std::string::npos) << result.errors[0];
  EXPECT_EQ(RowCounts(store->path()), before);
}

}  // namespace
}  // namespace voronka
