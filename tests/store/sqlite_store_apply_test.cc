// Apply: upserts, idempotency (event_id, exact repeats) and atomicity.
#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"
#include "store_test_util.h"

namespace voronka {
namespace {

using testing::LoadAll;
using testing::OpenStore;
using testing::Parse;
using testing::RowCounts;
using testing::TempDir;

// A pipeline, a manager and one deal with a custom field.
constexpr std::string_view kBase = R"(
{"type":"pipeline","id":"p1","name":"B2B","entity":"deal","stages":[{"id":"taken","name":"Взял","semantic":"open"},{"id":"invoice","name":"Счёт","semantic":"open"},{"id":"paid","name":"Оплата","semantic":"won"},{"id":"failed","name":"Провалена","semantic":"lost"}]}
{"type":"user","id":"u1","name":"Аделина"}
{"type":"deal","id":"D1","title":"Заказ","pipeline_id":"p1","stage_id":"taken","amount":"150000.00","responsible_id":"u1","created_at":"2024-03-01T10:00:00+03:00","fields":{"delivery":"yes","size":"L"}}
)";

class SqliteStoreApplyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenStore(dir_.path());
    workspace_ = store_->EnsureDefaultWorkspace().value();
    ApplyResult base = Apply(kBase);
    ASSERT_TRUE(base.ok());
    ASSERT_EQ(base.applied, 3);
  }

  ApplyResult Apply(std::string_view ndjson) {
    ParsedBatch batch = Parse(ndjson);
    return store_->Apply(workspace_, batch);
  }

  template <typename T>
  std::vector<T> Loaded() {
    std::vector<T> out;
    for (const Record& record : LoadAll(*store_, workspace_)) {
      if (const T* body = std::get_if<T>(&record.body)) out.push_back(*body);
    }
    return out;
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  int64_t workspace_ = 0;
};

TEST_F(SqliteStoreApplyTest, ADealWithAKnownIdReplacesTheStoredOne) {
  ApplyResult result = Apply(
      R"({"type":"deal","id":"D1","title":"Заказ, ресинк","pipeline_id":"p1","stage_id":"invoice","amount":"99.99","created_at":"2024-03-01T10:00:00+03:00","fields":{"delivery":"no"}})");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.applied, 1);

  std::vector<DealRecord> deals = Loaded<DealRecord>();
  ASSERT_EQ(deals.size(), 1u);
  EXPECT_EQ(deals[0].title, "Заказ, ресинк");
  EXPECT_EQ(deals[0].stage_id, "invoice");
  EXPECT_EQ(deals[0].amount, 9999);
  EXPECT_EQ(deals[0].responsible_id, std::nullopt);  // not in the new record: gone
  // The field list is replaced as a whole: "size" is gone, "delivery" changed.
  ASSERT_EQ(deals[0].fields.size(), 1u);
  EXPECT_EQ(deals[0].fields[0].name, "delivery");
  EXPECT_EQ(deals[0].fields[0].value.text, "no");
  EXPECT_EQ(RowCounts(store_->path())["deal_fields"], 1);
}

// The store counts each workspace's activities as batches add them (a start-up sizes the
// engine by it): an activity sent again is one activity, a batch rolled back adds none.
TEST_F(SqliteStoreApplyTest, TheActivityCountIsTheNumberOfDistinctActivities) {
  EXPECT_EQ(store_->ActivityCount(workspace_).value(), 0);
  ASSERT_TRUE(Apply(R"(
{"type":"activity","id":"a1","kind":"call","direction":"out","deal_id":"D1","at":"2024-03-02T10:00:00Z"}
{"type":"activity","id":"a2","kind":"email","direction":"in","deal_id":"D1","at":"2024-03-03T10:00:00Z"}
)")
                  .ok());
  EXPECT_EQ(store_->ActivityCount(workspace_).value(), 2);
  // a1 again, changed (replaced, not added), and a new a3: three.
  ASSERT_TRUE(Apply(R"(
{"type":"activity","id":"a1","kind":"meeting","direction":"out","deal_id":"D1","at":"2024-03-02T11:00:00Z"}
{"type":"activity","id":"a3","kind":"call","direction":"in","at":"2024-03-04T10:00:00Z"}
)")
                  .ok());
  EXPECT_EQ(store_->ActivityCount(workspace_).value(), 3);
  std::vector<ActivityRecord> activities = Loaded<ActivityRecord>();
  ASSERT_EQ(activities.size(), 3u);
  EXPECT_EQ(activities[0].id, "a1");
  EXPECT_EQ(activities[0].kind, ActivityKind::kMeeting);  // the update was stored
  {
    // A bulk load of a4 and a5 that is never committed: rolled back, counts included.
    auto bulk = store_->BeginBulk(workspace_);
    ASSERT_TRUE(bulk.ok());
    ParsedBatch batch = Parse(R"(
{"type":"activity","id":"a4","kind":"call","direction":"out","at":"2024-03-05T10:00:00Z"}
{"type":"activity","id":"a5","kind":"call","direction":"out","at":"2024-03-06T10:00:00Z"}
)");
    ASSERT_TRUE((*bulk)->Add(batch).ok());
  }
  EXPECT_EQ(store_->ActivityCount(workspace_).value(), 3);
}

TEST_F(SqliteStoreApplyTest, EntitiesAreUpsertedById) {
  ApplyResult result = Apply(R"(
{"type":"user","id":"u1","name":"Аделина К.","active":false}
{"type":"company","id":"c1","name":"Ромашка"}
{"type":"activity","id":"a1","kind":"call","direction":"out","deal_id":"D1","at":"2024-03-02T10:00:00Z"}
{"type":"task","id":"t1","deal_id":"D1","created_at":"2024-03-02T10:00:00Z"}
{"type":"goal","id":"g1","scope":"workspace","metric":"won_count","period":"2024-03","target":"10"}
)");
  ASSERT_TRUE(result.ok());
  result = Apply(R"(
{"type":"company","id":"c1","name":"Ромашка+"}
{"type":"activity","id":"a1","kind":"email","direction":"in","deal_id":"D1","at":"2024-03-02T11:00:00Z"}
{"type":"task","id":"t1","deal_id":"D1","created_at":"2024-03-02T10:00:00Z","completed_at":"2024-03-03T10:00:00Z"}
{"type":"goal","id":"g1","scope":"workspace","metric":"won_count","period":"2024-03","target":"12"}
)");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.applied, 4);

  std::vector<UserRecord> users = Loaded<UserRecord>();
  ASSERT_EQ(users.size(), 1u);
  EXPECT_EQ(users[0].name, "Аделина К.");
  EXPECT_FALSE(users[0].active);
  std::vector<CompanyRecord> companies = Loaded<CompanyRecord>();
  ASSERT_EQ(companies.size(), 1u);
  EXPECT_EQ(companies[0].name, "Ромашка+");
  std::vector<ActivityRecord> activities = Loaded<ActivityRecord>();
  ASSERT_EQ(activities.size(), 1u);
  EXPECT_EQ(activities[0].kind, ActivityKind::kEmail);
  std::vector<TaskRecord> tasks = Loaded<TaskRecord>();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_TRUE(tasks[0].completed_at.has_value());
  std::vector<GoalRecord> goals = Loaded<GoalRecord>();
  ASSERT_EQ(goals.size(), 1u);
  EXPECT_EQ(goals[0].target, 12);
}

TEST_F(SqliteStoreApplyTest, AResyncedPipelineReplacesItsStages) {
  ApplyResult result = Apply(
      R"({"type":"pipeline","id":"p1","name":"B2B v2","stages":[{"id":"taken","name":"Взял","semantic":"open"},{"id":"paid","name":"Оплата","semantic":"won"}]})");
  ASSERT_TRUE(result.ok());
  std::vector<PipelineRecord> pipelines = Loaded<PipelineRecord>();
  ASSERT_EQ(pipelines.size(), 1u);
  ASSERT_EQ(pipelines[0].stages.size(), 2u);
  EXPECT_EQ(pipelines[0].stages[1].id, "paid");
  EXPECT_EQ(RowCounts(store_->path())["stages"], 2);

  // "invoice" is no longer a stage of the workspace.
  result =
      Apply(R"({"type":"stage_change","deal_id":"D1","to":"invoice","at":"2024-03-05T09:30:00Z"})");
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(store_->CatalogOf(workspace_).PipelineOfStage("invoice"), std::nullopt);
  EXPECT_EQ(store_->CatalogOf(workspace_).PipelineOfStage("paid"), "p1");
}

TEST_F(SqliteStoreApplyTest, AStageMovesToAnotherPipelineWhenBothAreResynced) {
  ASSERT_TRUE(
      Apply(
          R"({"type":"pipeline","id":"p2","name":"B2C","stages":[{"id":"new","name":"Новый","semantic":"open"}]})")
          .ok());
  // "invoice" leaves p1 for p2 in one batch.
  ApplyResult result = Apply(R"(
{"type":"pipeline","id":"p1","name":"B2B","stages":[{"id":"taken","name":"Взял","semantic":"open"},{"id":"paid","name":"Оплата","semantic":"won"}]}
{"type":"pipeline","id":"p2","name":"B2C","stages":[{"id":"new","name":"Новый","semantic":"open"},{"id":"invoice","name":"Счёт","semantic":"open"}]}
)");
  for (const std::string& error : result.errors) ADD_FAILURE() << error;
  std::vector<PipelineRecord> pipelines = Loaded<PipelineRecord>();
  ASSERT_EQ(pipelines.size(), 2u);
  EXPECT_EQ(pipelines[0].stages.size(), 2u);  // p1: taken, paid
  ASSERT_EQ(pipelines[1].stages.size(), 2u);  // p2: new, invoice
  EXPECT_EQ(pipelines[1].stages[1].id, "invoice");
  EXPECT_EQ(store_->CatalogOf(workspace_).PipelineOfStage("invoice"), "p2");
  EXPECT_EQ(store_->CatalogOf(workspace_).PipelineOfStage("failed"), std::nullopt);
  EXPECT_EQ(RowCounts(store_->path())["stages"], 4);
}

TEST_F(SqliteStoreApplyTest, ARecordWithAnAppliedEventIdIsSkipped) {
  constexpr std::string_view kEvents = R"(
{"type":"stage_change","event_id":"ev-1","deal_id":"D1","to":"invoice","at":"2024-03-05T09:30:00Z"}
{"type":"deal_update","event_id":"ev-2","id":"D1","at":"2024-03-06T00:00:00Z","set":{"amount":"1.00"}}
{"type":"activity","event_id":"ev-3","id":"a1","kind":"call","direction":"out","deal_id":"D1","at":"2024-03-02T10:00:00Z"}
)";
  ApplyResult first = Apply(kEvents);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.applied, 3);
  EXPECT_EQ(first.skipped, 0);

  ApplyResult again = Apply(kEvents);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.applied, 0);
  EXPECT_EQ(again.skipped, 3);
  EXPECT_TRUE(again.applied_indices.empty());

  // The same event id on a different record is skipped too: the id, not the content, counts.
  ApplyResult different = Apply(R"(
{"type":"user","id":"u9","name":"Новый"}
{"type":"deal_update","event_id":"ev-2","id":"D1","at":"2024-03-07T00:00:00Z","set":{"amount":"2.00"}}
)");
  ASSERT_TRUE(different.ok());
  EXPECT_EQ(different.applied, 1);
  EXPECT_EQ(different.skipped, 1);
  EXPECT_EQ(different.applied_indices, std::vector<uint32_t>{0});
  EXPECT_EQ(Loaded<DealUpdateRecord>().size(), 1u);
  EXPECT_EQ(RowCounts(store_->path())["applied_events"], 3);
}

TEST_F(SqliteStoreApplyTest, ExactRepeatsOfUpdatesAndStageChangesAreSkipped) {
  ApplyResult first = Apply(R"(
{"type":"deal_update","id":"D1","at":"2024-03-06T00:00:00Z","set":{"amount":"1.00","fields":{"delivery":"no"}}}
{"type":"stage_change","deal_id":"D1","to":"invoice","at":"2024-03-05T09:30:00Z","by":"u1"}
{"type":"task","id":"t1","deal_id":"D1","created_at":"2024-03-02T10:00:00Z"}
{"type":"task_update","id":"t1","at":"2024-03-07T00:00:00Z","set":{"completed_at":"2024-03-07T00:00:00Z"}}
)");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first.applied, 4);

  ApplyResult second = Apply(R"(
{"type":"deal_update","id":"D1","at":"2024-03-06T00:00:00Z","set":{"amount":"1.00","fields":{"delivery":"no"}}}
{"type":"deal_update","id":"D1","at":"2024-03-06T00:00:00Z","set":{"amount":"1.00","fields":{"delivery":"yes"}}}
{"type":"deal_update","id":"D1","at":"2024-03-06T00:00:01Z","set":{"amount":"1.00","fields":{"delivery":"no"}}}
{"type":"stage_change","deal_id":"D1","to":"invoice","at":"2024-03-05T09:30:00Z","by":"u2"}
{"type":"stage_change","deal_id":"D1","to":"paid","at":"2024-03-05T09:30:00Z"}
{"type":"task_update","id":"t1","at":"2024-03-07T00:00:00Z","set":{"completed_at":"2024-03-07T00:00:00Z"}}
{"type":"task_update","id":"t1","at":"2024-03-07T00:00:00Z","set":{"completed_at":null}}
)");
  ASSERT_TRUE(second.ok());
  // Skipped: line 1 (same update), line 4 (same deal, stage and time; "by" does not matter),
  // line 6 (same task update). Stored: a different field value (2), a different time (3),
  // another stage at the same time (5), a different completed_at (7).
  EXPECT_EQ(second.skipped, 3);
  EXPECT_EQ(second.applied, 4);
  EXPECT_EQ(second.applied_indices, (std::vector<uint32_t>{1, 2, 4, 6}));
  EXPECT_EQ(Loaded<DealUpdateRecord>().size(), 3u);
  EXPECT_EQ(Loaded<StageChangeRecord>().size(), 2u);
  EXPECT_EQ(Loaded<TaskUpdateRecord>().size(), 2u);
  EXPECT_EQ(Loaded<StageChangeRecord>()[0].by, "u1");  // the first one stays
}

TEST_F(SqliteStoreApplyTest, ABatchWithOneBadLineStoresNothing) {
  ASSERT_TRUE(
      Apply(R"({"type":"stage_change","deal_id":"D1","to":"invoice","at":"2024-03-05T09:30:00Z"})")
          .ok());
  std::map<std::string, int64_t> counts_before = RowCounts(store_->path());
  std::vector<Record> records_before = LoadAll(*store_, workspace_);

  ApplyResult result = Apply(R"(
{"type":"user","id":"u2","name":"Тимур"}
{"type":"workspace","time_zone":"Europe/Moscow"}
{"type":"deal","id":"D2","title":"Новая","pipeline_id":"p1","stage_id":"taken","amount":"10","created_at":"2024-03-02T10:00:00Z","fields":{"x":1}}
{"type":"deal_update","event_id":"ev-9","id":"D1","at":"2024-03-06T00:00:00Z","set":{"amount":"1.00"}}
{"type":"stage_change","deal_id":"D2","to":"paied","at":"2024-03-05T09:30:00Z"}
{"type":"activity","id":"a1","kind":"call","direction":"out","deal_id":"D2","at":"2024-03-02T10:00:00Z"}
)");
  ASSERT_FALSE(result.ok());
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].find("line 6"), std::string::npos) << result.errors[0];
  EXPECT_NE(result.errors[0].find("paied"), std::string::npos) << result.errors[0];
  EXPECT_EQ(result.applied, 0);
  EXPECT_TRUE(result.applied_indices.empty());

  EXPECT_EQ(RowCounts(store_->path()), counts_before);
  EXPECT_TRUE(LoadAll(*store_, workspace_) == records_before);
  EXPECT_EQ(store_->FindWorkspace(workspace_)->settings.time_zone, "UTC");
  EXPECT_FALSE(store_->CatalogOf(workspace_).HasDeal("D2"));
  // The event id of the refused batch was not used up.
  ApplyResult retry = Apply(
      R"({"type":"deal_update","event_id":"ev-9","id":"D1","at":"2024-03-06T00:00:00Z","set":{"amount":"1.00"}})");
  EXPECT_EQ(retry.applied, 1);
}

TEST_F(SqliteStoreApplyTest, ABatchWithParseErrorsIsRefusedAsItIs) {
  ParsedBatch batch = ParseNdjson(R"({"type":"user","id":"u2","name":"Тимур"}
{"type":"deal","id":"D2"})");
  ASSERT_FALSE(batch.ok());
  std::map<std::string, int64_t> counts_before = RowCounts(store_->path());
  ApplyResult result = store_->Apply(workspace_, batch);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.errors, batch.errors);
  EXPECT_EQ(RowCounts(store_->path()), counts_before);
}

TEST_F(SqliteStoreApplyTest, WorkspacesDoNotShareRecords) {
  int64_t other = store_->CreateWorkspace("acme").value();
  EXPECT_FALSE(store_->CatalogOf(other).HasDeal("D1"));
  ParsedBatch batch = Parse(kBase);
  ApplyResult result = store_->Apply(other, batch);
  ASSERT_TRUE(result.ok());
  // The same ids in another workspace are new records there, not replacements here.
  EXPECT_EQ(result.applied, 3);
  EXPECT_EQ(RowCounts(store_->path())["deals"], 2);
  EXPECT_EQ(LoadAll(*store_, other).size(), 4u);  // settings + pipeline + user + deal
  EXPECT_EQ(LoadAll(*store_, workspace_).size(), 4u);

  ParsedBatch none;
  EXPECT_FALSE(store_->Apply(9999, none).ok());
}

// Updates are read back in the order they were stored, each with its own custom fields, while
// the other workspace's updates lie between them in the same table.
TEST_F(SqliteStoreApplyTest, UpdatesInterleavedWithAnotherWorkspacesLoadBackInOrder) {
  int64_t other = store_->CreateWorkspace("acme").value();
  ParsedBatch base = Parse(kBase);
  ASSERT_TRUE(store_->Apply(other, base).ok());
  auto update = [](std::string_view at, std::string_view set) {
    return R"({"type":"deal_update","id":"D1","at":")" + std::string(at) + R"(","set":)" +
           std::string(set) + "}";
  };
  auto apply = [&](int64_t workspace, const std::string& ndjson) {
    ParsedBatch batch = Parse(ndjson);
    ASSERT_TRUE(store_->Apply(workspace, batch).ok()) << ndjson;
  };
  apply(workspace_, update("2024-03-05T00:00:00Z", R"({"amount":"1.00","fields":{"size":"M"}})"));
  apply(other, update("2024-03-04T00:00:00Z", R"({"fields":{"size":"XL","delivery":"no"}})"));
  apply(workspace_, update("2024-03-02T00:00:00Z", R"({"title":"Второй"})"));
  apply(other, update("2024-03-03T00:00:00Z", R"({"amount":"3.00"})"));
  apply(workspace_, update("2024-03-06T00:00:00Z", R"({"fields":{"delivery":"no"}})"));

  auto updates_of = [&](int64_t workspace) {
    std::vector<DealUpdateRecord> out;
    for (const Record& record : LoadAll(*store_, workspace)) {
      if (const auto* body = std::get_if<DealUpdateRecord>(&record.body)) out.push_back(*body);
    }
    return out;
  };
  std::vector<DealUpdateRecord> here = updates_of(workspace_);
  ASSERT_EQ(here.size(), 3u);
  EXPECT_EQ(here[0].amount, 100);
  ASSERT_EQ(here[0].fields.size(), 1u);
  EXPECT_EQ(here[0].fields[0].name, "size");
  EXPECT_EQ(here[1].title, "Второй");
  EXPECT_TRUE(here[1].fields.empty());
  ASSERT_EQ(here[2].fields.size(), 1u);
  EXPECT_EQ(here[2].fields[0].name, "delivery");

  std::vector<DealUpdateRecord> there = updates_of(other);
  ASSERT_EQ(there.size(), 2u);
  ASSERT_EQ(there[0].fields.size(), 2u);
  EXPECT_EQ(there[0].fields[0].name, "size");
  EXPECT_EQ(there[0].fields[1].name, "delivery");
  EXPECT_EQ(there[1].amount, 300);
  EXPECT_TRUE(there[1].fields.empty());
  EXPECT_FALSE(store_->Load(9999, [](const Record&) {}).ok());
}

}  // namespace
}  // namespace voronka
