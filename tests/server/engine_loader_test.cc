// The start-up load (LoadWorkspaceEngine: the store read on one thread, applied unpublished on
// another, published once) gives the engine that applying the same records batch by batch
// gives: the same answers to every metric and the same derived per-deal columns, on a random
// history that arrived out of order, then exact repeats and events re-sent under their
// event_id with other content.
#include "server/engine_loader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "access/workspace_settings.h"
#include "metrics/catalog.h"
#include "metrics/history_generator.h"
#include "metrics/metric_test_util.h"
#include "model/time.h"
#include "store/sqlite/ndjson_import.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/process.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// The history as it arrived: shuffled; then, in a later import, every 20th stage change or
// activity sent again under the event_id it first came with but a day later (to be skipped),
// and every 25th line sent again as it was.
struct Arrivals {
  std::vector<std::string> first;
  std::vector<std::string> resent;
};

Arrivals Arrive(HistoryGenerator& generator, int deals) {
  Arrivals arrivals;
  arrivals.first = WorkspaceWithHistory(generator, deals);
  int events = 0;
  for (size_t i = 0; i < arrivals.first.size(); ++i) {
    std::string& line = arrivals.first[i];
    json record = json::parse(line);
    std::string type = record["type"];
    if ((type == "stage_change" || type == "activity") && i % 20 == 0) {
      record["event_id"] = "event-" + std::to_string(++events);
      line = record.dump();
      Instant at = ParseInstant(record["at"].get<std::string>()).value();
      record["at"] = FormatInstant(Instant{at.micros + int64_t{24} * 3600 * kMicrosPerSecond});
      arrivals.resent.push_back(record.dump());
    } else if (i % 25 == 0) {
      arrivals.resent.push_back(line);
    }
  }
  std::shuffle(arrivals.first.begin(), arrivals.first.end(), generator.rng());
  std::shuffle(arrivals.resent.begin(), arrivals.resent.end(), generator.rng());
  return arrivals;
}

std::vector<std::string> Requests() {
  std::vector<std::string> requests;
  for (const MetricInfo& metric : AllMetrics()) {
    json request = {{"metric", metric.name},
                    {"period", {{"from", "2024-01-01"}, {"to", "2024-07-01"}}},
                    {"as_of", "2024-09-01T00:00:00Z"},
                    {"granularity", "month"},
                    {"group_by", {"responsible"}},
                    {"compare", "previous_period"}};
    requests.push_back(request.dump());
    request["group_by"] = {"fields.tags"};
    request["as_of"] = "2024-04-15T12:00:00Z";
    request.erase("granularity");
    requests.push_back(request.dump());
  }
  return requests;
}

// A deal's derived state and history in words (ids as their texts), for comparing engines
// whose dictionaries numbered ids in different orders.
json DealState(const Tables& t, int32_t deal) {
  const DealTable& d = t.deals;
  size_t row = static_cast<size_t>(deal);
  const DealMoment& latest = d.latest[row];
  json history = json::array();
  for (const StageEntry& entry : d.history[row]) {
    history.push_back({entry.at, t.stages.ids.Text(entry.stage), t.users.ids.Text(entry.by),
                       static_cast<bool>(entry.creation)});
  }
  json gaps = json::array();
  for (const TouchGap& gap : d.touch_gaps[row]) gaps.push_back({gap.from, gap.to});
  return {{"defined", d.defined[row]},
          {"created_at", d.created_at[row]},
          {"amount", d.amount.value[row]},
          {"responsible", t.users.ids.Text(d.responsible.value[row])},
          {"outcome", static_cast<int>(latest.outcome)},
          {"stage", t.stages.ids.Text(latest.stage)},
          {"entered", latest.entered},
          {"close", latest.close},
          {"latest_outcome", static_cast<int>(d.latest_outcome[row])},
          {"open_until", d.open_until[row]},
          {"last_change_at", d.last_change_at[row]},
          {"last_touch", d.last_touch[row]},
          {"touch_stale", d.touch_stale[row]},
          {"first_touch", d.first_touch[row]},
          {"touch_gaps", gaps},
          {"history", history}};
}

// Every deal of `loaded` has the derived state it has in `reference`, and both know the same
// deals.
void ExpectSameDeals(const Engine& loaded, const Engine& reference, const std::string& what) {
  Engine::ReadView loaded_view = loaded.Read();
  Engine::ReadView reference_view = reference.Read();
  const Tables& a = loaded_view.tables();
  const Tables& b = reference_view.tables();
  ASSERT_EQ(a.deals.size(), b.deals.size()) << what;
  EXPECT_EQ(a.activities.size(), b.activities.size()) << what;
  EXPECT_EQ(a.tasks.size(), b.tasks.size()) << what;
  EXPECT_EQ(a.deals.latest_change_at, b.deals.latest_change_at) << what;
  for (int32_t deal = 0; deal < a.deals.size(); ++deal) {
    std::string_view id = a.deals.ids.Text(deal);
    int32_t other = b.deals.ids.Find(id);
    ASSERT_NE(other, kNone) << what << ": deal " << id;
    EXPECT_EQ(DealState(a, deal), DealState(b, other)) << what << ": deal " << id;
  }
}

TEST(EngineLoader, LoadsWhatBatchByBatchApplyGives) {
  HistoryGenerator generator(7);
  // Enough records for several of the load's chunks (16 384 records each).
  Arrivals arrivals = Arrive(generator, 4500);
  ASSERT_GT(arrivals.first.size(), 2u * 16384);

  TempDir dir;
  std::unique_ptr<SqliteStore> store = SqliteStore::Open(dir.path()).value();
  int64_t workspace = store->EnsureDefaultWorkspace().value();
  ImportResult imported = ImportNdjson(*store, workspace, JoinLines(arrivals.first));
  ASSERT_TRUE(imported.ok()) << imported.errors[0];
  ImportResult again = ImportNdjson(*store, workspace, JoinLines(arrivals.resent));
  ASSERT_TRUE(again.ok()) << again.errors[0];
  // Skipped: the events re-sent under their event_id, and the repeated stage changes and
  // updates; repeated deals, activities and tasks replace themselves with the same content.
  EXPECT_GT(again.skipped, static_cast<int64_t>(arrivals.resent.size()) / 2);

  AdminSettings settings;  // a workspace without saved settings
  BulkLoadTimes times;
  Result<std::shared_ptr<Engine>> loaded = LoadWorkspaceEngine(*store, workspace, settings, &times);
  ASSERT_TRUE(loaded.ok()) << loaded.message();

  // The same stored records applied batch by batch (how a workspace was loaded before, and how
  // the server applies what it ingests), in batches of 1 to 500 records.
  Engine stored_batches;
  std::vector<Record> batch;
  size_t batch_size = 1;
  int64_t stored = 0;
  ASSERT_TRUE(store
                  ->Load(workspace,
                         [&](Record& record) {
                           ++stored;
                           RewriteRecord(settings, record.body);
                           batch.push_back(record);
                           if (batch.size() >= batch_size) {
                             stored_batches.Apply(batch);
                             batch.clear();
                             batch_size = 1 + static_cast<size_t>(generator.Pick(500));
                           }
                         })
                  .ok());
  if (std::optional<Record> record = SettingsRecord(settings)) {
    batch.push_back(*record);
    ++stored;
  }
  stored_batches.Apply(batch);
  EXPECT_EQ(times.records, stored);

  // The history applied as it arrived, in batches of 1 to 12 lines, without the store.
  Engine arrived;
  for (const std::vector<std::string>* lines : {&arrivals.first, &arrivals.resent}) {
    for (size_t i = 0; i < lines->size();) {
      size_t size = 1 + static_cast<size_t>(generator.Pick(12));
      std::string text;
      for (size_t j = i; j < std::min(lines->size(), i + size); ++j) text += (*lines)[j] + "\n";
      Feed(arrived, text);
      i += size;
    }
  }
  if (std::optional<Record> record = SettingsRecord(settings)) arrived.Apply({*record});

  // The history is not trivial: deals were won in the period.
  json won = Report(**loaded, R"({"metric":"won_count","period":{"from":"2024-01-01",
      "to":"2024-07-01"},"as_of":"2024-09-01T00:00:00Z"})");
  EXPECT_GT(won["total"].get<int64_t>(), 10);

  ExpectSameDeals(**loaded, stored_batches, "stored records in batches");
  ExpectSameDeals(**loaded, arrived, "as arrived");
  for (const std::string& request : Requests()) {
    json answer = Report(**loaded, request);
    EXPECT_EQ(answer, Report(stored_batches, request)) << request;
    EXPECT_EQ(answer, Report(arrived, request)) << request;
    if (request.find("goal_progress") != std::string::npos) continue;
    EXPECT_EQ(Drill(**loaded, request), Drill(stored_batches, request)) << request;
  }
}

TEST(EngineLoader, UnknownWorkspaceIsAnErrorAndPublishesNothing) {
  TempDir dir;
  std::unique_ptr<SqliteStore> store = SqliteStore::Open(dir.path()).value();
  Result<std::shared_ptr<Engine>> loaded = LoadWorkspaceEngine(*store, 12345, AdminSettings{});
  EXPECT_FALSE(loaded.ok());
}

}  // namespace
}  // namespace voronka::testing
