// The `voronka import <crm>` subcommands: each reads a CRM export into one batch of canonical
// records and stores it with the shared steps below.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <string>

#include "importers/import_batch.h"

namespace voronka::cli {

void AddImportBitrix24Command(CLI::App& import);
void AddImportAmocrmCommand(CLI::App& import);
void AddImportCsvCommand(CLI::App& import);

// Opens the data directory and the workspace (the default one when `workspace` is empty),
// reads the batch (knowing the workspace's settings), stores it atomically, prints errors
// (with nothing stored) or a summary. Returns the exit code.
int RunCrmImport(const std::string& command, const std::string& data_dir,
                 const std::string& workspace,
                 const std::function<ImportBatch(const WorkspaceInfo&)>& read);

}  // namespace voronka::cli
