// Bulk import speed of the SQLite store: a generated history (deals with stage changes,
// activities, updates and tasks) written through SqliteStore::BulkLoad in chunks, once from
// records already in memory (the store alone), once from NDJSON text parsed and written in
// turn, and once through ImportNdjson, which overlaps parsing with writing on two threads.
//
//   store_import_bench [deals=100000] [dir=/tmp/voronka-import-bench]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "ingest/ndjson.h"
#include "store/sqlite/ndjson_import.h"
#include "store/sqlite/sqlite_store.h"

namespace voronka {
namespace {

constexpr size_t kChunkLines = 20000;
constexpr int kStages = 5;

// Ten records per deal: the deal, 3 stage changes, 4 activities, 1 update, 1 task.
std::string GenerateHistory(int deals) {
  std::string out;
  out.reserve(static_cast<size_t>(deals) * 1800);
  out += R"({"type":"pipeline","id":"p1","name":"B2B","stages":[)";
  for (int s = 0; s < kStages; ++s) {
    out += (s ? "," : "");
    out += R"({"id":"s)" + std::to_string(s) + R"(","name":"Stage )" + std::to_string(s) +
           R"(","semantic":")" + (s == kStages - 1 ? "won" : "open") + "\"}";
  }
  out += "]}\n";
  for (int u = 0; u < 50; ++u) {
    out += R"({"type":"user","id":"u)" + std::to_string(u) + R"(","name":"User )" +
           std::to_string(u) + "\"}\n";
  }
  char line[512];
  for (int d = 0; d < deals; ++d) {
    int day = 1 + d % 28;
    int user = d % 50;
    std::snprintf(
        line, sizeof line,
        R"({"type":"deal","id":"D%d","title":"Deal %d","pipeline_id":"p1","stage_id":"s0","amount":"%d.00","responsible_id":"u%d","source":"web","created_at":"2024-03-%02dT10:00:00Z","fields":{"region":"north"}})"
        "\n",
        d, d, 1000 + d % 9000, user, day);
    out += line;
    for (int s = 1; s <= 3; ++s) {
      std::snprintf(
          line, sizeof line,
          R"({"type":"stage_change","event_id":"sc-%d-%d","deal_id":"D%d","to":"s%d","at":"2024-04-%02dT1%d:00:00Z","by":"u%d"})"
          "\n",
          d, s, d, s, day, s, user);
      out += line;
    }
    for (int a = 0; a < 4; ++a) {
      std::snprintf(
          line, sizeof line,
          R"({"type":"activity","id":"a%d-%d","kind":"call","direction":"out","deal_id":"D%d","user_id":"u%d","at":"2024-04-%02dT0%d:00:00Z","duration_s":120})"
          "\n",
          d, a, d, user, day, a);
      out += line;
    }
    std::snprintf(
        line, sizeof line,
        R"({"type":"deal_update","id":"D%d","at":"2024-04-%02dT12:00:00Z","set":{"amount":"%d.50"}})"
        "\n",
        d, day, 2000 + d % 5000);
    out += line;
    std::snprintf(
        line, sizeof line,
        R"({"type":"task","id":"t%d","deal_id":"D%d","user_id":"u%d","created_at":"2024-03-%02dT11:00:00Z","deadline":"2024-04-%02dT11:00:00Z"})"
        "\n",
        d, d, user, day, day);
    out += line;
  }
  return out;
}

// Splits at line boundaries into chunks of about kChunkLines lines.
std::vector<std::pair<std::string_view, int64_t>> Chunks(std::string_view text) {
  std::vector<std::pair<std::string_view, int64_t>> chunks;
  size_t start = 0;
  int64_t line = 1;
  while (start < text.size()) {
    size_t end = start;
    size_t lines = 0;
    while (end < text.size() && lines < kChunkLines) {
      end = text.find('\n', end);
      end = end == std::string_view::npos ? text.size() : end + 1;
      ++lines;
    }
    chunks.emplace_back(text.substr(start, end - start), line);
    line += static_cast<int64_t>(lines);
    start = end;
  }
  return chunks;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

int Run(int deals, const std::string& dir) {
  std::string text = GenerateHistory(deals);
  auto chunks = Chunks(text);

  // Parse everything first for the store-only figure.
  std::vector<ParsedBatch> parsed;
  auto start = std::chrono::steady_clock::now();
  size_t records = 0;
  for (auto [chunk, first_line] : chunks) {
    parsed.push_back(ParseNdjson(chunk, first_line));
    if (!parsed.back().ok()) {
      std::fprintf(stderr, "parse: %s\n", parsed.back().errors[0].c_str());
      return 1;
    }
    records += parsed.back().records.size();
  }
  double parse_seconds = Seconds(start);

  auto import = [&](const char* label, bool parse_inline) -> int {
    std::filesystem::remove_all(dir);
    auto store = SqliteStore::Open(dir);
    if (!store.ok()) return std::fprintf(stderr, "%s\n", store.message().c_str()), 1;
    int64_t workspace = (*store)->EnsureDefaultWorkspace().value();
    auto begin = std::chrono::steady_clock::now();
    std::clock_t cpu_begin = std::clock();
    auto bulk = (*store)->BeginBulk(workspace);
    int64_t applied = 0;
    for (size_t i = 0; i < chunks.size(); ++i) {
      ParsedBatch batch;
      if (parse_inline) batch = ParseNdjson(chunks[i].first, chunks[i].second);
      ApplyResult result = (*bulk)->Add(parse_inline ? batch : parsed[i]);
      if (!result.ok()) return std::fprintf(stderr, "%s\n", result.errors[0].c_str()), 1;
      applied += result.applied;
    }
    double add_seconds = Seconds(begin);
    Status committed = (*bulk)->Commit();
    std::printf("  (chunks written in %.2f s, commit %.2f s)\n", add_seconds,
                Seconds(begin) - add_seconds);
    if (!committed.ok()) return std::fprintf(stderr, "%s\n", committed.message().c_str()), 1;
    double seconds = Seconds(begin);
    double cpu = static_cast<double>(std::clock() - cpu_begin) / CLOCKS_PER_SEC;
    std::printf("%-28s %9lld records in %6.2f s (cpu %6.2f s) = %9.0f records/s (db+wal %.0f MB)\n",
                label, static_cast<long long>(applied), seconds, cpu,
                static_cast<double>(applied) / seconds,
                static_cast<double>(std::filesystem::file_size((*store)->path()) +
                                    std::filesystem::file_size((*store)->path() + "-wal")) /
                    1e6);
    return 0;
  };

  std::printf("%zu records, %.1f MB of NDJSON; parsing alone: %.0f records/s\n", records,
              static_cast<double>(text.size()) / 1e6, static_cast<double>(records) / parse_seconds);
  if (int rc = import("store only (BulkLoad)", false); rc != 0) return rc;
  if (std::getenv("STORE_ONLY") == nullptr) {
    if (int rc = import("NDJSON -> store, in turn", true); rc != 0) return rc;
    // The way `voronka import` runs: parsing on a second thread, overlapped with writing.
    std::filesystem::remove_all(dir);
    auto store = SqliteStore::Open(dir);
    int64_t workspace = (*store)->EnsureDefaultWorkspace().value();
    auto begin = std::chrono::steady_clock::now();
    ImportResult result = ImportNdjson(**store, workspace, text);
    double seconds = Seconds(begin);
    if (!result.ok()) return std::fprintf(stderr, "%s\n", result.errors[0].c_str()), 1;
    std::printf("%-28s %9lld records in %6.2f s = %9.0f records/s\n", "ImportNdjson (pipelined)",
                static_cast<long long>(result.applied), seconds,
                static_cast<double>(result.applied) / seconds);
  }
  // What an HTTP ingest of single events costs: one durable transaction (a WAL sync) each.
  {
    std::filesystem::remove_all(dir);
    auto store = SqliteStore::Open(dir);
    int64_t workspace = (*store)->EnsureDefaultWorkspace().value();
    ParsedBatch pipeline = ParseNdjson(text.substr(0, text.find('\n')));
    (*store)->Apply(workspace, pipeline);
    constexpr int kBatches = 200;
    auto begin = std::chrono::steady_clock::now();
    for (int i = 0; i < kBatches; ++i) {
      ParsedBatch batch = ParseNdjson(
          R"({"type":"deal","id":"X)" + std::to_string(i) +
          R"(","title":"x","pipeline_id":"p1","stage_id":"s0","amount":"1","created_at":"2024-03-01T10:00:00Z"})");
      if (!(*store)->Apply(workspace, batch).ok()) return 1;
    }
    double seconds = Seconds(begin);
    std::printf("%-28s %9d batches in %6.2f s = %6.2f ms per acknowledged batch\n",
                "Apply, one record each", kBatches, seconds, seconds * 1000 / kBatches);
  }
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace voronka

int main(int argc, char** argv) {
  int deals = argc > 1 ? std::atoi(argv[1]) : 100000;
  std::string dir = argc > 2 ? argv[2] : "/tmp/voronka-import-bench";
  return voronka::Run(deals, dir);
}
