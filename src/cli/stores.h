// The stores a command works on, opened as `voronka serve` opens them from the same options:
// the data directory (records and, by default, metadata and the list of workspaces); with
// --meta the metadata in PostgreSQL; with --meta and --facts (scale-out) the workspaces are
// listed in PostgreSQL too and the records are in ClickHouse, so no data directory is needed.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "store/meta_store.h"
#include "store/sqlite/sqlite_store.h"
#include "store/workspace_store.h"

namespace voronka::cli {

struct StoreOptions {
  std::string data_dir;
  std::string meta_uri;   // empty: metadata in the data directory
  std::string facts_uri;  // empty: records in the data directory
  bool scale_out_list() const { return !meta_uri.empty() && !facts_uri.empty(); }
};

// Adds --data, --meta and --facts to `command`.
void AddStoreOptions(CLI::App* command, StoreOptions& options);

struct Stores {
  std::unique_ptr<SqliteStore> records;  // null when scale-out and no --data was given
  MetaStore meta;
  WorkspaceStore* workspaces = nullptr;  // records or meta.workspaces
};

// Opens the stores; an error when --data is missing and the options are not scale-out.
Result<Stores> OpenStores(const StoreOptions& options);

}  // namespace voronka::cli
