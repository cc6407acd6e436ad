// `voronka sync bitrix24|amocrm`: a CRM's data through its API, page by page.
#include <cstdio>
#include <functional>
#include <memory>

#include "cli/commands.h"
#include "cli/progress_line.h"
#include "importers/amocrm_sync.h"
#include "importers/bitrix24_sync.h"
#include "importers/crm_hooks.h"
#include "store/sqlite/sqlite_store.h"

namespace voronka::cli {

namespace {

struct SyncOptions {
  std::string data_dir;
  std::string workspace;
  std::string webhook;            // bitrix24
  std::string base_url;           // amocrm
  std::string token;              // amocrm
  std::string application_token;  // bitrix24, of the outbound webhook
  std::string work_dir;
};

using SyncFunction =
    std::function<ImportSummary(SqliteStore&, int64_t workspace, const std::string& work_dir,
                                std::vector<std::string>& warnings)>;

// Opens the store and workspace, runs `sync` with its work folder (default: under --data),
// prints the outcome. Returns the exit code.
int RunSync(const std::string& crm, const SyncOptions& options, const SyncFunction& sync) {
  auto store = SqliteStore::Open(options.data_dir);
  if (!store.ok()) {
    std::fprintf(stderr, "voronka sync %s: %s\n", crm.c_str(), store.message().c_str());
    return kExitFailure;
  }
  Result<int64_t> workspace = FindImportWorkspace(*store.value(), options.workspace);
  if (!workspace.ok()) {
    std::fprintf(stderr, "voronka sync %s: %s\n", crm.c_str(), workspace.message().c_str());
    return kExitBadInput;
  }
  std::string work_dir = options.work_dir.empty() ? options.data_dir + "/sync-" + crm + "-" +
                                                        std::to_string(workspace.value())
                                                  : options.work_dir;
  std::vector<std::string> warnings;
  ImportSummary summary = sync(*store.value(), workspace.value(), work_dir, warnings);
  if (!summary.ok()) {
    for (const std::string& error : summary.errors) std::fprintf(stderr, "%s\n", error.c_str());
    std::fprintf(stderr, "voronka sync %s: %zu errors; nothing was imported\n", crm.c_str(),
                 summary.errors.size());
    return kExitBadInput;
  }
  for (const std::string& warning : warnings) std::fprintf(stderr, "%s\n", warning.c_str());
  std::fprintf(stderr,
               "Imported %lld records (%lld skipped as already applied), %zu items left out\n",
               static_cast<long long>(summary.applied), static_cast<long long>(summary.skipped),
               warnings.size());
  return kExitOk;
}

// What the workspace's webhooks (POST /api/v1/hooks/<crm>) fetch with.
void KeepHookCredentials(const std::string& data_dir, const std::string& crm, int64_t workspace,
                         const CrmHookCredentials& credentials,
                         std::vector<std::string>& warnings) {
  Status saved = SaveHookCredentials(data_dir, crm, workspace, credentials);
  if (!saved.ok()) warnings.push_back(saved.message() + "; the " + crm + " webhooks cannot fetch");
}

ImportSummary SyncBitrix24Pages(const SyncOptions& options, SqliteStore& store, int64_t workspace,
                                const std::string& work_dir, std::vector<std::string>& warnings) {
  Bitrix24SyncOptions sync;
  sync.webhook_url = options.webhook;
  sync.work_dir = work_dir;
  sync.state_file = options.data_dir + "/sync-bitrix24-" + std::to_string(workspace) + ".marks";
  ProgressLine progress;
  sync.on_progress = [&progress](const Bitrix24Progress& now) {
    progress.Update(now.pages_saved, now.pages_known, "pages",
                    std::to_string(now.requests) + " requests, " + now.method);
  };
  ImportSummary summary = SyncBitrix24(store, workspace, sync, &warnings);
  progress.Finish();
  if (summary.ok()) {
    CrmHookCredentials credentials;
    credentials.bitrix24_webhook = options.webhook;
    credentials.bitrix24_application_token = options.application_token;
    KeepHookCredentials(options.data_dir, "bitrix24", workspace, credentials, warnings);
  }
  return summary;
}

ImportSummary SyncAmocrmPages(const SyncOptions& options, SqliteStore& store, int64_t workspace,
                              const std::string& work_dir, std::vector<std::string>& warnings) {
  AmocrmSyncOptions sync;
  sync.base_url = options.base_url;
  sync.token = options.token;
  sync.work_dir = work_dir;
  sync.state_file = options.data_dir + "/sync-amocrm-" + std::to_string(workspace) + ".since";
  sync.on_request = [](const std::string& target) { std::fprintf(stderr, "%s\n", target.c_str()); };
  ImportSummary summary = SyncAmocrm(store, workspace, sync, &warnings);
  if (summary.ok()) {
    CrmHookCredentials credentials;
    credentials.amocrm_base_url = options.base_url;
    credentials.amocrm_token = options.token;
    KeepHookCredentials(options.data_dir, "amocrm", workspace, credentials, warnings);
  }
  return summary;
}

CLI::App* AddCrm(CLI::App& sync, const std::shared_ptr<SyncOptions>& options, const char* crm,
                 const std::string& help,
                 ImportSummary (*run)(const SyncOptions&, SqliteStore&, int64_t, const std::string&,
                                      std::vector<std::string>&)) {
  CLI::App* command = sync.add_subcommand(crm, help);
  command->add_option("--data", options->data_dir, "data directory")->required();
  command->add_option("--workspace", options->workspace, "workspace name (default: the first)");
  command->add_option("--dir", options->work_dir,
                      "where pages are kept until imported (default: under --data)");
  command->callback([options, crm, run] {
    int code = RunSync(crm, *options,
                       [&](SqliteStore& store, int64_t workspace, const std::string& work_dir,
                           std::vector<std::string>& warnings) {
                         return run(*options, store, workspace, work_dir, warnings);
                       });
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
  return command;
}

}  // namespace

void AddSyncCommand(CLI::App& app) {
  CLI::App* sync = app.add_subcommand("sync", "Fetch a CRM's data through its API and import it.");
  sync->require_subcommand(1);
  auto options = std::make_shared<SyncOptions>();
  CLI::App* bitrix24 = AddCrm(
      *sync, options, "bitrix24",
      "Page through a Bitrix24 portal's REST API with an incoming webhook (scopes crm, user,\n"
      "department, task), 50 pages a request with `batch`, waiting when the portal says\n"
      "QUERY_LIMIT_EXCEEDED, and import everything as one atomic batch. After the first run\n"
      "only what changed since the previous run is asked. An interrupted run continues where\n"
      "it stopped when started again; nothing is counted twice.\n"
      "Example: voronka sync bitrix24 --data /var/lib/voronka "
      "--webhook https://example.bitrix24.ru/rest/1/abcdef0123456789/",
      SyncBitrix24Pages);
  bitrix24->add_option("--webhook", options->webhook, "incoming webhook address")->required();
  bitrix24->add_option("--application-token", options->application_token,
                       "the application token of the outbound webhook that posts to "
                       "/api/v1/hooks/bitrix24 (checked on every event when given)");
  CLI::App* amocrm = AddCrm(
      *sync, options, "amocrm",
      "Page through an amoCRM (Kommo) account's API v4 with a long-lived token, at most 7\n"
      "requests a second, waiting on HTTP 429, and import everything as one atomic batch.\n"
      "After the first run only what changed since the previous run is asked. An interrupted\n"
      "run continues where it stopped when started again; nothing is counted twice.\n"
      "Example: voronka sync amocrm --data /var/lib/voronka "
      "--base-url https://example.amocrm.ru --token \"$(cat token.txt)\"",
      SyncAmocrmPages);
  amocrm->add_option("--base-url", options->base_url, "the account's address")->required();
  amocrm->add_option("--token", options->token, "a long-lived token of an integration")->required();
}

}  // namespace voronka::cli
