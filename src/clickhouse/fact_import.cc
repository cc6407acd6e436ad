#include "clickhouse/fact_import.h"

#include <fstream>
#include <sstream>

#include "ingest/defined_ids.h"

namespace voronka::clickhouse {

namespace {

constexpr size_t kMaxErrors = 1000;  // enough to act on; a wholly wrong file stops early

// Calls `each(chunk_text, first_line)` for consecutive pieces of `text` of `chunk_lines` lines.
template <typename Each>
bool ForEachChunk(std::string_view text, size_t chunk_lines, Each each) {
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
    if (!each(text.substr(offset, end - offset), line)) return false;
    line += static_cast<int64_t>(lines);
    offset = end;
  }
  return true;
}

}  // namespace

WriteResult ImportFacts(const Client& client, std::string_view ws, std::string_view text,
                        const FactImportOptions& options) {
  WriteResult result;
  // Pass 1: syntax of everything, and what the input defines (for references to it).
  DefinedIds defined;
  ForEachChunk(text, options.chunk_lines, [&](std::string_view chunk, int64_t first_line) {
    ParsedBatch parsed = ParseNdjson(chunk, first_line);
    for (std::string& error : parsed.errors) result.errors.push_back(std::move(error));
    defined.Add(parsed);
    return result.errors.size() < kMaxErrors;
  });
  if (!result.errors.empty()) return result;

  // Pass 2: references against the store and the whole input, then the rows.
  BatchWriter writer(client, std::string(ws));
  writer.before_commit = options.before_commit;
  ForEachChunk(text, options.chunk_lines, [&](std::string_view chunk, int64_t first_line) {
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

WriteResult ImportFactsFile(const Client& client, std::string_view ws, const std::string& path,
                            const FactImportOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    WriteResult result;
    result.status = Status::Error("cannot read " + path);
    return result;
  }
  std::stringstream text;
  text << in.rdbuf();
  return ImportFacts(client, ws, text.view(), options);
}

}  // namespace voronka::clickhouse
