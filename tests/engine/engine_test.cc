// Engine: applying canonical records keeps tables and derived deal state right whatever the
// arrival order.
#include "engine/engine.h"

#include <gtest/gtest.h>

#include "engine/deal_state.h"
#include "ingest/ndjson.h"

namespace voronka {
namespace {

void Feed(Engine& engine, std::string_view ndjson) {
  ParsedBatch batch = ParseNdjson(ndjson);
  for (const std::string& error : batch.errors) ADD_FAILURE() << error;
  engine.Apply(batch.records);
}

constexpr std::string_view kPipeline =
    R"({"type":"pipeline","id":"p1","name":"B2B","entity":"deal","stages":[{"id":"a","name":"A","semantic":"open"},{"id":"b","name":"B","semantic":"open"},{"id":"won","name":"Won","semantic":"won"},{"id":"lost","name":"Lost","semantic":"lost"}]})";

int64_t Micros(std::string_view text) {
  return ParseInstant(text).value().micros;
}

TEST(Engine, DerivedStateFollowsTimestampsNotArrival) {
  Engine engine;
  // The stage changes arrive before the deal and the pipeline, newest first.
  Feed(engine, R"({"type":"stage_change","deal_id":"D","to":"won","at":"2024-03-05T00:00:00Z"}
{"type":"stage_change","deal_id":"D","to":"b","at":"2024-03-03T00:00:00Z"})");
  Feed(
      engine,
      std::string(kPipeline) + "\n" +
          R"({"type":"deal","id":"D","pipeline_id":"p1","stage_id":"a","amount":"10","created_at":"2024-03-01T00:00:00Z"})");
  Engine::ReadView view = engine.Read();
  const Tables& t = view.tables();
  int32_t deal = t.deals.ids.Find("D");
  const DealMoment& latest = t.deals.latest[static_cast<size_t>(deal)];
  EXPECT_EQ(latest.outcome, Outcome::kWon);
  EXPECT_EQ(t.stages.ids.Text(latest.stage), "won");
  EXPECT_EQ(latest.close, Micros("2024-03-05T00:00:00Z"));
  // As of 03-04 it was open on b, entered 03-03.
  DealMoment before = DealStateBefore(t, deal, Micros("2024-03-04T00:00:00Z"));
  EXPECT_EQ(before.outcome, Outcome::kOpen);
  EXPECT_EQ(t.stages.ids.Text(before.stage), "b");
  EXPECT_EQ(before.entered, Micros("2024-03-03T00:00:00Z"));
  // Before creation it does not exist.
  EXPECT_EQ(DealStateBefore(t, deal, Micros("2024-02-01T00:00:00Z")).outcome, Outcome::kNotCreated);
}

TEST(Engine, RepeatedEntriesAreOneVisitAndResentChangesAreIgnored) {
  Engine engine;
  Feed(engine, std::string(kPipeline) + "\n" + R"(
{"type":"deal","id":"D","pipeline_id":"p1","stage_id":"a","amount":"10","created_at":"2024-03-01T00:00:00Z"}
{"type":"stage_change","deal_id":"D","to":"b","at":"2024-03-02T00:00:00Z"}
{"type":"stage_change","deal_id":"D","to":"b","at":"2024-03-02T00:00:00Z"}
{"type":"stage_change","deal_id":"D","to":"b","at":"2024-03-04T00:00:00Z"}
{"type":"stage_change","deal_id":"D","to":"a","at":"2024-03-06T00:00:00Z"})");
  Engine::ReadView view = engine.Read();
  const Tables& t = view.tables();
  int32_t deal = t.deals.ids.Find("D");
  EXPECT_EQ(t.deals.history[static_cast<size_t>(deal)].size(), 4u);  // the duplicate is dropped
  std::vector<std::string> visits;
  ForEachVisit(t, deal, INT64_MAX,
               [&](const Visit& v) { visits.emplace_back(t.stages.ids.Text(v.stage)); });
  EXPECT_EQ(visits, (std::vector<std::string>{"a", "b", "a"}));  // b 03-02..03-06 is one visit
}

TEST(Engine, LatestAtWinsAndUpdatesBeatTheBaseAtTheSameInstant) {
  Engine engine;
  Feed(engine, std::string(kPipeline) + "\n" + R"(
{"type":"deal_update","id":"D","at":"2024-03-01T00:00:00Z","set":{"amount":"20","fields":{"x":"2"}}}
{"type":"deal","id":"D","pipeline_id":"p1","stage_id":"a","amount":"10","created_at":"2024-03-01T00:00:00Z","fields":{"x":"1","y":"1"}}
{"type":"deal_update","id":"D","at":"2024-03-03T00:00:00Z","set":{"amount":"30"}}
{"type":"deal_update","id":"D","at":"2024-03-02T00:00:00Z","set":{"amount":"25","fields":{"y":null}}})");
  Engine::ReadView view = engine.Read();
  const Tables& t = view.tables();
  size_t row = static_cast<size_t>(t.deals.ids.Find("D"));
  EXPECT_EQ(t.deals.amount.value[row], 3000);  // 30.00, the latest `at`
  size_t x = static_cast<size_t>(t.field_names.Find("x"));
  size_t y = static_cast<size_t>(t.field_names.Find("y"));
  ASSERT_EQ(t.deals.field_value.size(), 2u);
  EXPECT_EQ(t.values.Text(t.deals.field_value[x][row]), "2");  // x: the update beats the base
  EXPECT_EQ(t.deals.field_value[y][row], kNone);                // y: cleared by null
  EXPECT_NE(t.deals.field_key[y][row], kNoTime);                // ... but named by a record
}

TEST(Engine, MultiListFieldsKeepTheirValuesInOrderAndShareEqualLists) {
  Engine engine;
  Feed(engine, std::string(kPipeline) + "\n" + R"(
{"type":"deal","id":"D1","pipeline_id":"p1","stage_id":"a","amount":"10","created_at":"2024-03-01T00:00:00Z","fields":{"p":["tea","milk"]}}
{"type":"deal","id":"D2","pipeline_id":"p1","stage_id":"a","amount":"10","created_at":"2024-03-01T00:00:00Z","fields":{"p":["tea","milk"]}}
{"type":"deal","id":"D3","pipeline_id":"p1","stage_id":"a","amount":"10","created_at":"2024-03-01T00:00:00Z","fields":{"p":["milk"]}}
{"type":"deal","id":"D4","pipeline_id":"p1","stage_id":"a","amount":"10","created_at":"2024-03-01T00:00:00Z"})");
  Engine::ReadView view = engine.Read();
  const Tables& t = view.tables();
  const LiveColumn<int32_t>& p = t.deals.field_value[static_cast<size_t>(t.field_names.Find("p"))];
  auto texts = [&](const char* deal) {
    std::vector<std::string> out;
    ForEachFieldValue(t, p[static_cast<size_t>(t.deals.ids.Find(deal))],
                      [&](int32_t id) { out.emplace_back(t.values.Text(id)); });
    return out;
  };
  EXPECT_EQ(texts("D1"), (std::vector<std::string>{"tea", "milk"}));
  EXPECT_EQ(texts("D3"), (std::vector<std::string>{"milk"}));  // one item: the value itself
  EXPECT_TRUE(texts("D4").empty());
  EXPECT_TRUE(IsValueList(p[static_cast<size_t>(t.deals.ids.Find("D1"))]));
  EXPECT_FALSE(IsValueList(p[static_cast<size_t>(t.deals.ids.Find("D3"))]));
  // D1 and D2 hold one interned list.
  EXPECT_EQ(p[static_cast<size_t>(t.deals.ids.Find("D1"))],
            p[static_cast<size_t>(t.deals.ids.Find("D2"))]);
  EXPECT_EQ(t.value_lists.size(), 1);
}

TEST(Engine, EventIdsApplyOnce) {
  Engine engine;
  std::string batch =
      std::string(kPipeline) + "\n" +
      R"({"type":"activity","event_id":"e1","id":"x","kind":"call","direction":"out","user_id":"u1","at":"2024-03-01T00:00:00Z"})";
  Feed(engine, batch);
  Feed(
      engine,
      R"({"type":"activity","event_id":"e1","id":"x","kind":"email","direction":"out","user_id":"u1","at":"2024-03-01T00:00:00Z"})");
  Engine::ReadView view = engine.Read();
  EXPECT_EQ(view.tables().activities.size(), 1);
  EXPECT_EQ(view.tables().activities.kind[0], ActivityKind::kCall);
}

TEST(Engine, PipelineRedefinitionRefreshesOutcomes) {
  Engine engine;
  Feed(engine, std::string(kPipeline) + "\n" + R"(
{"type":"deal","id":"D","pipeline_id":"p1","stage_id":"b","amount":"10","created_at":"2024-03-01T00:00:00Z"})");
  // The administrator marks b as a won stage: D is won, closed at its entry into b.
  Feed(
      engine,
      R"({"type":"pipeline","id":"p1","name":"B2B","entity":"deal","stages":[{"id":"a","name":"A","semantic":"open"},{"id":"b","name":"B","semantic":"won"},{"id":"lost","name":"Lost","semantic":"lost"}]})");
  Engine::ReadView view = engine.Read();
  const Tables& t = view.tables();
  const DealMoment& latest = t.deals.latest[0];
  EXPECT_EQ(latest.outcome, Outcome::kWon);
  EXPECT_EQ(latest.close, Micros("2024-03-01T00:00:00Z"));
  EXPECT_EQ(t.stages.position[static_cast<size_t>(t.stages.ids.Find("b"))], 1);  // K = 1
}

}  // namespace
}  // namespace voronka
