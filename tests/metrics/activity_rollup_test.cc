// activity_count answered from the per-user hourly roll-up (unfiltered requests on whole-hour
// buckets) equals the scan of activities (the same request with a filter that keeps every
// activity, and the drill-down), on a history counted by hand.
#include <gtest/gtest.h>

#include "metrics/metric_test_util.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// Moscow (UTC+3). All activities are calls on deal A.
//   a1 u1 03-04 10:00   a2 u1 03-31 23:30 (20:30 UTC, still March here)
//   a3 u1 04-01 00:30 (03-31 21:30 UTC: an April activity on a March UTC day)
//   a4 u2 03-15 12:00, re-sent later as u1 on 04-02 10:00 (it leaves u2's March)
//   a5 u2 04-10 09:00   a6 no user 03-20 10:00   a7 u3 02-29 23:59 (February: outside)
//   a8 u2 05-01 00:00 (May: outside)
// March: u1 2 (a1, a2), none 1 (a6). April: u1 2 (a3, a4), u2 1 (a5). Total 6.
// By department: d1 (u1) 4, d2 (u2) 1, none (no user) 1.
constexpr std::string_view kHistory = R"(
{"type":"deal","id":"A","pipeline_id":"p1","stage_id":"taken","amount":"1","responsible_id":"u1","created_at":"2024-02-01T10:00:00+03:00"}
{"type":"activity","id":"a1","kind":"call","direction":"out","deal_id":"A","user_id":"u1","at":"2024-03-04T10:00:00+03:00"}
{"type":"activity","id":"a2","kind":"call","direction":"out","deal_id":"A","user_id":"u1","at":"2024-03-31T23:30:00+03:00"}
{"type":"activity","id":"a3","kind":"call","direction":"out","deal_id":"A","user_id":"u1","at":"2024-04-01T00:30:00+03:00"}
{"type":"activity","id":"a4","kind":"call","direction":"out","deal_id":"A","user_id":"u2","at":"2024-03-15T12:00:00+03:00"}
{"type":"activity","id":"a5","kind":"call","direction":"out","deal_id":"A","user_id":"u2","at":"2024-04-10T09:00:00+03:00"}
{"type":"activity","id":"a6","kind":"call","direction":"out","deal_id":"A","at":"2024-03-20T10:00:00+03:00"}
{"type":"activity","id":"a7","kind":"call","direction":"out","deal_id":"A","user_id":"u3","at":"2024-02-29T23:59:00+03:00"}
{"type":"activity","id":"a8","kind":"call","direction":"out","deal_id":"A","user_id":"u2","at":"2024-05-01T00:00:00+03:00"}
)";
constexpr std::string_view kResent =
    R"({"type":"activity","id":"a4","kind":"call","direction":"out","deal_id":"A","user_id":"u1","at":"2024-04-02T10:00:00+03:00"})";

std::string Request(std::string_view group_by, bool scan) {
  return std::string(
             R"({"metric":"activity_count","period":{"from":"2024-03-01","to":"2024-05-01"},)"
             R"("as_of":"2024-06-01T00:00:00Z","granularity":"month","group_by":[)") +
         std::string(group_by) + "]" + (scan ? R"(,"filters":{"kind":["call"]})" : "") + "}";
}

class ActivityRollupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = Load(std::string(kWorkspace) + std::string(kHistory));
    Feed(*engine_, kResent);
  }
  std::unique_ptr<Engine> engine_;
};

TEST_F(ActivityRollupTest, ByResponsibleAndMonth) {
  json answer = Report(*engine_, Request(R"("responsible")", false));
  EXPECT_EQ(RowValue(answer, R"({"responsible":"u1"})", "2024-03"), 2);
  EXPECT_EQ(RowValue(answer, R"({"responsible":"u1"})", "2024-04"), 2);
  EXPECT_EQ(RowValue(answer, R"({"responsible":"u2"})", "2024-04"), 1);
  EXPECT_EQ(RowValue(answer, R"({"responsible":""})", "2024-03"), 1);
  EXPECT_EQ(answer["total"], 6);
  json scanned = Report(*engine_, Request(R"("responsible")", true));
  EXPECT_EQ(answer["rows"], scanned["rows"]);
  EXPECT_EQ(answer["total"], scanned["total"]);
}

TEST_F(ActivityRollupTest, ByDepartmentAndUngrouped) {
  json answer = Report(*engine_, Request(R"("department")", false));
  json scanned = Report(*engine_, Request(R"("department")", true));
  EXPECT_EQ(answer["rows"], scanned["rows"]);
  EXPECT_EQ(answer["total"], 6);
  json drill = json::parse(Request(R"("department")", false));
  drill["group"] = {{"department", "d1"}};
  drill["bucket"] = "2024-04";
  json d1_april = Drill(*engine_, drill.dump());
  EXPECT_EQ(RowValue(answer, R"({"department":"d1"})", "2024-04"), 2);  // a3, a4
  EXPECT_EQ(d1_april["total"], 2);
  json total = Report(*engine_, Request("", false));
  EXPECT_EQ(total["rows"], Report(*engine_, Request("", true))["rows"]);
  EXPECT_EQ(RowValue(total, "{}", "2024-03"), 3);  // a1, a2, a6
  EXPECT_EQ(RowValue(total, "{}", "2024-04"), 3);  // a3, a4, a5
}

TEST_F(ActivityRollupTest, HalfHourZoneScansAndAgrees) {
  // Kolkata is UTC+5:30: month bounds fall on half hours, so the roll-up cannot answer and the
  // scan does. There a2 (03-31 20:30 UTC = 04-01 02:00) and a3 are April's, a7 (02-29 20:59
  // UTC = 03-01 02:29) is March's and a8 (04-30 21:00 UTC = 05-01 02:30) May's.
  // March: a1 (u1), a6 (none), a7 (u3); April: a2, a3, a4 (u1), a5 (u2). Total 7.
  Feed(*engine_, R"({"type":"workspace","time_zone":"Asia/Kolkata"})");
  json answer = Report(*engine_, Request(R"("responsible")", false));
  EXPECT_EQ(RowValue(answer, R"({"responsible":"u1"})", "2024-03"), 1);
  EXPECT_EQ(RowValue(answer, R"({"responsible":"u3"})", "2024-03"), 1);
  EXPECT_EQ(RowValue(answer, R"({"responsible":"u1"})", "2024-04"), 3);
  EXPECT_EQ(answer["total"], 7);
  EXPECT_EQ(answer["rows"], Report(*engine_, Request(R"("responsible")", true))["rows"]);
}

}  // namespace
}  // namespace voronka::testing
