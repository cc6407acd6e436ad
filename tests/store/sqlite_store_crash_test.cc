// Acknowledged means durable: a writer killed at an arbitrary moment loses no batch whose
// Apply had returned, and leaves a database that opens and reads back consistently.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/sqlite/sqlite_store.h"
#include "store_test_util.h"

namespace voronka {
namespace {

using testing::LoadAll;
using testing::OpenStore;
using testing::TempDir;

std::string Batch(int i) {
  // A deal and its stage change: a torn batch would show as one without the other.
  std::string id = "D" + std::to_string(i);
  return R"({"type":"deal","id":")" + id +
         R"(","title":"t","pipeline_id":"p1","stage_id":"a","amount":"1","created_at":"2024-03-01T10:00:00Z"})"
         "\n"
         R"({"type":"stage_change","deal_id":")" +
         id + R"(","to":"b","at":"2024-03-02T10:00:00Z"})";
}

// The child: applies batches forever, writing the number of each acknowledged one to `out`.
[[noreturn]] void WriteUntilKilled(const std::string& dir, int out) {
  auto store = SqliteStore::Open(dir);
  if (!store.ok()) _exit(2);
  int64_t workspace = (*store)->EnsureDefaultWorkspace().value();
  ParsedBatch pipeline = ParseNdjson(
      R"({"type":"pipeline","id":"p1","name":"B2B","stages":[{"id":"a","name":"A","semantic":"open"},{"id":"b","name":"B","semantic":"won"}]})");
  if (!(*store)->Apply(workspace, pipeline).ok()) _exit(3);
  for (int i = 0;; ++i) {
    ParsedBatch batch = ParseNdjson(Batch(i));
    if (!(*store)->Apply(workspace, batch).ok()) _exit(4);
    if (write(out, &i, sizeof i) != sizeof i) _exit(5);
  }
}

TEST(SqliteStoreCrashTest, AcknowledgedBatchesSurviveAKill) {
  TempDir dir;
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    WriteUntilKilled(dir.path(), fds[1]);
  }
  close(fds[1]);
  // Kill it somewhere after the 30th acknowledgement, mid-way through later batches.
  int acknowledged = -1;
  int number = 0;
  while (acknowledged < 30 && read(fds[0], &number, sizeof number) == sizeof number) {
    acknowledged = number;
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  // Acknowledgements already in the pipe count too.
  while (read(fds[0], &number, sizeof number) == sizeof number) acknowledged = number;
  close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status)) << "the writer stopped on its own: " << status;
  ASSERT_GE(acknowledged, 30);

  auto store = OpenStore(dir.path());
  int64_t workspace = store->EnsureDefaultWorkspace().value();
  int deals = 0;
  int stage_changes = 0;
  for (const Record& record : LoadAll(*store, workspace)) {
    deals += std::holds_alternative<DealRecord>(record.body);
    stage_changes += std::holds_alternative<StageChangeRecord>(record.body);
  }
  for (int i = 0; i <= acknowledged; ++i) {
    EXPECT_TRUE(store->CatalogOf(workspace).HasDeal("D" + std::to_string(i))) << i;
  }
  // Every batch is whole, and at most the one in flight went beyond the acknowledged ones.
  EXPECT_EQ(deals, stage_changes);
  EXPECT_GE(deals, acknowledged + 1);
  EXPECT_LE(deals, acknowledged + 2);
}

}  // namespace
}  // namespace voronka
