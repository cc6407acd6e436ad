// Activity metrics (SPEC §4): own user as responsible, deal filters through the deal.
#include <gtest/gtest.h>

#include "metrics/metric_test_util.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// March 2024, Moscow. Deal A (p1, u1) and deal B (moved to p2, u2); contact k1 without a deal.
//   x1 call out    A u1 03-04 10:00      x5 call in   A u2 03-05 10:00 (answered by x6 30 min
//   later) x2 meeting     A u1 03-04 12:00      x6 email out A u1 03-05 10:30 x3 comment     B u1
//   03-06 10:00      x7 chat in   k1 u2 03-07 12:00 (answered by x8 60 min later) x4 call out    -
//   u2 03-06 11:00      x8 sms out   k1 u2 03-07 13:00 x9 email in    B u2 03-08 10:00 (never
//   answered)
// nps n1..n4 scores 10, 9, 7, 3 on 03-10 (user u3, deal A).
// Task k on A (u1) completed 03-09; stage change of A by u1 on 03-09.
constexpr std::string_view kActivities = R"(
{"type":"deal","id":"A","pipeline_id":"p1","stage_id":"taken","amount":"1","responsible_id":"u1","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"deal","id":"B","pipeline_id":"p1","stage_id":"taken","amount":"1","responsible_id":"u2","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"B","to":"r_new","at":"2024-03-02T10:00:00+03:00"}
{"type":"activity","id":"x1","kind":"call","direction":"out","deal_id":"A","user_id":"u1","at":"2024-03-04T10:00:00+03:00"}
{"type":"activity","id":"x2","kind":"meeting","direction":"none","deal_id":"A","user_id":"u1","at":"2024-03-04T12:00:00+03:00"}
{"type":"activity","id":"x3","kind":"comment","direction":"none","deal_id":"B","user_id":"u1","at":"2024-03-06T10:00:00+03:00"}
{"type":"activity","id":"x4","kind":"call","direction":"out","user_id":"u2","at":"2024-03-06T11:00:00+03:00"}
{"type":"activity","id":"x5","kind":"call","direction":"in","deal_id":"A","user_id":"u2","at":"2024-03-05T10:00:00+03:00"}
{"type":"activity","id":"x6","kind":"email","direction":"out","deal_id":"A","user_id":"u1","at":"2024-03-05T10:30:00+03:00"}
{"type":"activity","id":"x7","kind":"chat","direction":"in","contact_id":"k1","user_id":"u2","at":"2024-03-07T12:00:00+03:00"}
{"type":"activity","id":"x8","kind":"sms","direction":"out","contact_id":"k1","user_id":"u2","at":"2024-03-07T13:00:00+03:00"}
{"type":"activity","id":"x9","kind":"email","direction":"in","deal_id":"B","user_id":"u2","at":"2024-03-08T10:00:00+03:00"}
{"type":"activity","id":"n1","kind":"nps","direction":"in","deal_id":"A","user_id":"u3","at":"2024-03-10T10:00:00+03:00","score":10}
{"type":"activity","id":"n2","kind":"nps","direction":"in","deal_id":"A","user_id":"u3","at":"2024-03-10T10:01:00+03:00","score":9}
{"type":"activity","id":"n3","kind":"nps","direction":"in","deal_id":"A","user_id":"u3","at":"2024-03-10T10:02:00+03:00","score":7}
{"type":"activity","id":"n4","kind":"nps","direction":"in","deal_id":"A","user_id":"u3","at":"2024-03-10T10:03:00+03:00","score":3}
{"type":"task","id":"k","deal_id":"A","user_id":"u1","created_at":"2024-03-02T10:00:00+03:00","deadline":"2024-03-10T10:00:00+03:00","completed_at":"2024-03-09T10:00:00+03:00"}
{"type":"stage_change","deal_id":"A","to":"request","at":"2024-03-09T11:00:00+03:00","by":"u1"}
)";

class ActivityTest : public ::testing::Test {
 protected:
  void SetUp() override { engine_ = Load(std::string(kWorkspace) + std::string(kActivities)); }
  json Run(std::string_view metric, std::string_view extra = "") {
    return Report(
        *engine_,
        std::string(R"({"metric":")") + std::string(metric) +
            R"(","period":{"from":"2024-03-01","to":"2024-04-01"},"as_of":"2024-04-01T00:00:00Z")" +
            std::string(extra) + "}");
  }
  std::unique_ptr<Engine> engine_;
};

TEST_F(ActivityTest, CountByKindAndDirection) {
  json answer = Run("activity_count", R"(,"group_by":["kind"])");
  EXPECT_EQ(RowValue(answer, R"({"kind":"call"})"), 3);   // x1, x4, x5
  EXPECT_EQ(RowValue(answer, R"({"kind":"email"})"), 2);  // x6, x9
  EXPECT_EQ(RowValue(answer, R"({"kind":"nps"})"), 4);
  EXPECT_EQ(answer["total"], 13);
  json incoming =
      Run("activity_count", R"(,"filters":{"direction":["in"],"kind":["call","email","chat"]})");
  EXPECT_EQ(incoming["total"], 3);  // x5, x7, x9
}

TEST_F(ActivityTest, OwnUserAndDealFilters) {
  // responsible = the activity's user: u1 did x1, x2, x3, x6.
  EXPECT_EQ(Run("activity_count", R"(,"filters":{"responsible":["u1"]})")["total"], 4);
  // Deal filters go through the deal: pipeline p1 (by current pipeline) keeps deal A's 8
  // activities (x1 x2 x5 x6 n1..n4); B is now on p2, x4 and x7..x8 have no deal.
  EXPECT_EQ(Run("activity_count", R"(,"filters":{"pipeline":["p1"]})")["total"], 8);
}

TEST_F(ActivityTest, ActivityIndex) {
  // u1: call x1 1 + meeting x2 3 + comment x3 0.5 + email x6 1 + task k completed 1
  //     + stage change of A 1 = 7.5
  json answer = Run("activity_index", R"(,"group_by":["responsible"])");
  EXPECT_EQ(RowValue(answer, R"({"responsible":"u1"})"), 7.5);
  // u2: calls x4, x5 2 + chat x7 0.5 + sms x8 0.5 + email x9 1 = 4
  EXPECT_EQ(RowValue(answer, R"({"responsible":"u2"})"), 4.0);
}

TEST_F(ActivityTest, ResponseTime) {
  // x5 answered after 30 minutes (on deal A), x7 after 60 (on contact k1); x9 never: excluded.
  json answer = Run("response_time");
  EXPECT_EQ(answer["rows"][0]["value"], 45.0);
  EXPECT_EQ(answer["rows"][0]["median"], 45.0);
}

TEST_F(ActivityTest, Nps) {
  // Promoters 10, 9 = 2 of 4 (50%); detractors 3 = 1 of 4 (25%): 25.
  EXPECT_EQ(Run("nps")["rows"][0]["value"], 25.0);
  json april = Report(
      *engine_,
      R"({"metric":"nps","period":{"from":"2024-04-01","to":"2024-05-01"},"as_of":"2024-05-01T00:00:00Z"})");
  EXPECT_TRUE(april["rows"][0]["value"].is_null());
}

TEST(GoalProgress, ActualTargetPreviousProjection) {
  // Goal: u1 wins 500000 in March 2024. Won by u1: 100000 in February, 150000 + 50000 in
  // March by T = 03-16 00:00 Moscow. Actual 200000 = 40%; previous 100000; projection: 15 of
  // 31 days elapsed -> 200000 * 31 / 15 = 413333.33.
  auto engine = Load(std::string(kWorkspace) + R"(
{"type":"goal","id":"g1","scope":"user","scope_id":"u1","metric":"won_amount","period":"2024-03","target":"500000"}
{"type":"deal","id":"F","pipeline_id":"p1","stage_id":"paid","amount":"100000","responsible_id":"u1","created_at":"2024-02-10T10:00:00+03:00"}
{"type":"deal","id":"G","pipeline_id":"p1","stage_id":"paid","amount":"150000","responsible_id":"u1","created_at":"2024-03-05T10:00:00+03:00"}
{"type":"deal","id":"H","pipeline_id":"p1","stage_id":"paid","amount":"50000","responsible_id":"u1","created_at":"2024-03-07T10:00:00+03:00"}
{"type":"deal","id":"I","pipeline_id":"p1","stage_id":"paid","amount":"70000","responsible_id":"u2","created_at":"2024-03-07T10:00:00+03:00"}
)");
  json answer = Report(
      *engine,
      R"({"metric":"goal_progress","period":{"preset":"this_month"},"as_of":"2024-03-16T00:00:00+03:00"})");
  ASSERT_EQ(answer["rows"].size(), 1u);
  const json& row = answer["rows"][0];
  EXPECT_EQ(row["group"]["goal"], "g1");
  EXPECT_EQ(row["value"], "200000.00");
  EXPECT_EQ(row["target"], "500000.00");
  EXPECT_EQ(row["percent"], 40.0);
  EXPECT_EQ(row["previous"], "100000.00");
  EXPECT_EQ(row["projection"], "413333.33");
}

TEST(GoalProgress, AWithdrawnGoalIsGoneAndAReplacedOneShowsItsNewTarget) {
  // g1 is replaced by a later record with target 400000, g2 withdrawn after it was set: one
  // row, g1, with 150000 won in March = 37.5% of the new target.
  auto engine = Load(std::string(kWorkspace) + R"(
{"type":"goal","id":"g1","scope":"user","scope_id":"u1","metric":"won_amount","period":"2024-03","target":"500000"}
{"type":"goal","id":"g2","scope":"workspace","metric":"won_count","period":"2024-03","target":"10"}
{"type":"deal","id":"G","pipeline_id":"p1","stage_id":"paid","amount":"150000","responsible_id":"u1","created_at":"2024-03-05T10:00:00+03:00"}
)");
  Feed(*engine, R"({"type":"goal","id":"g1","scope":"user","scope_id":"u1","metric":"won_amount","period":"2024-03","target":"400000"}
{"type":"goal","id":"g2","deleted":true}
)");
  json answer = Report(
      *engine,
      R"({"metric":"goal_progress","period":{"preset":"this_month"},"as_of":"2024-03-16T00:00:00+03:00"})");
  ASSERT_EQ(answer["rows"].size(), 1u);
  EXPECT_EQ(answer["rows"][0]["group"]["goal"], "g1");
  EXPECT_EQ(answer["rows"][0]["target"], "400000.00");
  EXPECT_EQ(answer["rows"][0]["percent"], 37.5);
}

}  // namespace
}  // namespace voronka::testing
