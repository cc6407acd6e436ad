#include <chrono>
#include <cstdio>
#include <memory>

#include "access/ingest_token.h"
#include "access/secret.h"
#include "cli/commands.h"
#include "store/meta_store.h"
#include "store/sqlite/sqlite_store.h"

namespace voronka::cli {

namespace {

struct TokenOptions {
  std::string data_dir;
  std::string meta_uri;   // PostgreSQL metadata store; empty: the data directory's
  std::string workspace;  // create: by name; the default workspace when empty
  std::string token;  // revoke: the token itself
  std::string id;     // revoke: the id shown by `token list`
};

[[noreturn]] void Fail(const char* command, const std::string& message, int code) {
  std::fprintf(stderr, "voronka token %s: %s\n", command, message.c_str());
  throw CLI::RuntimeError(code);
}

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::unique_ptr<AccountStore> OpenAccounts(const char* command, const TokenOptions& options) {
  auto store = SqliteStore::Open(options.data_dir);  // creates and migrates the database
  if (!store.ok()) Fail(command, store.message(), kExitFailure);
  auto meta = OpenMetaStore(options.meta_uri, store.value()->path());
  if (!meta.ok()) Fail(command, meta.message(), kExitFailure);
  return std::move(meta->accounts);
}

}  // namespace

void AddTokenCommand(CLI::App& app) {
  CLI::App* token = app.add_subcommand(
      "token", "Manage ingest API tokens.\nExample: voronka token create --data /var/lib/voronka");
  token->require_subcommand(1);
  auto options = std::make_shared<TokenOptions>();
  CLI::App* create =
      token->add_subcommand("create",
                            "Create a new ingest token for a workspace and print it once.\n"
                            "Example: voronka token create --data /var/lib/voronka --workspace \"ООО Пример\"");
  create->add_option("--data", options->data_dir, "data directory")->required();
  create->add_option("--meta", options->meta_uri, kMetaHelp);
  create->add_option("--workspace", options->workspace,
                     "workspace name (default: the first workspace)");
  create->callback([options] {
    auto store = SqliteStore::Open(options->data_dir);
    if (!store.ok()) Fail("create", store.message(), kExitFailure);
    auto workspace = ChooseWorkspace(*store.value(), options->workspace);
    if (!workspace.ok()) Fail("create", workspace.message(), kExitBadInput);
    std::unique_ptr<AccountStore> accounts = OpenAccounts("create", *options);
    auto created = IssueIngestToken(*accounts, workspace.value(), NowMicros());
    if (!created.ok()) Fail("create", created.message(), kExitFailure);
    std::printf("%s\n", created.value().c_str());
  });

  CLI::App* list = token->add_subcommand(
      "list", "List ingest tokens by id (the start of the stored hash; the token is not kept).");
  list->add_option("--data", options->data_dir, "data directory")->required();
  list->add_option("--meta", options->meta_uri, kMetaHelp);
  list->callback([options] {
    std::unique_ptr<AccountStore> accounts = OpenAccounts("list", *options);
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
  revoke->add_option("--data", options->data_dir, "data directory")->required();
  revoke->add_option("--meta", options->meta_uri, kMetaHelp);
  revoke->add_option("token", options->token, "the token");
  revoke->add_option("--id", options->id, "the token's id as listed");
  revoke->callback([options] {
    if (options->token.empty() == options->id.empty()) {
      Fail("revoke", "give the token or --id", kExitBadInput);
    }
    std::unique_ptr<AccountStore> accounts = OpenAccounts("revoke", *options);
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
