// Outcome metrics answered from the per-day, per-manager rollup (DealTable::rollup: unfiltered
// or manager-filtered requests on whole local days, T now) equal the scan of deals (the same
// request with a pipeline filter that keeps every deal), on a history counted by hand and
// changed batch by batch: a win withdrawn, an amount and a responsible changed after the win,
// a time zone changed, a deal older than the rollup's first day.
#include <gtest/gtest.h>

#include "metrics/metric_test_util.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// Moscow (UTC+3). Deals of p1 unless said.
//   A u1 created 03-05 10:00, 100, won 03-20; its amount becomes 150 on 03-25 (second batch)
//   B u1 created 03-10 10:00, 200, won 03-31 23:30 (20:30 UTC: still March here)
//   C u2 created 03-15 12:00, 50, won 04-02 by mistake (first batch), back to invoice 04-03
//   D u2 created 04-01 00:30 (03-31 21:30 UTC: an April deal on a March UTC day), 70, lost 04-10
//   E u3 created 03-01 09:00, 300, given to u1 on 03-02 (second batch), won 04-15
//   F no responsible, created 04-05, open
//   G a lead of u1 created 03-07 (leads are not deals: never counted here)
//   I u2 created 02-20 (outside), 10, won 03-05 in pipeline p2
// created:  March u1 3 (A, B, E), u2 1 (C); April u2 1 (D), none 1 (F). Total 6.
// won:      March u1 2 (A, B: 350), u2 1 (I: 10); April u1 1 (E: 300). Total 4, 660.
// lost:     April u2 1 (D: 70).
// in work at the end of March (04-01 00:00): u1 E (300), u2 C (50; it reopened: read from its
// history); at the end of April: u2 C (50), none F (5).
constexpr std::string_view kHistory = R"(
{"type":"pipeline","id":"L","name":"Leads","entity":"lead","stages":[{"id":"l_new","name":"New","semantic":"open"},{"id":"l_bad","name":"Junk","semantic":"lost"}]}
{"type":"deal","id":"A","pipeline_id":"p1","stage_id":"taken","amount":"100","responsible_id":"u1","created_at":"2024-03-05T10:00:00+03:00"}
{"type":"stage_change","deal_id":"A","from":"taken","to":"paid","at":"2024-03-20T10:00:00+03:00"}
{"type":"deal","id":"B","pipeline_id":"p1","stage_id":"taken","amount":"200","responsible_id":"u1","created_at":"2024-03-10T10:00:00+03:00"}
{"type":"stage_change","deal_id":"B","from":"taken","to":"paid","at":"2024-03-31T23:30:00+03:00"}
{"type":"deal","id":"C","pipeline_id":"p1","stage_id":"taken","amount":"50","responsible_id":"u2","created_at":"2024-03-15T12:00:00+03:00"}
{"type":"stage_change","deal_id":"C","from":"taken","to":"paid","at":"2024-04-02T10:00:00+03:00"}
{"type":"deal","id":"D","pipeline_id":"p1","stage_id":"taken","amount":"70","responsible_id":"u2","created_at":"2024-04-01T00:30:00+03:00"}
{"type":"stage_change","deal_id":"D","from":"taken","to":"failed","at":"2024-04-10T10:00:00+03:00"}
{"type":"deal","id":"E","pipeline_id":"p1","stage_id":"taken","amount":"300","responsible_id":"u3","created_at":"2024-03-01T09:00:00+03:00"}
{"type":"stage_change","deal_id":"E","from":"taken","to":"paid","at":"2024-04-15T10:00:00+03:00"}
{"type":"deal","id":"F","pipeline_id":"p1","stage_id":"taken","amount":"5","created_at":"2024-04-05T10:00:00+03:00"}
{"type":"deal","id":"G","entity":"lead","pipeline_id":"L","stage_id":"l_new","amount":"0","responsible_id":"u1","created_at":"2024-03-07T10:00:00+03:00"}
{"type":"deal","id":"I","pipeline_id":"p2","stage_id":"r_new","amount":"10","responsible_id":"u2","created_at":"2024-02-20T10:00:00+03:00"}
{"type":"stage_change","deal_id":"I","from":"r_new","to":"r_done","at":"2024-03-05T10:00:00+03:00"}
)";
constexpr std::string_view kSecondBatch = R"(
{"type":"stage_change","deal_id":"C","from":"paid","to":"invoice","at":"2024-04-03T10:00:00+03:00"}
{"type":"deal_update","id":"A","at":"2024-03-25T10:00:00+03:00","set":{"amount":"150"}}
{"type":"deal_update","id":"E","at":"2024-03-02T10:00:00+03:00","set":{"responsible_id":"u1"}}
)";

constexpr std::string_view kMetrics[] = {
    "created_count", "won_count",      "won_amount",      "lost_count",      "lost_amount",
    "avg_check",     "avg_cycle_days", "conversion_rate", "cohort_win_rate", "lost_share",
    "in_work_count", "in_work_amount", "load",           "forgotten_count", "forgotten_amount"};

// A monthly report of March and April 2024 grouped by `group_by`; with `scan`, filtered by
// every deal pipeline, which keeps every deal and makes the engine scan them.
std::string Request(std::string_view metric, std::string_view group_by, bool scan,
                    std::string_view filters = "") {
  std::string all_filters(filters);
  if (scan) all_filters += std::string(all_filters.empty() ? "" : ",") + R"("pipeline":["p1","p2"])";
  return std::string(R"({"metric":")") + std::string(metric) +
         R"(","period":{"from":"2024-03-01","to":"2024-05-01"},"as_of":"2024-06-01T00:00:00Z",)"
         R"("granularity":"month","compare":"previous_period","group_by":[)" +
         std::string(group_by) + "],\"filters\":{" + all_filters + "}}";
}

// Every rolled-up metric, grouped by nothing, responsible and department, answers as the scan.
void ExpectAllAsScanned(const Engine& engine, std::string_view filters = "",
                        const Visibility& visibility = {}) {
  for (std::string_view metric : kMetrics) {
    for (std::string_view group_by : {"", R"("responsible")", R"("department")"}) {
      json rolled = Report(engine, Request(metric, group_by, false, filters), visibility);
      json scanned = Report(engine, Request(metric, group_by, true, filters), visibility);
      EXPECT_EQ(rolled["rows"], scanned["rows"]) << metric << " by [" << group_by << "] " << filters;
      EXPECT_EQ(rolled["total"], scanned["total"]) << metric << " by [" << group_by << "]";
    }
  }
}

class DealRollupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    engine_ = Load(std::string(kWorkspace) + std::string(kHistory));
    // Before the second batch C is won in April.
    json won = Report(*engine_, Request("won_count", R"("responsible")", false));
    EXPECT_EQ(RowValue(won, R"({"responsible":"u2"})", "2024-04"), 1);
    Feed(*engine_, kSecondBatch);
  }
  std::unique_ptr<Engine> engine_;
};

TEST_F(DealRollupTest, CountsByResponsibleAndMonth) {
  json created = Report(*engine_, Request("created_count", R"("responsible")", false));
  EXPECT_EQ(RowValue(created, R"({"responsible":"u1"})", "2024-03"), 3);
  EXPECT_EQ(RowValue(created, R"({"responsible":"u2"})", "2024-03"), 1);
  EXPECT_EQ(RowValue(created, R"({"responsible":"u2"})", "2024-04"), 1);
  EXPECT_EQ(RowValue(created, R"({"responsible":""})", "2024-04"), 1);
  EXPECT_EQ(created["total"], 6);
  json won = Report(*engine_, Request("won_count", R"("responsible")", false));
  EXPECT_EQ(RowValue(won, R"({"responsible":"u1"})", "2024-03"), 2);
  EXPECT_EQ(RowValue(won, R"({"responsible":"u2"})", "2024-03"), 1);
  EXPECT_EQ(RowValue(won, R"({"responsible":"u1"})", "2024-04"), 1);
  EXPECT_EQ(won["total"], 4);  // C's win withdrawn
  json amount = Report(*engine_, Request("won_amount", R"("responsible")", false));
  EXPECT_EQ(RowValue(amount, R"({"responsible":"u1"})", "2024-03"), "350.00");
  EXPECT_EQ(RowValue(amount, R"({"responsible":"u1"})", "2024-04"), "300.00");
  EXPECT_EQ(amount["total"], "660.00");
  json check = Report(*engine_, Request("avg_check", R"("responsible")", false));
  EXPECT_EQ(RowValue(check, R"({"responsible":"u1"})", "2024-03"), "175.00");  // (150 + 200) / 2
  json lost = Report(*engine_, Request("lost_amount", R"("responsible")", false));
  EXPECT_EQ(RowValue(lost, R"({"responsible":"u2"})", "2024-04"), "70.00");
}

TEST_F(DealRollupTest, InWorkAtEachMonthEnd) {
  json count = Report(*engine_, Request("in_work_count", R"("responsible")", false));
  EXPECT_EQ(RowValue(count, R"({"responsible":"u1"})", "2024-03"), 1);
  EXPECT_EQ(RowValue(count, R"({"responsible":"u2"})", "2024-03"), 1);
  EXPECT_EQ(RowValue(count, R"({"responsible":"u2"})", "2024-04"), 1);
  EXPECT_EQ(RowValue(count, R"({"responsible":""})", "2024-04"), 1);
  EXPECT_EQ(count["total"], 2);  // the last snapshot
  json amount = Report(*engine_, Request("in_work_amount", R"("responsible")", false));
  EXPECT_EQ(RowValue(amount, R"({"responsible":"u1"})", "2024-03"), "300.00");
  EXPECT_EQ(RowValue(amount, R"({"responsible":""})", "2024-04"), "5.00");
  EXPECT_EQ(amount["total"], "55.00");
}

// A batch that changes one deal several times (won again, its amount and responsible, a call,
// reopened) and wins another settles the rollup once per deal at its end: the rollup answers
// as the scan, and as a person counts.
TEST_F(DealRollupTest, ABatchOfSeveralRecordsOnOneDealAsScanned) {
  Feed(*engine_, R"(
{"type":"stage_change","deal_id":"D","from":"failed","to":"paid","at":"2024-04-20T10:00:00+03:00"}
{"type":"deal_update","id":"D","at":"2024-04-21T10:00:00+03:00","set":{"amount":"90","responsible_id":"u1"}}
{"type":"activity","id":"call-D","kind":"call","direction":"out","deal_id":"D","user_id":"u1","at":"2024-04-22T10:00:00+03:00"}
{"type":"stage_change","deal_id":"D","from":"paid","to":"taken","at":"2024-04-25T10:00:00+03:00"}
{"type":"stage_change","deal_id":"F","from":"taken","to":"paid","at":"2024-04-25T10:00:00+03:00"}
)");
  ExpectAllAsScanned(*engine_);
  // Won: A, B, I, E as before, and F (no responsible) in April; D reopened, no longer lost.
  json won = Report(*engine_, Request("won_count", R"("responsible")", false));
  EXPECT_EQ(RowValue(won, R"({"responsible":""})", "2024-04"), 1);
  EXPECT_EQ(won["total"], 5);
  json lost = Report(*engine_, Request("lost_count", "", false));
  EXPECT_EQ(lost["total"], 0);
  // In work at the end of April: C (50) and D (90, now u1's).
  json in_work = Report(*engine_, Request("in_work_amount", R"("responsible")", false));
  EXPECT_EQ(RowValue(in_work, R"({"responsible":"u1"})", "2024-04"), "90.00");
  EXPECT_EQ(in_work["total"], "140.00");
}

TEST_F(DealRollupTest, EveryMetricAndGroupingAsScanned) {
  ExpectAllAsScanned(*engine_);
}

TEST_F(DealRollupTest, TheRollupIsWhatAnswers) {
  // The rollup is built at publish and read (its cells, 64 bytes each), not the deals.
  ASSERT_TRUE(engine_->Read().tables().deals.rollup.live());
  for (std::string_view metric : {"won_amount", "created_count", "in_work_count"}) {
    ScanStats rolled, scanned;
    ASSERT_TRUE(RunReport(*engine_, json::parse(Request(metric, R"("responsible")", false)),
                          Instant{0}, {}, &rolled).ok());
    ASSERT_TRUE(RunReport(*engine_, json::parse(Request(metric, R"("responsible")", true)),
                          Instant{0}, {}, &scanned).ok());
    int64_t row = static_cast<int64_t>(sizeof(DealDayCell)) * engine_->Read().tables().deals.rollup.slots();
    EXPECT_GT(rolled.bytes_scanned, 0) << metric;
    EXPECT_EQ(rolled.bytes_scanned % row, 0) << metric;
    EXPECT_NE(scanned.bytes_scanned % row, 0) << metric;
  }
}

TEST_F(DealRollupTest, ManagerFiltersAndVisibilityAsScanned) {
  ExpectAllAsScanned(*engine_, R"("responsible":["u2"])");
  ExpectAllAsScanned(*engine_, R"("department":["d2"])");
  ExpectAllAsScanned(*engine_, R"("responsible":{"in":[""]})");
  ExpectAllAsScanned(*engine_, "", Visibility{false, {"u2"}});
  json own = Report(*engine_, Request("created_count", R"("responsible")", false),
                    Visibility{false, {"u2"}});
  EXPECT_EQ(own["rows"].size(), 2u);  // u2 in March (C) and April (D); the others unseen
  EXPECT_EQ(own["total"], 2);
}

TEST_F(DealRollupTest, TimeZoneChangeRebuildsTheDays) {
  // In UTC B's win (03-31 20:30 UTC) stays in March and D's creation (03-31 21:30 UTC) moves to
  // March: u2 created 2 in March and none in April.
  Feed(*engine_, R"({"type":"workspace","time_zone":"UTC"})");
  json created = Report(*engine_, Request("created_count", R"("responsible")", false));
  EXPECT_EQ(RowValue(created, R"({"responsible":"u2"})", "2024-03"), 2);
  EXPECT_EQ(RowValue(created, R"({"responsible":"u2"})", "2024-04"), 0);
  ExpectAllAsScanned(*engine_);
}

TEST_F(DealRollupTest, DealsOutsideItsDaysAndNewManagersAsScanned) {
  // A deal of 2019 (over a year before the rollup's first day) won in March 2024 by a manager
  // the workspace did not know: March won of u9 is 1.
  Feed(*engine_, R"(
{"type":"deal","id":"OLD","pipeline_id":"p1","stage_id":"taken","amount":"40","responsible_id":"u9","created_at":"2019-06-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"OLD","from":"taken","to":"paid","at":"2024-03-11T10:00:00+03:00"}
)");
  json won = Report(*engine_, Request("won_count", R"("responsible")", false));
  EXPECT_EQ(RowValue(won, R"({"responsible":"u9"})", "2024-03"), 1);
  EXPECT_EQ(won["total"], 5);
  ExpectAllAsScanned(*engine_);
}

TEST_F(DealRollupTest, AHistoryLongerThanTheRollupIsScanned) {
  // A deal of 1920 won in March 2024: over a century of days, more than the rollup lays out.
  // Reports scan, and give u3 its March win.
  Feed(*engine_, R"(
{"type":"deal","id":"ANCIENT","pipeline_id":"p1","stage_id":"taken","amount":"1","responsible_id":"u3","created_at":"1920-01-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"ANCIENT","from":"taken","to":"paid","at":"2024-03-12T10:00:00+03:00"}
)");
  EXPECT_FALSE(engine_->Read().tables().deals.rollup.live());
  json won = Report(*engine_, Request("won_count", R"("responsible")", false));
  EXPECT_EQ(RowValue(won, R"({"responsible":"u3"})", "2024-03"), 1);
  EXPECT_EQ(won["total"], 5);
  Feed(*engine_, kSecondBatch);  // a later batch does not try again
  EXPECT_FALSE(engine_->Read().tables().deals.rollup.live());
  EXPECT_EQ(Report(*engine_, Request("won_count", R"("responsible")", false))["total"], 5);
}

}  // namespace
}  // namespace voronka::testing
