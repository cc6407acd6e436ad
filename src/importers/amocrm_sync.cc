#include "importers/amocrm_sync.h"

// CMakeLists.txt sets CPPHTTPLIB_OPENSSL_SUPPORT for this library (see bitrix24_sync.cc).
#include <httplib.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "importers/amocrm_dump.h"

namespace voronka {

namespace {

namespace fs = std::filesystem;

struct PathCall {
  const char* path;          // after /api/v4/; also the folder of its pages
  const char* params;        // always sent
  const char* since_filter;  // the filter an incremental sync adds, "" for none
};

// The events ReadAmocrmDump turns into records.
constexpr char kEventTypes[] =
    "limit=100&filter[type][]=lead_status_changed&filter[type][]=entity_responsible_changed"
    "&filter[type][]=incoming_call&filter[type][]=outgoing_call"
    "&filter[type][]=incoming_chat_message&filter[type][]=outgoing_chat_message"
    "&filter[type][]=incoming_sms&filter[type][]=outgoing_sms&filter[type][]=common_note_added";

// What ReadAmocrmDump reads, definitions first.
constexpr PathCall kCalls[] = {
    {"account", "with=users_groups", ""},
    {"users", "limit=250", ""},
    {"leads/pipelines", "", ""},
    {"companies", "limit=250", "filter[updated_at][from]"},
    {"contacts", "limit=250", "filter[updated_at][from]"},
    {"leads", "limit=250&with=contacts,loss_reason", "filter[updated_at][from]"},
    {"events", kEventTypes, "filter[created_at][from]"},
    {"tasks", "limit=250", "filter[updated_at][from]"},
};

// "https://example.amocrm.ru/api/v4/leads?page=2" -> "/api/v4/leads?page=2": a next link is
// asked of the configured address (the same host in practice, or a proxy in front of it).
std::string PathOfLink(const std::string& href) {
  size_t scheme = href.find("://");
  if (scheme == std::string::npos) return href;
  size_t path = href.find('/', scheme + 3);
  return path == std::string::npos ? "/" : href.substr(path);
}

class AmocrmClient {
 public:
  explicit AmocrmClient(const AmocrmSyncOptions& options)
      : options_(options), client_(Origin(options.base_url)) {
    client_.set_connection_timeout(10);
    client_.set_read_timeout(60);
    client_.set_default_headers({{"Authorization", "Bearer " + options.token}});
  }

  static std::string Origin(std::string url) {
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
  }

  // One page; its text ("" for 204 No Content, amoCRM's empty list), retried with backoff.
  Result<std::string> Get(const std::string& target, const std::string& where) {
    std::string last_problem;
    std::chrono::milliseconds backoff = options_.first_backoff;
    for (int attempt = 1; attempt <= options_.max_attempts; ++attempt) {
      if (attempt > 1) {
        SyncWait(options_.sleep, backoff);
        backoff *= 2;
      }
      Pace();
      if (options_.on_request) options_.on_request(target);
      httplib::Result response = client_.Get(target);
      if (!response) {
        last_problem = "no answer: " + httplib::to_string(response.error());
        continue;
      }
      if (response->status == 429 || response->status >= 500) {
        last_problem = "HTTP " + std::to_string(response->status);
        continue;
      }
      if (response->status == 204) return std::string();
      if (response->status != 200) {
        nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
        std::string detail =
            body.is_object() ? body.value("detail", body.value("title", std::string())) : "";
        return Status::Error(where + ": the account answered HTTP " +
                             std::to_string(response->status) +
                             (detail.empty() ? "" : " (" + detail + ")"));
      }
      return response->body;
    }
    return Status::Error(where + ": gave up after " + std::to_string(options_.max_attempts) +
                         " tries; last: " + last_problem);
  }

 private:
  // At most one request per min_interval, counted from the start of the previous one.
  void Pace() {
    auto now = std::chrono::steady_clock::now();
    if (last_request_) {
      auto due = *last_request_ + options_.min_interval;
      if (due > now) {
        SyncWait(options_.sleep,
                 std::chrono::ceil<std::chrono::milliseconds>(due - now));
      }
    }
    last_request_ = std::chrono::steady_clock::now();
  }

  const AmocrmSyncOptions& options_;
  httplib::Client client_;
  std::optional<std::chrono::steady_clock::time_point> last_request_;
};

int64_t Now(const AmocrmSyncOptions& options) {
  if (options.now) return options.now();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Status DownloadAmocrm(const AmocrmSyncOptions& options, int64_t since) {
  std::vector<AmocrmCall> calls;
  for (const PathCall& call : kCalls) {
    std::string query = call.params;
    if (since > 0 && *call.since_filter != '\0') {
      query += std::string(query.empty() ? "" : "&") + call.since_filter + "=" +
               std::to_string(since);
    }
    calls.push_back({call.path, query});
  }
  return DownloadAmocrmCalls(options, calls);
}

std::string AmocrmEventTypes() { return kEventTypes; }

Status DownloadAmocrmCalls(const AmocrmSyncOptions& options,
                           const std::vector<AmocrmCall>& calls) {
  if (options.base_url.rfind("http://", 0) != 0 && options.base_url.rfind("https://", 0) != 0) {
    return Status::Error("--base-url '" + options.base_url + "' is not an http(s) address");
  }
  AmocrmClient client(options);
  fs::path work = options.work_dir;
  for (const AmocrmCall& call : calls) {
    SyncFolder folder(work, call.path, "");
    if (folder.finished()) continue;
    if (Status restarted = folder.Restart(); !restarted.ok()) return restarted;
    std::string target = "/api/v4/" + call.path + (call.query.empty() ? "" : "?" + call.query);
    for (int page = 1; !target.empty(); ++page) {
      std::string where = call.path + " page " + std::to_string(page);
      Result<std::string> text = client.Get(target, where);
      if (!text.ok()) return text.status();
      if (text->empty()) break;  // 204: nothing (more)
      nlohmann::json body = nlohmann::json::parse(text.value(), nullptr, false);
      if (!body.is_object()) return Status::Error(where + ": the answer is not a JSON object");
      if (Status saved = folder.SavePage(page, text.value()); !saved.ok()) return saved;
      const nlohmann::json* next = nullptr;
      if (body.contains("_links") && body["_links"].is_object() &&
          body["_links"].contains("next") && body["_links"]["next"].is_object()) {
        next = &body["_links"]["next"];
      }
      std::string href = next != nullptr ? next->value("href", std::string()) : "";
      target = href.empty() ? "" : PathOfLink(href);
    }
    if (Status marked = folder.MarkFinished(); !marked.ok()) return marked;
  }
  return Status::Ok();
}

ImportSummary SyncAmocrm(ImportTarget& target, const AmocrmSyncOptions& options,
                         std::vector<std::string>* warnings) {
  ImportSummary summary;
  int64_t previous_start = options.previous_start;
  int64_t since = previous_start > 0 ? previous_start - options.overlap.count() : 0;
  Result<int64_t> started = DownloadStartedAt(options.work_dir, Now(options));
  Status downloaded = started.ok() ? DownloadAmocrm(options, since) : started.status();
  if (!downloaded.ok()) {
    summary.errors.push_back(downloaded.message() +
                             "; nothing was imported, run again to continue where this stopped");
    return summary;
  }
  std::unique_ptr<Catalog> known;
  if (since > 0) {
    Result<std::unique_ptr<Catalog>> read = target.Known();
    if (!read.ok()) {
      summary.errors.push_back(read.message() + "; nothing was imported, run again");
      return summary;
    }
    known = std::move(read).value();
  }
  AmocrmOptions dump_options;
  dump_options.account_url = AmocrmClient::Origin(options.base_url);
  dump_options.known = known.get();
  ImportBatch batch = ReadAmocrmDump(options.work_dir, dump_options);
  if (warnings != nullptr) *warnings = batch.warnings;
  summary = target.Store(std::move(batch));
  if (!summary.ok()) return summary;
  if (options.keep_start) {
    Status kept = options.keep_start(started.value());
    if (!kept.ok() && warnings != nullptr) {
      warnings->push_back(kept.message() + "; the next sync will fetch everything again");
    }
  }
  std::error_code ignored;
  fs::remove_all(options.work_dir, ignored);
  return summary;
}

}  // namespace voronka
