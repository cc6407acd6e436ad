// The `voronka import <crm>` and `voronka sync <crm>` subcommands: each reads a CRM's data
// into one batch of canonical records and stores it with the shared steps below, into the
// data directory (--data) or, in the scale-out mode (--meta with --facts), into ClickHouse.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <string>

#include "cli/stores.h"
#include "importers/import_batch.h"
#include "importers/import_target.h"

namespace voronka::cli {

void AddImportBitrix24Command(CLI::App& import);
void AddImportAmocrmCommand(CLI::App& import);
void AddImportCsvCommand(CLI::App& import);

// Where a CRM command's batches go and what it keeps beside them: the one place that picks
// the store a batch is written to.
struct CrmDestination {
  Stores stores;
  WorkspaceInfo workspace;
  // The workspace in ClickHouse when --facts is given (through the atomic fact writer), else
  // the data directory's store.
  std::unique_ptr<ImportTarget> target;
  std::string data_dir;  // "" in the scale-out mode without --data
};

// Opens the stores of `options` and the workspace `name` (the default one when empty). An
// error says what to do; `bad_input` tells an unknown workspace from a store that failed.
Result<CrmDestination> OpenCrmDestination(const StoreOptions& options, const std::string& name,
                                          bool* bad_input);

// Opens the destination, reads the batch (knowing the workspace's settings), stores it
// atomically, prints errors (with nothing stored) or a summary. Returns the exit code.
int RunCrmImport(const std::string& command, const StoreOptions& stores,
                 const std::string& workspace,
                 const std::function<ImportBatch(const WorkspaceInfo&)>& read);

// Prints up to 50 of `lines` to stderr, then how many more `more` there are.
void PrintSome(const std::vector<std::string>& lines, const char* more);

}  // namespace voronka::cli
