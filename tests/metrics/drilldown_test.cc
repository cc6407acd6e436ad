// Drill-down (SPEC §3): the list behind every number has exactly that many items.
#include <gtest/gtest.h>

#include "metrics/metric_test_util.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// A mixed March 2024: won, lost, reopened, moved, with activities and tasks.
constexpr std::string_view kHistory = R"(
{"type":"deal","id":"D1","title":"Order 1","pipeline_id":"p1","stage_id":"taken","amount":"150000","responsible_id":"u1","company_id":"c1","created_at":"2024-03-01T10:00:00+03:00","fields":{"tags":["vip","b2b"]}}
{"type":"stage_change","deal_id":"D1","to":"request","at":"2024-03-04T10:00:00+03:00","by":"u1"}
{"type":"stage_change","deal_id":"D1","to":"paid","at":"2024-03-10T10:00:00+03:00","by":"u1"}
{"type":"deal","id":"D2","title":"Order 2","pipeline_id":"p1","stage_id":"invoice","amount":"50000","responsible_id":"u2","company_id":"c1","created_at":"2024-03-02T10:00:00+03:00","fields":{"tags":["b2b"]}}
{"type":"stage_change","deal_id":"D2","to":"paid","at":"2024-03-05T10:00:00+03:00","by":"u2"}
{"type":"stage_change","deal_id":"D2","to":"awaiting","at":"2024-03-06T10:00:00+03:00","by":"u2"}
{"type":"deal","id":"D3","title":"Order 3","pipeline_id":"p1","stage_id":"request","amount":"30000","responsible_id":"u1","created_at":"2024-02-20T10:00:00+03:00"}
{"type":"stage_change","deal_id":"D3","to":"failed","at":"2024-03-15T10:00:00+03:00","by":"u1"}
{"type":"deal","id":"D4","title":"Order 4","pipeline_id":"p1","stage_id":"taken","amount":"20000","responsible_id":"u3","company_id":"c1","created_at":"2024-03-03T10:00:00+03:00"}
{"type":"stage_change","deal_id":"D4","to":"paid","at":"2024-03-20T10:00:00+03:00","by":"u3"}
{"type":"deal","id":"D5","title":"Order 5","pipeline_id":"p1","stage_id":"taken","amount":"10000","responsible_id":"u2","created_at":"2024-03-12T10:00:00+03:00"}
{"type":"stage_change","deal_id":"D5","to":"r_new","at":"2024-03-13T10:00:00+03:00","by":"u2"}
{"type":"activity","id":"a1","kind":"call","direction":"out","deal_id":"D2","user_id":"u2","at":"2024-03-07T10:00:00+03:00"}
{"type":"activity","id":"a2","kind":"email","direction":"in","deal_id":"D5","user_id":"u1","at":"2024-03-14T10:00:00+03:00"}
{"type":"task","id":"t1","deal_id":"D2","user_id":"u2","created_at":"2024-03-07T10:00:00+03:00","deadline":"2024-03-09T10:00:00+03:00","completed_at":"2024-03-11T10:00:00+03:00"}
)";

constexpr const char* kCounting[] = {
    "created_count",  "won_count",       "lost_count",    "repeat_won_count", "new_won_count",
    "in_work_count",  "forgotten_count", "no_task_count", "overdue_tasks",    "load",
    "activity_count", "funnel",          "stage_count",   "lost_from_stage",  "new_client_count",
    "deal_count",     "task_count"};

TEST(Drilldown, CountEqualsTheNumberForEveryCountingMetric) {
  auto engine = Load(std::string(kWorkspace) + std::string(kHistory));
  for (const char* metric : kCounting) {
    for (const char* group_by : {"responsible", "fields.tags"}) {
      json request = {{"metric", metric},
                      {"period", {{"from", "2024-03-01"}, {"to", "2024-04-01"}}},
                      {"as_of", "2024-03-31T12:00:00+03:00"},
                      {"granularity", "week"},
                      {"group_by", {group_by}},
                      {"forgotten_days", 3}};
      json answer = Report(*engine, request.dump());
      int64_t nonzero = 0;
      for (const json& row : answer["rows"]) {
        json items = DrillRow(*engine, request, row);
        EXPECT_EQ(items["total"], row["value"]) << metric << " " << row.dump();
        nonzero += row["value"].get<int64_t>() != 0;
      }
      if (std::string(metric) == "created_count") {
        EXPECT_GT(nonzero, 0);
      }
      if (answer["rows"][0]["group"].contains("stage")) continue;  // per-stage totals differ
      json total = Drill(*engine, request.dump());
      EXPECT_EQ(total["total"], answer["total"]) << metric;
    }
  }
}

TEST(Drilldown, ItemsCarryDealDetailsAndDeepLinks) {
  auto engine = Load(std::string(kWorkspace) + std::string(kHistory));
  // Won in March: D1 (150000) and D4 (20000); sorted by amount, largest first.
  json drill =
      Drill(*engine, R"({"metric":"won_amount","period":{"from":"2024-03-01","to":"2024-04-01"},
      "as_of":"2024-04-01T12:00:00+03:00","sort":"-amount"})");
  ASSERT_EQ(drill["total"], 2);
  const json& first = drill["items"][0];
  EXPECT_EQ(first["id"], "D1");
  EXPECT_EQ(first["title"], "Order 1");
  EXPECT_EQ(first["amount"], "150000.00");
  EXPECT_EQ(first["stage"], "paid");
  EXPECT_EQ(first["responsible"], "u1");
  EXPECT_EQ(first["created_at"], "2024-03-01T07:00:00Z");
  EXPECT_EQ(first["closed_at"], "2024-03-10T07:00:00Z");
  EXPECT_EQ(first["url"], "https://crm.example/deal/D1/");
  // As of 04-01 12:00 Moscow D1 has been on paid since 03-10 10:00: 22 days 2 hours.
  EXPECT_EQ(first["days_on_stage"], 22.08);
  // offset/limit page the list; total stays the full count.
  json page =
      Drill(*engine, R"({"metric":"won_amount","period":{"from":"2024-03-01","to":"2024-04-01"},
      "as_of":"2024-04-01T12:00:00+03:00","sort":"-amount","offset":1,"limit":5})");
  EXPECT_EQ(page["total"], 2);
  ASSERT_EQ(page["items"].size(), 1u);
  EXPECT_EQ(page["items"][0]["id"], "D4");
}

// The drill-down keeps only its page while the scan lists items, so every page must be the
// same slice of one order: pages of 2 put end to end are the whole list, for every sort.
// Created in March: D1, D2, D4, D5 (D3 was created in February).
TEST(Drilldown, PagesPutEndToEndAreTheWholeOrderedList) {
  auto engine = Load(std::string(kWorkspace) + std::string(kHistory));
  json request = {{"metric", "created_count"},
                  {"period", {{"from", "2024-03-01"}, {"to", "2024-04-01"}}},
                  {"as_of", "2024-04-01T12:00:00+03:00"}};
  auto ids = [](const json& drill) {
    std::vector<std::string> out;
    for (const json& item : drill["items"]) out.push_back(item["id"]);
    return out;
  };
  for (const char* sort :
       {"id", "-id", "amount", "-amount", "title", "-days_since_touch", "responsible", "stage"}) {
    request["sort"] = sort;
    request["offset"] = 0;
    request["limit"] = 100;
    std::vector<std::string> whole = ids(Drill(*engine, request.dump()));
    ASSERT_EQ(whole.size(), 4u) << sort;
    std::vector<std::string> paged;
    for (int offset = 0; offset < 5; offset += 2) {
      request["offset"] = offset;
      request["limit"] = 2;
      json page = Drill(*engine, request.dump());
      EXPECT_EQ(page["total"], 4) << sort;
      for (const std::string& id : ids(page)) paged.push_back(id);
    }
    EXPECT_EQ(paged, whole) << sort;
  }
  // By amount: D1 150000, D2 50000, D4 20000, D5 10000; by responsible, u1 (D1) first, then
  // u2's D2 and D5 in id order, then u3 (D4).
  request["offset"] = 0;
  request["limit"] = 100;
  request["sort"] = "-amount";
  EXPECT_EQ(ids(Drill(*engine, request.dump())),
            (std::vector<std::string>{"D1", "D2", "D4", "D5"}));
  request["sort"] = "responsible";
  EXPECT_EQ(ids(Drill(*engine, request.dump())),
            (std::vector<std::string>{"D1", "D2", "D5", "D4"}));
}

// A drill-down of many deals is listed by two threads, each over half of the deals (rows D1, D2
// and D3, D4, D5 here), and their pages merged: the answer is the one a single pass gives, for
// every outcome metric, sort and page.
TEST(Drilldown, TwoThreadsListWhatOneLists) {
  auto engine = Load(std::string(kWorkspace) + std::string(kHistory));
  auto drill = [&](const json& request, int32_t split_deals) {
    Result<json> answer =
        RunDrilldown(*engine, request, Instant{0}, {}, nullptr, DrilldownOptions{split_deals});
    EXPECT_TRUE(answer.ok()) << answer.message();
    return answer.ok() ? answer.value() : json(nullptr);
  };
  json request = {{"period", {{"from", "2024-03-01"}, {"to", "2024-04-01"}}},
                  {"as_of", "2024-04-01T12:00:00+03:00"}};
  for (const char* metric :
       {"created_count", "won_count", "won_amount", "lost_count", "conversion_rate",
        "cohort_win_rate", "repeat_won_count", "new_client_count"}) {
    request["metric"] = metric;
    for (const char* sort : {"id", "-id", "amount", "-amount", "title", "-days_since_touch"}) {
      request["sort"] = sort;
      for (int limit : {1, 2, 100}) {
        request["limit"] = limit;
        for (int offset : {0, 1}) {
          request["offset"] = offset;
          EXPECT_EQ(drill(request, 1), drill(request, 1 << 30)) << request.dump();
        }
      }
    }
  }
  // Created in March: D1 150000, D2 50000 (the first half), D4 20000, D5 10000 (the second).
  // The three largest take two from the first half and one from the second; the two smallest
  // both from the second.
  request["metric"] = "created_count";
  request["offset"] = 0;
  auto page = [&](int limit, const char* sort) {
    request["limit"] = limit;
    request["sort"] = sort;
    json answer = drill(request, 1);
    EXPECT_EQ(answer["total"], 4) << sort;
    std::vector<std::string> ids;
    for (const json& item : answer["items"]) ids.push_back(item["id"]);
    return ids;
  };
  EXPECT_EQ(page(3, "-amount"), (std::vector<std::string>{"D1", "D2", "D4"}));
  EXPECT_EQ(page(2, "amount"), (std::vector<std::string>{"D5", "D4"}));
}

// An item that counts in several buckets is listed once when the row is drilled without a
// bucket. In work at the weekly snapshots of March (4th, 11th, 18th, 25th, then T), u1 has D1
// (open from 03-01 until won on 03-10: the 4th) and D3 (open until lost on 03-15: the 4th and
// the 11th): two deals, three contributions.
TEST(Drilldown, AnItemInSeveralBucketsIsListedOnce) {
  auto engine = Load(std::string(kWorkspace) + std::string(kHistory));
  json drill = Drill(*engine, R"({"metric":"in_work_count",
      "period":{"from":"2024-03-01","to":"2024-04-01"},"as_of":"2024-03-31T12:00:00+03:00",
      "granularity":"week","group_by":["responsible"],"group":{"responsible":"u1"}})");
  EXPECT_EQ(drill["total"], 2);
  ASSERT_EQ(drill["items"].size(), 2u);
  EXPECT_EQ(drill["items"][0]["id"], "D1");
  EXPECT_EQ(drill["items"][1]["id"], "D3");
}

TEST(Drilldown, VisibilityLimitsNumbersAndLists) {
  // A manager u2 sees only D2 and D5 (their deals): created in March = 2.
  auto engine = Load(std::string(kWorkspace) + std::string(kHistory));
  Visibility u2{false, {"u2"}};
  std::string request =
      R"({"metric":"created_count","period":{"from":"2024-03-01","to":"2024-04-01"},"as_of":"2024-04-01T12:00:00+03:00"})";
  EXPECT_EQ(Report(*engine, request, u2)["total"], 2);
  EXPECT_EQ(Drill(*engine, request, u2)["total"], 2);
  // Activities: a1 (u2's own) and a2 (u1's, but on u2's deal D5) are both visible.
  std::string activities =
      R"({"metric":"activity_count","period":{"from":"2024-03-01","to":"2024-04-01"},"as_of":"2024-04-01T12:00:00+03:00"})";
  EXPECT_EQ(Report(*engine, activities, u2)["total"], 2);
  EXPECT_EQ(Report(*engine, activities, Visibility{false, {"u3"}})["total"], 0);
}

}  // namespace
}  // namespace voronka::testing
