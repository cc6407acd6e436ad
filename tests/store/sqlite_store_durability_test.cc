// BulkLoad, reopening, the schema version, workspaces and ingest tokens.
#include <gtest/gtest.h>

#include "store/sqlite/schema.h"
#include "store/sqlite/sqlite_store.h"
#include "store_test_util.h"

namespace voronka {
namespace {

using testing::LoadAll;
using testing::OpenStore;
using testing::Parse;
using testing::ReadFileBytes;
using testing::RowCounts;
using testing::TempDir;

constexpr std::string_view kChunk1 = R"(
{"type":"pipeline","id":"p1","name":"B2B","stages":[{"id":"taken","name":"Взял","semantic":"open"},{"id":"paid","name":"Оплата","semantic":"won"}]}
{"type":"deal","id":"D1","title":"Заказ","pipeline_id":"p1","stage_id":"taken","amount":"100","created_at":"2024-03-01T10:00:00Z"}
)";
// Refers to the deal and the stage of chunk 1.
constexpr std::string_view kChunk2 = R"(
{"type":"stage_change","event_id":"ev-1","deal_id":"D1","to":"paid","at":"2024-03-05T09:30:00Z"}
{"type":"deal","id":"D2","title":"Второй","pipeline_id":"p1","stage_id":"taken","amount":"5","created_at":"2024-03-02T10:00:00Z"}
)";
constexpr std::string_view kBadChunk = R"(
{"type":"task","id":"t1","deal_id":"D2","created_at":"2024-03-02T10:00:00Z"}
{"type":"stage_change","deal_id":"D1","to":"lost-somewhere","at":"2024-03-06T09:30:00Z"}
)";

TEST(SqliteStoreBulkTest, ChunksSeeEarlierChunksAndCommitTogether) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  int64_t workspace = store->EnsureDefaultWorkspace().value();
  auto bulk = store->BeginBulk(workspace);
  ASSERT_TRUE(bulk.ok()) << bulk.message();
  ParsedBatch first = Parse(kChunk1);
  ParsedBatch second = Parse(kChunk2);
  EXPECT_EQ((*bulk)->Add(first).applied, 2);
  ApplyResult added = (*bulk)->Add(second);
  for (const std::string& error : added.errors) ADD_FAILURE() << error;
  EXPECT_EQ(added.applied, 2);
  // Nothing is visible to readers before the commit.
  EXPECT_EQ(RowCounts(store->path())["deals"], 0);
  ASSERT_TRUE((*bulk)->Commit().ok());
  EXPECT_FALSE((*bulk)->Commit().ok());  // once only
  bulk->reset();

  EXPECT_EQ(RowCounts(store->path())["deals"], 2);
  EXPECT_EQ(RowCounts(store->path())["stage_changes"], 1);
  // settings + pipeline + 2 deals + stage change
  EXPECT_EQ(LoadAll(*store, workspace).size(), 5u);
  // The writer's turn is free again.
  ParsedBatch more = Parse(R"({"type":"user","id":"u1","name":"Аделина"})");
  EXPECT_TRUE(store->Apply(workspace, more).ok());
}

TEST(SqliteStoreBulkTest, AChunkErrorRollsBackEveryChunk) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  int64_t workspace = store->EnsureDefaultWorkspace().value();
  std::map<std::string, int64_t> counts_before = RowCounts(store->path());
  {
    auto bulk = store->BeginBulk(workspace);
    ASSERT_TRUE(bulk.ok());
    ParsedBatch first = Parse(kChunk1);
    ParsedBatch second = Parse(kChunk2);
    ParsedBatch bad = Parse(kBadChunk);
    ASSERT_TRUE((*bulk)->Add(first).ok());
    ASSERT_TRUE((*bulk)->Add(second).ok());
    ApplyResult failed = (*bulk)->Add(bad);
    ASSERT_EQ(failed.errors.size(), 1u);
    EXPECT_NE(failed.errors[0].find("line 3"), std::string::npos) << failed.errors[0];
    EXPECT_FALSE((*bulk)->Add(first).ok());
    EXPECT_FALSE((*bulk)->Commit().ok());
  }
  EXPECT_EQ(RowCounts(store->path()), counts_before);
  EXPECT_EQ(LoadAll(*store, workspace).size(), 1u);  // the settings only
  // The ids of the rolled-back chunks are forgotten: D1 is unknown again.
  EXPECT_FALSE(store->CatalogOf(workspace).HasDeal("D1"));
  EXPECT_FALSE(store->CatalogOf(workspace).HasPipeline("p1"));
  // And the event id of chunk 2 was not used up.
  ParsedBatch again = Parse(std::string(kChunk1) + std::string(kChunk2));
  ApplyResult result = store->Apply(workspace, again);
  EXPECT_EQ(result.applied, 4);
}

TEST(SqliteStoreBulkTest, DestroyingAnUncommittedLoadStoresNothing) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  int64_t workspace = store->EnsureDefaultWorkspace().value();
  {
    auto bulk = store->BeginBulk(workspace);
    ASSERT_TRUE(bulk.ok());
    ParsedBatch first = Parse(kChunk1);
    ASSERT_TRUE((*bulk)->Add(first).ok());
  }
  EXPECT_EQ(RowCounts(store->path())["deals"], 0);
  EXPECT_EQ(RowCounts(store->path())["pipelines"], 0);
  EXPECT_FALSE(store->CatalogOf(workspace).HasDeal("D1"));
}

TEST(SqliteStoreReopenTest, EverythingSurvivesClosingAndOpening) {
  TempDir dir;
  std::vector<Record> before;
  int64_t workspace = 0;
  std::string token;
  {
    auto store = OpenStore(dir.path());
    workspace = store->EnsureDefaultWorkspace().value();
    ParsedBatch batch = Parse(std::string(kChunk1) + std::string(kChunk2) +
                              R"({"type":"workspace","name":"ООО Пример","locale":"en"})");
    ASSERT_TRUE(store->Apply(workspace, batch).ok());
    token = store->CreateIngestToken(workspace).value();
    before = LoadAll(*store, workspace);
  }
  auto store = OpenStore(dir.path());
  EXPECT_EQ(store->EnsureDefaultWorkspace().value(), workspace);
  ASSERT_EQ(store->Workspaces().size(), 1u);
  EXPECT_EQ(store->Workspaces()[0].settings.name, "ООО Пример");
  EXPECT_EQ(store->Workspaces()[0].settings.locale, "en");
  EXPECT_TRUE(LoadAll(*store, workspace) == before);
  EXPECT_EQ(store->WorkspaceOfToken(token), workspace);
  // The catalog is rebuilt from the file: D2 and stage "paid" are known, an exact repeat of
  // the stored stage change is skipped.
  ParsedBatch later = Parse(R"(
{"type":"stage_change","deal_id":"D2","to":"paid","at":"2024-03-09T00:00:00Z"}
{"type":"stage_change","deal_id":"D1","to":"paid","at":"2024-03-05T09:30:00Z"}
)");
  ApplyResult result = store->Apply(workspace, later);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.applied, 1);
  EXPECT_EQ(result.skipped, 1);
}

TEST(SqliteStoreSchemaTest, OpenMigratesToTheLatestVersionAndRefusesANewerOne) {
  TempDir dir;
  std::string path;
  {
    auto store = OpenStore(dir.path() + "/nested/data");  // directories are created
    ASSERT_NE(store, nullptr);
    path = store->path();
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite::SchemaVersion(db).value(), sqlite::LatestSchemaVersion());
  // 1: records, 2: accounts and sessions, 3: workspace settings, 4: saved reports and goal
  // withdrawals, 5: failed logins, 6: CRM hook credentials and sync marks, 7: activity counts
  EXPECT_EQ(sqlite::LatestSchemaVersion(), 7);
  sqlite3_exec(db, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  auto newer = SqliteStore::Open(dir.path() + "/nested/data");
  ASSERT_FALSE(newer.ok());
  EXPECT_NE(newer.message().find("newer"), std::string::npos) << newer.message();
}

// A data directory of version 6 holds activities but no counts: migration 7 counts them.
TEST(SqliteStoreSchemaTest, MigrationSevenCountsTheStoredActivities) {
  TempDir dir;
  std::string path;
  int64_t workspace = 0;
  {
    auto store = OpenStore(dir.path());
    workspace = store->EnsureDefaultWorkspace().value();
    ParsedBatch batch = Parse(R"(
{"type":"activity","id":"a1","kind":"call","direction":"out","at":"2024-03-02T10:00:00Z"}
{"type":"activity","id":"a2","kind":"email","direction":"in","at":"2024-03-03T10:00:00Z"}
{"type":"activity","id":"a3","kind":"call","direction":"out","at":"2024-03-04T10:00:00Z"}
)");
    ASSERT_TRUE(store->Apply(workspace, batch).ok());
    EXPECT_EQ(store->ActivityCount(workspace).value(), 3);
    path = store->path();
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "DROP TABLE workspace_counts; UPDATE schema_version SET version = 6",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = OpenStore(dir.path());
  EXPECT_EQ(store->ActivityCount(workspace).value(), 3);
}

TEST(SqliteStoreWorkspaceTest, TheDefaultWorkspaceIsCreatedOnce) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  EXPECT_TRUE(store->Workspaces().empty());
  int64_t id = store->EnsureDefaultWorkspace().value();
  EXPECT_EQ(store->EnsureDefaultWorkspace().value(), id);
  std::vector<WorkspaceInfo> workspaces = store->Workspaces();
  ASSERT_EQ(workspaces.size(), 1u);
  EXPECT_EQ(workspaces[0].name, "default");
  WorkspaceRecord expected{std::nullopt, "UTC", "RUB", "ru", std::nullopt, std::nullopt};
  EXPECT_TRUE(workspaces[0].settings == expected);
  EXPECT_FALSE(store->CreateWorkspace("default").ok());
  EXPECT_FALSE(store->CreateWorkspace("").ok());
}

TEST(SqliteStoreTokenTest, OnlyTheHashIsStoredAndOnlyTheTokenOpens) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  int64_t first = store->EnsureDefaultWorkspace().value();
  int64_t second = store->CreateWorkspace("acme").value();
  EXPECT_FALSE(store->HasIngestToken(first));

  std::string token = store->CreateIngestToken(first).value();
  std::string other = store->CreateIngestToken(second).value();
  EXPECT_NE(token, other);
  EXPECT_GE(token.size(), 40u);  // 256 random bits
  EXPECT_TRUE(store->HasIngestToken(first));
  EXPECT_EQ(store->WorkspaceOfToken(token), first);
  EXPECT_EQ(store->WorkspaceOfToken(other), second);

  std::string wrong = token;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  EXPECT_EQ(store->WorkspaceOfToken(wrong), std::nullopt);
  EXPECT_EQ(store->WorkspaceOfToken(""), std::nullopt);
  EXPECT_EQ(store->WorkspaceOfToken(token.substr(3)), std::nullopt);
  EXPECT_FALSE(store->CreateIngestToken(12345).ok());

  // Neither the database nor its write-ahead log holds the token's text.
  std::string bytes = ReadFileBytes(store->path()) + ReadFileBytes(store->path() + "-wal");
  EXPECT_GT(bytes.size(), 0u);
  EXPECT_EQ(bytes.find(token), std::string::npos);
  EXPECT_EQ(bytes.find(token.substr(3, 20)), std::string::npos);
  EXPECT_EQ(RowCounts(store->path())["ingest_tokens"], 2);
}

}  // namespace
}  // namespace voronka
