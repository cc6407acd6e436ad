#include "cli/stores.h"

#include "cli/commands.h"

namespace voronka::cli {

void AddStoreOptions(CLI::App* command, StoreOptions& options) {
  command->add_option("--data", options.data_dir,
                      "data directory (not needed with --meta and --facts)");
  command->add_option("--meta", options.meta_uri, kMetaHelp);
  command->add_option("--facts", options.facts_uri,
                      std::string(kFactsHelp) +
                          "\n(with --meta, the workspaces are listed in the --meta database)");
}

Result<Stores> OpenStores(const StoreOptions& options) {
  Stores stores;
  if (options.data_dir.empty() && !options.scale_out_list()) {
    return Status::Error("--data is required (or --meta with --facts in the scale-out mode)");
  }
  if (!options.data_dir.empty()) {
    auto records = SqliteStore::Open(options.data_dir);  // creates and migrates the database
    if (!records.ok()) return records.status();
    stores.records = std::move(records).value();
  }
  auto meta = OpenMetaStore(options.meta_uri, stores.records ? stores.records->path() : "");
  if (!meta.ok()) return meta.status();
  stores.meta = std::move(meta).value();
  stores.workspaces = options.scale_out_list() ? stores.meta.workspaces.get()
                                               : static_cast<WorkspaceStore*>(stores.records.get());
  return stores;
}

}  // namespace voronka::cli
