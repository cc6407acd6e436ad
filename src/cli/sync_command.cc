// `voronka sync bitrix24`: the portal's data through its incoming webhook, page by page.
#include <cstdio>
#include <memory>

#include "cli/commands.h"
#include "importers/bitrix24_sync.h"
#include "store/sqlite/sqlite_store.h"

namespace voronka::cli {

namespace {

struct SyncOptions {
  std::string data_dir;
  std::string workspace;
  std::string webhook;
  std::string work_dir;
};

int SyncBitrix24Command(const SyncOptions& options) {
  auto store = SqliteStore::Open(options.data_dir);
  if (!store.ok()) {
    std::fprintf(stderr, "voronka sync bitrix24: %s\n", store.message().c_str());
    return kExitFailure;
  }
  Result<int64_t> workspace = FindImportWorkspace(*store.value(), options.workspace);
  if (!workspace.ok()) {
    std::fprintf(stderr, "voronka sync bitrix24: %s\n", workspace.message().c_str());
    return kExitBadInput;
  }
  Bitrix24SyncOptions sync;
  sync.webhook_url = options.webhook;
  sync.work_dir = options.work_dir.empty()
                      ? options.data_dir + "/sync-bitrix24-" + std::to_string(workspace.value())
                      : options.work_dir;
  sync.on_request = [](const std::string& method, int64_t start) {
    std::fprintf(stderr, "%s start=%lld\n", method.c_str(), static_cast<long long>(start));
  };
  std::vector<std::string> warnings;
  ImportSummary summary = SyncBitrix24(*store.value(), workspace.value(), sync, &warnings);
  if (!summary.ok()) {
    for (const std::string& error : summary.errors) std::fprintf(stderr, "%s\n", error.c_str());
    std::fprintf(stderr, "voronka sync bitrix24: %zu errors; nothing was imported\n",
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

}  // namespace

void AddSyncCommand(CLI::App& app) {
  CLI::App* sync = app.add_subcommand("sync", "Fetch a CRM's data through its API and import it.");
  sync->require_subcommand(1);
  auto options = std::make_shared<SyncOptions>();
  CLI::App* bitrix24 = sync->add_subcommand(
      "bitrix24",
      "Page through a Bitrix24 portal's REST API with an incoming webhook (scopes crm, user,\n"
      "department, task), waiting when the portal says QUERY_LIMIT_EXCEEDED, and import\n"
      "everything as one atomic batch. An interrupted run continues where it stopped when\n"
      "started again; nothing is counted twice.\n"
      "Example: voronka sync bitrix24 --data /var/lib/voronka "
      "--webhook https://example.bitrix24.ru/rest/1/abcdef0123456789/");
  bitrix24->add_option("--data", options->data_dir, "data directory")->required();
  bitrix24->add_option("--webhook", options->webhook, "incoming webhook address")->required();
  bitrix24->add_option("--workspace", options->workspace, "workspace name (default: the first)");
  bitrix24->add_option("--dir", options->work_dir,
                       "where pages are kept until imported (default: under --data)");
  bitrix24->callback([options] {
    int code = SyncBitrix24Command(*options);
    if (code != kExitOk) throw CLI::RuntimeError(code);
  });
}

}  // namespace voronka::cli
