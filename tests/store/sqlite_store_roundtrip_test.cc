// Every record type goes in and comes back equal (operator==), in definition order.
#include <gtest/gtest.h>

#include "store/sqlite/sqlite_store.h"
#include "store_test_util.h"

namespace voronka {
namespace {

using testing::BatchOf;
using testing::LoadAll;
using testing::OpenStore;
using testing::TempDir;

Instant At(const char* text) {
  return ParseInstant(text).value();
}

FieldValue Text(std::string text) {
  FieldValue value;
  value.kind = FieldValue::Kind::kString;
  value.text = std::move(text);
  return value;
}

FieldValue Number(std::string text, double number) {
  FieldValue value;
  value.kind = FieldValue::Kind::kNumber;
  value.text = std::move(text);
  value.number = number;
  return value;
}

FieldValue Bool(bool flag) {
  FieldValue value;
  value.kind = FieldValue::Kind::kBool;
  value.boolean = flag;
  return value;
}

FieldValue List(std::vector<std::string> items) {
  FieldValue value;
  value.kind = FieldValue::Kind::kList;
  value.items = std::move(items);
  return value;
}

// One record of every type, and of the optional members both the given and the absent form.
struct History {
  WorkspaceRecord workspace{"ООО Пример",
                            "Europe/Moscow",
                            std::nullopt,
                            std::nullopt,
                            "https://example.bitrix24.ru/crm/deal/details/{id}/",
                            10};
  std::vector<Record> departments = {
      {"e-d1", DepartmentRecord{"d1", "Продажи", std::nullopt, "u1"}},
      {std::nullopt, DepartmentRecord{"d2", "Опт", "d1", std::nullopt}}};
  std::vector<Record> users = {
      {std::nullopt, UserRecord{"u1", "Аделина", "d1", true, 30}},
      {"e-u2", UserRecord{"u2", "Тимур", std::nullopt, false, std::nullopt}}};
  std::vector<Record> pipelines = {
      {std::nullopt, PipelineRecord{"p1",
                                    "B2B",
                                    Entity::kDeal,
                                    {{"taken", "Взял в работу", StageSemantic::kOpen},
                                     {"paid", "Оплата получена", StageSemantic::kWon},
                                     {"failed", "Провалена", StageSemantic::kLost}}}},
      {"e-p2", PipelineRecord{"p2",
                              "Лиды",
                              Entity::kLead,
                              {{"new", "Новый", StageSemantic::kOpen},
                               {"converted", "Сконвертирован", StageSemantic::kWon}}}},
      {std::nullopt, PipelineRecord{"p3", "Пустая", Entity::kDeal, {}}}};
  std::vector<Record> companies = {{"e-c7", CompanyRecord{"c7", "ООО \"Ромашка\""}}};
  std::vector<Record> contacts = {{std::nullopt, ContactRecord{"k1", "Тимур", "c7"}},
                                  {std::nullopt, ContactRecord{"k2", "Анна", std::nullopt}}};
  std::vector<Record> deals = {
      {"e-D1", DealRecord{"D1",
                          Entity::kDeal,
                          "Заказ 3365",
                          "p1",
                          "taken",
                          15000000,
                          200000,
                          "USD",
                          "u1",
                          "c7",
                          "k1",
                          "cold_base",
                          "sale",
                          At("2024-03-01T10:00:00+03:00"),
                          "дорого",
                          "L1",
                          {{"delivery", Text("yes")},
                           {"weight", Number("12.50", 12.5)},
                           {"big", Number("9007199254740993", 9007199254740992.0)},
                           {"urgent", Bool(true)},
                           {"paid_cash", Bool(false)},
                           {"tags", List({"vip", "опт", "a\"b\\c\nd"})},
                           {"empty", List({})},
                           {"cleared", FieldValue{}},
                           {"quote", Text("line1\nline2\t\"q\" \x01 ✓")}}}},
      {std::nullopt, DealRecord{"L1",
                                Entity::kLead,
                                "",
                                "p2",
                                "new",
                                0,
                                std::nullopt,
                                std::nullopt,
                                std::nullopt,
                                std::nullopt,
                                std::nullopt,
                                std::nullopt,
                                std::nullopt,
                                At("2024-02-28T23:59:59.5Z"),
                                std::nullopt,
                                std::nullopt,
                                {}}}};
  std::vector<Record> deal_updates = [] {
    DealUpdateRecord full;
    full.id = "D1";
    full.at = At("2024-03-02T12:00:00+03:00");
    full.title = "Заказ 3365 (доп.)";
    full.amount = 18000000;
    full.responsible_id = std::optional<std::string>("u2");
    full.company_id = std::optional<std::string>();  // cleared
    full.loss_reason = std::optional<std::string>("дорого");
    full.converted_to = std::optional<std::string>();
    full.fields = {{"delivery", Text("no")}, {"cleared", FieldValue{}}};
    DealUpdateRecord bare;
    bare.id = "L1";
    bare.at = At("2024-03-03T00:00:00Z");
    DealUpdateRecord rest;
    rest.id = "D1";
    rest.at = At("2024-03-04T00:00:00Z");
    rest.contact_id = std::optional<std::string>("k2");
    rest.source = std::optional<std::string>();
    rest.deal_type = std::optional<std::string>("resale");
    return std::vector<Record>{{"e-up1", full}, {std::nullopt, bare}, {std::nullopt, rest}};
  }();
  std::vector<Record> stage_changes = {
      {"e-sc1", StageChangeRecord{"D1", "taken", "paid", At("2024-03-05T09:30:00+03:00"), "u1"}},
      {std::nullopt, StageChangeRecord{"L1", std::nullopt, "converted", At("2024-03-06T00:00:00Z"),
                                       std::nullopt}}};
  std::vector<Record> activities = {
      {"e-a1",
       ActivityRecord{"a1", ActivityKind::kCall, Direction::kOut, "D1", std::nullopt, std::nullopt,
                      "u1", At("2024-03-05T09:35:00+03:00"), 240, "telephony", std::nullopt}},
      {std::nullopt,
       ActivityRecord{"a2", ActivityKind::kNps, Direction::kIn, std::nullopt, "k1", "c7",
                      std::nullopt, At("2024-03-07T00:00:00Z"), std::nullopt, std::nullopt, 9}}};
  std::vector<Record> tasks = {
      {std::nullopt, TaskRecord{"t1", "D1", "u1", "Позвонить", At("2024-03-01T11:00:00Z"),
                                At("2024-03-03T18:00:00Z"), std::nullopt}},
      {"e-t2", TaskRecord{"t2", std::nullopt, std::nullopt, std::nullopt,
                          At("2024-03-01T12:00:00Z"), std::nullopt, At("2024-03-02T00:00:00Z")}}};
  std::vector<Record> task_updates = [] {
    TaskUpdateRecord done;
    done.id = "t1";
    done.at = At("2024-03-03T17:00:00Z");
    done.completed_at = std::optional<Instant>(At("2024-03-03T17:00:00Z"));
    done.deadline = std::optional<Instant>();  // cleared
    TaskUpdateRecord reassigned;
    reassigned.id = "t1";
    reassigned.at = At("2024-03-04T09:00:00Z");
    reassigned.user_id = std::optional<std::string>("u2");
    reassigned.completed_at = std::optional<Instant>();  // reopened
    TaskUpdateRecord unassigned;
    unassigned.id = "t2";
    unassigned.at = At("2024-03-04T10:00:00Z");
    unassigned.user_id = std::optional<std::string>();
    unassigned.deadline = std::optional<Instant>(At("2024-04-01T00:00:00Z"));
    return std::vector<Record>{
        {std::nullopt, done}, {"e-tu2", reassigned}, {std::nullopt, unassigned}};
  }();
  std::vector<Record> goals = {
      {std::nullopt, GoalRecord{"g1", GoalScope::kUser, "u1", "won_amount", "2024-03", 50000000}},
      {"e-g2", GoalRecord{"g2", GoalScope::kWorkspace, std::nullopt, "won_count", "2024-Q1", 10}},
      {std::nullopt, GoalRecord{"g3", GoalScope::kDepartment, "d1", "created_count", "2024", 1200}},
      {"e-g4", GoalRecord{"g4", GoalScope::kWorkspace, std::nullopt, "", "", 0, true}}};

  // The order a file might bring them in: events first where references allow.
  std::vector<Record> InArrivalOrder() const {
    std::vector<Record> all;
    auto add = [&all](const std::vector<Record>& part) {
      all.insert(all.end(), part.begin(), part.end());
    };
    add(goals);
    add(pipelines);
    add(companies);
    add(deals);
    add(tasks);
    add(task_updates);
    add(stage_changes);
    add(users);
    add(activities);
    add(deal_updates);
    add(departments);
    all.push_back(Record{"e-ws", workspace});
    return all;
  }

  // What Load promises: settings, then departments, users, pipelines, companies, contacts,
  // deals, deal_updates, stage_changes, activities, tasks, task_updates, goals.
  std::vector<Record> InLoadOrder() const {
    WorkspaceRecord merged = workspace;
    merged.currency = "RUB";  // the defaults of the "default" workspace
    merged.locale = "ru";
    std::vector<Record> all = {Record{std::nullopt, merged}};
    for (const auto* part :
         {&departments, &users, &pipelines, &companies, &contacts, &deals, &deal_updates,
          &stage_changes, &activities, &tasks, &task_updates, &goals}) {
      all.insert(all.end(), part->begin(), part->end());
    }
    return all;
  }
};

// The history as one batch in arrival order; contacts come last, after the company they name.
ParsedBatch ArrivalBatch(const History& history) {
  std::vector<Record> arrival = history.InArrivalOrder();
  arrival.insert(arrival.end(), history.contacts.begin(), history.contacts.end());
  return BatchOf(arrival);
}

void ExpectSameRecords(const std::vector<Record>& actual, const std::vector<Record>& expected) {
  ASSERT_EQ(actual.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_TRUE(actual[i] == expected[i])
        << "record " << i << " (" << RecordTypeName(expected[i].body) << ") differs";
  }
}

TEST(SqliteStoreRoundTripTest, EveryRecordTypeComesBackEqual) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  int64_t workspace = store->EnsureDefaultWorkspace().value();
  History history;
  ParsedBatch batch = ArrivalBatch(history);

  ApplyResult result = store->Apply(workspace, batch);
  for (const std::string& error : result.errors) ADD_FAILURE() << error;
  // 2 departments + 2 users + 3 pipelines + 1 company + 2 contacts + 2 deals + 3 deal updates
  // + 2 stage changes + 2 activities + 2 tasks + 3 task updates + 4 goals (one withdrawn)
  // + 1 workspace = 29.
  EXPECT_EQ(result.applied, 29);
  EXPECT_EQ(result.skipped, 0);
  ASSERT_EQ(result.applied_indices.size(), 29u);
  EXPECT_EQ(result.applied_indices.front(), 0u);
  EXPECT_EQ(result.applied_indices.back(), 28u);

  ExpectSameRecords(LoadAll(*store, workspace), history.InLoadOrder());
}

// Hands out slots that already hold records: slot i holds held[i % held.size()]; keeps a
// copy of each record committed.
class PrefilledSlots final : public RecordSlots {
 public:
  explicit PrefilledSlots(std::vector<Record> held) : held_(std::move(held)) {}
  Record& Next() override {
    slot_ = held_[committed.size() % held_.size()];
    return slot_;
  }
  void Commit() override { committed.push_back(slot_); }

  std::vector<Record> committed;

 private:
  std::vector<Record> held_;
  Record slot_;
};

TEST(SqliteStoreRoundTripTest, RecordsBuiltInPlaceOverwriteWhatTheSlotHeld) {
  // The start-up load builds each record over one of an applied chunk, member by member: every
  // record read over every other one (another kind, or the same kind with the other form of
  // its optional members) comes back equal, nothing of the slot's earlier record left in it.
  TempDir dir;
  auto store = OpenStore(dir.path());
  int64_t workspace = store->EnsureDefaultWorkspace().value();
  History history;
  ParsedBatch batch = ArrivalBatch(history);
  ASSERT_TRUE(store->Apply(workspace, batch).ok());
  std::vector<Record> expected = history.InLoadOrder();
  for (size_t shift = 1; shift < expected.size(); ++shift) {
    std::vector<Record> held(expected.begin() + static_cast<std::ptrdiff_t>(shift), expected.end());
    held.insert(held.end(), expected.begin(),
                expected.begin() + static_cast<std::ptrdiff_t>(shift));
    PrefilledSlots slots(held);
    Status status = store->Load(workspace, slots);
    ASSERT_TRUE(status.ok()) << status.message();
    SCOPED_TRACE("slots shifted by " + std::to_string(shift));
    ExpectSameRecords(slots.committed, expected);
  }
}

TEST(SqliteStoreRoundTripTest, SettingsMergeIntoTheWorkspace) {
  TempDir dir;
  auto store = OpenStore(dir.path());
  int64_t workspace = store->EnsureDefaultWorkspace().value();
  WorkspaceRecord first;
  first.time_zone = "Europe/Moscow";
  first.forgotten_days = 7;
  WorkspaceRecord second;
  second.currency = "USD";
  second.forgotten_days = 21;
  ParsedBatch batch = BatchOf({{std::nullopt, first}, {std::nullopt, second}});
  ASSERT_TRUE(store->Apply(workspace, batch).ok());

  std::optional<WorkspaceInfo> info = store->FindWorkspace(workspace);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->name, "default");
  // The time zone from the first record, the currency and threshold from the second,
  // the locale from the defaults; no display name was ever given.
  WorkspaceRecord expected{std::nullopt, "Europe/Moscow", "USD", "ru", std::nullopt, 21};
  EXPECT_TRUE(info->settings == expected);
  std::vector<Record> loaded = LoadAll(*store, workspace);
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_TRUE(loaded[0] == (Record{std::nullopt, expected}));
}

}  // namespace
}  // namespace voronka
