// Start-up load: how long `voronka serve --data DIR` takes to load a workspace from the SQLite
// store into its engine, split into its stages, with the resident memory it ends up holding.
//
//   startup_bench [--deals N] [--data DIR] [--runs R] [--end-date YYYY-MM-DD] [--startup-only]
//
// The data dir holds the demo history of N deals (default 200 000), generated and imported
// the first time (`voronka demo` + `voronka import`) and reused after. Each run starts cold:
// the database files are dropped from the page cache first (posix_fadvise DONTNEED), so the
// rows come from disk as after a reboot. Per run it prints
//   - rows: stepping through every query the store's reader runs, decoding nothing;
//   - rows + records: the store's Load, building each canonical record and dropping it;
//   - start-up: the server's load (Runtime: opening the store, then Load, RewriteRecord,
//     Engine), with the CPU time of its reading thread, the time the engine spent applying
//     and publishing, and the resident bytes per record it holds.
// --startup-only skips the first two (to profile the start-up alone).
// Each with its CPU time (a cold read also waits for the disk). Decoding = (rows + records) -
// rows; the start-up overlaps reading with applying on two threads, so its total can be less
// than the sum of the stages.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "access/workspace_settings.h"
#include "bench_util.h"
#include "demo/generator.h"
#include "engine/engine.h"
#include "resident.h"
#include "server/engine_loader.h"
#include "store/sqlite/ndjson_import.h"
#include "store/sqlite/sqlite_store.h"

namespace voronka {
namespace {

struct Options {
  int64_t deals = 200'000;
  std::string data;  // default /tmp/voronka-startup-<deals>
  int runs = 3;
  std::string end_date = "2026-10-31";
  bool startup_only = false;
};

void PrintLoad(const char* when) {
  std::ifstream in("/proc/loadavg");
  std::string line;
  std::getline(in, line);
  std::printf("load average %s: %s\n", when, line.c_str());
}

[[noreturn]] void Fail(const std::string& message) {
  std::fprintf(stderr, "startup_bench: %s\n", message.c_str());
  std::exit(1);
}

// Generates the demo history into DIR/demo.ndjson, imports it, and removes the file.
void BuildDataDir(const Options& options) {
  std::filesystem::create_directories(options.data);
  std::string ndjson = options.data + "/demo.ndjson";
  auto start = BenchClock::now();
  {
    DemoOptions demo;
    demo.seed = 1;
    demo.deals = options.deals;
    Result<LocalDate> end = ParseDate(options.end_date);
    if (!end.ok()) Fail("--end-date: " + end.message());
    demo.end_date = end.value();
    std::FILE* out = std::fopen(ndjson.c_str(), "wb");
    if (out == nullptr) Fail("cannot write " + ndjson);
    Status status = GenerateDemo(
        demo, [&](std::string_view chunk) { std::fwrite(chunk.data(), 1, chunk.size(), out); });
    if (std::fclose(out) != 0 || !status.ok()) Fail("generating the demo history failed");
  }
  double generated = Seconds(start);
  auto store = SqliteStore::Open(options.data);
  if (!store.ok()) Fail(store.message());
  int64_t workspace = (*store)->EnsureDefaultWorkspace().value();
  ImportResult result = ImportNdjsonFile(**store, workspace, ndjson);
  if (!result.ok()) Fail(result.errors[0]);
  std::filesystem::remove(ndjson);
  std::printf("data dir %s built: %lld records, generated in %.1f s, imported in %.1f s\n",
              options.data.c_str(), static_cast<long long>(result.applied), generated,
              Seconds(start) - generated);
}

// Drops the data dir's database files from the page cache (clean pages only: the import
// committed and synced them).
void DropFromPageCache(const std::string& dir) {
  for (const char* name : {"voronka.db", "voronka.db-wal"}) {
    std::string path = dir + "/" + name;
    int fd = ::open(path.c_str(), O_RDONLY);
    if (fd < 0) continue;
    ::fdatasync(fd);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
}

struct RunFigures {
  double rows = 0;      // stepping the reader's queries
  double rows_cpu = 0;  // of which on the CPU (the rest: waiting for the disk or a core)
  double records = 0;   // the store's Load, records built and dropped
  double records_cpu = 0;
  double startup = 0;      // the server's load, whole
  double startup_cpu = 0;  // CPU time of every thread of the process during it
  BulkLoadTimes engine;    // of which: the engine's share
  int64_t record_count = 0;
  int64_t resident = 0;  // bytes the loaded engine holds
};

// CPU time of every thread of this process since `start`.
double CpuSecondsSince(std::clock_t start) {
  return static_cast<double>(std::clock() - start) / CLOCKS_PER_SEC;
}

RunFigures RunOnce(const Options& options, SqliteStore& store, int64_t workspace) {
  RunFigures figures;
  if (!options.startup_only) {
    DropFromPageCache(options.data);
    auto start = BenchClock::now();
    std::clock_t cpu_start = std::clock();
    Result<int64_t> rows = store.StepRows(workspace);
    if (!rows.ok()) Fail(rows.message());
    figures.rows = Seconds(start);
    figures.rows_cpu = CpuSecondsSince(cpu_start);

    DropFromPageCache(options.data);
    start = BenchClock::now();
    cpu_start = std::clock();
    int64_t count = 0;
    Status loaded = store.Load(workspace, [&](Record&) { ++count; });
    if (!loaded.ok()) Fail(loaded.message());
    figures.records = Seconds(start);
    figures.records_cpu = CpuSecondsSince(cpu_start);
  }

  DropFromPageCache(options.data);
  int64_t resident_before = ResidentBytes();
  auto start = BenchClock::now();
  std::clock_t cpu_start = std::clock();
  // As `voronka serve` starts: it opens the store, then loads the engine.
  auto opened = SqliteStore::Open(options.data);
  if (!opened.ok()) Fail(opened.message());
  AdminSettings settings;  // the defaults: what a workspace without saved settings loads with
  Result<std::shared_ptr<Engine>> engine =
      LoadWorkspaceEngine(**opened, workspace, settings, &figures.engine);
  if (!engine.ok()) Fail(engine.message());
  figures.startup = Seconds(start);
  figures.startup_cpu = CpuSecondsSince(cpu_start);
  figures.resident = ResidentBytes() - resident_before;
  figures.record_count = figures.engine.records;
  return figures;
}

int Run(Options options) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  if (options.data.empty()) options.data = "/tmp/voronka-startup-" + std::to_string(options.deals);
  PrintMachine();
  PrintLoad("at start");
  if (!std::filesystem::exists(options.data + "/voronka.db")) BuildDataDir(options);
  auto store = SqliteStore::Open(options.data);
  if (!store.ok()) Fail(store.message());
  int64_t workspace = (*store)->EnsureDefaultWorkspace().value();
  std::printf("data dir: %s (%.0f MB)\n", options.data.c_str(),
              static_cast<double>(std::filesystem::file_size((*store)->path())) / 1e6);
  std::vector<double> rows, records, startup, apply, publish, waited;
  for (int run = 0; run < options.runs; ++run) {
    RunFigures f = RunOnce(options, **store, workspace);
    std::printf(
        "run %d: %lld records; rows %.2f s (cpu %.2f s), rows + records %.2f s (cpu %.2f s); "
        "start-up %.2f s (cpu %.2f s): read cpu %.2f s, apply %.2f s (cpu %.2f s), publish "
        "%.3f s, apply waited for records %.2f s; "
        "resident %.1f bytes per record (%.0f MB)\n",
        run + 1, static_cast<long long>(f.record_count), f.rows, f.rows_cpu, f.records,
        f.records_cpu, f.startup, f.startup_cpu, f.engine.read_cpu_seconds, f.engine.apply_seconds,
        f.engine.apply_cpu_seconds, f.engine.publish_seconds, f.engine.wait_seconds,
        static_cast<double>(f.resident) / static_cast<double>(std::max<int64_t>(f.record_count, 1)),
        static_cast<double>(f.resident) / 1e6);
    rows.push_back(f.rows);
    records.push_back(f.records);
    startup.push_back(f.startup);
    apply.push_back(f.engine.apply_seconds);
    publish.push_back(f.engine.publish_seconds);
    waited.push_back(f.engine.wait_seconds);
  }
  std::printf(
      "median of %d: rows %.2f s, rows + records %.2f s, start-up %.2f s "
      "(apply %.2f s, publish %.3f s, waited %.2f s)\n",
      options.runs, Median(rows), Median(records), Median(startup), Median(apply), Median(publish),
      Median(waited));
  PrintLoad("at end");
  return 0;
}

}  // namespace
}  // namespace voronka

int main(int argc, char** argv) {
  voronka::Options options;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--deals") {
      options.deals = std::atoll(voronka::OptionValue(argc, argv, i).c_str());
    } else if (arg == "--data") {
      options.data = voronka::OptionValue(argc, argv, i);
    } else if (arg == "--runs") {
      options.runs = std::max(1, std::atoi(voronka::OptionValue(argc, argv, i).c_str()));
    } else if (arg == "--end-date") {
      options.end_date = voronka::OptionValue(argc, argv, i);
    } else if (arg == "--startup-only") {
      options.startup_only = true;
    } else {
      std::fprintf(stderr,
                   "usage: startup_bench [--deals N] [--data DIR] [--runs R] "
                   "[--end-date YYYY-MM-DD] [--startup-only]\n");
      return 2;
    }
  }
  return voronka::Run(options);
}
