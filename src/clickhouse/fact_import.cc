#include "clickhouse/fact_import.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <sstream>

#include "ingest/defined_ids.h"

namespace voronka::clickhouse {

namespace {

constexpr size_t kMaxErrors = 1000;  // enough to act on; a wholly wrong file stops early

// Called with each piece of the input of `chunk_lines` lines and the number of its first
// line; returns false to stop.
using ChunkVisitor = std::function<bool(std::string_view chunk, int64_t first_line)>;
// Goes through the input once, chunk by chunk; callable again for a second pass.
using ChunkPass = std::function<void(size_t chunk_lines, const ChunkVisitor& each)>;

void ChunksOfText(std::string_view text, size_t chunk_lines, const ChunkVisitor& each) {
  size_t offset = 0;
  int64_t line = 1;
  while (offset < text.size()) {
    size_t end = offset;
    size_t lines = 0;
    while (end < text.size() && lines < chunk_lines) {
      size_t newline = text.find('\n', end);
      end = newline == std::string_view::npos ? text.size() : newline + 1;
      ++lines;
    }
    if (!each(text.substr(offset, end - offset), line)) return;
    line += static_cast<int64_t>(lines);
    offset = end;
  }
}

// Reads the file at `path` line by line: memory holds one chunk, not the file.
void ChunksOfFile(const std::string& path, size_t chunk_lines, const ChunkVisitor& each) {
  std::ifstream in(path, std::ios::binary);
  std::string chunk, line;
  int64_t first_line = 1;
  size_t lines = 0;
  while (std::getline(in, line)) {
    chunk += line;
    chunk += '\n';
    if (++lines == chunk_lines) {
      if (!each(chunk, first_line)) return;
      first_line += static_cast<int64_t>(lines);
      chunk.clear();
      lines = 0;
    }
  }
  if (!chunk.empty()) each(chunk, first_line);
}

// One batch written chunk by chunk and committed once, adding up what each chunk did.
class ChunkedBatch {
 public:
  ChunkedBatch(const Client& client, std::string_view ws, const FactImportOptions& options)
      : writer_(client, std::string(ws)), options_(options) {
    writer_.before_commit = options.before_commit;
  }
  // Writes `chunk` (not yet visible) into `result`; false once the batch is spoilt.
  bool Add(ParsedBatch& chunk, const Catalog& also_defined, WriteResult& result) {
    WriteResult written = writer_.Add(chunk, also_defined);
    result.status = written.status;
    result.errors = std::move(written.errors);
    result.applied += written.applied;
    result.skipped += written.skipped;
    if (options_.on_chunk) options_.on_chunk(result.applied + result.skipped);
    return result.ok();
  }
  // Commits a batch whose chunks all went in.
  WriteResult Finish(WriteResult result) {
    if (!result.ok()) return result;
    result.status = writer_.Commit();
    if (result.status.ok()) result.batch = writer_.batch();
    return result;
  }

 private:
  BatchWriter writer_;
  const FactImportOptions& options_;
};

// Two passes over the input: the syntax of every line and what the input defines first, then
// each chunk's references (against the store and the whole input) and its rows.
WriteResult Import(const Client& client, std::string_view ws, const ChunkPass& pass,
                   const FactImportOptions& options) {
  WriteResult result;
  DefinedIds defined;
  pass(options.chunk_lines, [&](std::string_view chunk, int64_t first_line) {
    ParsedBatch parsed = ParseNdjson(chunk, first_line);
    for (std::string& error : parsed.errors) result.errors.push_back(std::move(error));
    defined.Add(parsed);
    return result.errors.size() < kMaxErrors;
  });
  if (!result.errors.empty()) return result;

  ChunkedBatch batch(client, ws, options);
  pass(options.chunk_lines, [&](std::string_view chunk, int64_t first_line) {
    ParsedBatch parsed = ParseNdjson(chunk, first_line);
    return batch.Add(parsed, defined, result);
  });
  return batch.Finish(std::move(result));
}

}  // namespace

WriteResult ImportFacts(const Client& client, std::string_view ws, std::string_view text,
                        const FactImportOptions& options) {
  return Import(
      client, ws,
      [text](size_t chunk_lines, const ChunkVisitor& each) {
        ChunksOfText(text, chunk_lines, each);
      },
      options);
}

WriteResult ImportRecords(const Client& client, std::string_view ws, ParsedBatch& batch,
                          const FactImportOptions& options) {
  WriteResult result;
  result.errors = batch.errors;
  if (!result.errors.empty()) return result;
  DefinedIds defined;
  defined.Add(batch);
  ChunkedBatch chunked(client, ws, options);
  const size_t chunk_size = std::max<size_t>(options.chunk_lines, 1);
  for (size_t start = 0; start < batch.records.size(); start += chunk_size) {
    size_t end = std::min(batch.records.size(), start + chunk_size);
    ParsedBatch chunk;
    for (size_t i = start; i < end; ++i) {
      chunk.records.push_back(std::move(batch.records[i]));
      chunk.lines.push_back(i < batch.lines.size() ? batch.lines[i] : static_cast<int64_t>(i) + 1);
    }
    if (!chunked.Add(chunk, defined, result)) return result;
  }
  return chunked.Finish(std::move(result));
}

WriteResult ImportFactsFile(const Client& client, std::string_view ws, const std::string& path,
                            const FactImportOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    WriteResult result;
    result.status = Status::Error("cannot read " + path);
    return result;
  }
  struct stat info {};
  if (stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode)) {
    return Import(
        client, ws,
        [&path](size_t chunk_lines, const ChunkVisitor& each) {
          ChunksOfFile(path, chunk_lines, each);
        },
        options);
  }
  // A pipe can be read once: keep it for the second pass.
  std::stringstream text;
  text << in.rdbuf();
  return ImportFacts(client, ws, text.view(), options);
}

}  // namespace voronka::clickhouse
