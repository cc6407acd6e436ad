#include "cli/import_crm.h"

#include <cstdio>

#include "cli/commands.h"
#include "clickhouse/import_target.h"

namespace voronka::cli {

void PrintSome(const std::vector<std::string>& lines, const char* more) {
  constexpr size_t kMaxPrinted = 50;
  for (size_t i = 0; i < lines.size() && i < kMaxPrinted; ++i) {
    std::fprintf(stderr, "%s\n", lines[i].c_str());
  }
  if (lines.size() > kMaxPrinted)
    std::fprintf(stderr, "... and %zu more %s\n", lines.size() - kMaxPrinted, more);
}

Result<CrmDestination> OpenCrmDestination(const StoreOptions& options, const std::string& name,
                                          bool* bad_input) {
  *bad_input = false;
  Result<Stores> stores = OpenStores(options);
  if (!stores.ok()) return stores.status();
  CrmDestination destination;
  destination.stores = std::move(stores).value();
  destination.data_dir = options.data_dir;
  Result<int64_t> workspace_id = FindImportWorkspace(*destination.stores.workspaces, name);
  if (!workspace_id.ok()) {
    *bad_input = true;
    return workspace_id.status();
  }
  std::optional<WorkspaceInfo> info =
      destination.stores.workspaces->FindWorkspace(workspace_id.value());
  if (!info) return Status::Error("the workspace is gone");
  destination.workspace = std::move(*info);
  if (!options.facts_uri.empty()) {
    Result<clickhouse::Client> facts = clickhouse::Client::Open(options.facts_uri);
    if (!facts.ok()) return facts.status();
    destination.target = std::make_unique<clickhouse::FactsImportTarget>(
        std::move(facts).value(), destination.workspace.name);
  } else {
    destination.target =
        std::make_unique<SqliteImportTarget>(*destination.stores.records, workspace_id.value());
  }
  return destination;
}

int RunCrmImport(const std::string& command, const StoreOptions& stores,
                 const std::string& workspace,
                 const std::function<ImportBatch(const WorkspaceInfo&)>& read) {
  bool bad_input = false;
  Result<CrmDestination> destination = OpenCrmDestination(stores, workspace, &bad_input);
  if (!destination.ok()) {
    std::fprintf(stderr, "voronka import %s: %s\n", command.c_str(), destination.message().c_str());
    return bad_input ? kExitBadInput : kExitFailure;
  }
  ImportBatch batch = read(destination->workspace);
  std::vector<std::string> warnings = std::move(batch.warnings);
  size_t records = batch.records.size();
  ImportSummary summary = destination->target->Store(std::move(batch));
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
