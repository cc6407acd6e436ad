// `voronka import bitrix24`: a Bitrix24 REST dump into a workspace.
#include <memory>

#include "cli/commands.h"
#include "cli/import_crm.h"
#include "importers/bitrix24_dump.h"

namespace voronka::cli {

namespace {

struct Bitrix24CommandOptions {
  StoreOptions stores;
  std::string workspace;
  std::string dump_dir;
  Bitrix24Options importer;
};

}  // namespace

void AddImportBitrix24Command(CLI::App& import) {
  auto options = std::make_shared<Bitrix24CommandOptions>();
  CLI::App* command = import.add_subcommand(
      "bitrix24",
      "Load a Bitrix24 dump (one folder per REST method, one JSON answer per page, see\n"
      "docs/import.md) as one atomic batch; importing a newer dump again adds what is new.\n"
      "Example: voronka import bitrix24 --data /var/lib/voronka --dir dump/ "
      "--portal https://example.bitrix24.ru\n"
      "Scale-out: voronka import bitrix24 --meta postgresql://... --facts clickhouse://... "
      "--workspace acme --dir dump/");
  AddStoreOptions(command, options->stores);
  command->add_option("--dir", options->dump_dir, "dump directory")->required();
  command->add_option("--workspace", options->workspace, "workspace name (default: the first)");
  command->add_option("--portal", options->importer.portal_url,
                      "portal address, for links from reports to deals");
  command->callback([options] {
    int code =
        RunCrmImport("bitrix24", options->stores, options->workspace, [&](const WorkspaceInfo&) {
          return ReadBitrix24Dump(options->dump_dir, options->importer);
        });
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace voronka::cli
