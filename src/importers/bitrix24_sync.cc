#include "importers/bitrix24_sync.h"

// CMakeLists.txt sets CPPHTTPLIB_OPENSSL_SUPPORT for this library, as the system cpp-httplib
// was compiled with it: https webhooks, and the class layout the library expects.
#include <httplib.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "importers/bitrix24_dump.h"
#include "importers/sync_pages.h"

namespace voronka {

namespace {

namespace fs = std::filesystem;

using MethodCall = Bitrix24Call;

// What ReadBitrix24Dump reads. crm.timeline.comment.list is left out: the API answers it only
// for one deal at a time (filter ENTITY_ID), so comments come from dumps.
const std::vector<MethodCall> kCalls = {
    {"department.get", "", ""},
    {"user.get", "", ""},
    {"crm.category.list", "", "entityTypeId=2"},
    {"crm.status.list", "", ""},
    {"crm.deal.userfield.list", "", ""},
    {"crm.company.list", "", ""},
    {"crm.contact.list", "", ""},
    {"crm.deal.list", "", "select[]=*&select[]=UF_*"},
    {"crm.lead.list", "", "select[]=*"},
    {"crm.stagehistory.list", "deal-", "entityTypeId=2"},
    {"crm.stagehistory.list", "lead-", "entityTypeId=1"},
    {"crm.activity.list", "", ""},
    {"tasks.task.list", "", "select[]=*&select[]=UF_CRM_TASK"},
};

struct Webhook {
  std::string origin;  // "https://example.bitrix24.ru"
  std::string path;    // "/rest/1/abcdef/"
};

Result<Webhook> ParseWebhook(const std::string& url) {
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string::npos ||
      (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0)) {
    return Status::Error("webhook '" + url + "' is not an http(s) address");
  }
  size_t path_start = url.find('/', scheme_end + 3);
  if (path_start == std::string::npos) {
    return Status::Error("webhook '" + url + "' has no path (like /rest/1/<key>/)");
  }
  Webhook webhook{url.substr(0, path_start), url.substr(path_start)};
  if (webhook.path.back() != '/') webhook.path += '/';
  return webhook;
}

SyncFolder FolderOf(const fs::path& work, const MethodCall& call) {
  return SyncFolder(work, call.method, call.file_prefix);
}

void Wait(const Bitrix24SyncOptions& options, std::chrono::milliseconds duration) {
  SyncWait(options.sleep, duration);
}

// One page, retried with backoff; the answer's text on success.
Result<std::string> FetchPage(httplib::Client& client, const Webhook& webhook,
                              const MethodCall& call, int64_t start,
                              const Bitrix24SyncOptions& options) {
  std::string target = webhook.path + call.method + ".json?start=" + std::to_string(start);
  if (!call.params.empty()) target += "&" + call.params;
  std::string where = call.method + " (start " + std::to_string(start) + ")";
  std::string last_problem;
  std::chrono::milliseconds backoff = options.first_backoff;
  for (int attempt = 1; attempt <= options.max_attempts; ++attempt) {
    if (attempt > 1) {
      Wait(options, backoff);
      backoff *= 2;
    }
    if (options.on_request) options.on_request(call.method, start);
    httplib::Result response = client.Get(target);
    if (!response) {
      last_problem = "no answer: " + httplib::to_string(response.error());
      continue;
    }
    nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
    std::string error = body.is_object() && body.contains("error") && body["error"].is_string()
                            ? body["error"].get<std::string>()
                            : "";
    bool busy = response->status == 429 || response->status >= 500 ||
                error == "QUERY_LIMIT_EXCEEDED" || error == "OPERATION_TIME_LIMIT";
    if (busy) {
      last_problem =
          "HTTP " + std::to_string(response->status) + (error.empty() ? "" : " " + error);
      continue;
    }
    if (!error.empty() || response->status != 200) {
      std::string description = body.is_object() ? body.value("error_description", "") : "";
      return Status::Error(where + ": the portal answered HTTP " +
                           std::to_string(response->status) + " " + error +
                           (description.empty() ? "" : " (" + description + ")"));
    }
    if (body.is_discarded()) return Status::Error(where + ": the answer is not JSON");
    return response->body;
  }
  return Status::Error(where + ": gave up after " + std::to_string(options.max_attempts) +
                       " tries; last: " + last_problem);
}

}  // namespace

Status DownloadBitrix24(const Bitrix24SyncOptions& options) {
  return DownloadBitrix24Calls(options, kCalls);
}

std::string Bitrix24Portal(const std::string& webhook_url) {
  Result<Webhook> webhook = ParseWebhook(webhook_url);
  return webhook.ok() ? webhook->origin : "";
}

Status DownloadBitrix24Calls(const Bitrix24SyncOptions& options,
                             const std::vector<Bitrix24Call>& calls) {
  Result<Webhook> webhook = ParseWebhook(options.webhook_url);
  if (!webhook.ok()) return webhook.status();
  httplib::Client client(webhook->origin);
  client.set_connection_timeout(10);
  client.set_read_timeout(60);
  fs::path work = options.work_dir;
  for (const MethodCall& call : calls) {
    SyncFolder folder = FolderOf(work, call);
    if (folder.finished()) continue;
    if (Status restarted = folder.Restart(); !restarted.ok()) return restarted;
    int64_t start = 0;
    for (int page = 1;; ++page) {
      if (page > 1) Wait(options, options.pause);
      Result<std::string> text = FetchPage(client, webhook.value(), call, start, options);
      if (!text.ok()) return text.status();
      if (Status saved = folder.SavePage(page, text.value()); !saved.ok()) return saved;
      nlohmann::json body = nlohmann::json::parse(text.value(), nullptr, false);
      if (!body.contains("next") || !body["next"].is_number_integer()) break;
      int64_t next = body["next"].get<int64_t>();
      if (next <= start) break;
      start = next;
    }
    if (Status marked = folder.MarkFinished(); !marked.ok()) return marked;
  }
  return Status::Ok();
}

ImportSummary SyncBitrix24(SqliteStore& store, int64_t workspace_id,
                           const Bitrix24SyncOptions& options, std::vector<std::string>* warnings) {
  ImportSummary summary;
  Status downloaded = DownloadBitrix24(options);
  if (!downloaded.ok()) {
    summary.errors.push_back(downloaded.message() +
                             "; nothing was imported, run again to continue where this stopped");
    return summary;
  }
  Bitrix24Options dump_options;
  dump_options.portal_url = Bitrix24Portal(options.webhook_url);
  ImportBatch batch = ReadBitrix24Dump(options.work_dir, dump_options);
  if (warnings != nullptr) *warnings = batch.warnings;
  summary = StoreImportBatch(store, workspace_id, std::move(batch));
  if (summary.ok()) {
    std::error_code ignored;
    fs::remove_all(options.work_dir, ignored);
  }
  return summary;
}

}  // namespace voronka
