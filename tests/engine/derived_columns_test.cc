// Derived per-deal columns kept on apply: the state cursor, the last-touch column and its
// "stale" mark, and the latest change instant that lets reports borrow `latest`.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "engine/deal_state.h"
#include "engine/engine.h"
#include "ingest/ndjson.h"

namespace voronka {
namespace {

void Feed(Engine& engine, std::string_view ndjson) {
  ParsedBatch batch = ParseNdjson(ndjson);
  for (const std::string& error : batch.errors) ADD_FAILURE() << error;
  engine.Apply(batch.records);
}

int64_t Micros(std::string_view text) {
  return ParseInstant(text).value().micros;
}

constexpr std::string_view kHistory = R"(
{"type":"pipeline","id":"p1","name":"B2B","entity":"deal","stages":[{"id":"a","name":"A","semantic":"open"},{"id":"b","name":"B","semantic":"open"},{"id":"won","name":"Won","semantic":"won"},{"id":"lost","name":"Lost","semantic":"lost"}]}
{"type":"deal","id":"D","pipeline_id":"p1","stage_id":"a","amount":"10","created_at":"2024-03-01T00:00:00Z"}
{"type":"stage_change","deal_id":"D","to":"b","at":"2024-03-03T00:00:00Z"}
{"type":"stage_change","deal_id":"D","to":"won","at":"2024-03-05T00:00:00Z"}
{"type":"stage_change","deal_id":"D","to":"b","at":"2024-03-07T00:00:00Z"}
{"type":"stage_change","deal_id":"D","to":"lost","at":"2024-03-09T00:00:00Z"}
{"type":"activity","id":"x","kind":"call","direction":"out","deal_id":"D","at":"2024-03-12T00:00:00Z"}
{"type":"task","id":"t","deal_id":"D","created_at":"2024-03-02T00:00:00Z","deadline":"2024-03-20T00:00:00Z","completed_at":null})";

TEST(DerivedColumns, CursorAnswersWhatDealStateBeforeAnswersAtEveryLimit) {
  // D: a 03-01, b 03-03, won 03-05, b 03-07, lost 03-09. Every limit from 02-28 to 03-10 in
  // 12-hour steps, walked by one cursor, gives the state computed from scratch.
  Engine engine;
  Feed(engine, kHistory);
  Engine::ReadView view = engine.Read();
  const Tables& t = view.tables();
  int32_t deal = t.deals.ids.Find("D");
  DealStateCursor cursor(t, deal);
  int checked = 0;
  for (int64_t limit = Micros("2024-02-28T00:00:00Z"); limit <= Micros("2024-03-10T00:00:00Z");
       limit += 12 * kMicrosPerHour) {
    DealMoment walked = cursor.Advance(limit);
    DealMoment fresh = DealStateBefore(t, deal, limit);
    ASSERT_EQ(walked.outcome, fresh.outcome) << limit;
    ASSERT_EQ(walked.stage, fresh.stage) << limit;
    ASSERT_EQ(walked.entered, fresh.entered) << limit;
    ASSERT_EQ(walked.close, fresh.close) << limit;
    ++checked;
  }
  EXPECT_EQ(checked, 23);  // 11 days (2024 is a leap year: 02-29) in half days, plus the end
  // Spot checks by hand: on 03-06 it is won (closed 03-05); on 03-08 open again on b.
  EXPECT_EQ(DealStateBefore(t, deal, Micros("2024-03-06T00:00:00Z")).outcome, Outcome::kWon);
  EXPECT_EQ(DealStateBefore(t, deal, Micros("2024-03-08T00:00:00Z")).outcome, Outcome::kOpen);
}

TEST(DerivedColumns, LastTouchIsTheLatestTouchAndLatestChangeTheLatestStageEvent) {
  Engine engine;
  Feed(engine, kHistory);
  Engine::ReadView view = engine.Read();
  const Tables& t = view.tables();
  size_t row = static_cast<size_t>(t.deals.ids.Find("D"));
  // Touches: created 03-01, task 03-02, changes 03-03..03-09, the call 03-12 -> 03-12.
  EXPECT_EQ(t.deals.last_touch[row], Micros("2024-03-12T00:00:00Z"));
  EXPECT_EQ(t.deals.touch_stale[row], 0);
  // The last stage event is the loss on 03-09 (activities do not change the state).
  EXPECT_EQ(t.deals.latest_change_at, Micros("2024-03-09T00:00:00Z"));
}

TEST(DerivedColumns, AWithdrawnTouchMarksTheDealStale) {
  // The call of 03-12 is re-sent dated 03-04: the maximum cannot go back, so the deal is marked
  // and readers compute its touches (the last is then the loss of 03-09).
  Engine engine;
  Feed(engine, kHistory);
  Feed(
      engine,
      R"({"type":"activity","id":"x","kind":"call","direction":"out","deal_id":"D","at":"2024-03-04T00:00:00Z"})");
  Engine::ReadView view = engine.Read();
  const Tables& t = view.tables();
  size_t row = static_cast<size_t>(t.deals.ids.Find("D"));
  EXPECT_EQ(t.deals.touch_stale[row], 1);
}

TEST(DerivedColumns, CompletingATaskLaterIsATouchAndClearingItIsStale) {
  Engine engine;
  Feed(engine, kHistory);
  Feed(
      engine,
      R"({"type":"task_update","id":"t","at":"2024-03-15T00:00:00Z","set":{"completed_at":"2024-03-15T00:00:00Z"}})");
  {
    Engine::ReadView view = engine.Read();
    const Tables& t = view.tables();
    size_t row = static_cast<size_t>(t.deals.ids.Find("D"));
    EXPECT_EQ(t.deals.last_touch[row], Micros("2024-03-15T00:00:00Z"));  // the completion
    EXPECT_EQ(t.deals.touch_stale[row], 0);
  }
  Feed(
      engine,
      R"({"type":"task_update","id":"t","at":"2024-03-16T00:00:00Z","set":{"completed_at":null}})");
  Engine::ReadView view = engine.Read();
  EXPECT_EQ(view.tables().deals.touch_stale[static_cast<size_t>(view.tables().deals.ids.Find("D"))],
            1);
}

TEST(DerivedColumns, LongGapsBetweenTouchesDoNotDependOnArrivalOrder) {
  // G: created 01-01; activities on 01-03, 01-04, 01-21, 01-22, 02-10, 02-11 12:00, 03-01.
  // Gaps of 7 days or more between consecutive touches: 01-04 -> 01-21 (17 days),
  // 01-22 -> 02-10 (19 days), 02-11 12:00 -> 03-01 (17.5 days). Applied in 30 shuffled orders
  // (one record per batch), every order keeps exactly these gaps and the first touch 01-01.
  std::vector<std::string> lines = {
      R"({"type":"deal","id":"G","pipeline_id":"p1","stage_id":"a","amount":"1","created_at":"2024-01-01T00:00:00Z"})"};
  for (const char* at : {"2024-01-03T00:00:00Z", "2024-01-04T00:00:00Z", "2024-01-21T00:00:00Z",
                         "2024-01-22T00:00:00Z", "2024-02-10T00:00:00Z", "2024-02-11T12:00:00Z",
                         "2024-03-01T00:00:00Z"}) {
    lines.push_back(R"({"type":"activity","id":"a)" + std::to_string(lines.size()) +
                    R"(","kind":"call","direction":"out","deal_id":"G","at":")" + at + "\"}");
  }
  std::vector<TouchGap> expected = {
      {Micros("2024-01-04T00:00:00Z"), Micros("2024-01-21T00:00:00Z")},
      {Micros("2024-01-22T00:00:00Z"), Micros("2024-02-10T00:00:00Z")},
      {Micros("2024-02-11T12:00:00Z"), Micros("2024-03-01T00:00:00Z")}};
  std::mt19937 random(7);
  for (int order = 0; order < 30; ++order) {
    std::shuffle(lines.begin(), lines.end(), random);
    Engine engine;
    Feed(engine, R"({"type":"pipeline","id":"p1","name":"B2B","entity":"deal","stages":[{"id":"a","name":"A","semantic":"open"}]})");
    for (const std::string& line : lines) Feed(engine, line);
    Engine::ReadView view = engine.Read();
    const DealTable& deals = view.tables().deals;
    size_t row = static_cast<size_t>(deals.ids.Find("G"));
    ASSERT_EQ(deals.touch_stale[row], 0);
    EXPECT_EQ(deals.first_touch[row], Micros("2024-01-01T00:00:00Z"));
    EXPECT_EQ(deals.last_touch[row], Micros("2024-03-01T00:00:00Z"));
    const PackedList<TouchGap>& gaps = deals.touch_gaps[row];
    ASSERT_EQ(gaps.size(), expected.size()) << "order " << order;
    for (size_t i = 0; i < gaps.size(); ++i) {
      EXPECT_EQ(gaps[i].from, expected[i].from) << "order " << order << " gap " << i;
      EXPECT_EQ(gaps[i].to, expected[i].to) << "order " << order << " gap " << i;
    }
  }
}

}  // namespace
}  // namespace voronka
