// Forgotten deals answered from the rollup's forgotten spans (DealTable::rollup, kept with the
// workspace's 14 days): snapshots at local midnights from its cells, the one at T from the open
// deals' last touch, and a deal whose touches are not trusted (an activity moved back in time)
// visited as before. Counted by hand, and equal to the scan of every deal (the same request with
// a pipeline filter that keeps every deal) for every grouping, manager filter and visibility.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "metrics/metric_test_util.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// Moscow, forgotten after 14 days without a touch. Every deal in p1; times 10:00 Moscow.
//   P u1, 100: created 03-01; activities 03-05, 03-25, 04-20. Forgotten on [03-19, 03-25],
//     [04-08, 04-20] and from 05-04.
//   Q u2, 50: created 03-01, won 03-10, back to invoice 04-01 (it reopens). Open on
//     (03-01, 03-10] and from 04-01: forgotten from 04-15.
//   R u2, 70: created 03-20, a task created 03-22 and completed 04-10, lost 04-12. Forgotten on
//     [04-05, 04-10].
//   S u1, 30: created 03-01; an activity on 03-20, sent again on 03-06 (its touch on 03-20 is
//     withdrawn: S's touches are recomputed). Forgotten from 03-20.
// The first batch holds the deals; the rest arrive batch by batch (the rollup kept on apply).
constexpr std::string_view kDeals = R"(
{"type":"deal","id":"P","pipeline_id":"p1","stage_id":"taken","amount":"100","responsible_id":"u1","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"deal","id":"Q","pipeline_id":"p1","stage_id":"taken","amount":"50","responsible_id":"u2","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"deal","id":"R","pipeline_id":"p1","stage_id":"taken","amount":"70","responsible_id":"u2","created_at":"2024-03-20T10:00:00+03:00"}
{"type":"deal","id":"S","pipeline_id":"p1","stage_id":"taken","amount":"30","responsible_id":"u1","created_at":"2024-03-01T10:00:00+03:00"}
)";
constexpr std::string_view kTouches = R"(
{"type":"stage_change","deal_id":"Q","from":"taken","to":"paid","at":"2024-03-10T10:00:00+03:00"}
{"type":"stage_change","deal_id":"Q","from":"paid","to":"invoice","at":"2024-04-01T10:00:00+03:00"}
{"type":"activity","id":"p1","kind":"call","direction":"out","deal_id":"P","user_id":"u1","at":"2024-03-05T10:00:00+03:00"}
{"type":"activity","id":"p2","kind":"call","direction":"out","deal_id":"P","user_id":"u1","at":"2024-03-25T10:00:00+03:00"}
{"type":"activity","id":"p3","kind":"call","direction":"out","deal_id":"P","user_id":"u1","at":"2024-04-20T10:00:00+03:00"}
{"type":"activity","id":"s1","kind":"call","direction":"out","deal_id":"S","user_id":"u1","at":"2024-03-20T10:00:00+03:00"}
{"type":"task","id":"r1","deal_id":"R","user_id":"u2","created_at":"2024-03-22T10:00:00+03:00","deadline":"2024-04-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"R","from":"taken","to":"failed","at":"2024-04-12T10:00:00+03:00"}
)";
constexpr std::string_view kCorrections = R"(
{"type":"activity","id":"s1","kind":"call","direction":"out","deal_id":"S","user_id":"u1","at":"2024-03-06T10:00:00+03:00"}
{"type":"task_update","id":"r1","at":"2024-04-10T10:00:00+03:00","set":{"completed_at":"2024-04-10T10:00:00+03:00"}}
)";

// Months March to May at T = 05-20 12:00 (May's snapshot is at T), or the weeks of 03-04 to
// 04-29 (snapshots at the Mondays after them). With `scan`, filtered by every deal pipeline.
std::string Request(std::string_view metric, bool weeks, std::string_view group_by, bool scan,
                    std::string_view filters = "") {
  std::string all_filters(filters);
  if (scan)
    all_filters += std::string(all_filters.empty() ? "" : ",") + R"("pipeline":["p1","p2"])";
  std::string period = weeks ? R"({"from":"2024-03-04","to":"2024-05-06"},"granularity":"week")"
                             : R"({"from":"2024-03-01","to":"2024-06-01"},"granularity":"month")";
  return std::string(R"({"metric":")") + std::string(metric) + R"(","period":)" + period +
         R"(,"as_of":"2024-05-20T12:00:00+03:00","group_by":[)" + std::string(group_by) +
         "],\"filters\":{" + all_filters + "}}";
}

class ForgottenRollupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = Load(std::string(kWorkspace) + std::string(kDeals));
    Feed(*engine_, kTouches);
    Feed(*engine_, kCorrections);
    ASSERT_TRUE(engine_->Read().tables().deals.rollup.live());
    ASSERT_EQ(engine_->Read().tables().deals.rollup.forgotten_span(), 14 * kMicrosPerDay);
  }

  void ExpectAsScanned(std::string_view filters = "", const Visibility& visibility = {}) {
    for (std::string_view metric : {"forgotten_count", "forgotten_amount", "in_work_count"}) {
      for (bool weeks : {false, true}) {
        for (std::string_view group_by : {"", R"("responsible")", R"("department")"}) {
          json rolled =
              Report(*engine_, Request(metric, weeks, group_by, false, filters), visibility);
          json scanned =
              Report(*engine_, Request(metric, weeks, group_by, true, filters), visibility);
          EXPECT_EQ(rolled["rows"], scanned["rows"])
              << metric << " by [" << group_by << "] " << filters << (weeks ? " weekly" : "");
          EXPECT_EQ(rolled["total"], scanned["total"]) << metric << " by [" << group_by << "]";
        }
      }
    }
  }

  std::unique_ptr<Engine> engine_;
};

TEST_F(ForgottenRollupTest, MonthEndsAndNow) {
  // At 04-01 00:00: S. At 05-01 00:00: Q and S (P was touched on 04-20). At T: P, Q and S.
  json count = Report(*engine_, Request("forgotten_count", false, R"("responsible")", false));
  EXPECT_EQ(RowValue(count, R"({"responsible":"u1"})", "2024-03"), 1);
  EXPECT_EQ(RowValue(count, R"({"responsible":"u1"})", "2024-04"), 1);
  EXPECT_EQ(RowValue(count, R"({"responsible":"u2"})", "2024-04"), 1);
  EXPECT_EQ(RowValue(count, R"({"responsible":"u1"})", "2024-05"), 2);
  EXPECT_EQ(RowValue(count, R"({"responsible":"u2"})", "2024-05"), 1);
  EXPECT_EQ(count["total"], 3);
  json amount = Report(*engine_, Request("forgotten_amount", false, R"("responsible")", false));
  EXPECT_EQ(RowValue(amount, R"({"responsible":"u1"})", "2024-05"), "130.00");  // P 100 + S 30
  EXPECT_EQ(amount["total"], "180.00");
}

TEST_F(ForgottenRollupTest, WeekEnds) {
  // Snapshots on the Mondays after each week: 03-25 P, S; 04-01 S; 04-08 R, S; 04-15 P, S;
  // 04-22 Q, S; 04-29 Q, S; 05-06 P, Q, S.
  json count = Report(*engine_, Request("forgotten_count", true, "", false));
  std::vector<int> by_week;
  for (const json& row : count["rows"]) by_week.push_back(row["value"].get<int>());
  EXPECT_EQ(by_week, (std::vector<int>{0, 0, 2, 1, 2, 2, 2, 2, 3}));
  json u2 = Report(*engine_, Request("forgotten_amount", true, R"("responsible")", false));
  EXPECT_EQ(RowValue(u2, R"({"responsible":"u2"})", "2024-04-01"), "70.00");  // R
  EXPECT_EQ(RowValue(u2, R"({"responsible":"u2"})", "2024-04-29"), "50.00");  // Q
}

TEST_F(ForgottenRollupTest, InWorkOfADealThatReopens) {
  // Q is in work until its win on 03-10 and again from 04-01 10:00; R from 03-20 to 04-12.
  json count = Report(*engine_, Request("in_work_count", true, R"("responsible")", false));
  EXPECT_EQ(RowValue(count, R"({"responsible":"u2"})", "2024-03-04"), 0);  // 03-11: Q won
  EXPECT_EQ(RowValue(count, R"({"responsible":"u2"})", "2024-03-25"), 1);  // 04-01: R
  EXPECT_EQ(RowValue(count, R"({"responsible":"u2"})", "2024-04-01"), 2);  // 04-08: Q, R
  EXPECT_EQ(RowValue(count, R"({"responsible":"u2"})", "2024-04-29"), 1);  // 05-06: Q
}

TEST_F(ForgottenRollupTest, EveryGroupingAsScanned) {
  ExpectAsScanned();
}

TEST_F(ForgottenRollupTest, ManagerFiltersAndVisibilityAsScanned) {
  ExpectAsScanned(R"("responsible":["u2"])");
  ExpectAsScanned(R"("department":["d2"])");
  ExpectAsScanned("", Visibility{false, {"u1"}});
}

TEST_F(ForgottenRollupTest, ACallPlannedAfterTDoesNotUnforget) {
  // A call on P planned for 06-10, after T: P's window at T (05-06 12:00 to T) is still
  // untouched, so P stays forgotten at T (3 in all); the weeks as the scan counts them.
  Feed(
      *engine_,
      R"({"type":"activity","id":"p4","kind":"meeting","direction":"out","deal_id":"P","user_id":"u1","at":"2024-06-10T10:00:00+03:00"})");
  json count = Report(*engine_, Request("forgotten_count", false, R"("responsible")", false));
  EXPECT_EQ(RowValue(count, R"({"responsible":"u1"})", "2024-05"), 2);
  EXPECT_EQ(count["total"], 3);
  ExpectAsScanned();
}

TEST_F(ForgottenRollupTest, AnotherSpanIsScanned) {
  // The request's own 35 days: not the rollup's span. At T, Q (last touched 04-01) and S (03-06)
  // are forgotten; P (04-20, 30 days before) is not.
  std::string request = Request("forgotten_count", false, "", false);
  json count = Report(*engine_, request.insert(1, R"("forgotten_days":35,)"));
  EXPECT_EQ(count["total"], 2);
}

TEST_F(ForgottenRollupTest, ChangingTheWorkspaceSpanRebuilds) {
  // 7 days: R is forgotten at 04-01 too (last touched 03-22), and the rollup keeps 7 days.
  Feed(*engine_, R"({"type":"workspace","forgotten_days":7})");
  EXPECT_EQ(engine_->Read().tables().deals.rollup.forgotten_span(), 7 * kMicrosPerDay);
  json count = Report(*engine_, Request("forgotten_count", false, R"("responsible")", false));
  EXPECT_EQ(RowValue(count, R"({"responsible":"u2"})", "2024-03"), 1);
  ExpectAsScanned();
  // 3 days are shorter than the touch gaps kept: no forgotten spans, the deals are scanned.
  Feed(*engine_, R"({"type":"workspace","forgotten_days":3})");
  EXPECT_EQ(engine_->Read().tables().deals.rollup.forgotten_span(), 0);
  ExpectAsScanned();
}

}  // namespace
}  // namespace voronka::testing
