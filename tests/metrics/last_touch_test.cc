// Forgotten deals and days since touch read the engine's last-touch column; these cases take
// the paths beside it: a touch withdrawn by a re-sent activity, and snapshots in the past.
#include <gtest/gtest.h>

#include "metrics/metric_test_util.h"

namespace voronka::testing {
namespace {

// F: open on "taken", created 03-01 (Moscow), a call on 03-20.
constexpr std::string_view kDeal = R"(
{"type":"deal","id":"F","pipeline_id":"p1","stage_id":"taken","amount":"500","responsible_id":"u1","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"activity","id":"c1","kind":"call","direction":"out","deal_id":"F","user_id":"u1","at":"2024-03-20T10:00:00+03:00"})";

constexpr std::string_view kForgottenAsOfApril10 =
    R"({"metric":"forgotten_count","period":{"from":"2024-04-01","to":"2024-05-01"},"as_of":"2024-04-10T10:00:00+03:00"})";

TEST(LastTouch, AMovedCallCountsAtItsNewTime) {
  auto engine = Load(std::string(kWorkspace) + std::string(kDeal));
  // As of 04-10 the call of 03-20 is 21 days old: forgotten (14 days).
  EXPECT_EQ(Value(*engine, kForgottenAsOfApril10), 1);
  // The call is re-sent dated 04-05: 5 days old, F is fresh.
  Feed(
      *engine,
      R"({"type":"activity","id":"c1","kind":"call","direction":"out","deal_id":"F","user_id":"u1","at":"2024-04-05T10:00:00+03:00"})");
  EXPECT_EQ(Value(*engine, kForgottenAsOfApril10), 0);
  // Re-sent again dated 03-02 (the maximum seen, 04-05, is withdrawn): the last touch is the
  // call of 03-02, 39 days before 04-10: forgotten again, and the list says 39 days.
  Feed(
      *engine,
      R"({"type":"activity","id":"c1","kind":"call","direction":"out","deal_id":"F","user_id":"u1","at":"2024-03-02T10:00:00+03:00"})");
  EXPECT_EQ(Value(*engine, kForgottenAsOfApril10), 1);
  nlohmann::json list = Drill(*engine, kForgottenAsOfApril10);
  ASSERT_EQ(list["items"].size(), 1u);
  EXPECT_EQ(list["items"][0]["days_since_touch"], 39.0);
}

TEST(LastTouch, MonthlySnapshotsLookOnlyAtTouchesBeforeEachMonthEnd) {
  // F's last touch overall is a comment on 05-10; month-end snapshots must not see it early.
  // End of March: call 03-20 is 11 days old -> fresh. End of April: 41 days -> forgotten.
  // End of May (as_of 05-31 12:00): the comment of 05-10 is 21 days old -> forgotten.
  // With forgotten_days 30 only April counts (41 days; May's 21 days is fresh).
  auto engine = Load(
      std::string(kWorkspace) + std::string(kDeal) + "\n" +
      R"({"type":"activity","id":"c2","kind":"comment","direction":"none","deal_id":"F","user_id":"u1","at":"2024-05-10T10:00:00+03:00"})");
  std::string request =
      R"({"metric":"forgotten_count","period":{"from":"2024-03-01","to":"2024-06-01"},"granularity":"month","as_of":"2024-05-31T12:00:00+03:00")";
  nlohmann::json answer = Report(*engine, request + "}");
  EXPECT_EQ(RowValue(answer, "{}", "2024-03"), 0);
  EXPECT_EQ(RowValue(answer, "{}", "2024-04"), 1);
  EXPECT_EQ(RowValue(answer, "{}", "2024-05"), 1);
  answer = Report(*engine, request + R"(,"forgotten_days":30})");
  EXPECT_EQ(RowValue(answer, "{}", "2024-03"), 0);
  EXPECT_EQ(RowValue(answer, "{}", "2024-04"), 1);
  EXPECT_EQ(RowValue(answer, "{}", "2024-05"), 0);
}

TEST(LastTouch, ALateCallInsideALongSilenceUnforgetsTheMonthsAfterIt) {
  // F: created 03-01, call 03-20, call 06-10 (Moscow). Month-end snapshots before 06-10 see a
  // later touch than their limit, so they are answered from F's gaps between touches.
  // As of 06-30 12:00: end of March 03-20 is 12 days old -> fresh; end of April 41 days,
  // end of May 72 days -> forgotten; end of June the call of 06-10 is 20 days old -> forgotten.
  auto engine = Load(
      std::string(kWorkspace) + std::string(kDeal) + "\n" +
      R"({"type":"activity","id":"c4","kind":"call","direction":"out","deal_id":"F","user_id":"u1","at":"2024-06-10T10:00:00+03:00"})");
  std::string request =
      R"({"metric":"forgotten_count","period":{"from":"2024-03-01","to":"2024-07-01"},"granularity":"month","as_of":"2024-06-30T12:00:00+03:00")";
  nlohmann::json answer = Report(*engine, request + "}");
  EXPECT_EQ(RowValue(answer, "{}", "2024-03"), 0);
  EXPECT_EQ(RowValue(answer, "{}", "2024-04"), 1);
  EXPECT_EQ(RowValue(answer, "{}", "2024-05"), 1);
  EXPECT_EQ(RowValue(answer, "{}", "2024-06"), 1);
  // A call dated 04-25 arrives last, splitting the silence from 03-20 to 06-10: end of April
  // it is 6 days old -> fresh; end of May 37 days -> still forgotten.
  Feed(
      *engine,
      R"({"type":"activity","id":"c5","kind":"call","direction":"out","deal_id":"F","user_id":"u1","at":"2024-04-25T10:00:00+03:00"})");
  answer = Report(*engine, request + "}");
  EXPECT_EQ(RowValue(answer, "{}", "2024-03"), 0);
  EXPECT_EQ(RowValue(answer, "{}", "2024-04"), 0);
  EXPECT_EQ(RowValue(answer, "{}", "2024-05"), 1);
  EXPECT_EQ(RowValue(answer, "{}", "2024-06"), 1);
  // With forgotten_days 40 May's 37 days and June's 20 are fresh too; with 5 (shorter than the
  // gaps kept, so the touches of each window are read) March's 12 days count as well.
  answer = Report(*engine, request + R"(,"forgotten_days":40})");
  EXPECT_EQ(RowValue(answer, "{}", "2024-05"), 0);
  EXPECT_EQ(RowValue(answer, "{}", "2024-06"), 0);
  answer = Report(*engine, request + R"(,"forgotten_days":5})");
  EXPECT_EQ(RowValue(answer, "{}", "2024-03"), 1);
  EXPECT_EQ(RowValue(answer, "{}", "2024-04"), 1);
  EXPECT_EQ(RowValue(answer, "{}", "2024-05"), 1);
  EXPECT_EQ(RowValue(answer, "{}", "2024-06"), 1);
}

TEST(LastTouch, GroupingByCompanyUsesTheWideKeyPathWithTheSameAnswer) {
  // Two won deals of two companies in March: grouped by company (a key too wide for the flat
  // row table once there are many companies, answered the same either way): 1 and 1.
  auto engine = Load(std::string(kWorkspace) + R"(
{"type":"deal","id":"W1","pipeline_id":"p1","stage_id":"paid","amount":"100","responsible_id":"u1","company_id":"c1","created_at":"2024-03-02T10:00:00+03:00"}
{"type":"deal","id":"W2","pipeline_id":"p1","stage_id":"paid","amount":"200","responsible_id":"u2","company_id":"c2","created_at":"2024-03-03T10:00:00+03:00"})");
  nlohmann::json answer = Report(
      *engine,
      R"({"metric":"won_amount","period":{"from":"2024-03-01","to":"2024-04-01"},"as_of":"2024-04-10T00:00:00Z","group_by":["company","responsible"]})");
  EXPECT_EQ(RowValue(answer, R"({"company":"c1","responsible":"u1"})"), "100.00");
  EXPECT_EQ(RowValue(answer, R"({"company":"c2","responsible":"u2"})"), "200.00");
  EXPECT_EQ(answer["rows"].size(), 2u);
}

}  // namespace
}  // namespace voronka::testing
