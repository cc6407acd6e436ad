// The report compiler on a small history whose numbers a person computes by hand, written
// through the fact writer into the two-shard test cluster: out-of-order arrival, a batch that
// never committed, a role's visibility, and metrics not answered yet.
#include <gtest/gtest.h>

#include <map>

#include "clickhouse/compiler.h"
#include "clickhouse/differential_fixture.h"
#include "clickhouse/fact_writer.h"
#include "clickhouse/report.h"
#include "clickhouse/schema.h"
#include "metrics/catalog.h"
#include "testing/clickhouse_server.h"

namespace voronka::clickhouse {
namespace {

using nlohmann::json;
constexpr const char* kDatabase = "voronka_compiler";

// Moscow time; pipeline p1: taken, request, invoice (open), paid (won), failed (lost).
constexpr const char* kDirectory =
    R"({"type":"workspace","name":"Hand","time_zone":"Europe/Moscow","currency":"RUB"}
{"type":"department","id":"d1","name":"Sales"}
{"type":"user","id":"u1","name":"Adelina","department_id":"d1","capacity":4}
{"type":"user","id":"u2","name":"Boris"}
{"type":"pipeline","id":"p1","name":"B2B","stages":[{"id":"taken","name":"Taken","semantic":"open"},{"id":"request","name":"Request","semantic":"open"},{"id":"invoice","name":"Invoice","semantic":"open"},{"id":"paid","name":"Paid","semantic":"won"},{"id":"failed","name":"Failed","semantic":"lost"}]}
)";

// D1 (u1, 1000.00, created 5 March) is won on 20 March; its amount is set to 1200.00 by an
// update of 15 March that arrives before an older one of 10 March (900.00): 1200.00 stays.
// D2 (u2, 500.00, 10 March) is lost on 25 March. D3 (u1, 300.00, 10 February) is won on
// 2 March and moved back to invoice on 3 March: open. D4 (u1, 700.00, 12 March) is won on
// 2 April; its stage change is sent before the deal in the same batch.
constexpr const char* kHistory =
    R"({"type":"deal","id":"D1","title":"One","pipeline_id":"p1","stage_id":"taken","amount":"1000.00","responsible_id":"u1","created_at":"2024-03-05T09:00:00Z"}
{"type":"deal","id":"D2","title":"Two","pipeline_id":"p1","stage_id":"request","amount":"500.00","responsible_id":"u2","created_at":"2024-03-10T09:00:00Z"}
{"type":"deal","id":"D3","title":"Three","pipeline_id":"p1","stage_id":"taken","amount":"300.00","responsible_id":"u1","created_at":"2024-02-10T09:00:00Z"}
{"type":"stage_change","deal_id":"D1","to":"paid","at":"2024-03-20T09:00:00Z"}
{"type":"stage_change","deal_id":"D2","to":"failed","at":"2024-03-25T09:00:00Z"}
{"type":"stage_change","deal_id":"D3","to":"invoice","at":"2024-03-03T09:00:00Z"}
{"type":"stage_change","deal_id":"D3","to":"paid","at":"2024-03-02T09:00:00Z"}
{"type":"deal_update","id":"D1","at":"2024-03-15T09:00:00Z","set":{"amount":"1200.00"}}
)";
constexpr const char* kLater =
    R"({"type":"deal_update","id":"D1","at":"2024-03-10T09:00:00Z","set":{"amount":"900.00"}}
{"type":"stage_change","deal_id":"D4","to":"paid","at":"2024-04-02T09:00:00Z"}
{"type":"deal","id":"D4","title":"Four","pipeline_id":"p1","stage_id":"taken","amount":"700.00","responsible_id":"u1","created_at":"2024-03-12T09:00:00Z"}
)";
// Activities and tasks of March (Moscow is UTC+3). A1 (call in, D1, u1, 6 March 10:00) is
// answered by A2 (email out, D1, u2) 30 minutes later; A3 (chat in, no deal, contact k1, u2,
// 7 March 9:00) by A4 (email out, k1, u1) 60 minutes later. A5 (D2, u2) is sent as a February
// call and re-sent in a later batch as a meeting of 12 March. A6, A7, A8 are NPS answers 10
// (D3, u1), 5 (D2, u2), 9 (D4, u1); A9 (call in, D3) is of April. D2 moves to invoice on
// 20 March by u2 (a visit ends) and again on 21 March by u1 (the same visit goes on).
// Tasks: T1 (D3, u1) created 1 March, deadline 10 March, completed 12 March by an update;
// T2 (D4, u2) created 13 March, deadline 20, completed 18; T3 (D3, u1) created 20 March,
// deadline 5 April, open; T4 (no deal, u2) created 25 March, deadline 28 March, open.
constexpr const char* kActivities =
    R"({"type":"contact","id":"k1","name":"Kira"}
{"type":"activity","id":"A1","kind":"call","direction":"in","deal_id":"D1","user_id":"u1","at":"2024-03-06T10:00:00Z"}
{"type":"activity","id":"A2","kind":"email","direction":"out","deal_id":"D1","user_id":"u2","at":"2024-03-06T10:30:00Z"}
{"type":"activity","id":"A3","kind":"chat","direction":"in","contact_id":"k1","user_id":"u2","at":"2024-03-07T09:00:00Z"}
{"type":"activity","id":"A4","kind":"email","direction":"out","contact_id":"k1","user_id":"u1","at":"2024-03-07T10:00:00Z"}
{"type":"activity","id":"A5","kind":"call","direction":"in","deal_id":"D2","user_id":"u2","at":"2024-02-20T09:00:00Z"}
{"type":"activity","id":"A6","kind":"nps","direction":"in","deal_id":"D3","user_id":"u1","score":10,"at":"2024-03-15T09:00:00Z"}
{"type":"activity","id":"A7","kind":"nps","direction":"in","deal_id":"D2","user_id":"u2","score":5,"at":"2024-03-16T09:00:00Z"}
{"type":"activity","id":"A8","kind":"nps","direction":"in","deal_id":"D4","user_id":"u1","score":9,"at":"2024-03-17T09:00:00Z"}
{"type":"activity","id":"A9","kind":"call","direction":"in","deal_id":"D3","user_id":"u1","at":"2024-04-10T09:00:00Z"}
{"type":"stage_change","deal_id":"D2","to":"invoice","at":"2024-03-20T09:00:00Z","by":"u2"}
{"type":"stage_change","deal_id":"D2","to":"invoice","at":"2024-03-21T09:00:00Z","by":"u1"}
{"type":"task","id":"T1","title":"Call back","deal_id":"D3","user_id":"u1","created_at":"2024-03-01T09:00:00Z","deadline":"2024-03-10T09:00:00Z","completed_at":null}
{"type":"task","id":"T2","title":"Send offer","deal_id":"D4","user_id":"u2","created_at":"2024-03-13T09:00:00Z","deadline":"2024-03-20T09:00:00Z","completed_at":"2024-03-18T09:00:00Z"}
{"type":"task","id":"T3","title":"Visit","deal_id":"D3","user_id":"u1","created_at":"2024-03-20T09:00:00Z","deadline":"2024-04-05T09:00:00Z","completed_at":null}
{"type":"task","id":"T4","title":"Plan","user_id":"u2","created_at":"2024-03-25T09:00:00Z","deadline":"2024-03-28T09:00:00Z","completed_at":null}
)";
constexpr const char* kActivitiesLater =
    R"({"type":"activity","id":"A5","kind":"meeting","direction":"none","deal_id":"D2","user_id":"u2","at":"2024-03-12T09:00:00Z"}
{"type":"task_update","id":"T1","at":"2024-03-12T09:00:00Z","set":{"completed_at":"2024-03-12T09:00:00Z"}}
)";
// Written but never committed: a deal won in March that no report may count.
constexpr const char* kNeverCommitted =
    R"({"type":"deal","id":"D9","title":"Ghost","pipeline_id":"p1","stage_id":"paid","amount":"99999.00","responsible_id":"u1","created_at":"2024-03-07T09:00:00Z"}
)";

// Workspace "customers" (the same directory): customers, custom fields, a goal.
// R1 (u1, company c1, 100.00) created 1 March, taken -> invoice 3 March -> paid 5 March.
// R2 (u1, company c1, 200.00) created 2 March, paid 10 March: c1 won before, so repeat.
// R3 (u2, contact k1, 300.00) created 3 March, request -> paid 12 March: k1's only win, new.
// R4 (u2, contact k1, 80.00) created 20 February, invoice 10 March -> failed 15 March.
// R5 (u1, company c2, 400.00) created 4 March on invoice, open; "Сделка с Ромашкой".
// R6 (u2, none, 50.00) created 6 March on invoice, paid 20 March: no customer, new.
// Fields: due R1 "2024-04-02T10:00:00+03:00", R2 "2024-03-31T23:30:00+03:00" (31 March in
// Moscow), R3 "2024-03-31T22:30:00Z" (1 April in Moscow), R5 "2024-03-20"; budget R1 "n/a",
// R2 2000, R5 "1500.50"; note R5 "Срочно", R6 "later"; source R1..R6 "web" (R5 none).
constexpr const char* kCustomers =
    R"({"type":"deal","id":"R1","title":"Alpha","pipeline_id":"p1","stage_id":"taken","amount":"100.00","responsible_id":"u1","company_id":"c1","source":"web","created_at":"2024-03-01T09:00:00Z","fields":{"due":"2024-04-02T10:00:00+03:00","budget":"n/a"}}
{"type":"deal","id":"R2","title":"Beta","pipeline_id":"p1","stage_id":"taken","amount":"200.00","responsible_id":"u1","company_id":"c1","source":"web","created_at":"2024-03-02T09:00:00Z","fields":{"due":"2024-03-31T23:30:00+03:00","budget":2000}}
{"type":"deal","id":"R3","title":"Gamma","pipeline_id":"p1","stage_id":"request","amount":"300.00","responsible_id":"u2","contact_id":"k1","source":"web","created_at":"2024-03-03T09:00:00Z","fields":{"due":"2024-03-31T22:30:00Z"}}
{"type":"deal","id":"R4","title":"Delta","pipeline_id":"p1","stage_id":"taken","amount":"80.00","responsible_id":"u2","contact_id":"k1","source":"web","created_at":"2024-02-20T09:00:00Z"}
{"type":"deal","id":"R5","title":"Сделка с Ромашкой","pipeline_id":"p1","stage_id":"invoice","amount":"400.00","responsible_id":"u1","company_id":"c2","created_at":"2024-03-04T09:00:00Z","fields":{"due":"2024-03-20","budget":"1500.50","note":"Срочно"}}
{"type":"deal","id":"R6","title":"Epsilon","pipeline_id":"p1","stage_id":"invoice","amount":"50.00","responsible_id":"u2","source":"web","created_at":"2024-03-06T09:00:00Z","fields":{"note":"later"}}
{"type":"stage_change","deal_id":"R1","to":"invoice","at":"2024-03-03T09:00:00Z"}
{"type":"stage_change","deal_id":"R1","to":"paid","at":"2024-03-05T09:00:00Z"}
{"type":"stage_change","deal_id":"R2","to":"paid","at":"2024-03-10T09:00:00Z"}
{"type":"stage_change","deal_id":"R3","to":"paid","at":"2024-03-12T09:00:00Z"}
{"type":"stage_change","deal_id":"R4","to":"invoice","at":"2024-03-10T09:00:00Z"}
{"type":"stage_change","deal_id":"R4","to":"failed","at":"2024-03-15T09:00:00Z"}
{"type":"stage_change","deal_id":"R6","to":"paid","at":"2024-03-20T09:00:00Z"}
{"type":"goal","id":"g1","scope":"user","scope_id":"u1","metric":"won_amount","period":"2024-03","target":"1000.00"}
)";

class CompilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    VORONKA_START_TEST_CLICKHOUSE(cluster_);
    if (loaded_) return;  // the history is written once for all the tests
    loaded_ = true;
    ASSERT_TRUE(testing::FreshDatabase(cluster_, kDatabase).ok());
    for (const char* batch : {kDirectory, kHistory, kLater, kActivities, kActivitiesLater}) {
      WriteResult written = WriteNdjson(Shard(), "hand", batch);
      ASSERT_TRUE(written.ok()) << written.status.message()
                                << (written.errors.empty() ? "" : written.errors.front());
    }
    for (const char* batch : {kDirectory, kCustomers}) {
      WriteResult written = WriteNdjson(Shard(), "customers", batch);
      ASSERT_TRUE(written.ok()) << written.status.message()
                                << (written.errors.empty() ? "" : written.errors.front());
    }
    WriteResult ghost = WriteNdjson(Shard(), "hand", kNeverCommitted,
                                    [] { return Status::Error("stopped before the commit"); });
    ASSERT_FALSE(ghost.ok());
  }
  Client Shard(int shard = 1) const { return testing::TestShard(cluster_, kDatabase, shard); }
  // The answer of `metric` over March 2024 as of 1 May in workspace `ws`, with `extra` members.
  json MarchAnswer(const std::string& ws, const std::string& metric, const json& extra = {},
                   const AdminSettings& settings = {}) {
    json request = {{"metric", metric},
                    {"period", {{"from", "2024-03-01"}, {"to", "2024-04-01"}}},
                    {"as_of", "2024-05-01T00:00:00Z"}};
    if (extra.is_object()) request.update(extra);
    Result<json> answer = RunReport(Shard(), ws, request, Instant{0}, {}, settings);
    EXPECT_TRUE(answer.ok()) << answer.message();
    return answer.ok() ? answer.value() : json();
  }
  // The total of `metric` over March 2024 as of 1 May.
  json March(const std::string& metric, const Visibility& visibility = {}) {
    return MarchAnswer({{"metric", metric}}, visibility)["total"];
  }
  // The answer to `request` (a metric and more) over March 2024 as of 1 May.
  json MarchAnswer(json request, const Visibility& visibility = {}) {
    request["period"] = {{"from", "2024-03-01"}, {"to", "2024-04-01"}};
    request["as_of"] = "2024-05-01T00:00:00Z";
    Result<json> answer = RunReport(Shard(), "hand", request, Instant{0}, visibility);
    EXPECT_TRUE(answer.ok()) << answer.message();
    return answer.ok() ? answer.value() : json::object();
  }
  // Row values of a grouped answer by the text of its one group key.
  static std::map<std::string, json> ByKey(const json& answer, const std::string& key) {
    std::map<std::string, json> values;
    for (const json& row : answer["rows"]) values[row["group"][key]] = row["value"];
    return values;
  }
  json Customers(const std::string& metric, const json& extra = {}) {
    return MarchAnswer("customers", metric, extra)["total"];
  }
  testing::ClickHouseCluster* cluster_ = nullptr;
  static inline bool loaded_ = false;
};

TEST_F(CompilerTest, OutcomesOfMarchByHand) {
  EXPECT_EQ(March("created_count"), 3);         // D1, D2, D4 (D3 in February, D9 not committed)
  EXPECT_EQ(March("won_count"), 1);             // D1 (D3 left paid, D4 won in April)
  EXPECT_EQ(March("won_amount"), "1200.00");    // D1's amount by the latest `at`
  EXPECT_EQ(March("lost_count"), 1);            // D2
  EXPECT_EQ(March("lost_share"), 0.5);          // 1 lost of 2 closed
  EXPECT_EQ(March("conversion_rate"), 0.3333);  // 1 won / 3 created
  EXPECT_EQ(March("avg_cycle_days"), 15.0);     // D1: 5 to 20 March
}

TEST_F(CompilerTest, InWorkAtTheEndOfMarch) {
  // At 1 April 00:00 Moscow: D3 (back on invoice) and D4 (won only on 2 April) are open.
  EXPECT_EQ(March("in_work_count"), 2);
  EXPECT_EQ(March("in_work_amount"), "1000.00");  // 300.00 + 700.00
}

TEST_F(CompilerTest, ARoleSeesOnlyItsUsersDeals) {
  EXPECT_EQ(March("created_count", Visibility{false, {"u2"}}), 1);  // D2
  EXPECT_EQ(March("won_amount", Visibility{false, {"u2"}}), "0.00");
}

TEST_F(CompilerTest, ActivitiesOfMarchByHand) {
  // A1, A2, A3, A4, A5 (re-sent into March), A6, A7, A8; A9 is of April.
  EXPECT_EQ(March("activity_count"), 8);
  json by_kind = MarchAnswer({{"metric", "activity_count"}, {"group_by", {"kind"}}});
  EXPECT_EQ(ByKey(by_kind, "kind"),
            (std::map<std::string, json>{
                {"call", 1}, {"chat", 1}, {"email", 2}, {"meeting", 1}, {"nps", 3}}));
  // Each activity's own user: u1 A1, A4, A6, A8; u2 A2, A3, A5, A7.
  json by_user = MarchAnswer({{"metric", "activity_count"}, {"group_by", {"responsible"}}});
  EXPECT_EQ(ByKey(by_user, "responsible"), (std::map<std::string, json>{{"u1", 4}, {"u2", 4}}));
  // Calls and emails: A1, A2, A4.
  EXPECT_EQ(MarchAnswer({{"metric", "activity_count"},
                         {"filters", {{"kind", {"call", "email"}}}}})["total"],
            3);
  // Through the deal: amount at least 600.00 keeps D1 (1200.00) and D4 (700.00): A1, A2, A8;
  // A3 and A4 have no deal.
  EXPECT_EQ(MarchAnswer(
                {{"metric", "activity_count"}, {"filters", {{"amount", {{"min", 600}}}}}})["total"],
            3);
  // A role seeing u2: its own A2, A3, A5, A7 (A5 and A7 are on u2's D2 too).
  EXPECT_EQ(March("activity_count", Visibility{false, {"u2"}}), 4);
  // NPS: promoters A6, A8, detractor A7 of 3 answers: 100 x (2 - 1) / 3.
  EXPECT_EQ(March("nps"), 33.33);
  // Response time: A1 answered in 30 minutes, A3 in 60: mean and median 45.
  json response = MarchAnswer({{"metric", "response_time"}});
  EXPECT_EQ(response["total"], 45.0);
  EXPECT_EQ(response["total_median"], 45.0);
  // Activity index: calls and emails 1 (A1, A2, A4), the meeting 3, chat and NPS 0.5 (A3,
  // A6, A7, A8), completed tasks T1, T2 1 each, the visit of D2 ended on 20 March by u2 1
  // (the entry of 21 March extends it; D2's loss has no user): 3 + 3 + 2 + 2 + 1 = 11.
  EXPECT_EQ(March("activity_index"), 11.0);
  // Only calls: A1 and the completed tasks (tasks have no kind; stage changes are left out).
  EXPECT_EQ(MarchAnswer({{"metric", "activity_index"}, {"filters", {{"kind", {"call"}}}}})["total"],
            3.0);
}

TEST_F(CompilerTest, TasksOfMarchByHand) {
  EXPECT_EQ(March("task_count"), 4);  // created in March: T1, T2, T3, T4
  EXPECT_EQ(MarchAnswer({{"metric", "task_count"}, {"date", "completed"}})["total"], 2);  // T1, T2
  // Deadline in March passed at T and not met: T1 (completed 2 days late) and T4; T2 was done
  // in time, T3's deadline is in April.
  EXPECT_EQ(March("overdue_tasks"), 2);
  json by_user = MarchAnswer({{"metric", "overdue_tasks"}, {"group_by", {"responsible"}}});
  EXPECT_EQ(ByKey(by_user, "responsible"), (std::map<std::string, json>{{"u1", 1}, {"u2", 1}}));
  // Open at the end of March: D3 (T3 open on it) and D4 (T2 completed): D4 has no open task.
  EXPECT_EQ(March("no_task_count"), 1);
  // Load: u1 holds D3 and D4 in work, of a capacity of 4.
  json load = MarchAnswer({{"metric", "load"}, {"group_by", {"responsible"}}});
  ASSERT_EQ(load["rows"].size(), 1u);
  EXPECT_EQ(load["rows"][0]["value"], 2);
  EXPECT_EQ(load["rows"][0]["capacity"], 4);
  EXPECT_EQ(load["rows"][0]["load"], 0.5);
}

TEST_F(CompilerTest, RepeatAndNewCustomersByHand) {
  EXPECT_EQ(Customers("repeat_won_count"), 1);  // R2: c1 won R1 on 5 March
  EXPECT_EQ(Customers("new_won_count"), 3);     // R1, R3 (k1 lost R4), R6 (no customer)
  EXPECT_EQ(Customers("repeat_share"), 0.25);   // 1 of 4 wins
  // Created in March and the customer's first deal: R1 (c1), R5 (c2); k1's first is R4.
  EXPECT_EQ(Customers("new_client_count"), 2);
}

TEST_F(CompilerTest, ForecastWeighsByTheStageOdds) {
  // Open at the end of March: R5 on invoice (400.00). Of the closed deals that were on
  // invoice, R1 and R6 won, R4 lost: 400.00 x 2/3 = 266.666... -> 266.67.
  json answer = MarchAnswer("customers", "forecast");
  EXPECT_EQ(answer["total"], "400.00");
  EXPECT_EQ(answer["total_weighted"], "266.67");
}

TEST_F(CompilerTest, MembershipByItsDate) {
  // Closed in March: R1, R2, R3, R6 won and R4 lost: 100 + 200 + 300 + 50 + 80 = 730.00.
  EXPECT_EQ(Customers("deal_count", {{"date", "closed"}}), 5);
  EXPECT_EQ(Customers("deal_amount", {{"date", "closed"}}), "730.00");
  EXPECT_EQ(Customers("deal_avg_amount", {{"date", "closed"}}), "146.00");
  // Created in March: R1, R2, R3, R5, R6 (R4 in February).
  EXPECT_EQ(Customers("deal_count", {{"date", "created"}}), 5);
  // The due date in March in Moscow: R5 (20 March) and R2 (31 March 23:30); R3 falls on
  // 1 April there, R1 on 2 April. Weekly, R2 is in the week of 25 March.
  EXPECT_EQ(Customers("deal_count", {{"date", "fields.due"}}), 2);
  json weekly =
      MarchAnswer("customers", "deal_count", {{"date", "fields.due"}, {"granularity", "week"}});
  int in_week_of_25 = 0;
  for (const json& row : weekly["rows"]) {
    if (row["bucket"] == "2024-03-25") in_week_of_25 = row["value"];
  }
  EXPECT_EQ(in_week_of_25, 1);
  // Last changed in March: all six (R4, created in February, by its stage changes of 10 and
  // 15 March; R5 by its creation).
  EXPECT_EQ(Customers("deal_count", {{"date", "modified"}}), 6);
}

TEST_F(CompilerTest, TitleAndFieldFiltersByHand) {
  // Created in March: R1, R2, R3, R5, R6.
  EXPECT_EQ(Customers("created_count", {{"filters", {{"title", {{"contains", "ромашк"}}}}}}), 1);
  // budget in [1000, 2000]: R2 (2000) and R5 (1500.50); R1's "n/a" is no number.
  EXPECT_EQ(Customers("created_count",
                      {{"filters", {{"fields.budget", {{"min", 1000}, {"max", 2000}}}}}}),
            2);
  EXPECT_EQ(Customers("created_count", {{"filters", {{"fields.note", {{"contains", "СРОЧ"}}}}}}),
            1);  // R5
  // due in [20 March, 1 April) in Moscow: R5 and R2 (R3 is 1 April there, R1 2 April).
  EXPECT_EQ(
      Customers("created_count",
                {{"filters", {{"fields.due", {{"from", "2024-03-20"}, {"to", "2024-04-01"}}}}}}),
      2);
}

TEST_F(CompilerTest, GoalProgressOfAUser) {
  // g1: u1's won_amount in March, target 1000.00; u1 won R1 (100.00) and R2 (200.00).
  json answer = MarchAnswer("customers", "goal_progress");
  ASSERT_EQ(answer["rows"].size(), 1u);
  const json& row = answer["rows"][0];
  EXPECT_EQ(row["group"]["goal"], "g1");
  EXPECT_EQ(row["value"], "300.00");
  EXPECT_EQ(row["target"], "1000.00");
  EXPECT_EQ(row["percent"], 30.0);
  EXPECT_EQ(row["previous"], "0.00");      // nothing won in February
  EXPECT_EQ(row["projection"], "300.00");  // as of 1 May the period is over
}

TEST_F(CompilerTest, TheAdminsPriceAndSourceFieldsRewriteTheDeals) {
  AdminSettings settings;
  settings.price_field = "fields.budget";
  settings.source_field = "fields.note";
  // In work at the end of March: R5 alone, its amount now its budget, 1500.50.
  EXPECT_EQ(MarchAnswer("customers", "in_work_amount", {}, settings)["total"], "1500.50");
  // Won in March: R1 (budget "n/a": 0), R2 (2000), R3 and R6 (no budget: 0) = 2000.00.
  EXPECT_EQ(MarchAnswer("customers", "won_amount", {}, settings)["total"], "2000.00");
  // Created in March by source, now the note: R5 "Срочно", R6 "later", the others none.
  json by_source = MarchAnswer("customers", "created_count", {{"group_by", {"source"}}}, settings);
  std::map<std::string, int> counts;
  for (const json& row : by_source["rows"]) counts[row["group"]["source"]] = row["value"];
  EXPECT_EQ(counts, (std::map<std::string, int>{{"", 3}, {"Срочно", 1}, {"later", 1}}));
}

TEST(CompilerCatalogueTest, EveryMetricOfTheCatalogueIsCompiled) {
  // A metric added to the catalogue without its SQL would answer "not yet available in
  // scale-out mode" there; this names it.
  for (const MetricInfo& metric : AllMetrics()) {
    ReportRequest request;
    request.metric = &metric;
    Status compilable = CheckCompilable(request);
    EXPECT_TRUE(compilable.ok()) << compilable.message();
  }
}

}  // namespace
}  // namespace voronka::clickhouse
