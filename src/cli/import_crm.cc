#include "cli/import_crm.h"

#include <cstdio>

#include "cli/commands.h"

namespace voronka::cli {

namespace {

constexpr size_t kMaxPrinted = 50;

void PrintSome(const std::vector<std::string>& lines, const char* more) {
  for (size_t i = 0; i < lines.size() && i < kMaxPrinted; ++i) {
    std::fprintf(stderr, "%s\n", lines[i].c_str());
  }
  if (lines.size() > kMaxPrinted)
    std::fprintf(stderr, "... and %zu more %s\n", lines.size() - kMaxPrinted, more);
}

}  // namespace

int RunCrmImport(const std::string& command, const std::string& data_dir,
                 const std::string& workspace,
                 const std::function<ImportBatch(const WorkspaceInfo&)>& read) {
  auto store = SqliteStore::Open(data_dir);
  if (!store.ok()) {
    std::fprintf(stderr, "voronka import %s: %s\n", command.c_str(), store.message().c_str());
    return kExitFailure;
  }
  Result<int64_t> workspace_id = FindImportWorkspace(*store.value(), workspace);
  if (!workspace_id.ok()) {
    std::fprintf(stderr, "voronka import %s: %s\n", command.c_str(),
                 workspace_id.message().c_str());
    return kExitBadInput;
  }
  std::optional<WorkspaceInfo> info = store.value()->FindWorkspace(workspace_id.value());
  if (!info) {
    std::fprintf(stderr, "voronka import %s: the workspace is gone\n", command.c_str());
    return kExitFailure;
  }
  ImportBatch batch = read(*info);
  std::vector<std::string> warnings = std::move(batch.warnings);
  size_t records = batch.records.size();
  ImportSummary summary = StoreImportBatch(*store.value(), workspace_id.value(), std::move(batch));
  if (!summary.ok()) {
    PrintSome(summary.errors, "errors");
    std::fprintf(stderr, "voronka import %s: %zu errors; nothing was imported\n", command.c_str(),
                 summary.errors.size());
    return kExitBadInput;
  }
  PrintSome(warnings, "items left out");
  std::fprintf(stderr,
               "Imported %lld of %zu records (%lld skipped as already applied), "
               "%zu items left out\n",
               static_cast<long long>(summary.applied), records,
               static_cast<long long>(summary.skipped), warnings.size());
  return kExitOk;
}

}  // namespace voronka::cli
