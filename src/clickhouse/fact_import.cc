#include "clickhouse/fact_import.h"

#include <sys/stat.h>

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

  BatchWriter writer(client, std::string(ws));
  writer.before_commit = options.before_commit;
  pass(options.chunk_lines, [&](std::string_view chunk, int64_t first_line) {
    ParsedBatch parsed = ParseNdjson(chunk, first_line);
    WriteResult written = writer.Add(parsed, defined);
    result.status = written.status;
    result.errors = std::move(written.errors);
    result.applied += written.applied;
    result.skipped += written.skipped;
    if (options.on_chunk) options.on_chunk(result.applied + result.skipped);
    return result.ok();
  });
  if (!result.ok()) return result;
  result.status = writer.Commit();
  if (result.status.ok()) result.batch = writer.batch();
  return result;
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
