// `voronka import csv`: deals from a spreadsheet with a mapping of its columns.
#include <memory>

#include "cli/commands.h"
#include "cli/import_crm.h"
#include "importers/csv_deals.h"

namespace voronka::cli {

namespace {

struct CsvCommandOptions {
  StoreOptions stores;
  std::string workspace;
  std::string mapping;
  std::string file;
};

}  // namespace

void AddImportCsvCommand(CLI::App& import) {
  auto options = std::make_shared<CsvCommandOptions>();
  CLI::App* command = import.add_subcommand(
      "csv",
      "Load deals from a CSV file (, ; or tab; UTF-8 or Windows-1251; decimal point or comma)\n"
      "with a mapping of its columns and stage names (see docs/import.md), as one atomic batch.\n"
      "Dates without an offset are in the workspace's time zone.\n"
      "Example: voronka import csv --data /var/lib/voronka --mapping map.json deals.csv\n"
      "Scale-out: voronka import csv --meta postgresql://... --facts clickhouse://... "
      "--workspace acme --mapping map.json deals.csv");
  AddStoreOptions(command, options->stores);
  command->add_option("--mapping", options->mapping, "mapping JSON file")->required();
  command->add_option("--workspace", options->workspace, "workspace name (default: the first)");
  command->add_option("file", options->file, "CSV file")->required();
  command->callback([options] {
    int code = RunCrmImport("csv", options->stores, options->workspace,
                            [&](const WorkspaceInfo& workspace) {
                              CsvDealsOptions csv;
                              csv.time_zone = workspace.settings.time_zone.value_or("UTC");
                              return ReadCsvDeals(options->file, options->mapping, csv);
                            });
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace voronka::cli
