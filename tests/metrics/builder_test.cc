// The report builder's requests (docs/api.md, "Filters" and "Membership date"): filter
// operators, the membership date, deal_count / deal_amount / deal_avg_amount / task_count,
// two group keys with buckets, and activities and tasks filtered through their deal.
#include <gtest/gtest.h>

#include "metrics/metric_test_util.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// Moscow time (+03:00). As of 2024-04-10:
//   D1 deal "Заказ доставки" 1000.00, u1 (d1), source web, created 03-01, won 03-05;
//      delivery yes, weight 12.5, contract_date 2024-03-10, tags [vip, b2b].
//   D2 deal "Order two" 5000.00 -> 6000.00 (update 03-20), u2 (d2, under d1), source cold,
//      created 03-02, lost 04-03; delivery no, weight 3, contract_date 2024-04-02, tags [b2b].
//   D3 deal "ЗАКАЗ склад" 2500.50, u1, no source, created 02-25, to invoice 03-15; delivery yes.
//   D4 lead "Lead from site" 700.00, u3 (no department), source web, created 03-03.
//   D5 deal "Big order" 10000.00, u2, no source, created 03-31 23:30 (still March locally).
//   Tasks: t1 on D1 by u1 created 03-02, deadline 03-04, done 03-03; t2 on D2 by u2 created
//   03-10, deadline 04-05, open; t3 with no deal by u1 created 03-12, deadline 03-13, done 03-20.
//   Activities in March: a1 call out D1 u1; a2 call out D2 u1; a3 email in D3 u2; a4 call out,
//   no deal, u2.
constexpr std::string_view kHistory = R"(
{"type":"pipeline","id":"L","name":"Leads","entity":"lead","stages":[{"id":"l_new","name":"New","semantic":"open"},{"id":"l_ok","name":"Converted","semantic":"won"},{"id":"l_bad","name":"Junk","semantic":"lost"}]}
{"type":"deal","id":"D1","title":"Заказ доставки","pipeline_id":"p1","stage_id":"taken","amount":"1000.00","responsible_id":"u1","company_id":"c1","source":"web","created_at":"2024-03-01T10:00:00+03:00","fields":{"delivery":"yes","weight":12.5,"contract_date":"2024-03-10","tags":["vip","b2b"]}}
{"type":"stage_change","deal_id":"D1","to":"paid","at":"2024-03-05T10:00:00+03:00","by":"u1"}
{"type":"deal","id":"D2","title":"Order two","pipeline_id":"p1","stage_id":"taken","amount":"5000.00","responsible_id":"u2","source":"cold","created_at":"2024-03-02T10:00:00+03:00","fields":{"delivery":"no","weight":3,"contract_date":"2024-04-02","tags":["b2b"]}}
{"type":"deal_update","id":"D2","at":"2024-03-20T10:00:00+03:00","set":{"amount":"6000.00"}}
{"type":"stage_change","deal_id":"D2","to":"failed","at":"2024-04-03T10:00:00+03:00","by":"u2"}
{"type":"deal","id":"D3","title":"ЗАКАЗ склад","pipeline_id":"p1","stage_id":"request","amount":"2500.50","responsible_id":"u1","created_at":"2024-02-25T10:00:00+03:00","fields":{"delivery":"yes"}}
{"type":"stage_change","deal_id":"D3","to":"invoice","at":"2024-03-15T10:00:00+03:00","by":"u1"}
{"type":"deal","id":"D4","entity":"lead","title":"Lead from site","pipeline_id":"L","stage_id":"l_new","amount":"700.00","responsible_id":"u3","source":"web","created_at":"2024-03-03T10:00:00+03:00"}
{"type":"deal","id":"D5","title":"Big order","pipeline_id":"p1","stage_id":"taken","amount":"10000.00","responsible_id":"u2","created_at":"2024-03-31T23:30:00+03:00"}
{"type":"task","id":"t1","deal_id":"D1","user_id":"u1","created_at":"2024-03-02T10:00:00+03:00","deadline":"2024-03-04T10:00:00+03:00","completed_at":"2024-03-03T10:00:00+03:00"}
{"type":"task","id":"t2","deal_id":"D2","user_id":"u2","created_at":"2024-03-10T10:00:00+03:00","deadline":"2024-04-05T10:00:00+03:00","completed_at":null}
{"type":"task","id":"t3","user_id":"u1","created_at":"2024-03-12T10:00:00+03:00","deadline":"2024-03-13T10:00:00+03:00","completed_at":"2024-03-20T10:00:00+03:00"}
{"type":"activity","id":"a1","kind":"call","direction":"out","deal_id":"D1","user_id":"u1","at":"2024-03-02T11:00:00+03:00"}
{"type":"activity","id":"a2","kind":"call","direction":"out","deal_id":"D2","user_id":"u1","at":"2024-03-03T11:00:00+03:00"}
{"type":"activity","id":"a3","kind":"email","direction":"in","deal_id":"D3","user_id":"u2","at":"2024-03-04T11:00:00+03:00"}
{"type":"activity","id":"a4","kind":"call","direction":"out","user_id":"u2","at":"2024-03-05T11:00:00+03:00"}
)";

class BuilderTest : public ::testing::Test {
 protected:
  void SetUp() override { engine_ = Load(std::string(kWorkspace) + std::string(kHistory)); }

  // A request over `period` as of 2024-04-10 with the given extra members.
  json Request(const std::string& metric, json extra, const char* from = "2024-03-01",
               const char* to = "2024-04-01") const {
    json request = {{"metric", metric},
                    {"period", {{"from", from}, {"to", to}}},
                    {"as_of", "2024-04-10T00:00:00Z"}};
    for (const auto& [key, value] : extra.items()) request[key] = value;
    return request;
  }
  json ValueOf(const json& request) const { return Value(*engine_, request.dump()); }
  // deal_count over February to April (D1, D2, D3, D5; the lead D4 only when asked for) with
  // these filters.
  json DealsWith(const char* filters) const {
    return ValueOf(Request("deal_count", {{"filters", json::parse(filters)}}, "2024-02-01",
                           "2024-05-01"));
  }
  std::string ErrorOf(const json& request) const {
    Result<json> answer = RunReport(*engine_, request, Instant{0});
    EXPECT_FALSE(answer.ok()) << request.dump();
    return answer.ok() ? "" : answer.message();
  }

  std::unique_ptr<Engine> engine_;
};

TEST_F(BuilderTest, DealMetricsByCreation) {
  // Created in March: D1 1000.00, D2 6000.00, D5 10000.00 (D3 in February; D4 is a lead).
  EXPECT_EQ(ValueOf(Request("deal_count", json::object())), 3);
  EXPECT_EQ(ValueOf(Request("deal_amount", json::object())), "17000.00");
  // 17000.00 / 3 = 5666.666... -> 5666.67.
  EXPECT_EQ(ValueOf(Request("deal_avg_amount", json::object())), "5666.67");
  // No deal created in January: the mean is null, the count 0.
  EXPECT_EQ(ValueOf(Request("deal_avg_amount", json::object(), "2024-01-01", "2024-02-01")),
            nullptr);
  EXPECT_EQ(ValueOf(Request("deal_count", json::object(), "2024-01-01", "2024-02-01")), 0);
  // The builder's "leads" object: only D4.
  EXPECT_EQ(ValueOf(Request("deal_count", {{"filters", {{"entity", {"lead"}}}}})), 1);
  EXPECT_EQ(ValueOf(Request("deal_amount", {{"filters", {{"entity", {"lead"}}}}})), "700.00");
  // Compared with February: D3.
  json answer = Report(*engine_, Request("deal_count", {{"compare", "previous_period"}}).dump());
  EXPECT_EQ(answer["rows"][0]["compare"], 1);
}

TEST_F(BuilderTest, ModifiedClosedAndCustomFieldDates) {
  // Latest change at T = 04-10: D1 03-05 (won), D2 04-03 (lost), D3 03-15, D5 03-31 (created).
  EXPECT_EQ(ValueOf(Request("deal_count", {{"date", "modified"}})), 3);
  EXPECT_EQ(ValueOf(Request("deal_count", {{"date", "modified"}}, "2024-04-01", "2024-05-01")), 1);
  // As of 03-31 noon: D2's latest change is its update of 03-20 and D5 does not exist yet:
  // D1, D2, D3.
  json at_march_end = Request("deal_count", {{"date", "modified"}});
  at_march_end["as_of"] = "2024-03-31T12:00:00+03:00";
  EXPECT_EQ(ValueOf(at_march_end), 3);
  at_march_end["metric"] = "deal_amount";
  EXPECT_EQ(ValueOf(at_march_end), "9500.50");  // 1000.00 + 6000.00 + 2500.50
  // Closed: D1 won in March, D2 lost in April (6000.00).
  EXPECT_EQ(ValueOf(Request("deal_count", {{"date", "closed"}})), 1);
  EXPECT_EQ(ValueOf(Request("deal_amount", {{"date", "closed"}}, "2024-04-01", "2024-05-01")),
            "6000.00");
  // contract_date: D1 on 2024-03-10, D2 on 2024-04-02; D3 and D5 have none.
  EXPECT_EQ(ValueOf(Request("deal_count", {{"date", "fields.contract_date"}})), 1);
  EXPECT_EQ(ValueOf(Request("deal_avg_amount", {{"date", "fields.contract_date"}}, "2024-04-01",
                            "2024-05-01")),
            "6000.00");
}

TEST_F(BuilderTest, TaskCountByItsDates) {
  // Created in March: t1, t2, t3. Deadline in March: t1 (03-04), t3 (03-13). Completed in
  // March: t1 (03-03), t3 (03-20).
  EXPECT_EQ(ValueOf(Request("task_count", json::object())), 3);
  EXPECT_EQ(ValueOf(Request("task_count", {{"date", "deadline"}})), 2);
  EXPECT_EQ(ValueOf(Request("task_count", {{"date", "completed"}})), 2);
  EXPECT_EQ(ValueOf(Request("task_count", {{"date", "deadline"}}, "2024-04-01", "2024-05-01")),
            1);  // t2
  // responsible is the task's user: u1 has t1 and t3, u2 has t2.
  json by_user = Report(*engine_, Request("task_count", {{"group_by", {"responsible"}}}).dump());
  EXPECT_EQ(RowValue(by_user, R"({"responsible":"u1"})"), 2);
  EXPECT_EQ(RowValue(by_user, R"({"responsible":"u2"})"), 1);
  // A deal filter applies through the deal: source web is D1's, so t1 only (t3 has no deal).
  EXPECT_EQ(ValueOf(Request("task_count", {{"filters", {{"source", {"web"}}}}})), 1);
  EXPECT_EQ(ValueOf(Request("task_count", {{"filters", {{"amount", {{"min", "5000"}}}}}})),
            1);  // t2 on D2 (6000.00)
}

TEST_F(BuilderTest, InNotInAndEmpty) {
  EXPECT_EQ(DealsWith(R"({"source":{"in":["web"]}})"), 1);       // D1 (D4 is a lead)
  EXPECT_EQ(DealsWith(R"({"source":{"not_in":["web"]}})"), 3);   // D2, D3, D5
  EXPECT_EQ(DealsWith(R"({"source":{"empty":true}})"), 2);       // D3, D5
  EXPECT_EQ(DealsWith(R"({"source":{"empty":false}})"), 2);      // D1, D2
  EXPECT_EQ(DealsWith(R"({"responsible":{"not_in":["u1"]}})"), 2);  // D2, D5
  EXPECT_EQ(DealsWith(R"({"pipeline":{"not_in":["p1"]}})"), 0);
  EXPECT_EQ(DealsWith(R"({"stage":{"not_in":["paid","failed"]}})"), 2);  // D3, D5
  // not_in d1 leaves out d1 and its sub-department d2: of deals and leads only D4 (u3) is left.
  EXPECT_EQ(DealsWith(R"({"entity":["deal","lead"],"department":{"not_in":["d1"]}})"), 1);
  EXPECT_EQ(DealsWith(R"({"department":{"not_in":["d2"]}})"), 2);  // D1, D3 of u1 in d1
  EXPECT_EQ(DealsWith(R"({"entity":{"not_in":["deal"]}})"), 1);     // D4
  EXPECT_EQ(DealsWith(R"({"fields.delivery":{"in":["yes"]}})"), 2);     // D1, D3
  EXPECT_EQ(DealsWith(R"({"fields.delivery":{"not_in":["yes"]}})"), 2); // D2 (no), D5 (none)
  EXPECT_EQ(DealsWith(R"({"fields.delivery":{"empty":true}})"), 1);     // D5
  EXPECT_EQ(DealsWith(R"({"fields.delivery":{"empty":false}})"), 3);
  // A multi-list: in matches any value, not_in none of them.
  EXPECT_EQ(DealsWith(R"({"fields.tags":{"in":["b2b"]}})"), 2);      // D1, D2
  EXPECT_EQ(DealsWith(R"({"fields.tags":{"not_in":["vip"]}})"), 3);  // D2, D3, D5
  EXPECT_EQ(DealsWith(R"({"fields.tags":{"empty":true}})"), 2);      // D3, D5
  // A field no deal has: every deal has no value.
  EXPECT_EQ(DealsWith(R"({"fields.nothing":{"empty":true}})"), 4);
  EXPECT_EQ(DealsWith(R"({"fields.nothing":{"in":["x"]}})"), 0);
}

TEST_F(BuilderTest, RangesDatesAndText) {
  // Amounts 1000.00, 6000.00, 2500.50, 10000.00; bounds inclusive, exact to the kopeck.
  EXPECT_EQ(DealsWith(R"({"amount":{"min":"2500.50","max":"6000.00"}})"), 2);  // D2, D3
  EXPECT_EQ(DealsWith(R"({"amount":{"min":"2500.51"}})"), 2);                  // D2, D5
  EXPECT_EQ(DealsWith(R"({"amount":{"max":"2500.49"}})"), 1);                  // D1
  // Number fields: weight 12.5 (D1), 3 (D2).
  EXPECT_EQ(DealsWith(R"({"fields.weight":{"min":"4"}})"), 1);
  EXPECT_EQ(DealsWith(R"({"fields.weight":{"min":"3","max":"12.5"}})"), 2);
  // created_at [03-01, 03-31) local: D1, D2 (D5 is created on 03-31 at 23:30, D3 in February).
  EXPECT_EQ(DealsWith(R"({"created_at":{"from":"2024-03-01","to":"2024-03-31"}})"), 2);
  EXPECT_EQ(DealsWith(R"({"created_at":{"from":"2024-03-31"}})"), 1);  // D5
  // closed_at: D1 won 03-05, D2 lost 04-03; open deals fail a range and are "empty".
  EXPECT_EQ(DealsWith(R"({"closed_at":{"from":"2024-03-01","to":"2024-04-01"}})"), 1);
  EXPECT_EQ(DealsWith(R"({"closed_at":{"to":"2024-05-01"}})"), 2);
  EXPECT_EQ(DealsWith(R"({"closed_at":{"empty":true}})"), 2);  // D3, D5
  EXPECT_EQ(DealsWith(R"({"fields.contract_date":{"from":"2024-04-01"}})"), 1);  // D2
  EXPECT_EQ(DealsWith(R"({"fields.contract_date":{"from":"2024-03-10","to":"2024-03-11"}})"), 1);
  // Case-insensitive, Cyrillic too: "заказ" is in "Заказ доставки" and "ЗАКАЗ склад".
  EXPECT_EQ(DealsWith(R"({"title":{"contains":"заказ"}})"), 2);
  EXPECT_EQ(DealsWith(R"({"title":{"contains":"ORDER"}})"), 2);  // "Order two", "Big order"
  EXPECT_EQ(DealsWith(R"({"title":{"contains":"СКЛАД"}})"), 1);
  EXPECT_EQ(DealsWith(R"({"fields.tags":{"contains":"VI"}})"), 1);  // vip on D1
}

TEST_F(BuilderTest, ActivitiesFilteredThroughTheDeal) {
  // March activities: a1 (D1), a2 (D2), a3 (D3), a4 (no deal).
  EXPECT_EQ(ValueOf(Request("activity_count", json::object())), 4);
  EXPECT_EQ(ValueOf(Request("activity_count", {{"filters", {{"kind", {{"not_in", {"call"}}}}}}})),
            1);  // a3
  // delivery yes: D1 and D3, so a1 and a3; a4 has no deal and is left out.
  EXPECT_EQ(ValueOf(Request("activity_count",
                            {{"filters", {{"fields.delivery", {{"in", {"yes"}}}}}}})),
            2);
  EXPECT_EQ(ValueOf(Request("activity_count", {{"filters", {{"amount", {{"min", "5000"}}}}}})),
            1);  // a2 on D2
  EXPECT_EQ(ValueOf(Request("activity_count",
                            {{"filters", {{"title", {{"contains", "заказ"}}}}}})),
            2);  // a1, a3
  // responsible of an activity is its own user: not u1 leaves a3 and a4.
  EXPECT_EQ(ValueOf(Request("activity_count",
                            {{"filters", {{"responsible", {{"not_in", {"u1"}}}}}}})),
            2);
}

TEST_F(BuilderTest, TwoGroupKeysWithBuckets) {
  // Weeks of March 2024 (from Monday): 02-26 (clipped to 03-01), 03-04, 03-11, 03-18, 03-25.
  // Deals created: (u1, web) D1 on 03-01; (u2, cold) D2 on 03-02; (u2, "") D5 on 03-31.
  json answer = Report(*engine_, Request("deal_count", {{"granularity", "week"},
                                                        {"group_by", {"responsible", "source"}}})
                                     .dump());
  ASSERT_EQ(answer["rows"].size(), 15u) << answer.dump();  // 3 group pairs x 5 weeks
  EXPECT_EQ(RowValue(answer, R"({"responsible":"u1","source":"web"})", "2024-02-26"), 1);
  EXPECT_EQ(RowValue(answer, R"({"responsible":"u1","source":"web"})", "2024-03-04"), 0);
  EXPECT_EQ(RowValue(answer, R"({"responsible":"u2","source":"cold"})", "2024-02-26"), 1);
  EXPECT_EQ(RowValue(answer, R"({"responsible":"u2","source":""})", "2024-03-25"), 1);
  EXPECT_EQ(RowValue(answer, R"({"responsible":"u2","source":""})", "2024-03-18"), 0);
  EXPECT_EQ(answer["labels"]["responsible"]["u2"], "Boris");
  // The same with a multi-list key: D1 counts under vip and b2b, D2 under b2b, D5 under "".
  json tags = Report(*engine_, Request("deal_amount", {{"granularity", "month"},
                                                      {"group_by", {"fields.tags", "responsible"}}})
                                   .dump());
  EXPECT_EQ(RowValue(tags, R"({"fields.tags":"vip","responsible":"u1"})", "2024-03"), "1000.00");
  EXPECT_EQ(RowValue(tags, R"({"fields.tags":"b2b","responsible":"u2"})", "2024-03"), "6000.00");
  EXPECT_EQ(RowValue(tags, R"({"fields.tags":"","responsible":"u2"})", "2024-03"), "10000.00");
}

TEST_F(BuilderTest, DrillDownCountEqualsTheNumber) {
  struct Case {
    const char* metric;
    const char* date;
  };
  for (Case test : {Case{"deal_count", "created"}, Case{"deal_count", "modified"},
                    Case{"deal_count", "closed"}, Case{"deal_count", "fields.contract_date"},
                    Case{"deal_avg_amount", "created"}, Case{"task_count", "created"},
                    Case{"task_count", "deadline"}, Case{"task_count", "completed"}}) {
    json request = Request(test.metric, {{"date", test.date},
                                         {"granularity", "month"},
                                         {"group_by", {"responsible", "source"}},
                                         {"filters", {{"entity", {"deal", "lead"}}}}},
                           "2024-02-01", "2024-05-01");
    json answer = Report(*engine_, request.dump());
    int64_t listed = 0;
    for (const json& row : answer["rows"]) {
      json items = DrillRow(*engine_, request, row);
      if (std::string(test.metric) == "deal_avg_amount") {
        // The mean's items are the deals it averages: none exactly when the value is null.
        EXPECT_EQ(items["total"] == 0, row["value"].is_null()) << test.date << row.dump();
        continue;
      }
      EXPECT_EQ(items["total"], row["value"]) << test.metric << " " << test.date << row.dump();
      listed += items["total"].get<int64_t>();
    }
    if (std::string(test.metric) == "deal_avg_amount") continue;
    EXPECT_EQ(Drill(*engine_, request.dump())["total"], answer["total"]) << test.metric;
    EXPECT_GT(listed, 0) << test.metric << " " << test.date;
  }
  // Tasks drill down to tasks.
  json tasks = Drill(*engine_, Request("task_count", {{"date", "deadline"}}).dump());
  ASSERT_EQ(tasks["total"], 2);
  EXPECT_EQ(tasks["items"][0]["type"], "task");
  EXPECT_EQ(tasks["items"][0]["id"], "t1");
}

TEST_F(BuilderTest, ErrorsNameTheFilter) {
  auto error = [&](const char* filters) {
    return ErrorOf(Request("deal_count", {{"filters", json::parse(filters)}}));
  };
  EXPECT_NE(error(R"({"amount":{"contains":"1"}})").find("filters.amount: 'contains'"),
            std::string::npos);
  EXPECT_NE(error(R"({"source":{"like":"x"}})").find("filters.source: unknown operator 'like'"),
            std::string::npos);
  EXPECT_NE(error(R"({"source":{"in":["a"],"empty":true}})").find("filters.source: one operator"),
            std::string::npos);
  EXPECT_NE(error(R"({"amount":{"min":"12,5"}})").find("filters.amount: min"), std::string::npos);
  EXPECT_NE(error(R"({"amount":{"max":"1.005"}})").find("filters.amount: max"), std::string::npos);
  EXPECT_NE(error(R"({"fields.weight":{"min":"many"}})").find("filters.fields.weight: min"),
            std::string::npos);
  EXPECT_NE(error(R"({"created_at":{"from":"2024-13-01"}})").find("filters.created_at: from"),
            std::string::npos);
  EXPECT_NE(error(R"({"title":["x"]})").find("filters.title"), std::string::npos);
  EXPECT_NE(error(R"({"pipeline":{"empty":true}})").find("filters.pipeline"), std::string::npos);
  EXPECT_NE(error(R"({"source":{"empty":"yes"}})").find("filters.source: empty"),
            std::string::npos);
  EXPECT_NE(error(R"({"source":{}})").find("filters.source"), std::string::npos);
  // Dates a metric does not count by.
  EXPECT_NE(ErrorOf(Request("won_count", {{"date", "created"}})).find("date: won_count"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Request("task_count", {{"date", "closed"}})).find("date:"), std::string::npos);
  EXPECT_NE(ErrorOf(Request("in_work_count", {{"date", "created"}})).find("takes no date"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Request("deal_count", {{"date", "someday"}})).find("date: 'someday'"),
            std::string::npos);
  EXPECT_NE(ErrorOf(Request("deal_count", {{"group_by", {"amount"}}})).find("group_by"),
            std::string::npos);
  // A metric's own date is accepted: won_count counts by close time.
  EXPECT_EQ(ValueOf(Request("won_count", {{"date", "closed"}})), 1);
  EXPECT_EQ(ValueOf(Request("created_count", {{"date", "created"}})), 3);
}

}  // namespace
TEST(BuilderTitles, SharedTitlesAndARetitledDealAreFilteredByTheirCurrentTitle) {
  // T1 and T2 share the title "Заказ Склад", T3 is "Поставка" and is renamed "Заказ ОПТ" by a
  // later deal_update; T4's older update ("Заказ старый", before its creation) loses to its
  // record's "Ремонт". Created in March: contains "заказ" -> T1, T2, T3 = 3; "склад" -> 2;
  // "опт" -> 1 (T3's new title); "поставка" -> 0 (T3's old one); "ремонт" -> 1 (T4).
  auto engine = Load(std::string(kWorkspace) + R"(
{"type":"deal","id":"T1","pipeline_id":"p1","stage_id":"taken","title":"Заказ Склад","amount":"1","created_at":"2024-03-02T10:00:00Z"}
{"type":"deal","id":"T2","pipeline_id":"p1","stage_id":"taken","title":"Заказ Склад","amount":"1","created_at":"2024-03-03T10:00:00Z"}
{"type":"deal","id":"T3","pipeline_id":"p1","stage_id":"taken","title":"Поставка","amount":"1","created_at":"2024-03-04T10:00:00Z"}
{"type":"deal_update","id":"T3","at":"2024-03-05T10:00:00Z","set":{"title":"Заказ ОПТ"}}
{"type":"deal_update","id":"T4","at":"2024-03-01T10:00:00Z","set":{"title":"Заказ старый"}}
{"type":"deal","id":"T4","pipeline_id":"p1","stage_id":"taken","title":"Ремонт","amount":"1","created_at":"2024-03-06T10:00:00Z"})");
  auto count = [&](const std::string& text) {
    return Value(*engine,
                 R"({"metric":"deal_count","period":{"from":"2024-03-01","to":"2024-04-01"},"as_of":"2024-04-01T00:00:00Z","filters":{"title":{"contains":")" +
                     text + R"("}}})");
  };
  EXPECT_EQ(count("заказ"), 3);
  EXPECT_EQ(count("склад"), 2);
  EXPECT_EQ(count("опт"), 1);
  EXPECT_EQ(count("поставка"), 0);
  EXPECT_EQ(count("ремонт"), 1);
}

}  // namespace voronka::testing
