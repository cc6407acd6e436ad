#include <chrono>
#include <cstdio>
#include <memory>

#include "access/ingest_token.h"
#include "access/secret.h"
#include "cli/commands.h"
#include "cli/stores.h"
#include "model/clock.h"

namespace voronka::cli {

namespace {

struct TokenOptions {
  StoreOptions stores;
  std::string workspace;  // create: by name; the default workspace when empty
  std::string token;      // revoke: the token itself
  std::string id;         // revoke: the id shown by `token list`
};

[[noreturn]] void Fail(const char* command, const std::string& message, int code) {
  std::fprintf(stderr, "voronka token %s: %s\n", command, message.c_str());
  throw CLI::RuntimeError(code);
}


Stores Open(const char* command, const TokenOptions& options) {
  Result<Stores> stores = OpenStores(options.stores);
  if (!stores.ok()) Fail(command, stores.message(), kExitFailure);
  return std::move(stores).value();
}

}  // namespace

void AddTokenCommand(CLI::App& app) {
  CLI::App* token = app.add_subcommand(
      "token", "Manage ingest API tokens.\nExample: voronka token create --data /var/lib/voronka");
  token->require_subcommand(1);
  auto options = std::make_shared<TokenOptions>();
  CLI::App* create = token->add_subcommand(
      "create",
      "Create a new ingest token for a workspace and print it once.\n"
      "Example: voronka token create --data /var/lib/voronka --workspace \"ООО Пример\"");
  AddStoreOptions(create, options->stores);
  create->add_option("--workspace", options->workspace,
                     "workspace name (default: the first workspace)");
  create->callback([options] {
    Stores stores = Open("create", *options);
    auto workspace = ChooseWorkspace(*stores.workspaces, options->workspace);
    if (!workspace.ok()) Fail("create", workspace.message(), kExitBadInput);
    auto created = IssueIngestToken(*stores.meta.accounts, workspace.value(), NowMicros());
    if (!created.ok()) Fail("create", created.message(), kExitFailure);
    std::printf("%s\n", created.value().c_str());
  });

  CLI::App* list = token->add_subcommand(
      "list", "List ingest tokens by id (the start of the stored hash; the token is not kept).");
  AddStoreOptions(list, options->stores);
  list->callback([options] {
    Stores stores = Open("list", *options);
    AccountStore* accounts = stores.meta.accounts.get();
    std::printf("%-18s %-10s %s\n", "id", "workspace", "state");
    for (const IngestTokenInfo& info : accounts->IngestTokens()) {
      std::printf("%-18s %-10lld %s\n", info.id.c_str(), static_cast<long long>(info.workspace_id),
                  info.revoked_at ? "revoked" : "live");
    }
  });

  CLI::App* revoke = token->add_subcommand(
      "revoke",
      "Revoke an ingest token, given itself or its id from `token list`; it stops working at "
      "once, also for a running server.\n"
      "Example: voronka token revoke --data /var/lib/voronka --id 3f9a0c12");
  AddStoreOptions(revoke, options->stores);
  revoke->add_option("token", options->token, "the token");
  revoke->add_option("--id", options->id, "the token's id as listed");
  revoke->callback([options] {
    if (options->token.empty() == options->id.empty()) {
      Fail("revoke", "give the token or --id", kExitBadInput);
    }
    Stores stores = Open("revoke", *options);
    AccountStore* accounts = stores.meta.accounts.get();
    if (!options->id.empty()) {
      if (Status status = accounts->RevokeIngestToken(options->id, NowMicros()); !status.ok()) {
        Fail("revoke", status.message(), kExitBadInput);
      }
    } else {
      auto revoked = accounts->RevokeIngestTokenHash(SecretHash(options->token), NowMicros());
      if (!revoked.ok()) Fail("revoke", revoked.message(), kExitFailure);
      if (!revoked.value()) Fail("revoke", "no live token like that", kExitBadInput);
    }
    std::printf("revoked\n");
  });
}

}  // namespace voronka::cli
