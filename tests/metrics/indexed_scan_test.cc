// Scans of a short period read the deals and activities of its weeks through the engine's time
// indexes; scans of a long one walk every row. Both must give the same numbers: a month asked
// alone equals that month's bucket of the year asked by month.
#include <gtest/gtest.h>

#include "metrics/metric_test_util.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// Twelve deals, one a month of 2024 (Moscow time), D<m> created on the 10th of month m with
// amount m × 100, a call on it on the 15th. Even months' deals are won on the 20th of the same
// month; odd months' deals are lost on the 25th of the next month (D12 is even: won in
// December; D11 is lost on 2024-12-25).
std::string YearHistory() {
  std::string text(kWorkspace);
  for (int m = 1; m <= 12; ++m) {
    char month[16];
    std::snprintf(month, sizeof month, "%02d", m);
    char next[16];
    std::snprintf(next, sizeof next, "%02d", m + 1);
    std::string id = "D" + std::to_string(m);
    std::string day = std::string("2024-") + month + "-";
    text += R"({"type":"deal","id":")" + id +
            R"(","pipeline_id":"p1","stage_id":"taken","amount":")" + std::to_string(m * 100) +
            R"(","responsible_id":"u1","created_at":")" + day + "10T10:00:00+03:00\"}\n";
    text += R"({"type":"activity","id":"a)" + std::to_string(m) +
            R"(","kind":"call","direction":"out","deal_id":")" + id + R"(","user_id":"u1","at":")" +
            day + "15T10:00:00+03:00\"}\n";
    if (m % 2 == 0) {
      text += R"({"type":"stage_change","deal_id":")" + id + R"(","to":"paid","at":")" + day +
              "20T10:00:00+03:00\"}\n";
    } else {
      text += R"({"type":"stage_change","deal_id":")" + id + R"(","to":"failed","at":"2024-)" +
              next + "-25T10:00:00+03:00\"}\n";
    }
  }
  return text;
}

constexpr std::string_view kAsOf = R"("as_of":"2025-01-01T00:00:00+03:00")";

// The request members of month m of 2024: its period and the as_of.
std::string MonthPeriod(int m) {
  char text[64];
  std::snprintf(text, sizeof text, R"("period":{"from":"2024-%02d-01","to":"%04d-%02d-01")", m,
                m == 12 ? 2025 : 2024, m == 12 ? 1 : m + 1);
  return std::string(text) + "}," + std::string(kAsOf);
}

json Month(const Engine& engine, std::string_view metric, int m) {
  return Value(engine, R"({"metric":")" + std::string(metric) + R"(",)" + MonthPeriod(m) + "}");
}

TEST(IndexedScan, AprilByHand) {
  auto engine = Load(YearHistory());
  // April: D4 created (04-10) and won (04-20, 400.00); D3 lost on 04-25; the call a4.
  EXPECT_EQ(Month(*engine, "created_count", 4), 1);
  EXPECT_EQ(Month(*engine, "won_count", 4), 1);
  EXPECT_EQ(Month(*engine, "won_amount", 4), "400.00");
  EXPECT_EQ(Month(*engine, "lost_count", 4), 1);
  EXPECT_EQ(Month(*engine, "lost_amount", 4), "300.00");
  EXPECT_EQ(Month(*engine, "conversion_rate", 4), 1.0);  // 1 won / 1 created
  EXPECT_EQ(Month(*engine, "activity_count", 4), 1);
  // May: D5 created, nothing closed in May (D4 won in April, D5 is lost in June).
  EXPECT_EQ(Month(*engine, "won_count", 5), 0);
  EXPECT_EQ(Month(*engine, "lost_count", 5), 0);
  EXPECT_EQ(Month(*engine, "conversion_rate", 5), 0.0);  // 0 won / 1 created
}

TEST(IndexedScan, EachMonthAloneEqualsItsBucketOfTheYear) {
  auto engine = Load(YearHistory());
  for (std::string metric :
       {"created_count", "won_count", "won_amount", "lost_count", "avg_check", "avg_cycle_days",
        "conversion_rate", "lost_share", "cohort_win_rate", "activity_count", "funnel"}) {
    json year = Report(*engine, R"({"metric":")" + metric +
                                    R"(","period":{"from":"2024-01-01","to":"2025-01-01"},)" +
                                    R"("granularity":"month",)" + std::string(kAsOf) + "}");
    // The funnel has a row per stage: its first row, "taken", is the month's cohort.
    std::string group = metric == "funnel" ? R"({"stage":"taken"})" : "{}";
    for (int m = 1; m <= 12; ++m) {
      char bucket[16];
      std::snprintf(bucket, sizeof bucket, "2024-%02d", m);
      json alone = Report(*engine, R"({"metric":")" + metric + R"(",)" + MonthPeriod(m) + "}");
      EXPECT_EQ(RowValue(alone, group), RowValue(year, group, bucket)) << metric << " " << bucket;
    }
  }
  // Every month's cohort is its one deal, which entered the funnel at "taken".
  json april = Report(*engine, R"({"metric":"funnel",)" + MonthPeriod(4) + "}");
  EXPECT_EQ(RowValue(april, R"({"stage":"taken"})"), 1);
}

// In-work snapshots by month add a deal that never reopened to its range of buckets at once
// (created_at < snapshot <= its first close); a deal that reopened walks its history.
//   A 100.00: created 01-10, won 03-05                  -> open at the ends of Jan and Feb
//   B 200.00: created 01-10, lost 01-20, reopened 02-10 on "request", won 04-10
//                                                        -> open at the ends of Feb and Mar
TEST(IndexedScan, InWorkByMonthWithAReopenedDeal) {
  auto engine = Load(std::string(kWorkspace) + R"(
{"type":"deal","id":"A","pipeline_id":"p1","stage_id":"taken","amount":"100","responsible_id":"u1","created_at":"2024-01-10T10:00:00+03:00"}
{"type":"stage_change","deal_id":"A","to":"paid","at":"2024-03-05T10:00:00+03:00"}
{"type":"deal","id":"B","pipeline_id":"p1","stage_id":"taken","amount":"200","responsible_id":"u2","created_at":"2024-01-10T10:00:00+03:00"}
{"type":"stage_change","deal_id":"B","to":"failed","at":"2024-01-20T10:00:00+03:00"}
{"type":"stage_change","deal_id":"B","to":"request","at":"2024-02-10T10:00:00+03:00"}
{"type":"stage_change","deal_id":"B","to":"paid","at":"2024-04-10T10:00:00+03:00"})");
  std::string request = R"("period":{"from":"2024-01-01","to":"2024-05-01"},"granularity":"month",)"
                        R"("as_of":"2024-05-01T00:00:00+03:00"})";
  json count = Report(*engine, R"({"metric":"in_work_count",)" + request);
  EXPECT_EQ(RowValue(count, "{}", "2024-01"), 1);
  EXPECT_EQ(RowValue(count, "{}", "2024-02"), 2);
  EXPECT_EQ(RowValue(count, "{}", "2024-03"), 1);
  EXPECT_EQ(RowValue(count, "{}", "2024-04"), 0);
  EXPECT_EQ(count["total"], 0);  // the snapshot at the end of the period (April)
  json amount =
      Report(*engine, R"({"metric":"in_work_amount","group_by":["responsible"],)" + request);
  EXPECT_EQ(RowValue(amount, R"({"responsible":"u1"})", "2024-02"), "100.00");
  EXPECT_EQ(RowValue(amount, R"({"responsible":"u2"})", "2024-02"), "200.00");
  EXPECT_EQ(RowValue(amount, R"({"responsible":"u2"})", "2024-03"), "200.00");
  EXPECT_EQ(RowValue(amount, R"({"responsible":"u1"})", "2024-03"), "0.00");
}

}  // namespace
}  // namespace voronka::testing
