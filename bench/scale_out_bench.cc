// The overview set answered by the scale-out fact store (a ClickHouse cluster, through the
// report compiler) next to the embedded engine, on the same demo history: load time of each,
// ClickHouse's storage per record (system.parts of every shard), and per query the median of
// warm runs of both. Every answer is compared first: a mismatch prints both and stops the run.
// bench/scale_out.sh starts a local two-shard cluster, runs this and stops it.
//
//   scale_out_bench --facts clickhouse://HOST:PORT/DB [--shard clickhouse://...]...
//                   [--deals N] [--runs R] [--end-date YYYY-MM-DD] [--work DIR] [--only TEXT]
//                   [--query-time-folds] [--live-batches K] [--live-records N]
//
// The stored fold of the workspace's deals (clickhouse/fold_store.h) is built before the
// queries, and its build time printed. --query-time-folds drops the derived tables instead, so
// every statement folds the facts itself, as before the stored folds (`voronka cluster init`
// makes them again).
// --live-batches K (default 0): after the overview, K batches of N records each (default 1 000:
// stage changes and amount updates of deals spread over the workspace, new calls, calls of the
// batch before moved to another deal) are written to both, as a CRM fed live would; after each,
// the time to apply it, to build the next stored fold (an overlay on the one before) and the
// overview once more, every answer compared. They are kept in WORK/live-N.ndjson, which later
// runs apply to the embedded engine after the history (ClickHouse keeps them).
// --only TEXT runs only the reports whose name contains TEXT (at L a whole overview set takes
// tens of minutes on 18.16; the sum line then covers those reports).
// The schema must exist (`voronka cluster init`); the history goes into workspace "bench_N"
// (N: the number of deals), imported once and reused by later runs of the same size.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "clickhouse/client.h"
#include "clickhouse/fact_import.h"
#include "clickhouse/fold_store.h"
#include "clickhouse/report.h"
#include "clickhouse/schema.h"
#include "demo/generator.h"
#include "engine/engine.h"
#include "ingest/ndjson.h"
#include "metrics/report.h"
#include "bench_util.h"
#include "overview.h"
#include "resident.h"

namespace voronka {
namespace {

using Clock = BenchClock;
using nlohmann::json;

struct Options {
  std::string facts;
  std::vector<std::string> shards;  // every shard, for their storage figures
  int64_t deals = 20000;
  int runs = 5;
  std::string end_date = "2026-10-31";
  std::string work = ".";
  std::string only;  // run only the reports whose name contains this text
  bool query_time_folds = false;
  int live_batches = 0;
  int live_records = 1000;
};

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "scale_out_bench: %s\n", message.c_str());
  std::exit(1);
}

// The demo history as an NDJSON file (kept: the next run of the same size reuses it).
std::string DemoFile(const Options& options) {
  std::string path = options.work + "/demo-" + std::to_string(options.deals) + ".ndjson";
  if (std::ifstream(path).good()) return path;
  DemoOptions demo;
  demo.deals = options.deals;
  demo.end_date = ParseDate(options.end_date).value();
  std::ofstream out(path + ".part", std::ios::binary);
  Status status = GenerateDemo(demo, [&](std::string_view chunk) {
    out.write(chunk.data(), static_cast<std::streamsize>(chunk.size()));
  });
  out.close();
  if (!status.ok() || !out) Die("demo: " + status.message());
  std::rename((path + ".part").c_str(), path.c_str());
  return path;
}

// Applies the file to `engine` in batches of ~4 MB of whole lines; the number of records.
int64_t LoadEngine(Engine& engine, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string pending;
  std::vector<char> buffer(4u << 20);
  int64_t records = 0;
  auto apply = [&](size_t end) {
    ParsedBatch batch = ParseNdjson(std::string_view(pending).substr(0, end));
    if (!batch.ok()) Die("demo history does not parse: " + batch.errors[0]);
    engine.Apply(batch.records);
    records += static_cast<int64_t>(batch.records.size());
    pending.erase(0, std::min(end + 1, pending.size()));
  };
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    pending.append(buffer.data(), static_cast<size_t>(in.gcount()));
    size_t end = pending.rfind('\n');
    if (end != std::string::npos && end > 0) apply(end);
  }
  if (!pending.empty()) apply(pending.size());
  return records;
}

// The live batches written by earlier runs of this size (WORK/live-N.ndjson).
std::string LiveFile(const Options& options) {
  return options.work + "/live-" + std::to_string(options.deals) + ".ndjson";
}

// Batch `index` of live records: `count` records on deals of `ws` picked by a hash of the index.
std::string LiveBatch(const clickhouse::Client& client, const std::string& ws, int index,
                      int count) {
  std::string in_ws = " WHERE ws = " + clickhouse::Quote(ws);
  int per_kind = std::max(count / 4, 1);
  Result<clickhouse::Rows> deals = client.Query(
      "SELECT id, any(pipeline_id) FROM deals" + in_ws + " GROUP BY id ORDER BY cityHash64(id, " +
      std::to_string(index) + ") LIMIT " + std::to_string(2 * per_kind));
  Result<clickhouse::Rows> pipelines = client.Query(
      "SELECT id, argMax(stage_ids, (batch, seq)) FROM pipelines" + in_ws + " GROUP BY id");
  Result<clickhouse::Rows> user = client.Query("SELECT any(id) FROM users" + in_ws);
  for (const auto* rows : {&deals, &pipelines, &user}) {
    if (!rows->ok()) Die("live batch: " + rows->message());
  }
  std::map<std::string, std::vector<std::string>> stages;
  for (size_t r = 0; r < pipelines->size(); ++r) stages[pipelines->Text(r, 0)] = pipelines->Array(r, 1);
  std::string out;
  auto at = [&](int i) {
    return "\"2026-10-31T09:" + std::to_string(10 + index % 50) + ":" +
           std::to_string(10 + i % 50) + "Z\"";
  };
  auto deal = [&](int i) { return deals->Text(static_cast<size_t>(i) % deals->size(), 0); };
  std::string by = user->Text(0, 0);
  for (int i = 0; i < per_kind && !deals->empty(); ++i) {
    const std::vector<std::string>& path = stages[deals->Text(static_cast<size_t>(i) % deals->size(), 1)];
    if (!path.empty()) {
      out += R"({"type":"stage_change","deal_id":")" + deal(i) + R"(","to":")" +
             path[static_cast<size_t>(i + index) % path.size()] + R"(","at":)" + at(i) + "}\n";
    }
    out += R"({"type":"deal_update","id":")" + deal(i + per_kind) + R"(","at":)" + at(i) +
           R"(,"set":{"amount":")" + std::to_string(1000 + 7 * i + index) + R"(.00"}})" + "\n";
    out += R"({"type":"activity","id":"live-)" + std::to_string(index) + "-" + std::to_string(i) +
           R"(","kind":"call","direction":"out","deal_id":")" + deal(2 * i) +
           R"(","user_id":")" + by + R"(","at":)" + at(i) + "}\n";
    if (index > 0) {
      out += R"({"type":"activity","id":"live-)" + std::to_string(index - 1) + "-" +
             std::to_string(i) + R"(","kind":"call","direction":"out","deal_id":")" +
             deal(2 * i + 1) + R"(","user_id":")" + by + R"(","at":)" + at(i) + "}\n";
    }
  }
  return out;
}

// Rows and bytes of the database's tables on one server (active parts).
void PrintStorage(const std::vector<std::string>& shards, int64_t records) {
  int64_t compressed = 0, uncompressed = 0, rows = 0;
  std::printf("\nClickHouse storage (all shards)          rows    compressed  uncompressed\n");
  std::vector<std::pair<std::string, std::vector<int64_t>>> tables;
  for (const std::string& shard : shards) {
    Result<clickhouse::Client> client = clickhouse::Client::Open(shard);
    if (!client.ok()) Die(client.message());
    Result<clickhouse::Rows> parts = client->Query(
        "SELECT table, sum(rows), sum(data_compressed_bytes), sum(data_uncompressed_bytes) "
        "FROM system.parts WHERE database = currentDatabase() AND active "
        "GROUP BY table ORDER BY table");
    if (!parts.ok()) Die(parts.message());
    for (size_t r = 0; r < parts->size(); ++r) {
      std::string table = parts->Text(r, 0);
      if (table.starts_with("deal_fold")) table += " (derived)";
      auto it = std::find_if(tables.begin(), tables.end(),
                             [&](const auto& entry) { return entry.first == table; });
      if (it == tables.end()) it = tables.insert(tables.end(), {table, {0, 0, 0}});
      for (size_t c = 0; c < 3; ++c) it->second[c] += parts->Int(r, c + 1);
    }
  }
  for (const auto& [table, sums] : tables) {
    std::printf("  %-34s %10lld %10.1f MB %10.1f MB\n", table.c_str(),
                static_cast<long long>(sums[0]), static_cast<double>(sums[1]) / 1e6,
                static_cast<double>(sums[2]) / 1e6);
    if (table.ends_with("(derived)")) continue;
    rows += sums[0];
    compressed += sums[1];
    uncompressed += sums[2];
  }
  double per = static_cast<double>(std::max<int64_t>(records, 1));
  std::printf("  %-34s %10lld %10.1f MB %10.1f MB\n", "ALL but derived", static_cast<long long>(rows),
              static_cast<double>(compressed) / 1e6, static_cast<double>(uncompressed) / 1e6);
  std::printf("  per record: %.1f bytes compressed, %.1f uncompressed, %.2f rows\n",
              static_cast<double>(compressed) / per, static_cast<double>(uncompressed) / per,
              static_cast<double>(rows) / per);
}

int Run(const Options& options) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Result<clickhouse::Client> client = clickhouse::Client::Open(options.facts);
  if (!client.ok()) Die(client.message());
  std::string ws = "bench_" + std::to_string(options.deals);
  auto start = Clock::now();
  std::string path = DemoFile(options);
  std::printf("demo history: %lld deals, %s (%.1f s)\n", static_cast<long long>(options.deals),
              path.c_str(), Seconds(start));

  int64_t rss_before = ResidentBytes();
  Engine engine;
  start = Clock::now();
  int64_t records = LoadEngine(engine, path);
  if (std::ifstream(LiveFile(options)).good()) records += LoadEngine(engine, LiveFile(options));
  std::printf("embedded: %lld records parsed and applied in %.1f s, resident %.0f MB\n",
              static_cast<long long>(records), Seconds(start),
              static_cast<double>(ResidentBytes() - rss_before) / 1e6);

  Result<clickhouse::Rows> known = client->Query(
      "SELECT count() FROM batches WHERE ws = " + clickhouse::Quote(ws));
  if (!known.ok()) Die(known.message());
  if (known->Int(0, 0) == 0) {
    start = Clock::now();
    clickhouse::WriteResult written = clickhouse::ImportFactsFile(client.value(), ws, path);
    if (!written.ok()) {
      Die("import: " + (written.errors.empty() ? written.status.message() : written.errors[0]));
    }
    std::printf("ClickHouse: %lld records imported in %.1f s (one batch)\n",
                static_cast<long long>(written.applied), Seconds(start));
  } else {
    std::printf("ClickHouse: workspace %s imported by an earlier run\n", ws.c_str());
  }
  // The directory once, as a server holds it between reports.
  Result<Tables> directory = clickhouse::ReadReportDirectory(client.value(), ws);
  if (!directory.ok()) Die(directory.message());
  std::vector<std::string> shards =
      options.shards.empty() ? std::vector<std::string>{options.facts} : options.shards;
  if (options.query_time_folds) {
    for (const std::string& shard : shards) {
      Result<clickhouse::Client> server = clickhouse::Client::Open(shard);
      if (!server.ok()) Die(server.message());
      for (const clickhouse::TableSchema& table : clickhouse::DerivedTables()) {
        for (const std::string& name : {std::string(table.name), clickhouse::LocalTable(table.name)}) {
          Status dropped = server->Execute("DROP TABLE IF EXISTS " + name);
          if (!dropped.ok()) Die(dropped.message());
        }
      }
    }
    std::printf("ClickHouse: no stored folds, every statement folds the facts\n");
  } else {
    start = Clock::now();
    Result<clickhouse::StoredFold> fold =
        clickhouse::CurrentFold(client.value(), ws, directory.value());
    if (!fold.ok()) Die(fold.message());
    if (fold->fold == 0) Die("no stored fold: " + fold->missing);
    std::printf("ClickHouse: stored fold ready in %.1f s (built unless an earlier run did)\n",
                Seconds(start));
  }
  PrintStorage(shards, records);
  std::vector<BenchQuery> overview = OverviewSet(PeriodsEnding(options.end_date));
  // Each side's answer text, as the server sends it.
  auto embedded = [&](const BenchQuery& query) {
    engine.Read().tables().cache.Clear();  // no run reuses another's filter bitmaps
    Result<std::string> answer = RunReportText(engine.Read(), query.request, Instant{0}, {});
    if (!answer.ok()) Die(query.name + ": " + answer.message());
    return std::move(answer).value();
  };
  auto scale_out = [&](const BenchQuery& query) {
    Result<std::string> answer = clickhouse::RunReportText(client.value(), ws, directory.value(),
                                                           query.request, Instant{0}, {});
    if (!answer.ok()) Die(query.name + " (ClickHouse): " + answer.message());
    return std::move(answer).value();
  };

  std::printf("\nqueries (median of %d warm runs; answers compared first)  embedded  ClickHouse"
              "  ratio\n",
              options.runs);
  double embedded_sum = 0, scale_out_sum = 0;
  if (!options.only.empty()) {
    std::erase_if(overview, [&](const BenchQuery& query) {
      return query.name.find(options.only) == std::string::npos;
    });
  }
  for (const BenchQuery& query : overview) {
    json mine = json::parse(embedded(query));
    json theirs = json::parse(scale_out(query));
    if (mine != theirs) {
      std::fprintf(stderr, "MISMATCH %s\nrequest: %s\nembedded: %s\nClickHouse: %s\n",
                   query.name.c_str(), query.request.dump().c_str(), mine.dump().c_str(),
                   theirs.dump().c_str());
      return 1;
    }
    std::vector<double> a, b;
    for (int r = 0; r < options.runs; ++r) {
      auto begin = Clock::now();
      embedded(query);
      a.push_back(Seconds(begin) * 1000);
      begin = Clock::now();
      scale_out(query);
      b.push_back(Seconds(begin) * 1000);
    }
    double ma = Median(a), mb = Median(b);
    embedded_sum += ma;
    scale_out_sum += mb;
    std::printf("  %-52s %8.2f ms %9.1f ms %6.0fx\n", query.name.c_str(), ma, mb, mb / ma);
  }
  std::printf("  %-52s %8.2f ms %9.1f ms %6.0fx\n",
              ("OVERVIEW SET (" + std::to_string(overview.size()) + " reports, sum)").c_str(),
              embedded_sum, scale_out_sum, scale_out_sum / embedded_sum);
  if (options.live_batches > 0) {
    std::printf("\nlive batches of %d records       embedded apply  ClickHouse write  next fold"
                "  overlay deals  overview once (compared)\n",
                options.live_records);
  }
  Result<clickhouse::Rows> written_before = client->Query("SELECT count() FROM batches WHERE ws = " +
                                                          clickhouse::Quote(ws));
  if (!written_before.ok()) Die(written_before.message());
  for (int b = 0; b < options.live_batches; ++b) {
    int index = static_cast<int>(written_before->Int(0, 0)) + b;
    std::string ndjson = LiveBatch(client.value(), ws, index, options.live_records);
    ParsedBatch batch = ParseNdjson(ndjson);
    if (!batch.ok()) Die("live batch does not parse: " + batch.errors[0]);
    auto begin = Clock::now();
    engine.Apply(batch.records);
    double applied = Seconds(begin) * 1000;
    begin = Clock::now();
    clickhouse::WriteResult written = clickhouse::WriteNdjson(client.value(), ws, ndjson);
    if (!written.ok()) {
      Die("live batch: " + (written.errors.empty() ? written.status.message() : written.errors[0]));
    }
    double write = Seconds(begin);
    std::ofstream(LiveFile(options), std::ios::app) << ndjson;
    begin = Clock::now();
    Result<clickhouse::StoredFold> fold =
        clickhouse::CurrentFold(client.value(), ws, directory.value());
    if (!fold.ok()) Die(fold.message());
    if (fold->fold == 0) Die("no stored fold: " + fold->missing);
    double folded = Seconds(begin);
    Result<clickhouse::Rows> overlay = client->Query(
        "SELECT count() FROM deal_fold_deals WHERE ws = " + clickhouse::Quote(ws) +
        " AND builder = " + std::to_string(fold->builder));
    if (!overlay.ok()) Die(overlay.message());
    begin = Clock::now();
    for (const BenchQuery& query : overview) {
      json mine = embedded(query);
      json theirs = scale_out(query);
      if (mine != theirs) {
        std::fprintf(stderr, "MISMATCH after live batch %d: %s\nembedded: %s\nClickHouse: %s\n",
                     b + 1, query.name.c_str(), mine.dump().c_str(), theirs.dump().c_str());
        return 1;
      }
    }
    std::printf("  batch %d (%zu records)        %10.2f ms %14.1f s %8.1f s %14s %12.1f s\n", b + 1,
                batch.records.size(), applied, write, folded,
                fold->base == 0 ? "whole" : std::to_string(overlay->Int(0, 0)).c_str(),
                Seconds(begin));
  }
  return 0;
}

}  // namespace
}  // namespace voronka

int main(int argc, char** argv) {
  voronka::Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&] { return voronka::OptionValue(argc, argv, i); };
    if (arg == "--facts") {
      options.facts = value();
    } else if (arg == "--shard") {
      options.shards.push_back(value());
    } else if (arg == "--deals") {
      options.deals = std::atoll(value().c_str());
    } else if (arg == "--runs") {
      options.runs = std::max(5, std::atoi(value().c_str()));
    } else if (arg == "--end-date") {
      options.end_date = value();
    } else if (arg == "--work") {
      options.work = value();
    } else if (arg == "--only") {
      options.only = value();
    } else if (arg == "--query-time-folds") {
      options.query_time_folds = true;
    } else if (arg == "--live-batches") {
      options.live_batches = std::atoi(value().c_str());
    } else if (arg == "--live-records") {
      options.live_records = std::max(4, std::atoi(value().c_str()));
    } else {
      std::fprintf(stderr,
                   "usage: scale_out_bench --facts URL [--shard URL]... [--deals N] [--runs R] "
                   "[--end-date DATE] [--work DIR] [--only TEXT] [--query-time-folds] "
                   "[--live-batches K] [--live-records N]\n");
      return 2;
    }
  }
  if (options.facts.empty()) {
    std::fprintf(stderr, "scale_out_bench: --facts clickhouse://HOST:PORT/DB is required\n");
    return 2;
  }
  return voronka::Run(options);
}
