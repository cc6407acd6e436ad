#include "importers/import_batch.h"

#include <charconv>

namespace voronka {

void ImportBatch::Add(RecordBody body, std::string origin, std::string event_id) {
  Record record;
  record.body = std::move(body);
  if (!event_id.empty()) record.event_id = std::move(event_id);
  records.push_back(std::move(record));
  origins.push_back(std::move(origin));
}

namespace {

// "line 12: deal: ..." -> "<origin of record 12>: deal: ..."; other messages stay as they are.
std::string NameOrigin(const std::string& error, const std::vector<std::string>& origins) {
  constexpr std::string_view kPrefix = "line ";
  if (error.rfind(kPrefix, 0) != 0) return error;
  size_t digits_end = error.find(':', kPrefix.size());
  if (digits_end == std::string::npos) return error;
  int64_t line = 0;
  auto [end, code] =
      std::from_chars(error.data() + kPrefix.size(), error.data() + digits_end, line);
  if (code != std::errc() || end != error.data() + digits_end) return error;
  if (line < 1 || line > static_cast<int64_t>(origins.size())) return error;
  return origins[static_cast<size_t>(line - 1)] + error.substr(digits_end);
}

}  // namespace

ParsedBatch TakeParsedBatch(ImportBatch& batch) {
  ParsedBatch parsed;
  parsed.records = std::move(batch.records);
  parsed.lines.reserve(parsed.records.size());
  for (size_t i = 0; i < parsed.records.size(); ++i) {
    parsed.lines.push_back(static_cast<int64_t>(i) + 1);
  }
  return parsed;
}

std::vector<std::string> NameOrigins(const std::vector<std::string>& errors,
                                     const std::vector<std::string>& origins) {
  std::vector<std::string> named;
  named.reserve(errors.size());
  for (const std::string& error : errors) named.push_back(NameOrigin(error, origins));
  return named;
}

ImportSummary StoreImportBatch(SqliteStore& store, int64_t workspace_id, ImportBatch batch) {
  ImportSummary summary;
  if (!batch.ok()) {
    summary.errors = std::move(batch.errors);
    return summary;
  }
  ParsedBatch parsed = TakeParsedBatch(batch);
  ApplyResult result = store.Apply(workspace_id, parsed);
  summary.errors = NameOrigins(result.errors, batch.origins);
  if (summary.ok()) {
    summary.applied = result.applied;
    summary.skipped = result.skipped;
  }
  return summary;
}

Result<int64_t> FindImportWorkspace(WorkspaceStore& store, const std::string& name) {
  if (name.empty()) return store.EnsureDefaultWorkspace();
  for (const WorkspaceInfo& info : store.Workspaces()) {
    if (info.name == name) return info.id;
  }
  return Status::Error("no workspace named '" + name +
                       "'; create it first: voronka workspace add --data DIR --name " + name +
                       " (in the scale-out mode: --meta URI --facts URI instead of --data)");
}

}  // namespace voronka
