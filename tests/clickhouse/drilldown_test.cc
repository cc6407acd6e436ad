// Drill-down in scale-out mode. Differential: the random histories of the report differential
// test (plus title renames) in the embedded engine and in the two-shard cluster; for every
// metric that has a drill-down, cells of a report (the total and rows, with every group key,
// buckets, filters, a role, paging and sorts; for the metrics of activities and tasks several
// reports, two of them a manager's) are drilled into in both and must list the same JSON. The
// count of a cell's list equals the number the report shows. By hand: the activities and the
// tasks behind an activity_count and an overdue_tasks of a small history.
#include "clickhouse/drilldown.h"

#include <gtest/gtest.h>

#include "clickhouse/compiler.h"
#include "clickhouse/differential_fixture.h"
#include "clickhouse/fact_writer.h"
#include "clickhouse/report.h"
#include "metrics/history_generator.h"
#include "metrics/metric_test_util.h"
#include "metrics/report.h"
#include "testing/clickhouse_server.h"

namespace voronka::testing {
namespace {

using clickhouse::Client;
using nlohmann::json;
constexpr const char* kDatabase = "voronka_drilldown";

// The metrics drill-down answers in scale-out mode: compiled, whatever their items.
std::vector<std::string> DrillableMetrics() {
  std::vector<std::string> names;
  for (const MetricInfo& metric : AllMetrics()) {
    ReportRequest request;
    request.metric = &metric;
    // goal_progress has no drill-down of its own (its metric's is the one to use).
    if (metric.family == MetricFamily::kGoal) continue;
    if (clickhouse::CheckCompilable(request).ok()) names.emplace_back(metric.name);
  }
  return names;
}

// Whether a metric lists activities or tasks (activity_index also the stage changes it counts).
bool ListsActivitiesOrTasks(const std::string& metric) {
  ItemKind items = FindMetric(metric)->items;
  return items == ItemKind::kActivity || items == ItemKind::kTask;
}

// Title renames: one after every other event, and one before the deal was created (the deal
// record's title stays), sent in that order.
std::vector<std::string> Renames(int deals) {
  std::vector<std::string> lines;
  for (int d = 0; d < deals; d += 5) {
    std::string id = "D" + std::to_string(d);
    lines.push_back(json{{"type", "deal_update"},
                         {"id", id},
                         {"at", "2024-12-01T00:00:00Z"},
                         {"set", {{"title", "Renamed " + id}}}}
                        .dump());
    lines.push_back(json{{"type", "deal_update"},
                         {"id", id},
                         {"at", "2023-06-01T00:00:00Z"},
                         {"set", {{"title", "Before " + id}}}}
                        .dump());
  }
  return lines;
}

struct Drill {
  json request;
  Visibility visibility;
  json shown;  // the report's number for the cell
};

// The report requests drilled into, one per metric (per metric and variant for activities and
// tasks), cycling through group keys, granularities, filters and T.
json ReportOf(const std::string& metric, size_t m) {
  const std::vector<json> deal_keys = {
      json{"responsible"},        json{"stage"},      json{"fields.tags"}, json::array(),
      json{"source", "pipeline"}, json{"department"}, json{"entity"},      json{"company"}};
  // Activities and tasks: their own user and department, an activity's kind and direction, and
  // the keys of their deal.
  const std::vector<json> item_keys = {
      json{"responsible"},        json{"kind"},       json{"fields.tags"}, json::array(),
      json{"direction", "stage"}, json{"department"}, json{"source"},      json{"company"}};
  bool items = ListsActivitiesOrTasks(metric);
  const std::vector<json>& keys = items ? item_keys : deal_keys;
  std::vector<json> filters = {json::object(),
                               {{"fields.tags", {"vip"}}},
                               {{"responsible", {"u1", "u3"}}},
                               {{"source", {{"empty", false}}}}};
  if (items) filters.push_back({{"kind", {"call", "email", "nps"}}, {"department", {"d1"}}});
  const char* granularities[] = {"month", "none", "quarter"};
  const char* as_ofs[] = {"2024-09-01T00:00:00Z", "2024-04-15T12:00:00Z"};
  json request = {{"metric", metric},
                  {"period", {{"from", "2024-01-01"}, {"to", "2024-07-01"}}},
                  {"as_of", as_ofs[m % 2]},
                  {"group_by", keys[m % keys.size()]},
                  {"granularity", granularities[m % 3]}};
  if (!filters[m % filters.size()].empty()) request["filters"] = filters[m % filters.size()];
  // A per-stage metric's rows are its stages already: "group": {"stage": ...} names the row.
  if (FindMetric(metric)->stage_rows != StageRows::kNone && request["group_by"] == json{"stage"}) {
    request["group_by"] = json{"company"};
  }
  return request;
}

// Per report: the total (deals by amount, descending, from the second item; activities and tasks
// by another field and page) and two rows of the embedded report (the fullest and the last),
// each sorted by another field.
std::vector<Drill> DrillsOf(const Engine& engine, const std::string& metric, size_t m,
                            const Visibility& visibility) {
  const char* deal_sorts[] = {"-days_since_touch", "title",  "created_at",    "-closed_at",
                              "stage_name",        "-id",    "days_on_stage", "-changed_at",
                              "responsible",       "-amount"};
  const char* item_sorts[] = {"-at",       "title",       "deadline", "-completed_at",
                              "kind",      "-id",         "deal_id",  "-responsible",
                              "direction", "-changed_at", "amount",   "-created_at"};
  bool items = ListsActivitiesOrTasks(metric);
  auto sort_of = [&](size_t n) {
    return items ? item_sorts[n % std::size(item_sorts)] : deal_sorts[n % std::size(deal_sorts)];
  };
  json report = ReportOf(metric, m);
  std::vector<Drill> drills;
  json total = report;
  total["sort"] = items ? sort_of(m + 7) : "-amount";
  total["offset"] = items ? m % 3 : 1;
  total["limit"] = items ? 3 + m % 5 : 4;
  Result<json> answer = RunReport(engine, report, Instant{0}, visibility);
  if (!answer.ok()) return drills;
  drills.push_back({total, visibility, answer.value()["total"]});
  if (answer.value()["rows"].empty()) return drills;
  const json& rows = answer.value()["rows"];
  // The row with the most items: counts and sums grow with them, ratios and means do not tell.
  size_t fullest = 0;
  for (size_t r = 0; r < rows.size(); ++r) {
    if (rows[r]["value"].is_number() && rows[fullest]["value"].is_number() &&
        rows[r]["value"].get<double>() > rows[fullest]["value"].get<double>()) {
      fullest = r;
    }
  }
  for (size_t r : {fullest, rows.size() - 1}) {
    json drill = report;
    drill["group"] = rows[r]["group"];
    if (rows[r].contains("bucket")) drill["bucket"] = rows[r]["bucket"];
    drill["sort"] = sort_of(m + r);
    drills.push_back({drill, visibility, rows[r]["value"]});
    if (rows.size() == 1) break;
  }
  return drills;
}

class DrilldownDifferential : public FreshDatabaseTest {
 protected:
  DrilldownDifferential() : FreshDatabaseTest(kDatabase) {}
};

TEST_F(DrilldownDifferential, EngineAndClickHouseListTheSameItems) {
  Client client = Shard();
  std::vector<std::string> metrics = DrillableMetrics();
  ASSERT_EQ(metrics.size(), AllMetrics().size() - 1) << "every metric but goal_progress";
  HistoryGenerator generator(1);
  std::vector<std::string> lines = WorkspaceWithHistory(generator, 60);
  for (std::string& line : Renames(60)) lines.push_back(std::move(line));
  auto engine = Load(JoinLines(lines));
  LoadFacts(client, "w1", lines, generator.rng());

  int compared = 0, nonempty = 0;
  // Reports of a metric: one for deals (a manager's every fourth); three for activities and
  // tasks, the second of a manager seeing u2 and u3, the third of one seeing u1.
  auto reports_of = [&](size_t m) {
    std::vector<std::pair<size_t, Visibility>> reports;
    if (!ListsActivitiesOrTasks(metrics[m])) {
      reports.emplace_back(m, m % 4 == 3 ? Visibility{false, {"u2", "u3"}} : Visibility{});
      return reports;
    }
    reports.emplace_back(m, Visibility{});
    reports.emplace_back(m + 1, Visibility{false, {"u2", "u3"}});
    reports.emplace_back(m + 2, Visibility{false, {"u1"}});
    return reports;
  };
  for (size_t m = 0; m < metrics.size(); m += SampleStep()) {
    int64_t listed = 0;  // items of the metric's drill-downs
    std::vector<Drill> drills;
    for (const auto& [variant, visibility] : reports_of(m)) {
      for (Drill& drill : DrillsOf(*engine, metrics[m], variant, visibility)) {
        drills.push_back(std::move(drill));
      }
    }
    for (const Drill& drill : drills) {
      Result<json> expected = RunDrilldown(*engine, drill.request, Instant{0}, drill.visibility);
      Result<json> actual =
          clickhouse::RunDrilldown(client, "w1", drill.request, Instant{0}, drill.visibility);
      ASSERT_TRUE(expected.ok()) << expected.message() << "\n" << drill.request.dump();
      ASSERT_TRUE(actual.ok()) << actual.message() << "\n" << drill.request.dump();
      EXPECT_EQ(actual.value(), expected.value())
          << "request " << drill.request.dump() << "\nvisibility "
          << (drill.visibility.all ? "all" : json(drill.visibility.user_ids).dump())
          << "\nclickhouse " << actual.value().dump() << "\nengine     " << expected.value().dump();
      // Counts are the number of items, except a net movement (crossings back count -1).
      const MetricInfo* info = FindMetric(metrics[m]);
      if (info->kind == ValueKind::kCount && info->id != MetricId::kStageMovement) {
        EXPECT_EQ(json(actual.value()["total"]), drill.shown) << drill.request.dump();
      }
      ++compared;
      if (expected.value()["total"].get<int64_t>() > 0) ++nonempty;
      listed += expected.value()["total"].get<int64_t>();
    }
    EXPECT_GT(listed, 0) << metrics[m] << ": no drill-down of it lists anything";
  }
  std::printf("%d drill-downs compared, %d with items\n", compared, nonempty);
  EXPECT_GE(nonempty, compared / 2);
}

// UTC. Anna (u1) owns D1 "Order 1", Boris (u2) D2 "Order 2". Activity a5 is first sent as an
// SMS of Anna's on D1 (kFirstBatch) and re-sent in the next batch as Boris's incoming call on D2
// of 10 March: the re-sent one counts.
constexpr const char* kFirstBatch =
    R"({"type":"workspace","name":"Hand","time_zone":"UTC","currency":"RUB","deal_url":"https://crm.example/deal/{id}/"}
{"type":"user","id":"u1","name":"Anna"}
{"type":"user","id":"u2","name":"Boris"}
{"type":"pipeline","id":"p1","name":"Sales","entity":"deal","stages":[{"id":"new","name":"New","semantic":"open"},{"id":"paid","name":"Paid","semantic":"won"},{"id":"failed","name":"Failed","semantic":"lost"}]}
{"type":"contact","id":"k1","name":"Kira"}
{"type":"deal","id":"D1","title":"Order 1","pipeline_id":"p1","stage_id":"new","amount":"100.00","responsible_id":"u1","created_at":"2024-03-01T09:00:00Z"}
{"type":"deal","id":"D2","title":"Order 2","pipeline_id":"p1","stage_id":"new","amount":"200.00","responsible_id":"u2","created_at":"2024-03-02T09:00:00Z"}
{"type":"activity","id":"a5","kind":"sms","direction":"out","deal_id":"D1","user_id":"u1","at":"2024-03-08T10:00:00Z"}
)";
// Activities of March: a1 Anna's call on D1 (5th), a2 Boris's e-mail on D1 (6th), a3 Anna's
// meeting with contact k1, no deal (7th), a5 Boris's call on D2 (10th), a6 Anna's comment on
// Boris's D2 (12th); a4, Anna's call on D2, is of April.
// Tasks (deadline; completion): t1 D1 Anna (10 March; 12 March by an update: late), t2 D1 Anna
// (15 March; 14 March: in time), t3 D2 Boris (20 March; open), t4 no deal, Anna (25 March;
// open), t5 D2 Boris (5 April; open), t6 D2 Anna's, handed to Boris on 5 March (28 March; open).
constexpr const char* kSecondBatch =
    R"({"type":"activity","id":"a1","kind":"call","direction":"out","deal_id":"D1","user_id":"u1","at":"2024-03-05T10:00:00Z"}
{"type":"activity","id":"a2","kind":"email","direction":"in","deal_id":"D1","user_id":"u2","at":"2024-03-06T11:00:00Z"}
{"type":"activity","id":"a3","kind":"meeting","direction":"none","contact_id":"k1","user_id":"u1","at":"2024-03-07T12:00:00Z"}
{"type":"activity","id":"a4","kind":"call","direction":"out","deal_id":"D2","user_id":"u1","at":"2024-04-02T10:00:00Z"}
{"type":"activity","id":"a5","kind":"call","direction":"in","deal_id":"D2","user_id":"u2","at":"2024-03-10T10:00:00Z"}
{"type":"activity","id":"a6","kind":"comment","direction":"none","deal_id":"D2","user_id":"u1","at":"2024-03-12T10:00:00Z"}
{"type":"task","id":"t1","deal_id":"D1","user_id":"u1","title":"Call back","created_at":"2024-03-01T09:00:00Z","deadline":"2024-03-10T18:00:00Z","completed_at":null}
{"type":"task_update","id":"t1","at":"2024-03-12T09:00:00Z","set":{"completed_at":"2024-03-12T09:00:00Z"}}
{"type":"task","id":"t2","deal_id":"D1","user_id":"u1","title":"Send invoice","created_at":"2024-03-01T09:00:00Z","deadline":"2024-03-15T18:00:00Z","completed_at":"2024-03-14T09:00:00Z"}
{"type":"task","id":"t3","deal_id":"D2","user_id":"u2","title":"Meet","created_at":"2024-03-02T09:00:00Z","deadline":"2024-03-20T18:00:00Z","completed_at":null}
{"type":"task","id":"t4","user_id":"u1","title":"Plan the week","created_at":"2024-03-03T09:00:00Z","deadline":"2024-03-25T18:00:00Z","completed_at":null}
{"type":"task","id":"t5","deal_id":"D2","user_id":"u2","title":"Follow up","created_at":"2024-03-04T09:00:00Z","deadline":"2024-04-05T18:00:00Z","completed_at":null}
{"type":"task","id":"t6","deal_id":"D2","user_id":"u1","title":"Prepare contract","created_at":"2024-03-03T09:00:00Z","deadline":"2024-03-28T18:00:00Z","completed_at":null}
{"type":"task_update","id":"t6","at":"2024-03-05T09:00:00Z","set":{"user_id":"u2"}}
)";

class DrilldownByHand : public FreshDatabaseTest {
 protected:
  DrilldownByHand() : FreshDatabaseTest("voronka_drilldown_hand") {}

  void SetUp() override {
    FreshDatabaseTest::SetUp();
    if (HasFatalFailure() || IsSkipped()) return;
    for (const char* batch : {kFirstBatch, kSecondBatch}) {
      clickhouse::WriteResult written = clickhouse::WriteNdjson(Shard(), "w1", batch);
      ASSERT_TRUE(written.ok()) << written.status.message()
                                << (written.errors.empty() ? "" : written.errors.front());
    }
    engine_ = Load(std::string(kFirstBatch) + kSecondBatch);
  }

  // The scale-out drill-down, after checking it equals the embedded one.
  json Drill(const json& request, const Visibility& visibility = {}) {
    Result<json> actual = clickhouse::RunDrilldown(Shard(), "w1", request, Instant{0}, visibility);
    Result<json> expected = RunDrilldown(*engine_, request, Instant{0}, visibility);
    EXPECT_TRUE(actual.ok()) << actual.message();
    EXPECT_TRUE(expected.ok()) << expected.message();
    if (!actual.ok() || !expected.ok()) return nullptr;
    EXPECT_EQ(actual.value(), expected.value()) << request.dump();
    return actual.value();
  }

  // The value of the report row of `user` (grouped by responsible) in scale-out mode.
  json RowOf(const json& request, const std::string& user, const Visibility& visibility = {}) {
    Result<json> answer = clickhouse::RunReport(Shard(), "w1", request, Instant{0}, visibility);
    EXPECT_TRUE(answer.ok()) << answer.message();
    if (!answer.ok()) return nullptr;
    for (const json& row : answer.value()["rows"]) {
      if (row["group"]["responsible"] == user) return row["value"];
    }
    return nullptr;
  }

  static std::vector<std::string> Ids(const json& answer) {
    std::vector<std::string> ids;
    for (const json& item : answer["items"]) ids.push_back(item["id"]);
    return ids;
  }

  std::unique_ptr<Engine> engine_;
};

json March(const char* metric) {
  return {{"metric", metric},
          {"period", {{"from", "2024-03-01"}, {"to", "2024-04-01"}}},
          {"as_of", "2024-04-10T00:00:00Z"},
          {"group_by", {"responsible"}}};
}

// activity_count of March by responsible: Anna a1, a3, a6 (3), Boris a2, a5 (2). Boris, a
// manager, sees his own activities and those on his deal D2: a2, a5 and Anna's a6.
TEST_F(DrilldownByHand, ActivityCountListsTheActivitiesOfARowAndAManagerSeesHisAndHisDeals) {
  json anna = March("activity_count");
  anna["group"] = {{"responsible", "u1"}};
  json answer = Drill(anna);
  EXPECT_EQ(answer["total"], 3);
  EXPECT_EQ(RowOf(March("activity_count"), "u1"), 3);
  ASSERT_EQ(Ids(answer), (std::vector<std::string>{"a1", "a3", "a6"}));
  EXPECT_EQ(answer["items"][0], (json{{"type", "activity"},
                                      {"id", "a1"},
                                      {"kind", "call"},
                                      {"direction", "out"},
                                      {"at", "2024-03-05T10:00:00Z"},
                                      {"responsible", "u1"},
                                      {"deal_id", "D1"},
                                      {"title", "Order 1"},
                                      {"url", "https://crm.example/deal/D1/"}}));
  EXPECT_EQ(answer["items"][1], (json{{"type", "activity"},
                                      {"id", "a3"},
                                      {"kind", "meeting"},
                                      {"direction", "none"},
                                      {"at", "2024-03-07T12:00:00Z"},
                                      {"responsible", "u1"},
                                      {"deal_id", ""},
                                      {"title", ""},
                                      {"url", nullptr}}));

  json boris_row = March("activity_count");
  boris_row["group"] = {{"responsible", "u2"}};
  boris_row["sort"] = "-at";
  answer = Drill(boris_row);
  EXPECT_EQ(Ids(answer), (std::vector<std::string>{"a5", "a2"}));  // re-sent a5 is Boris's
  EXPECT_EQ(answer["items"][0]["kind"], "call");

  Visibility boris{false, {"u2"}};
  json total = March("activity_count");
  total["sort"] = "-at";
  answer = Drill(total, boris);
  EXPECT_EQ(answer["total"], 3);
  EXPECT_EQ(Ids(answer), (std::vector<std::string>{"a6", "a5", "a2"}));
  answer = Drill(anna, boris);
  EXPECT_EQ(Ids(answer), std::vector<std::string>{"a6"});
  EXPECT_EQ(RowOf(March("activity_count"), "u1", boris), 1);

  json calls = March("activity_count");
  calls["filters"] = {{"kind", {"call"}}};
  calls["offset"] = 1;
  calls["limit"] = 1;
  answer = Drill(calls);
  EXPECT_EQ(answer["total"], 2);  // a1, a5
  EXPECT_EQ(Ids(answer), std::vector<std::string>{"a5"});
}

// overdue_tasks of March at 10 April: t1 (done after its deadline), t3, t4 and t6 (open past
// it); t2 was done in time, t5's deadline is in April. By responsible: Anna t1, t4; Boris t3 and
// t6 (handed to him). Boris, a manager, sees t3 and t6.
TEST_F(DrilldownByHand, OverdueTasksListsTheTasksPastTheirDeadline) {
  json total = March("overdue_tasks");
  total["sort"] = "-deadline";
  json answer = Drill(total);
  EXPECT_EQ(answer["total"], 4);
  EXPECT_EQ(Ids(answer), (std::vector<std::string>{"t6", "t4", "t3", "t1"}));

  json boris_row = March("overdue_tasks");
  boris_row["group"] = {{"responsible", "u2"}};
  answer = Drill(boris_row);
  EXPECT_EQ(RowOf(March("overdue_tasks"), "u2"), 2);
  ASSERT_EQ(Ids(answer), (std::vector<std::string>{"t3", "t6"}));
  EXPECT_EQ(answer["items"][1], (json{{"type", "task"},
                                      {"id", "t6"},
                                      {"title", "Prepare contract"},
                                      {"responsible", "u2"},
                                      {"deal_id", "D2"},
                                      {"created_at", "2024-03-03T09:00:00Z"},
                                      {"deadline", "2024-03-28T18:00:00Z"},
                                      {"completed_at", nullptr},
                                      {"url", "https://crm.example/deal/D2/"}}));

  json anna_row = March("overdue_tasks");
  anna_row["group"] = {{"responsible", "u1"}};
  answer = Drill(anna_row);
  ASSERT_EQ(Ids(answer), (std::vector<std::string>{"t1", "t4"}));
  EXPECT_EQ(answer["items"][0]["completed_at"], "2024-03-12T09:00:00Z");
  EXPECT_EQ(answer["items"][1]["url"], nullptr);

  answer = Drill(March("overdue_tasks"), Visibility{false, {"u2"}});
  EXPECT_EQ(Ids(answer), (std::vector<std::string>{"t3", "t6"}));
}

}  // namespace
}  // namespace voronka::testing
