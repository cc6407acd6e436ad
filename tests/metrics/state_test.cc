// State metrics (SPEC §4): snapshots at M = min(end of period, T).
#include <gtest/gtest.h>

#include "metrics/metric_test_util.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// As of 2024-04-10 00:00 Moscow (T), period April (so M = T):
//   S1 u1 1000 open, created 03-01, last touch: a call 03-20           -> forgotten (21 days)
//   S2 u2 2000 open, created 03-01, comment 04-05                        -> fresh
//   S3 u2 3000 won 03-15                                                  -> not in work
//   S4 u1 4000 created 04-12 (after T)                                    -> does not exist yet
// Tasks: t1 on S1 deadline 04-02, completed 04-03 (late); t2 on S2 open, deadline 04-08
// (overdue); t3 on S2 deadline 04-05 completed 04-04 (in time); t4 on S1 deadline 04-20.
constexpr std::string_view kState = R"(
{"type":"deal","id":"S1","pipeline_id":"p1","stage_id":"taken","amount":"1000","responsible_id":"u1","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"activity","id":"a1","kind":"call","direction":"out","deal_id":"S1","user_id":"u1","at":"2024-03-20T10:00:00+03:00","duration_s":60}
{"type":"deal","id":"S2","pipeline_id":"p1","stage_id":"invoice","amount":"2000","responsible_id":"u2","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"activity","id":"a2","kind":"comment","direction":"none","deal_id":"S2","user_id":"u2","at":"2024-04-05T10:00:00+03:00"}
{"type":"deal","id":"S3","pipeline_id":"p1","stage_id":"taken","amount":"3000","responsible_id":"u2","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"S3","to":"paid","at":"2024-03-15T10:00:00+03:00"}
{"type":"deal","id":"S4","pipeline_id":"p1","stage_id":"taken","amount":"4000","responsible_id":"u1","created_at":"2024-04-12T10:00:00+03:00"}
{"type":"task","id":"t1","deal_id":"S1","user_id":"u1","created_at":"2024-03-25T10:00:00+03:00","deadline":"2024-04-02T18:00:00+03:00","completed_at":null}
{"type":"task_update","id":"t1","at":"2024-04-03T09:00:00+03:00","set":{"completed_at":"2024-04-03T09:00:00+03:00"}}
{"type":"task","id":"t2","deal_id":"S2","user_id":"u2","created_at":"2024-03-25T10:00:00+03:00","deadline":"2024-04-08T18:00:00+03:00","completed_at":null}
{"type":"task","id":"t3","deal_id":"S2","user_id":"u1","created_at":"2024-03-25T10:00:00+03:00","deadline":"2024-04-05T18:00:00+03:00","completed_at":"2024-04-04T10:00:00+03:00"}
{"type":"task","id":"t4","deal_id":"S1","user_id":"u1","created_at":"2024-03-26T10:00:00+03:00","deadline":"2024-04-20T18:00:00+03:00","completed_at":null}
)";

constexpr std::string_view kApril =
    R"("period":{"from":"2024-04-01","to":"2024-05-01"},"as_of":"2024-04-10T00:00:00+03:00")";

class StateTest : public ::testing::Test {
 protected:
  void SetUp() override { engine_ = Load(std::string(kWorkspace) + std::string(kState)); }
  json V(std::string_view metric, std::string_view extra = "") {
    return Value(*engine_, std::string(R"({"metric":")") + std::string(metric) + "\"," +
                               std::string(kApril) + std::string(extra) + "}");
  }
  std::unique_ptr<Engine> engine_;
};

TEST_F(StateTest, InWork) {
  // Open at T and created before it: S1 and S2 (S3 won, S4 not created yet).
  EXPECT_EQ(V("in_work_count"), 2);
  EXPECT_EQ(V("in_work_amount"), "3000.00");
}

TEST_F(StateTest, ForgottenThresholdFromTheRequest) {
  // At T (04-10 00:00): S1's last touch is t1 completed 04-03 09:00 (6.6 days ago), S2's the
  // comment of 04-05 10:00 (4.58 days). With the workspace's 14 days neither is forgotten.
  EXPECT_EQ(V("forgotten_count"), 0);
  // With "forgotten_days": 5 S1 is.
  EXPECT_EQ(V("forgotten_count", R"(,"forgotten_days":5)"), 1);
  EXPECT_EQ(V("forgotten_amount", R"(,"forgotten_days":5)"), "1000.00");
}

TEST_F(StateTest, CommentUnforgets) {
  // As of 04-25 (period April, M = T): S1 last touched 04-03 (t1 completed) -> 22 days,
  // S2 last touched 04-05 -> 20 days: both forgotten. A comment on S1 on 04-24 un-forgets it.
  std::string late =
      R"({"metric":"forgotten_count","period":{"from":"2024-04-01","to":"2024-05-01"},"as_of":"2024-04-25T00:00:00+03:00"})";
  EXPECT_EQ(Value(*engine_, late), 2);
  Feed(
      *engine_,
      R"({"type":"activity","id":"a9","kind":"comment","direction":"none","deal_id":"S1","user_id":"u1","at":"2024-04-24T10:00:00+03:00"})");
  EXPECT_EQ(Value(*engine_, late), 1);
  EXPECT_EQ(Drill(*engine_, late)["items"][0]["id"], "S2");
}

TEST_F(StateTest, NoTask) {
  // At T: S1 has t4 open (t1 done 04-03); S2 has t2 open. None without a task.
  EXPECT_EQ(V("no_task_count"), 0);
  // As of 04-25 t4 is still open, t2 still open: 0. Complete t2 on 04-09: S2 has no open task.
  Feed(
      *engine_,
      R"({"type":"task_update","id":"t2","at":"2024-04-09T10:00:00+03:00","set":{"completed_at":"2024-04-09T10:00:00+03:00"}})");
  EXPECT_EQ(V("no_task_count"), 1);
}

TEST_F(StateTest, OverdueTasksIncludeLateCompletions) {
  // Deadlines in April before T: t1 (04-02, completed 04-03: late), t2 (04-08, open),
  // t3 (04-05, completed 04-04: in time). t4's deadline 04-20 is after T. -> t1, t2.
  EXPECT_EQ(V("overdue_tasks"), 2);
  json drill =
      Drill(*engine_, std::string(R"({"metric":"overdue_tasks",)") + std::string(kApril) + "}");
  ASSERT_EQ(drill["total"], 2);
  EXPECT_EQ(drill["items"][0]["id"], "t1");
  EXPECT_EQ(drill["items"][1]["id"], "t2");
  // Grouped by responsible: the task's own user.
  json by_user =
      Report(*engine_, std::string(R"({"metric":"overdue_tasks","group_by":["responsible"],)") +
                           std::string(kApril) + "}");
  EXPECT_EQ(RowValue(by_user, R"({"responsible":"u1"})"), 1);
  EXPECT_EQ(RowValue(by_user, R"({"responsible":"u2"})"), 1);
}

TEST_F(StateTest, LoadAgainstCapacity) {
  // In work at T: u1 S1, u2 S2; u2's capacity is 4 -> load 0.25.
  json answer = Report(*engine_, std::string(R"({"metric":"load",)") + std::string(kApril) + "}");
  ASSERT_EQ(answer["rows"].size(), 2u);
  EXPECT_EQ(answer["rows"][1]["group"]["responsible"], "u2");
  EXPECT_EQ(answer["rows"][1]["value"], 1);
  EXPECT_EQ(answer["rows"][1]["capacity"], 4);
  EXPECT_EQ(answer["rows"][1]["load"], 0.25);
  EXPECT_TRUE(answer["rows"][0]["capacity"].is_null());
}

TEST_F(StateTest, MonthlySnapshots) {
  // in_work by month over Feb..Apr: Feb end: none created; Mar end: S1, S2 (S3 won 03-15);
  // April: snapshot at T (04-10): S1, S2.
  json answer = Report(*engine_, R"({"metric":"in_work_count","granularity":"month",
      "period":{"from":"2024-02-01","to":"2024-05-01"},"as_of":"2024-04-10T00:00:00+03:00"})");
  EXPECT_EQ(RowValue(answer, "{}", "2024-02"), 0);
  EXPECT_EQ(RowValue(answer, "{}", "2024-03"), 2);
  EXPECT_EQ(RowValue(answer, "{}", "2024-04"), 2);
}

TEST(StateForecast, WeightsByOwnHistory) {
  // Closed history: H1 went taken -> invoice -> paid (won); H2 taken -> failed (lost);
  // H3 taken -> invoice -> failed (lost). Odds: taken 1 won / 3 closed; invoice 1 / 2.
  // Open: O1 on taken 900 -> 300.00 weighted; O2 on invoice 1000 -> 500.00.
  auto engine = Load(std::string(kWorkspace) + R"(
{"type":"deal","id":"H1","pipeline_id":"p1","stage_id":"taken","amount":"1","created_at":"2024-01-01T10:00:00Z"}
{"type":"stage_change","deal_id":"H1","to":"invoice","at":"2024-01-02T10:00:00Z"}
{"type":"stage_change","deal_id":"H1","to":"paid","at":"2024-01-03T10:00:00Z"}
{"type":"deal","id":"H2","pipeline_id":"p1","stage_id":"taken","amount":"1","created_at":"2024-01-01T10:00:00Z"}
{"type":"stage_change","deal_id":"H2","to":"failed","at":"2024-01-02T10:00:00Z"}
{"type":"deal","id":"H3","pipeline_id":"p1","stage_id":"taken","amount":"1","created_at":"2024-01-01T10:00:00Z"}
{"type":"stage_change","deal_id":"H3","to":"invoice","at":"2024-01-02T10:00:00Z"}
{"type":"stage_change","deal_id":"H3","to":"failed","at":"2024-01-03T10:00:00Z"}
{"type":"deal","id":"O1","pipeline_id":"p1","stage_id":"taken","amount":"900","created_at":"2024-02-01T10:00:00Z"}
{"type":"deal","id":"O2","pipeline_id":"p1","stage_id":"invoice","amount":"1000","created_at":"2024-02-01T10:00:00Z"}
)");
  json answer = Report(
      *engine,
      R"({"metric":"forecast","group_by":["stage"],"period":{"from":"2024-02-01","to":"2024-03-01"},"as_of":"2024-02-10T00:00:00Z"})");
  EXPECT_EQ(answer["total"], "1900.00");
  EXPECT_EQ(answer["total_weighted"], "800.00");
  EXPECT_EQ(RowValue(answer, R"({"stage":"taken"})"), "900.00");
  EXPECT_EQ(answer["rows"][1]["weighted"], "300.00");  // taken sorts after invoice
}

}  // namespace
}  // namespace voronka::testing
