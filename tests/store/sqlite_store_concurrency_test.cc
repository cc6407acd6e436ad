// Readers beside writers: Load, token checks and the catalog never wait for a writer's turn.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/sqlite/sqlite_store.h"
#include "store_test_util.h"

namespace voronka {
namespace {

using testing::LoadAll;
using testing::OpenStore;
using testing::Parse;
using testing::TempDir;

constexpr std::string_view kPipeline =
    R"({"type":"pipeline","id":"p1","name":"B2B","stages":[{"id":"a","name":"A","semantic":"open"},{"id":"b","name":"B","semantic":"won"}]})";

std::string Deal(int i) {
  return R"({"type":"deal","id":"D)" + std::to_string(i) +
         R"(","title":"t","pipeline_id":"p1","stage_id":"a","amount":"1","created_at":"2024-03-01T10:00:00Z"})";
}

TEST(SqliteStoreConcurrencyTest, ReadsSeeCommittedDataWhileABulkLoadIsOpen) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  int64_t workspace = store->EnsureDefaultWorkspace().value();
  std::string token = store->CreateIngestToken(workspace).value();
  ParsedBatch first = Parse(kPipeline);
  ASSERT_TRUE(store->Apply(workspace, first).ok());

  auto bulk = store->BeginBulk(workspace);
  ASSERT_TRUE(bulk.ok());
  ParsedBatch chunk = Parse(Deal(1));
  ASSERT_TRUE((*bulk)->Add(chunk).ok());
  // On the same thread, with the writer's turn held by the load: nothing here may block.
  EXPECT_EQ(LoadAll(*store, workspace).size(), 2u);  // settings + pipeline, not the deal
  EXPECT_EQ(store->WorkspaceOfToken(token), workspace);
  EXPECT_EQ(store->Workspaces().size(), 1u);
  EXPECT_EQ(store->CatalogOf(workspace).PipelineOfStage("b"), "p1");
  ASSERT_TRUE((*bulk)->Commit().ok());
  EXPECT_EQ(LoadAll(*store, workspace).size(), 3u);
}

TEST(SqliteStoreConcurrencyTest, ParallelWritersAndReadersKeepEveryBatch) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  int64_t workspace = store->EnsureDefaultWorkspace().value();
  std::string token = store->CreateIngestToken(workspace).value();
  ParsedBatch first = Parse(kPipeline);
  ASSERT_TRUE(store->Apply(workspace, first).ok());

  // Two writers of 40 single-deal batches each, with disjoint deal ids; one reader loading
  // and checking the token all the while.
  constexpr int kBatches = 40;
  std::atomic<bool> writing{true};
  std::atomic<int> failures{0};
  auto writer = [&](int offset) {
    for (int i = 0; i < kBatches; ++i) {
      ParsedBatch batch = ParseNdjson(Deal(offset + i));
      if (!store->Apply(workspace, batch).ok()) ++failures;
    }
  };
  std::thread reader([&] {
    size_t last = 0;
    while (writing) {
      size_t count = 0;
      if (!store->Load(workspace, [&](const Record&) { ++count; }).ok()) ++failures;
      if (count < last) ++failures;  // a committed batch never disappears
      last = count;
      if (store->WorkspaceOfToken(token) != workspace) ++failures;
    }
  });
  std::thread one(writer, 0);
  std::thread two(writer, 1000);
  one.join();
  two.join();
  writing = false;
  reader.join();
  EXPECT_EQ(failures, 0);
  // settings + pipeline + 80 deals
  EXPECT_EQ(LoadAll(*store, workspace).size(), 82u);
  EXPECT_TRUE(store->CatalogOf(workspace).HasDeal("D1039"));
}

TEST(SqliteStoreConcurrencyTest, TwoStoresOnOneDirectorySeeEachOthersWrites) {
  // As `voronka import` writing while `voronka serve` runs on the same data directory.
  TempDir dir;
  auto server = OpenStore(dir.path());
  int64_t workspace = server->EnsureDefaultWorkspace().value();
  auto importer = OpenStore(dir.path());
  EXPECT_EQ(importer->EnsureDefaultWorkspace().value(), workspace);

  ParsedBatch history = Parse(std::string(kPipeline) + "\n" + Deal(1));
  ASSERT_TRUE(importer->Apply(workspace, history).ok());
  std::string token = importer->CreateIngestToken(workspace).value();
  int64_t other = importer->CreateWorkspace("acme").value();

  // A token issued by the other store opens at once.
  EXPECT_EQ(server->WorkspaceOfToken(token), workspace);
  EXPECT_TRUE(server->HasIngestToken(workspace));
  // The deal, the stage and the new workspace are known to the next write.
  ParsedBatch change =
      Parse(R"({"type":"stage_change","deal_id":"D1","to":"b","at":"2024-03-02T10:00:00Z"})");
  ApplyResult result = server->Apply(workspace, change);
  for (const std::string& error : result.errors) ADD_FAILURE() << error;
  EXPECT_EQ(result.applied, 1);
  ParsedBatch elsewhere = Parse(kPipeline);
  EXPECT_TRUE(server->Apply(other, elsewhere).ok());
  EXPECT_EQ(server->Workspaces().size(), 2u);
  EXPECT_EQ(LoadAll(*importer, workspace).size(), 4u);  // settings, pipeline, deal, change
}

// The types of the records a part of a split read gives, in order.
std::vector<std::string> ReadPart(SqliteStore::SplitRead& read, int part) {
  class Names final : public RecordSlots {
   public:
    Record& Next() override { return record_; }
    void Commit() override { names.emplace_back(RecordTypeName(record_.body)); }
    std::vector<std::string> names;

   private:
    Record record_;
  } slots;
  Status status = read.Read(part, slots);
  EXPECT_TRUE(status.ok()) << status.message();
  return slots.names;
}

std::string Activity(int i) {
  return R"({"type":"activity","id":"A)" + std::to_string(i) +
         R"(","kind":"call","deal_id":"D1","at":"2024-03-02T10:00:00Z"})";
}

// The default workspace, holding a pipeline, deal D1 and its activity A1.
int64_t StoreDealAndActivity(SqliteStore& store) {
  int64_t workspace = store.EnsureDefaultWorkspace().value();
  ParsedBatch history = Parse(std::string(kPipeline) + "\n" + Deal(1) + "\n" + Activity(1));
  EXPECT_TRUE(store.Apply(workspace, history).ok());
  return workspace;
}

TEST(SqliteStoreConcurrencyTest, ASplitReadSeesOneSnapshotInBothParts) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  int64_t workspace = StoreDealAndActivity(*store);

  auto read = store->BeginSplitRead(workspace);
  ASSERT_TRUE(read.ok()) << read.message();
  // Committed after the read began: in neither part.
  ParsedBatch later = Parse(Deal(2) + "\n" + Activity(2));
  ASSERT_TRUE(store->Apply(workspace, later).ok());
  std::vector<std::string> first = ReadPart(**read, 0);
  std::vector<std::string> second = ReadPart(**read, 1);
  EXPECT_EQ(first, (std::vector<std::string>{"workspace", "pipeline", "deal"}));
  EXPECT_EQ(second, std::vector<std::string>{"activity"});
  EXPECT_FALSE(store->BeginSplitRead(workspace + 1).ok());
}

TEST(SqliteStoreConcurrencyTest, ASplitReadBesideALongBulkLoadReadsInOnePart) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  int64_t workspace = StoreDealAndActivity(*store);
  // An import holding the file's write lock: the two parts cannot be pinned to one snapshot.
  auto bulk = store->BeginBulk(workspace);
  ASSERT_TRUE(bulk.ok());
  ParsedBatch chunk = Parse(Deal(2));
  ASSERT_TRUE((*bulk)->Add(chunk).ok());
  auto read = store->BeginSplitRead(workspace);
  ASSERT_TRUE(read.ok()) << read.message();
  EXPECT_EQ(ReadPart(**read, 0),
            (std::vector<std::string>{"workspace", "pipeline", "deal", "activity"}));
  EXPECT_TRUE(ReadPart(**read, 1).empty());
  ASSERT_TRUE((*bulk)->Commit().ok());
}

TEST(SqliteStoreConcurrencyTest, AReopenedStoreReadsItsIdsWhenFirstNeeded) {
  TempDir dir;
  int64_t workspace = 0;
  {
    auto store = OpenStore(dir.path());
    workspace = store->EnsureDefaultWorkspace().value();
    ParsedBatch history = Parse(std::string(kPipeline) + "\n" + Deal(1));
    ASSERT_TRUE(store->Apply(workspace, history).ok());
  }
  {
    // Read on the first question.
    auto store = OpenStore(dir.path());
    EXPECT_TRUE(store->CatalogOf(workspace).HasDeal("D1"));
    EXPECT_FALSE(store->CatalogOf(workspace).HasDeal("D2"));
    EXPECT_FALSE(store->CatalogOf(workspace + 1).HasDeal("D1"));  // no such workspace
  }
  {
    // Read in the background while batches arrive: each batch sees every stored id.
    auto store = OpenStore(dir.path());
    store->LoadCatalogsInBackground();
    ParsedBatch known =
        Parse(R"({"type":"stage_change","deal_id":"D1","to":"b","at":"2024-03-02T10:00:00Z"})");
    ApplyResult result = store->Apply(workspace, known);
    for (const std::string& error : result.errors) ADD_FAILURE() << error;
    EXPECT_EQ(result.applied, 1);
    ParsedBatch unknown =
        Parse(R"({"type":"stage_change","deal_id":"D2","to":"b","at":"2024-03-02T10:00:00Z"})");
    result = store->Apply(workspace, unknown);
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_NE(result.errors[0].find("line 1"), std::string::npos) << result.errors[0];
    EXPECT_NE(result.errors[0].find("D2"), std::string::npos) << result.errors[0];
  }
  {
    // Closed while the background read may still run.
    auto store = OpenStore(dir.path());
    store->LoadCatalogsInBackground();
  }
  auto store = OpenStore(dir.path());
  EXPECT_EQ(LoadAll(*store, workspace).size(), 4u);  // settings, pipeline, deal, change
}

}  // namespace
}  // namespace voronka
