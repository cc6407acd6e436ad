// `voronka import amocrm`: an amoCRM API v4 dump into a workspace.
#include <memory>

#include "cli/commands.h"
#include "cli/import_crm.h"
#include "importers/amocrm_dump.h"

namespace voronka::cli {

namespace {

struct AmocrmCommandOptions {
  StoreOptions stores;
  std::string workspace;
  std::string dump_dir;
  AmocrmOptions importer;
};

}  // namespace

void AddImportAmocrmCommand(CLI::App& import) {
  auto options = std::make_shared<AmocrmCommandOptions>();
  CLI::App* command = import.add_subcommand(
      "amocrm",
      "Load an amoCRM dump (API v4 pages: leads/, leads/pipelines/, events/, tasks/, users/,\n"
      "account/, companies/, contacts/; see docs/import.md) as one atomic batch; importing a\n"
      "newer dump again adds what is new.\n"
      "Example: voronka import amocrm --data /var/lib/voronka --dir dump/ "
      "--portal https://example.amocrm.ru\n"
      "Scale-out: voronka import amocrm --meta postgresql://... --facts clickhouse://... "
      "--workspace acme --dir dump/");
  AddStoreOptions(command, options->stores);
  command->add_option("--dir", options->dump_dir, "dump directory")->required();
  command->add_option("--workspace", options->workspace, "workspace name (default: the first)");
  command->add_option("--portal", options->importer.account_url,
                      "account address, for links from reports to leads");
  command->callback([options] {
    int code = RunCrmImport(
        "amocrm", options->stores, options->workspace,
        [&](const WorkspaceInfo&) { return ReadAmocrmDump(options->dump_dir, options->importer); });
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace voronka::cli
