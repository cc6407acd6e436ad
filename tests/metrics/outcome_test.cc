// Outcome metrics (SPEC §4): created, won, lost, averages, conversion, repeat/new.
#include <gtest/gtest.h>

#include "metrics/metric_test_util.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// March 2024 in Moscow:
//   D1 u1 150000, created 03-01, paid 03-10            -> won in March
//   D2 u2  50000, created 03-02, paid 03-05 by mistake, back to awaiting 03-06 -> open
//   D3 u1  30000, created 02-20, failed 03-15          -> lost in March
//   D4 u3  20000, created 03-03, paid 04-02            -> won in April
constexpr std::string_view kMarch = R"(
{"type":"deal","id":"D1","title":"Order 1","pipeline_id":"p1","stage_id":"taken","amount":"150000.00","responsible_id":"u1","source":"cold","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"D1","to":"paid","at":"2024-03-10T10:00:00+03:00","by":"u1"}
{"type":"deal","id":"D2","title":"Order 2","pipeline_id":"p1","stage_id":"taken","amount":"50000","responsible_id":"u2","source":"web","created_at":"2024-03-02T10:00:00+03:00"}
{"type":"stage_change","deal_id":"D2","to":"paid","at":"2024-03-05T10:00:00+03:00","by":"u2"}
{"type":"stage_change","deal_id":"D2","to":"awaiting","at":"2024-03-06T10:00:00+03:00","by":"u2"}
{"type":"deal","id":"D3","title":"Order 3","pipeline_id":"p1","stage_id":"request","amount":"30000","responsible_id":"u1","source":"cold","created_at":"2024-02-20T10:00:00+03:00","loss_reason":"price"}
{"type":"stage_change","deal_id":"D3","to":"failed","at":"2024-03-15T10:00:00+03:00","by":"u1"}
{"type":"deal","id":"D4","title":"Order 4","pipeline_id":"p1","stage_id":"taken","amount":"20000","responsible_id":"u3","created_at":"2024-03-03T10:00:00+03:00"}
{"type":"stage_change","deal_id":"D4","to":"paid","at":"2024-04-02T10:00:00+03:00","by":"u3"}
)";

std::string MarchRequest(std::string_view metric, std::string_view extra = "") {
  return std::string(R"({"metric":")") + std::string(metric) +
         R"(","period":{"from":"2024-03-01","to":"2024-04-01"},"as_of":"2024-04-10T00:00:00Z")" +
         std::string(extra) + "}";
}

class OutcomeTest : public ::testing::Test {
 protected:
  void SetUp() override { engine_ = Load(std::string(kWorkspace) + std::string(kMarch)); }
  json V(std::string_view metric, std::string_view extra = "") {
    return Value(*engine_, MarchRequest(metric, extra));
  }
  std::unique_ptr<Engine> engine_;
};

TEST_F(OutcomeTest, WonAndLostByCloseTime) {
  // Won in March: only D1 (D2 went back out of won; D4 closed in April).
  EXPECT_EQ(V("won_count"), 1);
  EXPECT_EQ(V("won_amount"), "150000.00");
  // Lost in March: D3, created in February.
  EXPECT_EQ(V("lost_count"), 1);
  EXPECT_EQ(V("lost_amount"), "30000.00");
  // Created in March: D1, D2, D4.
  EXPECT_EQ(V("created_count"), 3);
}

TEST_F(OutcomeTest, AveragesAndRatios) {
  EXPECT_EQ(V("avg_check"), "150000.00");   // 150000 / 1
  EXPECT_EQ(V("avg_cycle_days"), 9.0);      // D1: 03-01 10:00 -> 03-10 10:00
  EXPECT_EQ(V("conversion_rate"), 0.3333);  // won 1 / created 3
  EXPECT_EQ(V("cohort_win_rate"), 0.6667);  // of D1, D2, D4 created in March, D1 and D4 won by T
  EXPECT_EQ(V("lost_share"), 0.5);          // lost 1 / (won 1 + lost 1)
}

TEST_F(OutcomeTest, AsOfIgnoresLaterHistory) {
  // As of 03-05 12:00 Moscow D2 sits on the won stage (the mistake is undone on 03-06), and
  // D1 is still open: won in March = D2 only.
  json answer =
      Report(*engine_, R"({"metric":"won_count","period":{"from":"2024-03-01","to":"2024-04-01"},
      "as_of":"2024-03-05T12:00:00+03:00"})");
  EXPECT_EQ(answer["rows"][0]["value"], 1);
  EXPECT_EQ(
      Drill(*engine_, R"({"metric":"won_count","period":{"from":"2024-03-01","to":"2024-04-01"},
      "as_of":"2024-03-05T12:00:00+03:00"})")["items"][0]["id"],
      "D2");
}

TEST_F(OutcomeTest, EmptyRatiosAreNull) {
  // Nothing happened in January: counts are 0, amounts "0.00", ratios and means null.
  std::string january =
      R"({"period":{"from":"2024-01-01","to":"2024-02-01"},"as_of":"2024-04-10T00:00:00Z","metric":")";
  EXPECT_EQ(Value(*engine_, january + R"(won_count"})"), 0);
  EXPECT_EQ(Value(*engine_, january + R"(won_amount"})"), "0.00");
  EXPECT_TRUE(Value(*engine_, january + R"(avg_check"})").is_null());
  EXPECT_TRUE(Value(*engine_, january + R"(avg_cycle_days"})").is_null());
  EXPECT_TRUE(Value(*engine_, january + R"(conversion_rate"})").is_null());
  EXPECT_TRUE(Value(*engine_, january + R"(lost_share"})").is_null());
}

TEST_F(OutcomeTest, GroupByResponsibleWithLabels) {
  json answer = Report(*engine_, MarchRequest("created_count", R"(,"group_by":["responsible"])"));
  // Created in March: D1 u1, D2 u2, D4 u3 — one row each, ordered by id.
  ASSERT_EQ(answer["rows"].size(), 3u);
  EXPECT_EQ(answer["rows"][0]["group"]["responsible"], "u1");
  EXPECT_EQ(RowValue(answer, R"({"responsible":"u2"})"), 1);
  EXPECT_EQ(answer["labels"]["responsible"]["u1"], "Adelina");
  EXPECT_EQ(answer["total"], 3);
}

TEST_F(OutcomeTest, DepartmentFilterIncludesSubDepartments) {
  // d1 holds u1 and, through d2, u2: created D1 + D2 = 2; d2 alone: D2.
  EXPECT_EQ(V("created_count", R"(,"filters":{"department":["d1"]})"), 2);
  EXPECT_EQ(V("created_count", R"(,"filters":{"department":["d2"]})"), 1);
  json by_department =
      Report(*engine_, MarchRequest("created_count", R"(,"group_by":["department"])"));
  EXPECT_EQ(RowValue(by_department, R"({"department":"d1"})"), 1);
  EXPECT_EQ(RowValue(by_department, R"({"department":"d2"})"), 1);
  EXPECT_EQ(RowValue(by_department, R"({"department":""})"), 1);  // u3 has none
}

TEST_F(OutcomeTest, GranularityFillsEveryBucket) {
  // Weeks of March 2024 (Mondays): 02-26, 03-04, 03-11, 03-18, 03-25. Created: D1 (03-01) and
  // D2 (03-02) in the week of 02-26, D4 (03-03, a Sunday) too.
  json answer = Report(*engine_, MarchRequest("created_count", R"(,"granularity":"week")"));
  ASSERT_EQ(answer["rows"].size(), 5u);
  EXPECT_EQ(answer["rows"][0]["bucket"], "2024-02-26");
  EXPECT_EQ(answer["rows"][0]["value"], 3);
  EXPECT_EQ(answer["rows"][4]["bucket"], "2024-03-25");
  EXPECT_EQ(answer["rows"][4]["value"], 0);
  json ratios = Report(*engine_, MarchRequest("avg_check", R"(,"granularity":"week")"));
  EXPECT_EQ(RowValue(ratios, "{}", "2024-03-04"), "150000.00");  // D1 won 03-10 (a Sunday)
  EXPECT_TRUE(RowValue(ratios, "{}", "2024-03-11").is_null());
}

TEST_F(OutcomeTest, ComparePreviousPeriod) {
  // February: D3 created. March: 3 created.
  json answer = Report(*engine_, MarchRequest("created_count", R"(,"compare":"previous_period")"));
  EXPECT_EQ(answer["rows"][0]["value"], 3);
  EXPECT_EQ(answer["rows"][0]["compare"], 1);
  EXPECT_EQ(answer["compare_period"]["from"], "2024-02-01");
  EXPECT_EQ(answer["total_compare"], 1);
}

TEST_F(OutcomeTest, DealUpdateLatestAtWins) {
  // D1's amount is raised on 03-20, then an older update (03-12) arrives later: it is ignored.
  Feed(*engine_, R"(
{"type":"deal_update","id":"D1","at":"2024-03-20T10:00:00+03:00","set":{"amount":"170000","responsible_id":"u2"}}
{"type":"deal_update","id":"D1","at":"2024-03-12T10:00:00+03:00","set":{"amount":"160000"}}
)");
  EXPECT_EQ(V("won_amount"), "170000.00");
  EXPECT_EQ(V("won_amount", R"(,"filters":{"responsible":["u2"]})"), "170000.00");
}

TEST_F(OutcomeTest, FilterBySourceAndLossReason) {
  EXPECT_EQ(V("created_count", R"(,"filters":{"source":["cold"]})"), 1);     // D1
  EXPECT_EQ(V("created_count", R"(,"filters":{"source":[""]})"), 1);         // D4 has none
  EXPECT_EQ(V("lost_count", R"(,"filters":{"loss_reason":["price"]})"), 1);  // D3
}

TEST(OutcomeTimeZones, WonAt2330MoscowOnTheLastDayOfMonth) {
  // 03-31 23:30 Moscow is 20:30 UTC (March either way); 04-01 01:30 Moscow is 03-31 22:30
  // UTC — April in the workspace zone, though still March in UTC.
  auto engine = Load(std::string(kWorkspace) + R"(
{"type":"deal","id":"A","pipeline_id":"p1","stage_id":"taken","amount":"100","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"A","to":"paid","at":"2024-03-31T23:30:00+03:00"}
{"type":"deal","id":"B","pipeline_id":"p1","stage_id":"taken","amount":"200","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"B","to":"paid","at":"2024-04-01T01:30:00+03:00"}
)");
  json answer =
      Report(*engine, R"({"metric":"won_amount","period":{"from":"2024-03-01","to":"2024-05-01"},
      "granularity":"month","as_of":"2024-05-01T00:00:00Z"})");
  EXPECT_EQ(RowValue(answer, "{}", "2024-03"), "100.00");
  EXPECT_EQ(RowValue(answer, "{}", "2024-04"), "200.00");
}

TEST(OutcomeTimeZones, DaysAcrossWarsawDstChange) {
  // Warsaw moves from +01:00 to +02:00 at 2024-03-31 02:00. Three deals won:
  //   03-31 01:30+01:00 and 03-31 23:30+02:00 -> day 03-31; 04-01 00:30+02:00 -> day 04-01.
  auto engine = Load(std::string(kWorkspace) + R"(
{"type":"workspace","time_zone":"Europe/Warsaw"}
{"type":"deal","id":"A","pipeline_id":"p1","stage_id":"taken","amount":"1","created_at":"2024-03-01T10:00:00+01:00"}
{"type":"stage_change","deal_id":"A","to":"paid","at":"2024-03-31T01:30:00+01:00"}
{"type":"deal","id":"B","pipeline_id":"p1","stage_id":"taken","amount":"1","created_at":"2024-03-01T10:00:00+01:00"}
{"type":"stage_change","deal_id":"B","to":"paid","at":"2024-03-31T23:30:00+02:00"}
{"type":"deal","id":"C","pipeline_id":"p1","stage_id":"taken","amount":"1","created_at":"2024-03-01T10:00:00+01:00"}
{"type":"stage_change","deal_id":"C","to":"paid","at":"2024-04-01T00:30:00+02:00"}
)");
  json answer =
      Report(*engine, R"({"metric":"won_count","period":{"from":"2024-03-30","to":"2024-04-02"},
      "granularity":"day","as_of":"2024-05-01T00:00:00Z"})");
  ASSERT_EQ(answer["rows"].size(), 3u);
  EXPECT_EQ(RowValue(answer, "{}", "2024-03-30"), 0);
  EXPECT_EQ(RowValue(answer, "{}", "2024-03-31"), 2);
  EXPECT_EQ(RowValue(answer, "{}", "2024-04-01"), 1);
}

TEST(OutcomeRepeat, CompanyContactAndNeither) {
  // c1: X won in January, Y won in March -> Y repeat. Contact k1 (no company): Z won in
  // February, W in March -> W repeat. N (neither) and F (first win of c2) in March -> new.
  // X and Z arrive after Y and W, to show arrival order does not matter.
  auto engine = Load(std::string(kWorkspace) + R"(
{"type":"deal","id":"Y","pipeline_id":"p1","stage_id":"taken","amount":"10","company_id":"c1","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"Y","to":"paid","at":"2024-03-05T10:00:00+03:00"}
{"type":"deal","id":"W","pipeline_id":"p1","stage_id":"taken","amount":"10","contact_id":"k1","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"W","to":"paid","at":"2024-03-06T10:00:00+03:00"}
{"type":"deal","id":"N","pipeline_id":"p1","stage_id":"taken","amount":"10","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"N","to":"paid","at":"2024-03-07T10:00:00+03:00"}
{"type":"deal","id":"F","pipeline_id":"p1","stage_id":"taken","amount":"10","company_id":"c2","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"F","to":"paid","at":"2024-03-08T10:00:00+03:00"}
{"type":"deal","id":"X","pipeline_id":"p1","stage_id":"taken","amount":"10","company_id":"c1","created_at":"2024-01-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"X","to":"paid","at":"2024-01-05T10:00:00+03:00"}
{"type":"deal","id":"Z","pipeline_id":"p1","stage_id":"taken","amount":"10","contact_id":"k1","created_at":"2024-02-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"Z","to":"paid","at":"2024-02-05T10:00:00+03:00"}
)");
  std::string march =
      R"(","period":{"from":"2024-03-01","to":"2024-04-01"},"as_of":"2024-04-10T00:00:00Z"})";
  EXPECT_EQ(Value(*engine, R"({"metric":"repeat_won_count)" + march), 2);  // Y, W
  EXPECT_EQ(Value(*engine, R"({"metric":"new_won_count)" + march), 2);     // N, F
  EXPECT_EQ(Value(*engine, R"({"metric":"repeat_share)" + march), 0.5);    // 2 / 4
  json repeat = Drill(*engine, R"({"metric":"repeat_won_count)" + march);
  ASSERT_EQ(repeat["total"], 2);
  EXPECT_EQ(repeat["items"][0]["id"], "W");
  EXPECT_EQ(repeat["items"][1]["id"], "Y");
}

TEST(OutcomeNewClients, FirstDealOfCompanyOrContactInThePeriod) {
  // c1's first deal is in January (A), so its March deal B is not a new client. c2's first
  // deal C is in March, and so is its second, D: c2 counts once, by C. Contact k1 without
  // company: first deal E in March. A lead L of c3 in March is a lead, not a deal. F has
  // neither company nor contact: no client. March: c2 and k1 -> 2; by responsible: u1 has C
  // (1), u2 has E (1). Filtered by responsible u2: only E -> 1 (B and D are not first deals).
  auto engine = Load(std::string(kWorkspace) + R"(
{"type":"pipeline","id":"lp","name":"Leads","entity":"lead","stages":[{"id":"l_new","name":"New","semantic":"open"}]}
{"type":"deal","id":"B","pipeline_id":"p1","stage_id":"taken","amount":"10","company_id":"c1","responsible_id":"u2","created_at":"2024-03-02T10:00:00+03:00"}
{"type":"deal","id":"A","pipeline_id":"p1","stage_id":"taken","amount":"10","company_id":"c1","responsible_id":"u1","created_at":"2024-01-10T10:00:00+03:00"}
{"type":"deal","id":"C","pipeline_id":"p1","stage_id":"taken","amount":"10","company_id":"c2","responsible_id":"u1","created_at":"2024-03-03T10:00:00+03:00"}
{"type":"deal","id":"D","pipeline_id":"p1","stage_id":"taken","amount":"10","company_id":"c2","responsible_id":"u2","created_at":"2024-03-20T10:00:00+03:00"}
{"type":"deal","id":"E","pipeline_id":"p1","stage_id":"taken","amount":"10","contact_id":"k1","responsible_id":"u2","created_at":"2024-03-05T10:00:00+03:00"}
{"type":"deal","id":"L","entity":"lead","pipeline_id":"lp","stage_id":"l_new","amount":"10","company_id":"c3","responsible_id":"u1","created_at":"2024-03-06T10:00:00+03:00"}
{"type":"deal","id":"F","pipeline_id":"p1","stage_id":"taken","amount":"10","responsible_id":"u1","created_at":"2024-03-07T10:00:00+03:00"}
)");
  std::string march =
      R"("metric":"new_client_count","period":{"from":"2024-03-01","to":"2024-04-01"},"as_of":"2024-04-10T00:00:00Z")";
  EXPECT_EQ(Value(*engine, "{" + march + "}"), 2);
  json by_user = Report(*engine, "{" + march + R"(,"group_by":["responsible"]})");
  EXPECT_EQ(RowValue(by_user, R"({"responsible":"u1"})", ""), 1);
  EXPECT_EQ(RowValue(by_user, R"({"responsible":"u2"})", ""), 1);
  EXPECT_EQ(Value(*engine, "{" + march + R"(,"filters":{"responsible":["u2"]}})"), 1);
  json drill = Drill(*engine, "{" + march + "}");
  ASSERT_EQ(drill["total"], 2);
  EXPECT_EQ(drill["items"][0]["id"], "C");
  EXPECT_EQ(drill["items"][1]["id"], "E");
  // January alone: A is c1's first deal -> 1.
  EXPECT_EQ(Value(*engine, R"({"metric":"new_client_count","period":{"from":"2024-01-01","to":"2024-02-01"},"as_of":"2024-04-10T00:00:00Z"})"), 1);
}

TEST(OutcomeFields, MultiListCountsInEachValue) {
  // A has tags [vip, b2b]; B has [b2b]; C's tag is set to vip by an update, then cleared by a
  // later one. Group by fields.tags: b2b 2, vip 1, "" 1 (C).
  auto engine = Load(std::string(kWorkspace) + R"(
{"type":"deal","id":"A","pipeline_id":"p1","stage_id":"taken","amount":"1","created_at":"2024-03-01T10:00:00+03:00","fields":{"tags":["vip","b2b"],"delivery":"yes"}}
{"type":"deal","id":"B","pipeline_id":"p1","stage_id":"taken","amount":"1","created_at":"2024-03-02T10:00:00+03:00","fields":{"tags":["b2b"],"delivery":"no"}}
{"type":"deal","id":"C","pipeline_id":"p1","stage_id":"taken","amount":"1","created_at":"2024-03-03T10:00:00+03:00","fields":{"delivery":"no"}}
{"type":"deal_update","id":"C","at":"2024-03-04T10:00:00+03:00","set":{"fields":{"tags":["vip"]}}}
{"type":"deal_update","id":"C","at":"2024-03-05T10:00:00+03:00","set":{"fields":{"tags":null}}}
)");
  std::string base =
      R"({"metric":"created_count","period":{"from":"2024-03-01","to":"2024-04-01"},"as_of":"2024-04-10T00:00:00Z",)";
  json answer = Report(*engine, base + R"("group_by":["fields.tags"]})");
  EXPECT_EQ(RowValue(answer, R"({"fields.tags":"b2b"})"), 2);
  EXPECT_EQ(RowValue(answer, R"({"fields.tags":"vip"})"), 1);
  EXPECT_EQ(RowValue(answer, R"({"fields.tags":""})"), 1);
  EXPECT_EQ(answer["total"], 3);  // each deal once in the total
  // C keeps delivery "no" (not named by the updates): filter delivery=no -> B, C.
  EXPECT_EQ(Value(*engine, base + R"("filters":{"fields.delivery":["no"]}})"), 2);
}

TEST(OutcomeErrors, UnknownMetricAndBadPeriod) {
  auto engine = Load(kWorkspace);
  EXPECT_FALSE(RunReport(*engine, json::parse(R"({"metric":"nope"})"), Instant{0}).ok());
  EXPECT_FALSE(RunReport(*engine,
                         json::parse(R"({"metric":"won_count","period":{"preset":"someday"}})"),
                         Instant{0})
                   .ok());
  EXPECT_FALSE(
      RunReport(
          *engine,
          json::parse(R"({"metric":"won_count","period":{"from":"2024-13-01","to":"2024-02-01"}})"),
          Instant{0})
          .ok());
}

}  // namespace
}  // namespace voronka::testing
