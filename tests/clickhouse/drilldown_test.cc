// Differential check of drill-down in scale-out mode: the random histories of the report
// differential test (plus title renames) in the embedded engine and in the two-shard cluster;
// for every metric the compiler answers whose items are deals, cells of a report (the total
// and rows, with every group key, buckets, filters, a role, paging and sorts) are drilled into
// in both and must list the same JSON. The count of a cell's list equals the number the
// report shows.
#include "clickhouse/drilldown.h"

#include <gtest/gtest.h>

#include "clickhouse/compiler.h"
#include "clickhouse/differential_fixture.h"
#include "metrics/history_generator.h"
#include "metrics/metric_test_util.h"
#include "metrics/report.h"
#include "testing/clickhouse_server.h"

namespace voronka::testing {
namespace {

using clickhouse::Client;
using nlohmann::json;
constexpr const char* kDatabase = "voronka_drilldown";

// The metrics drill-down answers in scale-out mode: compiled, with deals (or a deal's stage
// changes) as items.
std::vector<std::string> DrillableMetrics() {
  std::vector<std::string> names;
  for (const MetricInfo& metric : AllMetrics()) {
    ReportRequest request;
    request.metric = &metric;
    bool deals = metric.items == ItemKind::kDeal || metric.items == ItemKind::kStageChange;
    // goal_progress has no drill-down of its own (its metric's is the one to use).
    if (metric.family == MetricFamily::kGoal) continue;
    if (deals && clickhouse::CheckCompilable(request).ok()) names.emplace_back(metric.name);
  }
  return names;
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

// The report requests drilled into, one per metric, cycling through group keys,
// granularities, filters, T and a role.
json ReportOf(const std::string& metric, size_t m) {
  const std::vector<json> keys = {
      json{"responsible"},        json{"stage"},      json{"fields.tags"}, json::array(),
      json{"source", "pipeline"}, json{"department"}, json{"entity"},      json{"company"}};
  const std::vector<json> filters = {json::object(),
                                     {{"fields.tags", {"vip"}}},
                                     {{"responsible", {"u1", "u3"}}},
                                     {{"source", {{"empty", false}}}}};
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

// Per metric: the total (by amount, descending, from the second item) and two rows of the
// embedded report (the fullest and the last), each sorted by another field.
std::vector<Drill> DrillsOf(const Engine& engine, const std::string& metric, size_t m) {
  const char* sorts[] = {"-days_since_touch", "title",  "created_at",    "-closed_at",
                         "stage_name",        "-id",    "days_on_stage", "-changed_at",
                         "responsible",       "-amount"};
  json report = ReportOf(metric, m);
  Visibility visibility = m % 4 == 3 ? Visibility{false, {"u2", "u3"}} : Visibility{};
  std::vector<Drill> drills;
  json total = report;
  total["sort"] = "-amount";
  total["offset"] = 1;
  total["limit"] = 4;
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
    drill["sort"] = sorts[(m + r) % std::size(sorts)];
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
  ASSERT_GE(metrics.size(), 23u);
  HistoryGenerator generator(1);
  std::vector<std::string> lines = WorkspaceWithHistory(generator, 60);
  for (std::string& line : Renames(60)) lines.push_back(std::move(line));
  auto engine = Load(JoinLines(lines));
  LoadFacts(client, "w1", lines, generator.rng());

  int compared = 0, nonempty = 0;
  for (size_t m = 0; m < metrics.size(); m += SampleStep()) {
    int64_t listed = 0;  // items of the metric's drill-downs
    for (const Drill& drill : DrillsOf(*engine, metrics[m], m)) {
      Result<json> expected = RunDrilldown(*engine, drill.request, Instant{0}, drill.visibility);
      Result<json> actual =
          clickhouse::RunDrilldown(client, "w1", drill.request, Instant{0}, drill.visibility);
      ASSERT_TRUE(expected.ok()) << expected.message() << "\n" << drill.request.dump();
      ASSERT_TRUE(actual.ok()) << actual.message() << "\n" << drill.request.dump();
      EXPECT_EQ(actual.value(), expected.value())
          << "request " << drill.request.dump() << "\nvisibility "
          << (drill.visibility.all ? "all" : "u2,u3") << "\nclickhouse " << actual.value().dump()
          << "\nengine     " << expected.value().dump();
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

}  // namespace
}  // namespace voronka::testing
