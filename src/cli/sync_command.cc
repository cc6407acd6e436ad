// `voronka sync bitrix24|amocrm`: a CRM's data through its API, page by page.
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>

#include "cli/commands.h"
#include "cli/import_crm.h"
#include "cli/progress_line.h"
#include "importers/amocrm_sync.h"
#include "importers/bitrix24_sync.h"
#include "importers/crm_state.h"

namespace voronka::cli {

namespace {

struct SyncOptions {
  StoreOptions stores;
  std::string workspace;
  std::string webhook;            // bitrix24
  std::string base_url;           // amocrm
  std::string token;              // amocrm
  std::string application_token;  // bitrix24, of the outbound webhook
  std::string work_dir;
};

// One run of a CRM's sync into the destination's workspace: its pages kept in `work_dir`.
using SyncFunction = ImportSummary (*)(const SyncOptions&, CrmDestination&,
                                       const std::string& work_dir,
                                       std::vector<std::string>& warnings);

// Where the pages of an unfinished run wait for the next one: under --data, or in the
// scale-out mode without it under the system's temporary folder, named after the fact store
// and the workspace (so that runs against other clusters on the same host never share it).
std::string DefaultWorkDir(const CrmDestination& destination, const StoreOptions& stores,
                           const std::string& crm) {
  std::string name = "sync-" + crm + "-" + std::to_string(destination.workspace.id);
  if (!destination.data_dir.empty()) return destination.data_dir + "/" + name;
  char store[17];
  std::snprintf(store, sizeof store, "%016zx",
                std::hash<std::string>{}(stores.facts_uri + "\n" + stores.meta_uri));
  std::error_code error;
  std::filesystem::path temporary = std::filesystem::temp_directory_path(error);
  if (error) temporary = "/tmp";
  return (temporary / ("voronka-" + name + "-" + store)).string();
}

// Opens the stores and workspace, runs `sync` with its work folder, prints the outcome.
// Returns the exit code.
int RunSync(const std::string& crm, const SyncOptions& options, SyncFunction sync) {
  bool bad_input = false;
  Result<CrmDestination> destination =
      OpenCrmDestination(options.stores, options.workspace, &bad_input);
  if (!destination.ok()) {
    std::fprintf(stderr, "voronka sync %s: %s\n", crm.c_str(), destination.message().c_str());
    return bad_input ? kExitBadInput : kExitFailure;
  }
  std::string work_dir = options.work_dir.empty()
                             ? DefaultWorkDir(*destination, options.stores, crm)
                             : options.work_dir;
  std::vector<std::string> warnings;
  ImportSummary summary = sync(options, *destination, work_dir, warnings);
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
void KeepHookCredentials(CrmDestination& destination, const std::string& crm,
                         const CrmHookCredentials& credentials,
                         std::vector<std::string>& warnings) {
  Status saved = SaveHookCredentials(*destination.stores.meta.crm_state, destination.workspace.id,
                                     crm, credentials);
  if (!saved.ok()) warnings.push_back(saved.message() + "; the " + crm + " webhooks cannot fetch");
}

ImportSummary SyncBitrix24Pages(const SyncOptions& options, CrmDestination& destination,
                                const std::string& work_dir, std::vector<std::string>& warnings) {
  CrmStateStore& state = *destination.stores.meta.crm_state;
  const int64_t workspace = destination.workspace.id;
  Result<Bitrix24Marks> previous = LoadBitrix24Marks(state, destination.data_dir, workspace);
  if (!previous.ok()) return ImportSummary{0, 0, {previous.message()}};
  Bitrix24SyncOptions sync;
  sync.webhook_url = options.webhook;
  sync.work_dir = work_dir;
  sync.previous = previous.value();
  sync.keep_marks = [&](const Bitrix24Marks& marks) {
    return SaveBitrix24Marks(state, workspace, marks);
  };
  ProgressLine progress;
  sync.on_progress = [&progress](const Bitrix24Progress& now) {
    progress.Update(now.pages_saved, now.pages_known, "pages",
                    std::to_string(now.requests) + " requests, " + now.method);
  };
  ImportSummary summary = SyncBitrix24(*destination.target, sync, &warnings);
  progress.Finish();
  if (summary.ok()) {
    CrmHookCredentials credentials;
    credentials.bitrix24_webhook = options.webhook;
    credentials.bitrix24_application_token = options.application_token;
    KeepHookCredentials(destination, "bitrix24", credentials, warnings);
  }
  return summary;
}

ImportSummary SyncAmocrmPages(const SyncOptions& options, CrmDestination& destination,
                              const std::string& work_dir, std::vector<std::string>& warnings) {
  CrmStateStore& state = *destination.stores.meta.crm_state;
  const int64_t workspace = destination.workspace.id;
  Result<int64_t> previous = LoadAmocrmStart(state, destination.data_dir, workspace);
  if (!previous.ok()) return ImportSummary{0, 0, {previous.message()}};
  AmocrmSyncOptions sync;
  sync.base_url = options.base_url;
  sync.token = options.token;
  sync.work_dir = work_dir;
  sync.previous_start = previous.value();
  sync.keep_start = [&](int64_t started_at) {
    return SaveAmocrmStart(state, workspace, started_at);
  };
  sync.on_request = [](const std::string& target) { std::fprintf(stderr, "%s\n", target.c_str()); };
  ImportSummary summary = SyncAmocrm(*destination.target, sync, &warnings);
  if (summary.ok()) {
    CrmHookCredentials credentials;
    credentials.amocrm_base_url = options.base_url;
    credentials.amocrm_token = options.token;
    KeepHookCredentials(destination, "amocrm", credentials, warnings);
  }
  return summary;
}

CLI::App* AddCrm(CLI::App& sync, const std::shared_ptr<SyncOptions>& options, const char* crm,
                 const std::string& help, SyncFunction run) {
  CLI::App* command = sync.add_subcommand(crm, help);
  AddStoreOptions(command, options->stores);
  command->add_option("--workspace", options->workspace, "workspace name (default: the first)");
  command->add_option("--dir", options->work_dir,
                      "where pages are kept until imported (default: under --data, or the "
                      "system's temporary folder without it)");
  command->callback([options, crm, run] {
    int code = RunSync(crm, *options, run);
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
      "--webhook https://example.bitrix24.ru/rest/1/abcdef0123456789/\n"
      "Scale-out: voronka sync bitrix24 --meta postgresql://... --facts clickhouse://... "
      "--workspace acme --webhook ...",
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
      "--base-url https://example.amocrm.ru --token \"$(cat token.txt)\"\n"
      "Scale-out: voronka sync amocrm --meta postgresql://... --facts clickhouse://... "
      "--workspace acme --base-url ... --token ...",
      SyncAmocrmPages);
  amocrm->add_option("--base-url", options->base_url, "the account's address")->required();
  amocrm->add_option("--token", options->token, "a long-lived token of an integration")->required();
}

}  // namespace voronka::cli
