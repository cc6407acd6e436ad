#include "store/sqlite/ndjson_import.h"

#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "ingest/defined_ids.h"

namespace voronka {

namespace {

// A piece of the input ending at a line boundary.
struct TextChunk {
  std::string text;
  int64_t first_line = 1;
  int64_t lines = 0;
};

// Where the chunks come from; Next returns none at the end.
using ChunkSource = std::function<std::optional<TextChunk>()>;

// Counts lines in `text` up to `max_lines`, returning the length of that prefix.
size_t PrefixOfLines(std::string_view text, size_t max_lines, int64_t& lines) {
  size_t end = 0;
  lines = 0;
  while (end < text.size() && static_cast<size_t>(lines) < max_lines) {
    size_t newline = text.find('\n', end);
    end = newline == std::string_view::npos ? text.size() : newline + 1;
    ++lines;
  }
  return end;
}

ChunkSource TextSource(std::string_view text, size_t chunk_lines) {
  return [text, chunk_lines, offset = size_t{0},
          line = int64_t{1}]() mutable -> std::optional<TextChunk> {
    if (offset >= text.size()) return std::nullopt;
    TextChunk chunk;
    size_t length = PrefixOfLines(text.substr(offset), chunk_lines, chunk.lines);
    chunk.text.assign(text.substr(offset, length));
    chunk.first_line = line;
    offset += length;
    line += chunk.lines;
    return chunk;
  };
}

// Reads blocks and cuts them after the chunk_lines-th newline; the rest waits for the next.
class FileSource {
 public:
  FileSource(const std::string& path, size_t chunk_lines)
      : in_(path, std::ios::binary), chunk_lines_(chunk_lines) {}
  bool ok() const { return static_cast<bool>(in_); }

  std::optional<TextChunk> Next() {
    constexpr size_t kBlock = 1 << 20;
    while (true) {
      int64_t lines = 0;
      size_t length = PrefixOfLines(pending_, chunk_lines_, lines);
      bool complete =
          static_cast<size_t>(lines) == chunk_lines_ && length > 0 && pending_[length - 1] == '\n';
      if (complete || (eof_ && !pending_.empty())) {
        if (!complete) length = pending_.size();
        TextChunk chunk{pending_.substr(0, length), line_, lines};
        pending_.erase(0, length);
        line_ += lines;
        return chunk;
      }
      if (eof_) return std::nullopt;
      size_t old_size = pending_.size();
      pending_.resize(old_size + kBlock);
      in_.read(pending_.data() + old_size, static_cast<std::streamsize>(kBlock));
      pending_.resize(old_size + static_cast<size_t>(in_.gcount()));
      if (!in_) eof_ = true;
    }
  }

 private:
  std::ifstream in_;
  size_t chunk_lines_;
  std::string pending_;
  int64_t line_ = 1;
  bool eof_ = false;
};

// A bounded hand-over from the parsing thread to the writing one.
class ChunkQueue {
 public:
  explicit ChunkQueue(size_t capacity) : capacity_(capacity) {}
  void Push(ParsedBatch batch, int64_t lines) {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] { return items_.size() < capacity_; });
    items_.emplace_back(std::move(batch), lines);
    ready_.notify_one();
  }
  void Close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    ready_.notify_one();
  }
  std::optional<std::pair<ParsedBatch, int64_t>> Pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !items_.empty() || closed_; });
    if (items_.empty()) return std::nullopt;
    auto item = std::move(items_.front());
    items_.pop_front();
    space_.notify_one();
    return item;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::deque<std::pair<ParsedBatch, int64_t>> items_;
  size_t capacity_;
  bool closed_ = false;
};

// One pass over the input. `defined_later` (may be null) holds what the whole input defines;
// `parse_failed` tells whether any line failed to parse (then a second pass cannot help).
ImportResult Import(SqliteStore& store, int64_t workspace_id, ChunkSource source,
                    const ImportOptions& options, const Catalog* defined_later,
                    bool& parse_failed) {
  ImportResult result;
  Result<std::unique_ptr<SqliteStore::BulkLoad>> bulk = store.BeginBulk(workspace_id);
  if (!bulk.ok()) {
    result.errors.push_back(bulk.message());
    return result;
  }
  // Two parsed chunks in flight: one being written, one ready; the parser waits beyond that.
  ChunkQueue queue(2);
  std::thread parser([&] {
    while (std::optional<TextChunk> chunk = source()) {
      queue.Push(ParseNdjson(chunk->text, chunk->first_line), chunk->lines);
    }
    queue.Close();
  });

  bool failed = false;
  while (auto item = queue.Pop()) {
    auto& [batch, lines] = *item;
    result.lines += lines;
    parse_failed = parse_failed || !batch.ok();
    if (failed) {
      // Keep reading to report every parse error of the input, but store nothing more.
      result.errors.insert(result.errors.end(), batch.errors.begin(), batch.errors.end());
      continue;
    }
    ApplyResult applied = (*bulk)->Add(batch, defined_later);
    if (!applied.ok()) {
      failed = true;
      result.errors.insert(result.errors.end(), applied.errors.begin(), applied.errors.end());
      continue;
    }
    result.applied += applied.applied;
    result.skipped += applied.skipped;
    if (options.on_chunk) options.on_chunk(batch, applied);
  }
  parser.join();
  if (!failed) {
    if (Status status = (*bulk)->Commit(); !status.ok()) result.errors.push_back(status.message());
  }
  if (!result.ok()) {
    result.applied = 0;
    result.skipped = 0;
  }
  return result;
}

// Imports in one pass, or in two when a chunk refers to a deal, task, pipeline or stage that
// is neither stored nor defined before it: the input is a single batch, so the definition may
// stand further down. The second pass first collects what the whole input defines. Inputs in
// the usual order (definitions first) never pay for it.
ImportResult ImportInPasses(SqliteStore& store, int64_t workspace_id,
                            const std::function<ChunkSource()>& open,
                            const ImportOptions& options) {
  bool parse_failed = false;
  ImportResult first = Import(store, workspace_id, open(), options, nullptr, parse_failed);
  if (first.ok() || parse_failed) return first;
  DefinedIds defined;
  ChunkSource source = open();
  while (std::optional<TextChunk> chunk = source()) {
    defined.Add(ParseNdjson(chunk->text, chunk->first_line));
  }
  return Import(store, workspace_id, open(), options, &defined, parse_failed);
}

}  // namespace

ImportResult ImportNdjson(SqliteStore& store, int64_t workspace_id, std::string_view text,
                          const ImportOptions& options) {
  return ImportInPasses(
      store, workspace_id, [&] { return TextSource(text, options.chunk_lines); }, options);
}

ImportResult ImportNdjsonFile(SqliteStore& store, int64_t workspace_id, const std::string& path,
                              const ImportOptions& options) {
  if (!std::ifstream(path, std::ios::binary)) {
    ImportResult result;
    result.errors.push_back("cannot read " + path);
    return result;
  }
  return ImportInPasses(
      store, workspace_id,
      [&]() -> ChunkSource {
        auto file = std::make_shared<FileSource>(path, options.chunk_lines);
        return [file] { return file->Next(); };
      },
      options);
}

}  // namespace voronka
