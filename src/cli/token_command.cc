#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "store/sqlite/sqlite_store.h"

namespace voronka::cli {

void AddTokenCommand(CLI::App& app) {
  CLI::App* token = app.add_subcommand(
      "token", "Manage ingest API tokens.\nExample: voronka token create --data /var/lib/voronka");
  token->require_subcommand(1);
  auto data_dir = std::make_shared<std::string>();
  CLI::App* create = token->add_subcommand(
      "create", "Create a new ingest token for the workspace and print it once.\n"
                "Example: voronka token create --data /var/lib/voronka");
  create->add_option("--data", *data_dir, "data directory")->required();
  create->callback([data_dir] {
    auto store = SqliteStore::Open(*data_dir);
    if (!store.ok()) {
      std::fprintf(stderr, "voronka token create: %s\n", store.message().c_str());
      throw CLI::RuntimeError(kExitFailure);
    }
    auto workspace = store.value()->EnsureDefaultWorkspace();
    auto created = workspace.ok() ? store.value()->CreateIngestToken(workspace.value())
                                  : Result<std::string>(workspace.status());
    if (!created.ok()) {
      std::fprintf(stderr, "voronka token create: %s\n", created.message().c_str());
      throw CLI::RuntimeError(kExitFailure);
    }
    std::printf("%s\n", created.value().c_str());
  });
}

}  // namespace voronka::cli
