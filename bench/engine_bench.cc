// The analytics engine's speed on a realistic history: load time, resident memory per record,
// then the overview set, single grouped metrics, drill-down and small-batch apply, each as the
// median of warm runs with the bytes its scans read (docs/performance.md has the figures).
//
//   engine_bench [--deals N] [--data DIR] [--runs R] [--end-date YYYY-MM-DD] [--only TEXT]
//
// Without --data the demo history of N deals (default 1 000 000) is generated in memory, parsed
// in chunks and applied to an engine; with --data the workspace is loaded from a data dir the
// way the server starts (SqliteStore::Load on one thread, BulkLoad applying on this one).
#include <malloc.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include "bench_util.h"
#include "overview.h"
#include "demo/generator.h"
#include "engine/bulk_load.h"
#include "engine/engine.h"
#include "ingest/ndjson.h"
#include "metrics/report.h"
#include "store/sqlite/sqlite_store.h"

namespace voronka {
namespace {

using Clock = BenchClock;
using nlohmann::json;

struct Options {
  int64_t deals = 1'000'000;
  std::string data;
  int runs = 7;
  std::string end_date = "2026-10-31";
  std::string only;  // run only the queries whose name contains this text (for profiling)
};

// Resident memory of this process in bytes (freed heap returned to the OS first).
int64_t ResidentBytes() {
  malloc_trim(0);
  std::ifstream in("/proc/self/statm");
  int64_t size = 0, resident = 0;
  in >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

// Loads the demo history: generated text is cut at line ends into ~4 MB chunks, each parsed
// and applied as one batch. Returns the number of records applied.
int64_t LoadDemo(Engine& engine, const Options& options, double& apply_seconds) {
  DemoOptions demo;
  demo.deals = options.deals;
  demo.end_date = ParseDate(options.end_date).value();
  std::string pending;
  int64_t records = 0;
  auto consume = [&](bool final) {
    size_t end = final ? pending.size() : pending.rfind('\n');
    if (end == std::string::npos || end == 0) return;
    ParsedBatch batch = ParseNdjson(std::string_view(pending).substr(0, end));
    if (!batch.ok()) {
      std::fprintf(stderr, "demo history does not parse: %s\n", batch.errors[0].c_str());
      std::exit(1);
    }
    auto start = Clock::now();
    engine.Apply(batch.records);
    apply_seconds += Seconds(start);
    records += static_cast<int64_t>(batch.records.size());
    pending.erase(0, final ? pending.size() : end + 1);
  };
  Status status = GenerateDemo(demo, [&](std::string_view chunk) {
    pending.append(chunk);
    if (pending.size() >= (4u << 20)) consume(false);
  });
  if (!status.ok()) {
    std::fprintf(stderr, "demo: %s\n", status.message().c_str());
    std::exit(1);
  }
  consume(true);
  return records;
}

// Loads the first workspace of a data dir as the server does at start.
int64_t LoadDataDir(Engine& engine, const std::string& dir, double& apply_seconds) {
  auto store = SqliteStore::Open(dir);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.message().c_str());
    std::exit(1);
  }
  int64_t workspace = (*store)->EnsureDefaultWorkspace().value();
  BulkLoadTimes times;
  Status loaded = BulkLoad(
      engine,
      [&](const RecordSink& sink) { return (*store)->Load(workspace, sink); }, &times);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.message().c_str());
    std::exit(1);
  }
  apply_seconds = times.apply_seconds + times.publish_seconds;
  return times.records;
}

// Where the engine's memory goes: bytes per table part (columns' segments, the heap their rows
// own, dictionaries, indexes), largest first, with bytes per record. Heap blocks count 16 bytes
// of malloc header each; the figures are an estimate of what the resident size is made of.
int64_t HeapOf(const std::string& text) {
  return text.capacity() > 15 ? static_cast<int64_t>(text.capacity()) + 1 + 16 : 0;
}
template <typename T>
int64_t HeapOf(const std::vector<T>& items) {
  return items.capacity() > 0 ? static_cast<int64_t>(items.capacity() * sizeof(T)) + 16 : 0;
}
template <typename T>
int64_t HeapOf(const PackedList<T>& items) {
  return static_cast<int64_t>(items.heap_bytes());
}
template <typename T, int kShift>
int64_t BytesOf(const Column<T, kShift>& column) {
  int64_t bytes = static_cast<int64_t>(column.allocated_bytes());
  if constexpr (std::is_class_v<T> &&
                (!std::is_trivially_copyable_v<T> || requires { T::kOwnsBlock; })) {
    for (const T& row : column) bytes += HeapOf(row);
  }
  return bytes;
}
template <typename T>
int64_t BytesOf(const VersionedColumn<T>& column) {
  return BytesOf(column.value) + BytesOf(column.key);
}
int64_t BytesOf(const Dictionary& dictionary) {
  return static_cast<int64_t>(dictionary.allocated_bytes());
}
int64_t BytesOf(const TimeIndex& index) {
  return static_cast<int64_t>(index.allocated_bytes());
}

void PrintMemory(const Tables& t, int64_t records) {
  std::vector<std::pair<std::string, int64_t>> parts;
  auto add = [&](const std::string& name, int64_t bytes) { parts.emplace_back(name, bytes); };
  const DealTable& d = t.deals;
  add("deals.ids", BytesOf(d.ids));
  add("deals.defined+entity", BytesOf(d.defined) + BytesOf(d.entity));
  add("deals.created_at", BytesOf(d.created_at));
  add("deals.title", BytesOf(d.title));
  add("deals.amount", BytesOf(d.amount));
  add("deals.responsible", BytesOf(d.responsible));
  add("deals.company+contact", BytesOf(d.company) + BytesOf(d.contact));
  add("deals.source+type+loss+converted", BytesOf(d.source) + BytesOf(d.deal_type) +
                                              BytesOf(d.loss_reason) + BytesOf(d.converted_to));
  int64_t field_values = BytesOf(t.value_lists);
  for (const LiveColumn<int32_t>& column : d.field_value) field_values += BytesOf(column);
  for (const LiveColumn<int64_t>& column : d.field_key) field_values += BytesOf(column);
  add("deals.field_value+key (+value lists)", field_values);
  add("deals.update_times", BytesOf(d.update_times));
  add("deals.history", BytesOf(d.history));
  add("deals.latest+outcome", BytesOf(d.latest) + BytesOf(d.latest_outcome));
  add("deals.open_until+last_change", BytesOf(d.open_until) + BytesOf(d.last_change_at));
  add("deals.last_touch+stale", BytesOf(d.last_touch) + BytesOf(d.touch_stale));
  add("deals.first_touch+touch_gaps", BytesOf(d.first_touch) + BytesOf(d.touch_gaps));
  add("deals.created+close index", BytesOf(d.created_index) + BytesOf(d.close_index));
  add("deals.rollup", static_cast<int64_t>(d.rollup.allocated_bytes()));
  const ActivityTable& a = t.activities;
  add("activities.ids", BytesOf(a.ids));
  add("activities.kind+direction+score", BytesOf(a.kind) + BytesOf(a.direction) + BytesOf(a.score));
  add("activities.deal", BytesOf(a.deal));
  add("activities.contact+company", BytesOf(a.contact) + BytesOf(a.company));
  add("activities.user", BytesOf(a.user));
  add("activities.at", BytesOf(a.at));
  add("activities.duration_s+source", BytesOf(a.duration_s) + BytesOf(a.source));
  add("activities.at_index", BytesOf(a.at_index));
  add("activities.hourly", static_cast<int64_t>(a.hourly.allocated_bytes()));
  const TaskTable& k = t.tasks;
  add("tasks.ids", BytesOf(k.ids));
  add("tasks.title", BytesOf(k.title));
  add("tasks.other columns", BytesOf(k.defined) + BytesOf(k.deal) + BytesOf(k.created_at) +
                                 BytesOf(k.user) + BytesOf(k.deadline) + BytesOf(k.completed_at));
  add("tasks.indexes", BytesOf(k.created_index) + BytesOf(k.completed_index));
  add("companies+contacts", BytesOf(t.companies.ids) + BytesOf(t.companies.name) +
                                BytesOf(t.contacts.ids) + BytesOf(t.contacts.name) +
                                BytesOf(t.contact_company));
  add("values+field names", BytesOf(t.values) + BytesOf(t.field_names));
  add("titles (deals and tasks)",
      BytesOf(t.titles) + BytesOf(t.title_lower) + BytesOf(t.lower_titles));
  std::sort(parts.begin(), parts.end(),
            [](const auto& x, const auto& y) { return x.second > y.second; });
  int64_t total = 0;
  for (const auto& part : parts) total += part.second;
  std::printf("memory by table part (estimate: %.0f MB = %.1f bytes per record)\n",
              static_cast<double>(total) / 1e6,
              static_cast<double>(total) / static_cast<double>(std::max<int64_t>(records, 1)));
  for (const auto& part : parts) {
    std::printf("  %-36s %9.1f MB %6.1f bytes/record\n", part.first.c_str(),
                static_cast<double>(part.second) / 1e6,
                static_cast<double>(part.second) / static_cast<double>(std::max<int64_t>(records, 1)));
  }
}

using Query = BenchQuery;

struct Timing {
  double median_ms = 0;
  int64_t bytes = 0;
};

// Runs a query once, to the answer's text as the server sends it; exits on an error (a
// benchmark of a failing request measures nothing).
int64_t RunOnce(const Engine& engine, const Query& query) {
  ScanStats stats;
  Result<std::string> answer =
      query.drilldown ? RunDrilldownText(engine, query.request, Instant{0}, {}, &stats)
                      : RunReportText(engine.Read(), query.request, Instant{0}, {}, &stats);
  if (!answer.ok()) {
    std::fprintf(stderr, "%s: %s\n", query.name.c_str(), answer.message().c_str());
    std::exit(1);
  }
  return stats.bytes_scanned;
}

void PrintRow(const std::string& name, double ms, int64_t bytes) {
  double gbps = ms > 0 ? static_cast<double>(bytes) / (ms / 1000.0) / 1e9 : 0;
  std::printf("  %-44s %9.2f ms %10.1f MB %7.2f GB/s\n", name.c_str(), ms,
              static_cast<double>(bytes) / 1e6, gbps);
}

// Each run starts with the tables' query cache empty (a run is one page load on a version of
// the tables no request has read yet), so the queries of one run share what they derive but no
// run reuses the previous one's.
Timing Measure(const Engine& engine, const std::vector<Query>& queries, int runs) {
  Timing timing;
  RunOnce(engine, queries[0]);  // warm-up
  std::vector<double> times;
  for (int r = 0; r < runs; ++r) {
    int64_t bytes = 0;
    engine.Read().tables().cache.Clear();
    auto start = Clock::now();
    for (const Query& query : queries) bytes += RunOnce(engine, query);
    times.push_back(Seconds(start) * 1000);
    timing.bytes = bytes;
  }
  timing.median_ms = Median(times);
  return timing;
}

// A batch of `size` new records in the demo's vocabulary: deals, their stage changes,
// activities and tasks, with ids no earlier batch used.
std::string NewBatch(const Tables& t, int round, int size) {
  std::string text;
  const std::string stage(t.stages.ids.Text(t.pipelines.stages[0][0]));
  const std::string next(t.stages.ids.Text(t.pipelines.stages[0][1]));
  const std::string pipeline(t.pipelines.ids.Text(0));
  const std::string user(t.users.ids.Text(t.users.ids.size() / 2));
  for (int i = 0; i < size; i += 10) {
    std::string deal = "bench-" + std::to_string(round) + "-" + std::to_string(i);
    text += R"({"type":"deal","id":")" + deal + R"(","pipeline_id":")" + pipeline +
            R"(","stage_id":")" + stage + R"(","amount":"1000.00","responsible_id":")" + user +
            R"(","created_at":"2026-10-30T10:00:00Z"})" + "\n";
    text += R"({"type":"stage_change","deal_id":")" + deal + R"(","to":")" + next +
            R"(","at":"2026-10-30T11:00:00Z","by":")" + user + "\"}\n";
    for (int a = 0; a < 7; ++a) {
      text += R"({"type":"activity","id":")" + deal + "-a" + std::to_string(a) +
              R"(","kind":"call","direction":"out","deal_id":")" + deal + R"(","user_id":")" +
              user + R"(","at":"2026-10-30T12:0)" + std::to_string(a) + ":00Z\"}\n";
    }
    text += R"({"type":"task","id":")" + deal + R"(-t","deal_id":")" + deal + R"(","user_id":")" +
            user + R"(","created_at":"2026-10-30T12:00:00Z","deadline":"2026-11-02T12:00:00Z"})" +
            "\n";
  }
  return text;
}

// A batch of `size` records on deals already there, spread over the whole workspace, as a CRM
// fed live sends them: a stage change (to a stage of the first pipeline) and an amount update
// each on size / 2 deals, every
// (deals / (size / 2))-th deal from an offset of `round`.
std::string SpreadBatch(const Tables& t, int round, int size) {
  std::string text;
  const int32_t deals = t.deals.size();
  const int32_t touched = std::max(size / 2, 1);
  const int32_t stride = std::max<int32_t>(deals / touched, 1);
  for (int32_t i = 0; i < touched && deals > 0; ++i) {
    int32_t d = (round + i * stride) % deals;
    std::string deal(t.deals.ids.Text(d));
    const auto& stages = t.pipelines.stages[0];  // some move to another pipeline, as in a CRM
    std::string to(t.stages.ids.Text(stages[static_cast<size_t>(i + round) % stages.size()]));
    text += R"({"type":"stage_change","deal_id":")" + deal + R"(","to":")" + to +
            R"(","at":"2026-10-30T11:00:00Z"})" + "\n";
    text += R"({"type":"deal_update","id":")" + deal +
            R"(","at":"2026-10-30T11:00:00Z","set":{"amount":")" + std::to_string(1000 + i) +
            R"(.00"}})" + "\n";
  }
  return text;
}

// Calls logged on deals spread over the workspace, as a CRM's telephony sends them: each
// moves its deal's last touch, and with it the deal's forgotten spans in the rollup.
std::string SpreadActivities(const Tables& t, int round, int size) {
  std::string text;
  const int32_t deals = t.deals.size();
  const int32_t stride = std::max<int32_t>(deals / std::max(size, 1), 1);
  for (int32_t i = 0; i < size && deals > 0 && t.users.ids.size() > 0; ++i) {
    int32_t d = (round + i * stride) % deals;
    std::string user(t.users.ids.Text(i % t.users.ids.size()));
    text += R"({"type":"activity","id":"bench-call-)" + std::to_string(round) + "-" +
            std::to_string(i) + R"(","kind":"call","direction":"out","deal_id":")" +
            std::string(t.deals.ids.Text(d)) + R"(","user_id":")" + user +
            R"(","at":"2026-10-30T11:00:00Z"})" + "\n";
  }
  return text;
}

// Small batches applied to the loaded engine (parsing not timed: the server parses before it
// takes the engine's write side): new deals with their records, then changes of deals spread
// over the workspace. --only keeps those whose name contains its text.
int ApplyBatches(Engine& engine, const Options& options) {
  for (auto [name, make] :
       {std::pair{"apply a batch of 1000 records (new deals)", &NewBatch},
        std::pair{"apply a batch of 1000 records (spread changes)", &SpreadBatch},
        std::pair{"apply a batch of 1000 records (spread calls)", &SpreadActivities}}) {
    if (std::string_view(name).find(options.only) == std::string_view::npos) continue;
    std::vector<double> apply_ms;
    std::vector<double> cpu_ms;
    for (int round = 0; round < std::max(options.runs, 5); ++round) {
      std::string text;
      {
        Engine::ReadView view = engine.Read();
        text = make(view.tables(), round, 1000);
      }
      ParsedBatch batch = ParseNdjson(text);
      if (!batch.ok()) {
        std::fprintf(stderr, "bench batch: %s\n", batch.errors[0].c_str());
        return 1;
      }
      auto begin = Clock::now();
      double cpu_begin = ThreadCpuSeconds();
      engine.Apply(batch.records);
      apply_ms.push_back(Seconds(begin) * 1000);
      cpu_ms.push_back((ThreadCpuSeconds() - cpu_begin) * 1000);
    }
    std::printf("  %-44s %9.2f ms (max %.2f ms; CPU median %.2f ms)\n", name, Median(apply_ms),
                *std::max_element(apply_ms.begin(), apply_ms.end()), Median(cpu_ms));
  }
  return 0;
}

int Run(const Options& options) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows when piped to a file
  PrintMachine();
  int64_t rss_before = ResidentBytes();
  Engine engine;
  double apply_seconds = 0;
  auto start = Clock::now();
  int64_t records = options.data.empty() ? LoadDemo(engine, options, apply_seconds)
                                         : LoadDataDir(engine, options.data, apply_seconds);
  double load_seconds = Seconds(start);
  int64_t rss = ResidentBytes() - rss_before;
  {
    Engine::ReadView view = engine.Read();
    const Tables& t = view.tables();
    std::printf("history: %s; %lld records: %d deals, %d activities, %d tasks, %d users\n",
                options.data.empty() ? ("demo, " + std::to_string(options.deals) + " deals").c_str()
                                     : options.data.c_str(),
                static_cast<long long>(records), t.deals.size(), t.activities.size(),
                t.tasks.size(), t.users.ids.size());
  }
  std::printf("load: %.1f s (%s), of which Engine::Apply %.1f s\n", load_seconds,
              options.data.empty() ? "generate + parse + apply" : "SQLite read + apply",
              apply_seconds);
  std::printf("resident: %.0f MB = %.1f bytes per record\n", static_cast<double>(rss) / 1e6,
              static_cast<double>(rss) / static_cast<double>(std::max<int64_t>(records, 1)));
  PrintMemory(engine.Read().tables(), records);

  BenchPeriods periods = PeriodsEnding(options.end_date);
  const json& month = periods.month;
  const json& two_years = periods.two_years;
  const std::string& as_of = periods.as_of;
  std::vector<Query> overview = OverviewSet(periods);

  // The headline numbers again with a custom-field filter (the builder's usual request), and
  // the builder's own counts with its other operators.
  constexpr size_t kHeadlines = kOverviewHeadlines;
  std::vector<Query> filtered(overview.begin(), overview.begin() + kHeadlines);
  for (Query& query : filtered) {
    query.name.replace(0, std::string("headline").size(), "fields.delivery=yes");
    query.request["filters"] = {{"fields.delivery", {"yes"}}};
  }
  std::vector<Query> builder = {
      {"builder deal_count by modified, amount range, by manager x month",
       {{"metric", "deal_count"},
        {"date", "modified"},
        {"period", two_years},
        {"as_of", as_of},
        {"granularity", "month"},
        {"group_by", {"responsible"}},
        {"filters", {{"amount", {{"min", "1000.00"}, {"max", "50000.00"}}}}}}},
      {"builder deal_amount, title contains, not_in source",
       {{"metric", "deal_amount"},
        {"period", month},
        {"as_of", as_of},
        {"filters", {{"title", {{"contains", "заказ"}}}, {"source", {{"not_in", {"web"}}}}}}}},
      {"builder task_count by deadline, delivery yes, by manager",
       {{"metric", "task_count"},
        {"date", "deadline"},
        {"period", month},
        {"as_of", as_of},
        {"group_by", {"responsible"}},
        {"filters", {{"fields.delivery", {{"in", {"yes"}}}}}}}},
  };

  std::vector<Query> singles;
  for (const char* metric : {"won_amount", "created_count", "avg_cycle_days", "lost_count",
                             "in_work_count", "forgotten_count", "activity_count"}) {
    singles.push_back({std::string(metric) + " by manager, month x 24",
                       {{"metric", metric},
                        {"period", two_years},
                        {"as_of", as_of},
                        {"granularity", "month"},
                        {"group_by", {"responsible"}}}});
  }
  singles.push_back({"activity_count by manager, month x 1",
                     {{"metric", "activity_count"},
                      {"period", month},
                      {"as_of", as_of},
                      {"granularity", "month"},
                      {"group_by", {"responsible"}}}});
  std::vector<Query> drills = {
      {"drill-down won_count, 1000 rows by -amount",
       {{"metric", "won_count"},
        {"period", two_years},
        {"as_of", as_of},
        {"limit", 1000},
        {"sort", "-amount"}},
       true},
      {"drill-down created_count, 1000 rows by id",
       {{"metric", "created_count"}, {"period", month}, {"as_of", as_of}, {"limit", 1000}},
       true},
      {"drill-down forgotten_count, 1000 rows",
       {{"metric", "forgotten_count"}, {"period", month}, {"as_of", as_of}, {"limit", 1000}},
       true},
  };

  std::printf("\nqueries (median of %d warm runs)            median      scanned     rate\n",
              options.runs);
  if (!options.only.empty()) {
    for (const auto* list : {&overview, &filtered, &builder, &singles, &drills}) {
      for (const Query& query : *list) {
        if (query.name.find(options.only) == std::string::npos) continue;
        Timing timing = Measure(engine, {query}, options.runs);
        PrintRow(query.name, timing.median_ms, timing.bytes);
      }
    }
    return ApplyBatches(engine, options);
  }
  double sum = 0;
  for (const Query& query : overview) {
    Timing timing = Measure(engine, {query}, options.runs);
    sum += timing.median_ms;
    PrintRow(query.name, timing.median_ms, timing.bytes);
  }
  Timing whole = Measure(engine, overview, options.runs);
  PrintRow("OVERVIEW SET (" + std::to_string(overview.size()) + " reports)", whole.median_ms,
           whole.bytes);
  Timing headlines = Measure(engine, {overview.begin(), overview.begin() + kHeadlines}, options.runs);
  PrintRow("HEADLINES (9 reports)", headlines.median_ms, headlines.bytes);
  Timing filtered_set = Measure(engine, filtered, options.runs);
  PrintRow("HEADLINES fields.delivery=yes (9 reports)", filtered_set.median_ms,
           filtered_set.bytes);
  for (const Query& query : builder) {
    Timing timing = Measure(engine, {query}, options.runs);
    PrintRow(query.name, timing.median_ms, timing.bytes);
  }
  for (const Query& query : singles) {
    Timing timing = Measure(engine, {query}, options.runs);
    PrintRow(query.name, timing.median_ms, timing.bytes);
  }
  for (const Query& query : drills) {
    Timing timing = Measure(engine, {query}, options.runs);
    PrintRow(query.name, timing.median_ms, timing.bytes);
  }

  return ApplyBatches(engine, options);
}

}  // namespace
}  // namespace voronka

int main(int argc, char** argv) {
  voronka::Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&] { return voronka::OptionValue(argc, argv, i); };
    if (arg == "--deals") {
      options.deals = std::atoll(value().c_str());
    } else if (arg == "--data") {
      options.data = value();
    } else if (arg == "--runs") {
      options.runs = std::max(5, std::atoi(value().c_str()));
    } else if (arg == "--only") {
      options.only = value();
    } else if (arg == "--end-date") {
      options.end_date = value();
    } else {
      std::fprintf(stderr,
                   "usage: engine_bench [--deals N] [--data DIR] [--runs R] [--end-date DATE] "
                   "[--only TEXT]\n");
      return 2;
    }
  }
  return voronka::Run(options);
}
