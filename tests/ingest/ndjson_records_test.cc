// ParseNdjson on valid input: every record type lands in its struct with the right values.
#include <gtest/gtest.h>

#include "ingest/ndjson.h"

namespace voronka {
namespace {

Instant At(std::string_view text) {
  return ParseInstant(text).value();
}

// Parses one valid line and returns its body as T; fails the test on any error.
template <typename T>
T ParseOne(std::string_view line, std::optional<std::string>* event_id = nullptr) {
  ParsedBatch batch = ParseNdjson(line);
  EXPECT_TRUE(batch.ok()) << (batch.errors.empty() ? "" : batch.errors[0]);
  EXPECT_EQ(batch.records.size(), 1u);
  if (batch.records.size() != 1) return T{};
  const T* body = std::get_if<T>(&batch.records[0].body);
  EXPECT_NE(body, nullptr) << "wrong record type";
  if (event_id) *event_id = batch.records[0].event_id;
  return body ? *body : T{};
}

TEST(NdjsonRecordsTest, Workspace) {
  auto ws = ParseOne<WorkspaceRecord>(
      R"({"type":"workspace","name":"ООО Пример","time_zone":"Europe/Moscow","currency":"RUB",)"
      R"("locale":"ru","deal_url":"https://x.bitrix24.ru/crm/deal/details/{id}/","forgotten_days":14})");
  WorkspaceRecord expected;
  expected.name = "ООО Пример";
  expected.time_zone = "Europe/Moscow";
  expected.currency = "RUB";
  expected.locale = "ru";
  expected.deal_url = "https://x.bitrix24.ru/crm/deal/details/{id}/";
  expected.forgotten_days = 14;
  EXPECT_EQ(ws, expected);
  // Everything is optional: an empty workspace record changes nothing.
  EXPECT_EQ(ParseOne<WorkspaceRecord>(R"({"type":"workspace"})"), WorkspaceRecord{});
}

TEST(NdjsonRecordsTest, UserWithDefaultsAndIntegerIds) {
  auto user =
      ParseOne<UserRecord>(R"({"type":"user","id":"u1","name":"Аделина","department_id":"d1"})");
  EXPECT_EQ(user.id, "u1");
  EXPECT_EQ(user.name, "Аделина");
  EXPECT_EQ(user.department_id, "d1");
  EXPECT_TRUE(user.active);  // default
  EXPECT_EQ(user.capacity, std::nullopt);

  // CRMs number their users: 17 is the id "17".
  auto numbered = ParseOne<UserRecord>(
      R"({"type":"user","id":17,"name":"Boris","department_id":3,"active":false,"capacity":25})");
  EXPECT_EQ(numbered.id, "17");
  EXPECT_EQ(numbered.department_id, "3");
  EXPECT_FALSE(numbered.active);
  EXPECT_EQ(numbered.capacity, 25);
}

TEST(NdjsonRecordsTest, Department) {
  auto department = ParseOne<DepartmentRecord>(
      R"({"type":"department","id":"d1","name":"Продажи","parent_id":null,"head_id":"u1"})");
  EXPECT_EQ(department, (DepartmentRecord{"d1", "Продажи", std::nullopt, "u1"}));
}

TEST(NdjsonRecordsTest, Pipeline) {
  auto pipeline = ParseOne<PipelineRecord>(
      R"({"type":"pipeline","id":"p1","name":"B2B","entity":"lead","stages":[)"
      R"({"id":"taken","name":"Взял в работу","semantic":"open"},)"
      R"({"id":"paid","name":"Оплата получена","semantic":"won"},)"
      R"({"id":"failed","name":"Провалена","semantic":"lost"}]})");
  EXPECT_EQ(pipeline.id, "p1");
  EXPECT_EQ(pipeline.name, "B2B");
  EXPECT_EQ(pipeline.entity, Entity::kLead);
  ASSERT_EQ(pipeline.stages.size(), 3u);
  EXPECT_EQ(pipeline.stages[0], (StageDef{"taken", "Взял в работу", StageSemantic::kOpen}));
  EXPECT_EQ(pipeline.stages[1], (StageDef{"paid", "Оплата получена", StageSemantic::kWon}));
  EXPECT_EQ(pipeline.stages[2], (StageDef{"failed", "Провалена", StageSemantic::kLost}));
  // entity defaults to deal.
  auto deals = ParseOne<PipelineRecord>(
      R"({"type":"pipeline","id":"p2","name":"x","stages":[{"id":"a","name":"A","semantic":"open"}]})");
  EXPECT_EQ(deals.entity, Entity::kDeal);
}

TEST(NdjsonRecordsTest, DealWithEveryMember) {
  std::optional<std::string> event_id;
  auto deal = ParseOne<DealRecord>(
      R"({"type":"deal","event_id":"ev-1","id":"D1","entity":"lead","title":"Заказ 3365",)"
      R"("pipeline_id":"p1","stage_id":"taken","amount":"150000.00","original_amount":2000.5,)"
      R"("currency":"USD","responsible_id":"u1","company_id":"c7","contact_id":null,)"
      R"("source":"cold_base","deal_type":"sale","created_at":"2024-03-01T10:00:00+03:00",)"
      R"("loss_reason":"дорого","converted_to":"D2",)"
      R"("fields":{"delivery":"yes","weight":12.5,"count":3,"vip":true,"tags":["a","b"],"gone":null}})",
      &event_id);
  EXPECT_EQ(event_id, "ev-1");
  EXPECT_EQ(deal.id, "D1");
  EXPECT_EQ(deal.entity, Entity::kLead);
  EXPECT_EQ(deal.title, "Заказ 3365");
  EXPECT_EQ(deal.pipeline_id, "p1");
  EXPECT_EQ(deal.stage_id, "taken");
  EXPECT_EQ(deal.amount, 15000000);         // 150000.00 in kopecks
  EXPECT_EQ(deal.original_amount, 200050);  // 2000.5 as a JSON number
  EXPECT_EQ(deal.original_currency, "USD");
  EXPECT_EQ(deal.responsible_id, "u1");
  EXPECT_EQ(deal.company_id, "c7");
  EXPECT_EQ(deal.contact_id, std::nullopt);
  EXPECT_EQ(deal.source, "cold_base");
  EXPECT_EQ(deal.deal_type, "sale");
  // 10:00 at +03:00 is 07:00 UTC; 2024-03-01T07:00:00Z is 1709276400 seconds after the epoch.
  EXPECT_EQ(deal.created_at.micros, 1709276400LL * 1'000'000);
  EXPECT_EQ(deal.loss_reason, "дорого");
  EXPECT_EQ(deal.converted_to, "D2");
  ASSERT_EQ(deal.fields.size(), 6u);
  EXPECT_EQ(deal.fields[0].name, "delivery");
  EXPECT_EQ(deal.fields[0].value.kind, FieldValue::Kind::kString);
  EXPECT_EQ(deal.fields[0].value.text, "yes");
  EXPECT_EQ(deal.fields[1].value.kind, FieldValue::Kind::kNumber);
  EXPECT_EQ(deal.fields[1].value.number, 12.5);
  EXPECT_EQ(deal.fields[1].value.text, "12.5");
  EXPECT_EQ(deal.fields[2].value.number, 3.0);
  EXPECT_EQ(deal.fields[2].value.text, "3");
  EXPECT_EQ(deal.fields[3].value.kind, FieldValue::Kind::kBool);
  EXPECT_TRUE(deal.fields[3].value.boolean);
  EXPECT_EQ(deal.fields[4].value.kind, FieldValue::Kind::kList);
  EXPECT_EQ(deal.fields[4].value.items, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(deal.fields[5].value.kind, FieldValue::Kind::kNull);
}

TEST(NdjsonRecordsTest, DealDefaults) {
  auto deal = ParseOne<DealRecord>(
      R"({"type":"deal","id":5,"pipeline_id":1,"stage_id":"NEW","created_at":"2024-03-01T07:00:00Z"})");
  DealRecord expected;
  expected.id = "5";
  expected.pipeline_id = "1";
  expected.stage_id = "NEW";
  expected.created_at = Instant{1709276400LL * 1'000'000};
  EXPECT_EQ(deal, expected);  // entity deal, title "", amount 0, nothing else
}

TEST(NdjsonRecordsTest, AmountsAsNumbers) {
  // Hand values: 150000 -> 15000000 kopecks; 0.1 -> 10 (not 9 from a binary rounding);
  // 99.99 -> 9999; -3.1 -> -310.
  struct Case {
    const char* amount;
    int64_t minor;
  } cases[] = {{"150000", 15000000},    {"0.1", 10},  {"99.99", 9999}, {"-3.1", -310},
               {"\"1500.50\"", 150050}, {"1.50", 150}};
  for (const Case& c : cases) {
    std::string line = std::string(R"({"type":"deal","id":"D","pipeline_id":"p","stage_id":"s",)") +
                       R"("created_at":"2024-03-01T07:00:00Z","amount":)" + c.amount + "}";
    EXPECT_EQ(ParseOne<DealRecord>(line).amount, c.minor) << c.amount;
  }
}

TEST(NdjsonRecordsTest, DealUpdateSetsAndClears) {
  auto update = ParseOne<DealUpdateRecord>(
      R"({"type":"deal_update","id":"D1","at":"2024-03-02T12:00:00+03:00","set":{)"
      R"("amount":"180000.00","responsible_id":"u2","loss_reason":"дорого","company_id":null,)"
      R"("title":"Новое","source":null,"deal_type":"b","contact_id":9,"converted_to":null,)"
      R"("fields":{"delivery":"no","old":null}}})");
  EXPECT_EQ(update.id, "D1");
  EXPECT_EQ(update.at, At("2024-03-02T09:00:00Z"));
  EXPECT_EQ(update.amount, 18000000);
  EXPECT_EQ(update.title, "Новое");
  EXPECT_EQ(update.responsible_id, std::optional<std::optional<std::string>>("u2"));
  EXPECT_EQ(update.loss_reason, std::optional<std::optional<std::string>>("дорого"));
  EXPECT_EQ(update.deal_type, std::optional<std::optional<std::string>>("b"));
  EXPECT_EQ(update.contact_id, std::optional<std::optional<std::string>>("9"));
  // Present-but-null clears: the outer optional is engaged, the inner one empty.
  ASSERT_TRUE(update.company_id.has_value());
  EXPECT_FALSE(update.company_id->has_value());
  ASSERT_TRUE(update.source.has_value());
  EXPECT_FALSE(update.source->has_value());
  ASSERT_TRUE(update.converted_to.has_value());
  EXPECT_FALSE(update.converted_to->has_value());
  ASSERT_EQ(update.fields.size(), 2u);
  EXPECT_EQ(update.fields[1].name, "old");
  EXPECT_EQ(update.fields[1].value.kind, FieldValue::Kind::kNull);

  // Members not named in set stay unset.
  auto only_amount = ParseOne<DealUpdateRecord>(
      R"({"type":"deal_update","id":"D1","at":"2024-03-02T12:00:00Z","set":{"amount":null}})");
  EXPECT_EQ(only_amount.amount, 0);  // a cleared amount is zero
  EXPECT_FALSE(only_amount.title.has_value());
  EXPECT_FALSE(only_amount.responsible_id.has_value());
  EXPECT_TRUE(only_amount.fields.empty());
}

TEST(NdjsonRecordsTest, StageChange) {
  auto change = ParseOne<StageChangeRecord>(
      R"({"type":"stage_change","deal_id":"D1","to":"request","at":"2024-03-05T09:30:00+03:00",)"
      R"("by":"u1","from":"taken"})");
  EXPECT_EQ(change,
            (StageChangeRecord{"D1", "taken", "request", At("2024-03-05T06:30:00Z"), "u1"}));
}

TEST(NdjsonRecordsTest, Activity) {
  auto call = ParseOne<ActivityRecord>(
      R"({"type":"activity","id":"a1","kind":"call","direction":"out","deal_id":"D1",)"
      R"("user_id":"u1","at":"2024-03-05T09:35:00+03:00","duration_s":240,"source":"telephony",)"
      R"("contact_id":"k1","company_id":"c7"})");
  ActivityRecord expected;
  expected.id = "a1";
  expected.kind = ActivityKind::kCall;
  expected.direction = Direction::kOut;
  expected.deal_id = "D1";
  expected.contact_id = "k1";
  expected.company_id = "c7";
  expected.user_id = "u1";
  expected.at = At("2024-03-05T06:35:00Z");
  expected.duration_s = 240;
  expected.source = "telephony";
  EXPECT_EQ(call, expected);

  auto nps = ParseOne<ActivityRecord>(
      R"({"type":"activity","id":"a2","kind":"nps","at":"2024-03-05T10:00:00Z","score":9})");
  EXPECT_EQ(nps.kind, ActivityKind::kNps);
  EXPECT_EQ(nps.direction, Direction::kNone);  // default
  EXPECT_EQ(nps.score, 9);
}

TEST(NdjsonRecordsTest, TaskAndTaskUpdate) {
  auto task = ParseOne<TaskRecord>(
      R"({"type":"task","id":"t1","deal_id":"D1","user_id":"u1","title":"Позвонить",)"
      R"("created_at":"2024-03-01T10:00:00Z","deadline":"2024-03-03T18:00:00Z","completed_at":null})");
  EXPECT_EQ(task, (TaskRecord{"t1", "D1", "u1", "Позвонить", At("2024-03-01T10:00:00Z"),
                              At("2024-03-03T18:00:00Z"), std::nullopt}));

  auto update = ParseOne<TaskUpdateRecord>(
      R"({"type":"task_update","id":"t1","at":"2024-03-04T10:00:00Z",)"
      R"("set":{"completed_at":"2024-03-04T09:00:00Z","deadline":null,"user_id":"u2"}})");
  EXPECT_EQ(update.id, "t1");
  EXPECT_EQ(update.at, At("2024-03-04T10:00:00Z"));
  EXPECT_EQ(update.completed_at, std::optional<std::optional<Instant>>(At("2024-03-04T09:00:00Z")));
  ASSERT_TRUE(update.deadline.has_value());
  EXPECT_FALSE(update.deadline->has_value());
  EXPECT_EQ(update.user_id, std::optional<std::optional<std::string>>("u2"));
}

TEST(NdjsonRecordsTest, Goals) {
  auto money = ParseOne<GoalRecord>(
      R"({"type":"goal","id":"g1","scope":"user","scope_id":"u1","metric":"won_amount",)"
      R"("period":"2024-03","target":"500000"})");
  EXPECT_EQ(money, (GoalRecord{"g1", GoalScope::kUser, "u1", "won_amount", "2024-03", 50000000}));

  auto count = ParseOne<GoalRecord>(
      R"({"type":"goal","id":"g2","scope":"workspace","metric":"won_count","period":"2024-Q2",)"
      R"("target":40})");
  EXPECT_EQ(count,
            (GoalRecord{"g2", GoalScope::kWorkspace, std::nullopt, "won_count", "2024-Q2", 40}));

  auto yearly = ParseOne<GoalRecord>(
      R"({"type":"goal","id":"g3","target":"12","scope":"department","scope_id":"d1",)"
      R"("metric":"created_count","period":"2024"})");
  EXPECT_EQ(yearly.target, 12);  // a count, even though target came before metric

  // A withdrawal names only the goal.
  auto withdrawn = ParseOne<GoalRecord>(R"({"type":"goal","id":"g4","deleted":true})");
  EXPECT_EQ(withdrawn.id, "g4");
  EXPECT_TRUE(withdrawn.deleted);
}

TEST(NdjsonRecordsTest, CompanyAndContact) {
  EXPECT_EQ(ParseOne<CompanyRecord>(R"({"type":"company","id":"c7","name":"ООО Ромашка"})"),
            (CompanyRecord{"c7", "ООО Ромашка"}));
  EXPECT_EQ(
      ParseOne<ContactRecord>(R"({"type":"contact","id":"k1","name":"Тимур","company_id":"c7"})"),
      (ContactRecord{"k1", "Тимур", "c7"}));
  EXPECT_EQ(ParseOne<ContactRecord>(R"({"type":"contact","id":"k2","name":"Ива"})"),
            (ContactRecord{"k2", "Ива", std::nullopt}));
}

TEST(NdjsonRecordsTest, LinesCountBlankLinesAndCrlf) {
  // Line 1 user, line 2 blank, line 3 whitespace only, line 4 company (CRLF), line 5 empty.
  std::string text =
      "{\"type\":\"user\",\"id\":\"u1\",\"name\":\"A\"}\r\n"
      "\r\n"
      "   \t\n"
      "{\"type\":\"company\",\"id\":\"c1\",\"name\":\"B\"}\r\n"
      "\n";
  ParsedBatch batch = ParseNdjson(text);
  ASSERT_TRUE(batch.ok()) << batch.errors[0];
  ASSERT_EQ(batch.records.size(), 2u);
  EXPECT_EQ(batch.lines, (std::vector<int64_t>{1, 4}));
  EXPECT_EQ(std::get<CompanyRecord>(batch.records[1].body).name, "B");  // no '\r' left behind
}

TEST(NdjsonRecordsTest, LastLineWithoutNewlineAndEmptyInput) {
  ParsedBatch batch = ParseNdjson("{\"type\":\"company\",\"id\":\"c1\",\"name\":\"B\"}");
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch.records.size(), 1u);
  ParsedBatch empty = ParseNdjson("");
  EXPECT_TRUE(empty.ok());
  EXPECT_TRUE(empty.records.empty());
}

TEST(NdjsonRecordsTest, ByteOrderMarkAtTheStartIsSkipped) {
  ParsedBatch batch =
      ParseNdjson("\xEF\xBB\xBF{\"type\":\"company\",\"id\":\"c1\",\"name\":\"B\"}\n");
  EXPECT_TRUE(batch.ok()) << batch.errors[0];
  EXPECT_EQ(batch.lines, (std::vector<int64_t>{1}));
}

TEST(NdjsonRecordsTest, FirstLineOffsetsLineNumbers) {
  // A chunk that starts at line 1001 of a big file: its second line is line 1002.
  std::string text =
      "{\"type\":\"company\",\"id\":\"c1\",\"name\":\"B\"}\n"
      "{\"type\":\"company\",\"id\":\"c2\",\"name\":12}\n";
  ParsedBatch batch = ParseNdjson(text, 1001);
  EXPECT_EQ(batch.lines, (std::vector<int64_t>{1001}));
  EXPECT_EQ(batch.errors, (std::vector<std::string>{"line 1002: company: name must be a string"}));
}

TEST(NdjsonRecordsTest, EventIdNullIsAbsent) {
  std::optional<std::string> event_id = "x";
  ParseOne<CompanyRecord>(R"({"type":"company","event_id":null,"id":"c1","name":"B"})", &event_id);
  EXPECT_EQ(event_id, std::nullopt);
  ParseOne<CompanyRecord>(R"({"type":"company","event_id":123,"id":"c1","name":"B"})", &event_id);
  EXPECT_EQ(event_id, "123");
}

}  // namespace
}  // namespace voronka
