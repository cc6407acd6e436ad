// Differential check of the report compiler: random histories loaded into the embedded engine
// and, through the fact writer in shuffled batches, into the two-shard test cluster; every
// supported metric with each group key, granularities, filters, compare, as_of and a role's
// visibility must answer the same JSON.
#include <gtest/gtest.h>

#include "access/workspace_settings.h"
#include "clickhouse/differential_fixture.h"
#include "clickhouse/fold_store.h"
#include "clickhouse/report.h"
#include "metrics/history_generator.h"
#include "metrics/metric_test_util.h"
#include "testing/clickhouse_server.h"

namespace voronka::testing {
namespace {

using clickhouse::Client;
constexpr const char* kDatabase = "voronka_reports";

using nlohmann::json;

const char* const kSupported[] = {
    "created_count",   "won_count",        "won_amount",       "avg_check",
    "avg_cycle_days",  "lost_count",       "lost_amount",      "lost_share",
    "conversion_rate", "cohort_win_rate",  "in_work_count",    "in_work_amount",
    "forgotten_count", "forgotten_amount", "funnel",           "funnel_conversion",
    "stage_count",     "stage_amount",     "stage_age_days",   "stage_movement",
    "lost_from_stage", "stage_time_days",  "stage_conversion", "repeat_won_count",
    "new_won_count",   "repeat_share",     "new_client_count", "forecast",
    "deal_count",      "deal_amount",      "deal_avg_amount",  "goal_progress",
    "activity_count",  "activity_index",   "response_time",    "nps",
    "overdue_tasks",   "no_task_count",    "load",             "task_count"};

// The membership metrics' dates, one per request in turn.
const char* const kMembershipDates[] = {"created", "modified", "closed", "fields.due"};

struct Case {
  json request;
  Visibility visibility;
};

std::vector<Case> Cases() {
  std::vector<Case> cases;
  const json period = {{"from", "2024-01-01"}, {"to", "2024-07-01"}};
  const std::vector<json> keys = {json::array(),       json{"responsible"},
                                  json{"department"},  json{"pipeline"},
                                  json{"stage"},       json{"source"},
                                  json{"company"},     json{"entity"},
                                  json{"fields.tags"}, json{"responsible", "fields.tags"},
                                  json{"kind"},        json{"direction"}};
  const std::vector<json> filters = {
      {{"pipeline", {"p1"}}},
      {{"department", {"d1"}}},
      {{"department", {"d2"}}, {"source", {"web", ""}}},
      {{"responsible", {"u1", "u3"}}},
      {{"fields.tags", {"vip"}}},
      {{"fields.tags", {{"not_in", {"b2b"}}}}},
      {{"fields.tags", {{"empty", true}}}},
      {{"source", {{"empty", false}}}, {"pipeline", {{"not_in", {"p2"}}}}},
      {{"amount", {{"min", 100}, {"max", 40000.5}}}},
      {{"entity", {"deal", "lead"}}},
      {{"kind", {"call", "email", "chat"}}},
      {{"direction", {{"not_in", {"out"}}}}, {"responsible", {"u2"}}},
      {{"title", {{"contains", "сделка 1"}}}},
      {{"fields.budget", {{"min", "100.5"}, {"max", 30000}}}},
      {{"fields.due", {{"from", "2024-03-01"}, {"to", "2024-05-01"}}}, {"source", {"web"}}},
      {{"fields.note", {{"contains", "СРОЧНО"}}}},
  };
  const char* granularities[] = {"none", "month", "week", "quarter", "day"};
  const char* as_ofs[] = {"2024-04-15T12:00:00Z", "2024-09-01T00:00:00Z"};
  const char* dates[] = {"created", "deadline", "completed"};
  // Eight requests per metric, cycling through the group keys, filters, granularities and T
  // (inside the period, where later snapshots are empty, or after it), with both compares, a
  // preset period and a role that sees two users.
  size_t m = 0;
  // VORONKA_DIFF_METRIC=name,name: only those metrics (while working on them).
  const char* only = std::getenv("VORONKA_DIFF_METRIC");
  for (const char* metric : kSupported) {
    if (only != nullptr && ("," + std::string(only) + ",").find("," + std::string(metric) + ",") ==
                               std::string::npos) {
      ++m;
      continue;
    }
    // The metrics after the first 23 take five of the eight requests (a filter, both
    // compares, the role, the preset), goal_progress three (it answers per goal whatever the
    // keys): the test's time is mostly ClickHouse analysing each statement.
    bool goals = std::string(metric) == "goal_progress";
    for (size_t i = 0; i < 8; ++i) {
      if (m >= 23 && (i == 1 || i == 2 || i == 4)) continue;
      if (goals && (i == 3 || i == 6)) continue;
      json request = {{"metric", metric},
                      {"period", period},
                      {"as_of", as_ofs[(i + m) % 2]},
                      {"group_by", keys[(i + m) % keys.size()]},
                      {"granularity", granularities[(i + m) % 5]}};
      if (i % 2 == 0) request["filters"] = filters[(i / 2 + m) % filters.size()];
      if (i == 3) request["compare"] = "previous_period";
      if (i == 6) request["compare"] = "previous_year";
      if (i == 7) {
        request["period"] = {{"preset", "last_month"}};
        request["forgotten_days"] = 5;
      }
      if (std::string(metric) == "task_count") request["date"] = dates[i % 3];
      if (std::string(metric) == "activity_index" && i % 3 == 1) {
        request["activity_weights"] = {{"chat", 2.5}, {"task", 0}, {"stage_change", 4}};
      }
      if (std::string(metric).rfind("deal_", 0) == 0) request["date"] = kMembershipDates[i % 4];
      Visibility visibility;
      if (i == 5) visibility = Visibility{false, {"u2", "u3"}};
      cases.push_back({request, visibility});
    }
    ++m;
  }
  return cases;
}

class Differential : public FreshDatabaseTest {
 protected:
  Differential() : FreshDatabaseTest(kDatabase) {}
};

TEST_F(Differential, EngineAndClickHouseAnswerAlike) {
  Client client = Shard();
  std::vector<Case> cases = Cases();
  int compared = 0;
  // The first history answers every case, the second every eighth (a few minutes in all).
  for (uint32_t seed = 1; seed <= 2; ++seed) {
    HistoryGenerator generator(seed);
    std::vector<std::string> lines = WorkspaceWithHistory(generator, 60);
    auto engine = Load(JoinLines(lines));
    std::string ws = "w" + std::to_string(seed);
    // The first history is read through overlays: a fold is built after each quarter of its
    // batches, each on the one before (the first whole), and the reports below build the last.
    LoadFacts(client, ws, lines, generator.rng(), [&] {
      if (seed != 1) return;
      Result<clickhouse::StoredFold> fold = clickhouse::CurrentFold(client, ws, Tables{});
      ASSERT_TRUE(fold.ok()) << fold.message();
      ASSERT_NE(fold->fold, 0u) << fold->missing;
    });
    if (seed == 2) {
      // As on a cluster made before the stored folds: each statement folds the facts itself.
      for (int shard : {1, 2}) {
        for (const clickhouse::TableSchema& table : clickhouse::DerivedTables()) {
          std::string name = table.name;
          ASSERT_TRUE(Shard(shard).Execute("DROP TABLE IF EXISTS " + name).ok());
          ASSERT_TRUE(
              Shard(shard).Execute("DROP TABLE IF EXISTS " + clickhouse::LocalTable(name)).ok());
        }
      }
    }

    for (size_t i = 0; i < cases.size(); i += (seed == 1 ? 1 : 8) * SampleStep()) {
      const Case& c = cases[i];
      Result<json> expected = RunReport(*engine, c.request, Instant{0}, c.visibility);
      Result<json> actual = clickhouse::RunReport(client, ws, c.request, Instant{0}, c.visibility);
      if (!expected.ok()) {
        // A request the engine refuses is refused alike.
        EXPECT_FALSE(actual.ok()) << c.request.dump();
        if (!actual.ok()) {
          EXPECT_EQ(actual.message(), expected.message()) << c.request.dump();
        }
        continue;
      }
      if (!actual.ok()) {
        ADD_FAILURE() << actual.message() << "\n" << c.request.dump();
        continue;
      }
      EXPECT_EQ(actual.value(), expected.value())
          << "seed " << seed << " request " << c.request.dump() << "\nvisibility "
          << (c.visibility.all ? "all" : "u2,u3") << "\nclickhouse " << actual.value().dump()
          << "\nengine     " << expected.value().dump();
      ++compared;
    }
    if (seed == 1) {
      // The answers above came from one overlay on a whole fold of part of the history.
      Result<clickhouse::StoredFold> fold = clickhouse::CurrentFold(client, ws, Tables{});
      ASSERT_TRUE(fold.ok()) << fold.message();
      EXPECT_NE(fold->fold, 0u) << fold->missing;
      EXPECT_NE(fold->base, 0u) << "an overlay";
      Result<clickhouse::Rows> marks =
          client.Query("SELECT count() FROM deal_fold_marks WHERE ws = " + clickhouse::Quote(ws) +
                       " AND builder > " + std::to_string(fold->builder));
      ASSERT_TRUE(marks.ok()) << marks.message();
      EXPECT_EQ(marks->Int(0, 0), 0) << "the reports built no fold after the first one";
    }
  }
  std::printf("%d answers compared\n", compared);
}

// The admin's rewrites (the price from a number field, the source from a text field or from
// deal_type, a stage made won) give the same answers as an engine fed the rewritten records.
TEST_F(Differential, TheAdminsRewritesAnswerAlike) {
  Client client = Shard();
  AdminSettings by_fields;
  by_fields.price_field = "fields.budget";
  by_fields.source_field = "fields.note";
  by_fields.stage_semantics["awaiting"] = StageSemantic::kWon;
  AdminSettings by_type;
  by_type.source_field = "deal_type";
  std::vector<Case> cases = Cases();
  HistoryGenerator generator(3);
  std::vector<std::string> lines = WorkspaceWithHistory(generator, 60);
  LoadFacts(client, "w3", lines, generator.rng());
  int compared = 0;
  for (const AdminSettings* settings : {&by_fields, &by_type}) {
    ParsedBatch batch = ParseNdjson(JoinLines(lines));
    ASSERT_TRUE(batch.errors.empty());
    for (Record& record : batch.records) RewriteRecord(*settings, record.body);
    Engine engine;
    engine.Apply(batch.records);
    // Every seventeenth case: each metric family, group keys (source among them), filters.
    for (size_t i = settings == &by_fields ? 0 : 3; i < cases.size(); i += 17 * SampleStep()) {
      const Case& c = cases[i];
      Result<json> expected = RunReport(engine, c.request, Instant{0}, c.visibility);
      Result<json> actual =
          clickhouse::RunReport(client, "w3", c.request, Instant{0}, c.visibility, *settings);
      ASSERT_EQ(actual.ok(), expected.ok()) << c.request.dump() << " " << actual.message();
      if (!expected.ok()) continue;
      EXPECT_EQ(actual.value(), expected.value())
          << "request " << c.request.dump() << "\nclickhouse " << actual.value().dump()
          << "\nengine     " << expected.value().dump();
      ++compared;
    }
  }
  std::printf("%d answers compared with rewrites\n", compared);
}

}  // namespace
}  // namespace voronka::testing
