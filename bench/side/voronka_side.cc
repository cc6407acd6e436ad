// Voronka's side of the side-by-side benchmark (bench/side/run.mjs): loads a canonical NDJSON
// history into an in-memory engine, then answers a list of report requests, each timed warm
// in-process as the median of R runs (one warm-up first), and prints one JSON object:
//   {"engine":"voronka","threads":1,"load_seconds":..,"resident_bytes":..,"records":..,
//    "results":[{"id":..,"answer":{..},"median_ms":..,"bytes_scanned":..}]}
//
//   voronka_side --history FILE.ndjson --requests FILE.json [--runs R] [--check-only]
//
// --check-only answers each request once, untimed. "read_bandwidth_gbps" is this machine's
// memory read bandwidth on one thread (the engine answers a request on one thread), measured
// by summing a 512 MB array: the floor of a query is its scanned bytes divided by it.
//
// The requests file is a JSON array of {"id": "...", "request": {SPEC §3 request}}.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "resident.h"
#include "engine/engine.h"
#include "ingest/ndjson.h"
#include "metrics/report.h"

namespace voronka {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "voronka_side: %s\n", message.c_str());
  std::exit(1);
}

// Reads the history in ~4 MB pieces cut at line ends; each piece is parsed and applied as one
// batch (parsing included in the load time, as the databases' load includes reading CSV).
int64_t Load(Engine& engine, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) Fail("cannot read " + path);
  std::string pending;
  std::vector<char> buffer(4u << 20);
  int64_t records = 0;
  auto consume = [&](bool final) {
    size_t end = final ? pending.size() : pending.rfind('\n');
    if (end == std::string::npos || end == 0) return;
    ParsedBatch batch = ParseNdjson(std::string_view(pending).substr(0, end));
    if (!batch.ok()) Fail(path + ": " + batch.errors[0]);
    engine.Apply(batch.records);
    records += static_cast<int64_t>(batch.records.size());
    pending.erase(0, final ? pending.size() : end + 1);
  };
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    pending.append(buffer.data(), static_cast<size_t>(in.gcount()));
    if (pending.size() >= (4u << 20)) consume(false);
  }
  consume(true);
  return records;
}

// Median of 5 sums of a 512 MB int64 array (after one pass that faults its pages in).
double ReadBandwidthGbps() {
  std::vector<int64_t> data(64u << 20);
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<int64_t>(i);
  std::vector<double> rates;
  int64_t guard = 0;
  for (int r = 0; r < 5; ++r) {
    auto begin = Clock::now();
    int64_t sum0 = 0, sum1 = 0, sum2 = 0, sum3 = 0;
    for (size_t i = 0; i < data.size(); i += 4) {
      sum0 += data[i];
      sum1 += data[i + 1];
      sum2 += data[i + 2];
      sum3 += data[i + 3];
    }
    guard += sum0 + sum1 + sum2 + sum3;
    rates.push_back(static_cast<double>(data.size() * sizeof(int64_t)) / Seconds(begin) / 1e9);
  }
  if (guard == 42) std::fprintf(stderr, " ");  // keeps the sums from being optimised away
  std::sort(rates.begin(), rates.end());
  return rates[rates.size() / 2];
}

int Run(const std::string& history, const std::string& requests_path, int runs) {
  std::ifstream requests_in(requests_path);
  if (!requests_in) Fail("cannot read " + requests_path);
  json requests = json::parse(requests_in, nullptr, false);
  if (!requests.is_array()) Fail(requests_path + " is not a JSON array");

  int64_t rss_before = ResidentBytes();
  Engine engine;
  auto start = Clock::now();
  int64_t records = Load(engine, history);
  double load_seconds = Seconds(start);
  int64_t rss = ResidentBytes() - rss_before;

  json results = json::array();
  for (const json& item : requests) {
    const json& request = item.at("request");
    json answer;
    int64_t bytes = 0;
    std::vector<double> times;
    for (int r = 0; r <= runs; ++r) {  // run 0 warms up
      ScanStats stats;
      // Each run derives its filter bitmaps afresh, as the databases evaluate their WHERE.
      engine.Read().tables().cache.Clear();
      auto begin = Clock::now();
      // The answer's text, as the server sends it; read back outside the timed part.
      Result<std::string> result = RunReportText(engine.Read(), request, Instant{0}, {}, &stats);
      double ms = Seconds(begin) * 1000;
      if (!result.ok()) Fail(item.at("id").get<std::string>() + ": " + result.message());
      if (r == 0) {
        answer = json::parse(result.value());
        bytes = stats.bytes_scanned;
      } else {
        times.push_back(ms);
      }
    }
    std::sort(times.begin(), times.end());
    results.push_back({{"id", item.at("id")},
                       {"answer", answer},
                       {"median_ms", times.empty() ? 0.0 : times[times.size() / 2]},
                       {"bytes_scanned", bytes}});
  }
  double bandwidth = runs > 0 ? ReadBandwidthGbps() : 0;
  json out = {{"engine", "voronka"},    {"threads", 1}, {"read_bandwidth_gbps", bandwidth},
              {"load_seconds", load_seconds}, {"resident_bytes", rss},
              {"records", records},     {"results", results}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}

}  // namespace
}  // namespace voronka

int main(int argc, char** argv) {
  std::string history, requests;
  int runs = 5;
  for (int i = 1; i < argc; i += 2) {
    std::string arg = argv[i];
    if (arg == "--check-only") {
      runs = 0;
      --i;
      continue;
    }
    if (i + 1 >= argc) break;
    if (arg == "--history") {
      history = argv[i + 1];
    } else if (arg == "--requests") {
      requests = argv[i + 1];
    } else if (arg == "--runs") {
      if (runs > 0) runs = std::max(5, std::atoi(argv[i + 1]));
    }
  }
  if (history.empty() || requests.empty()) {
    std::fprintf(stderr, "usage: voronka_side --history FILE.ndjson --requests FILE.json [--runs R] [--check-only]\n");
    return 2;
  }
  return voronka::Run(history, requests, runs);
}
