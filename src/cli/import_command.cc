#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/commands.h"
#include "ingest/ndjson.h"
#include "store/sqlite/sqlite_store.h"

namespace voronka::cli {

namespace {

constexpr size_t kChunkBytes = size_t{4} << 20;  // parse unit: big enough to amortise, small to stream
constexpr size_t kQueueDepth = 3;                 // chunks parsed ahead of the store
constexpr size_t kMaxPrintedErrors = 50;

struct ImportOptions {
  std::string data_dir;
  std::string file;
};

// Reads NDJSON in chunks cut at line ends, parses each on its own thread, and hands the
// parsed chunks over through a small bounded queue: parsing and SQLite writing overlap on
// the two cores.
class ChunkPipeline {
 public:
  explicit ChunkPipeline(std::FILE* input) : input_(input) {
    worker_ = std::thread([this] { Produce(); });
  }
  ~ChunkPipeline() {
    {
      std::lock_guard lock(mutex_);
      cancelled_ = true;
    }
    changed_.notify_all();
    worker_.join();
  }

  // The next parsed chunk, or false at the end of input.
  bool Next(ParsedBatch& out, size_t& bytes_read) {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return !queue_.empty() || done_; });
    if (queue_.empty()) return false;
    out = std::move(queue_.front());
    queue_.pop_front();
    bytes_read = bytes_read_;
    changed_.notify_all();
    return true;
  }
  bool read_error() const { return read_error_; }

 private:
  void Produce() {
    std::string buffer;
    std::string carry;
    int64_t next_line = 1;
    std::vector<char> block(kChunkBytes);
    size_t total = 0;
    while (true) {
      size_t n = std::fread(block.data(), 1, block.size(), input_);
      if (n == 0 && std::ferror(input_)) read_error_ = true;
      total += n;
      buffer = std::move(carry);
      carry.clear();
      buffer.append(block.data(), n);
      bool at_end = n == 0;
      if (!at_end) {
        size_t cut = buffer.rfind('\n');
        if (cut == std::string::npos) {
          carry = std::move(buffer);
          continue;
        }
        carry.assign(buffer, cut + 1);
        buffer.resize(cut + 1);
      }
      if (!buffer.empty()) {
        ParsedBatch batch = ParseNdjson(buffer, next_line);
        for (char c : buffer) next_line += c == '\n';
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [this] { return queue_.size() < kQueueDepth || cancelled_; });
        if (cancelled_) break;
        queue_.push_back(std::move(batch));
        bytes_read_ = total;
        changed_.notify_all();
      }
      if (at_end) break;
    }
    std::lock_guard lock(mutex_);
    done_ = true;
    changed_.notify_all();
  }

  std::FILE* input_;
  std::thread worker_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<ParsedBatch> queue_;
  size_t bytes_read_ = 0;
  bool done_ = false;
  bool cancelled_ = false;
  bool read_error_ = false;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

long PeakMemoryMegabytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;  // Linux reports kilobytes
}

int Import(const ImportOptions& options) {
  std::FILE* input = options.file == "-" ? stdin : std::fopen(options.file.c_str(), "rb");
  if (input == nullptr) {
    std::fprintf(stderr, "voronka import: cannot open %s\n", options.file.c_str());
    return kExitFailure;
  }
  long total_bytes = 0;
  if (input != stdin && std::fseek(input, 0, SEEK_END) == 0) {
    total_bytes = std::ftell(input);
    std::fseek(input, 0, SEEK_SET);
  }
  auto close_input = [&] {
    if (input != stdin) std::fclose(input);
  };

  auto store = SqliteStore::Open(options.data_dir);
  if (!store.ok()) {
    std::fprintf(stderr, "voronka import: %s\n", store.message().c_str());
    close_input();
    return kExitFailure;
  }
  auto workspace = store.value()->EnsureDefaultWorkspace();
  auto bulk = workspace.ok() ? store.value()->BeginBulk(workspace.value())
                             : Result<std::unique_ptr<SqliteStore::BulkLoad>>(workspace.status());
  if (!bulk.ok()) {
    std::fprintf(stderr, "voronka import: %s\n", bulk.message().c_str());
    close_input();
    return kExitFailure;
  }

  const bool progress = isatty(STDERR_FILENO) != 0;
  const auto started = std::chrono::steady_clock::now();
  auto last_progress = started;
  int64_t records = 0, applied = 0, skipped = 0;
  std::vector<std::string> errors;
  size_t error_count = 0;
  {
    ChunkPipeline pipeline(input);
    ParsedBatch batch;
    size_t bytes_read = 0;
    while (pipeline.Next(batch, bytes_read)) {
      records += static_cast<int64_t>(batch.records.size());
      if (!batch.ok() || error_count > 0) {
        // After the first error nothing more is stored; the rest is still read for its
        // syntax errors, so one run reports everything a person must fix.
        error_count += batch.errors.size();
        for (auto& error : batch.errors) {
          if (errors.size() < kMaxPrintedErrors) errors.push_back(std::move(error));
        }
        continue;
      }
      ApplyResult result = bulk.value()->Add(batch);
      if (!result.ok()) {
        error_count += result.errors.size();
        for (auto& error : result.errors) {
          if (errors.size() < kMaxPrintedErrors) errors.push_back(std::move(error));
        }
        continue;
      }
      applied += result.applied;
      skipped += result.skipped;
      if (progress && Seconds(last_progress) >= 0.5) {
        last_progress = std::chrono::steady_clock::now();
        double rate = static_cast<double>(records) / Seconds(started);
        if (total_bytes > 0) {
          std::fprintf(stderr, "\r%lld records  %.0f records/s  %3.0f%%  ",
                       static_cast<long long>(records), rate,
                       100.0 * static_cast<double>(bytes_read) / static_cast<double>(total_bytes));
        } else {
          std::fprintf(stderr, "\r%lld records  %.0f records/s  ",
                       static_cast<long long>(records), rate);
        }
      }
    }
    if (pipeline.read_error()) {
      errors.push_back("reading " + options.file + " failed");
      ++error_count;
    }
  }
  close_input();
  if (progress) std::fprintf(stderr, "\r%60s\r", "");

  if (error_count > 0) {
    for (const std::string& error : errors) std::fprintf(stderr, "%s\n", error.c_str());
    if (error_count > errors.size()) {
      std::fprintf(stderr, "... and %zu more errors\n", error_count - errors.size());
    }
    std::fprintf(stderr, "voronka import: %zu errors; nothing was imported\n", error_count);
    return kExitBadInput;
  }
  Status committed = bulk.value()->Commit();
  if (!committed.ok()) {
    std::fprintf(stderr, "voronka import: %s; nothing was imported\n", committed.message().c_str());
    return kExitFailure;
  }
  double seconds = Seconds(started);
  std::fprintf(stderr,
               "Imported %lld records (%lld skipped as already applied) in %.1f s: "
               "%.0f records/s, peak memory %ld MB\n",
               static_cast<long long>(applied), static_cast<long long>(skipped), seconds,
               static_cast<double>(records) / (seconds > 0 ? seconds : 1), PeakMemoryMegabytes());
  return kExitOk;
}

}  // namespace

void AddImportCommand(CLI::App& app) {
  auto options = std::make_shared<ImportOptions>();
  CLI::App* command = app.add_subcommand(
      "import",
      "Load canonical NDJSON records into a data directory as one atomic batch:\n"
      "with any error, every error is printed with its line and nothing is stored.\n"
      "Example: voronka import --data /var/lib/voronka history.ndjson\n"
      "         zcat history.ndjson.gz | voronka import --data /var/lib/voronka -");
  command->add_option("--data", options->data_dir, "data directory (created when missing)")
      ->required();
  command->add_option("file", options->file, "NDJSON file, or - for standard input")->required();
  command->callback([options] {
    int code = Import(*options);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace voronka::cli
