#include "importers/bitrix24_batch.h"

// CMakeLists.txt sets CPPHTTPLIB_OPENSSL_SUPPORT for this library, as the system cpp-httplib
// was compiled with it: https webhooks, and the class layout the library expects.
#include <httplib.h>

#include <deque>
#include <nlohmann/json.hpp>

#include "importers/sync_pages.h"

namespace voronka::bitrix24 {

namespace {

// One page to ask: the call, its start, and its number among the call's pages.
struct PageAsk {
  size_t call = 0;
  int64_t start = 0;
  int page = 1;
  int attempts = 0;  // tries that a command error sent back
};

// What is known of a call while its pages come in.
struct CallState {
  int64_t outstanding = 0;    // pages asked or queued, not yet saved
  int64_t planned_until = 0;  // the highest start queued so far
};

std::string Where(const Bitrix24Call& call, int64_t start) {
  return call.method + " (start " + std::to_string(start) + ")";
}

// "crm.deal.list (start 50), crm.lead.list (start 0) and 12 more": the pages of a request.
std::string WhereAll(const std::vector<Bitrix24Call>& calls, const std::vector<PageAsk>& asks) {
  std::string where;
  for (size_t i = 0; i < asks.size() && i < 3; ++i) {
    where += (i == 0 ? "" : ", ") + Where(calls[asks[i].call], asks[i].start);
  }
  if (asks.size() > 3) where += " and " + std::to_string(asks.size() - 3) + " more";
  return where;
}

bool Busy(const std::string& error) {
  return error == "QUERY_LIMIT_EXCEEDED" || error == "OPERATION_TIME_LIMIT";
}

// The member `key` of a batch envelope's part (result_total, result_next, ...), which PHP
// writes as [] when it is empty.
const nlohmann::json* Member(const nlohmann::json& part, const std::string& key) {
  if (!part.is_object()) return nullptr;
  auto found = part.find(key);
  return found == part.end() || found->is_null() ? nullptr : &*found;
}

std::string ErrorText(const nlohmann::json& error) {
  if (error.is_string()) return error.get<std::string>();
  if (!error.is_object()) return error.dump();
  std::string code = error.contains("error") && error["error"].is_string()
                         ? error["error"].get<std::string>()
                         : error.value("error", nlohmann::json()).dump();
  std::string description = error.value("error_description", "");
  return code + (description.empty() ? "" : " (" + description + ")");
}

}  // namespace

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

std::string QueryValue(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      encoded += static_cast<char>(c);
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return encoded;
}

BatchPager::BatchPager(const Bitrix24SyncOptions& options, Webhook webhook,
                       Bitrix24Progress& progress)
    : options_(options), webhook_(std::move(webhook)), progress_(progress) {}

Status BatchPager::Run(const std::vector<Bitrix24Call>& calls,
                       const std::function<Status(size_t call)>& finished) {
  httplib::Client client(webhook_.origin);
  client.set_connection_timeout(10);
  client.set_read_timeout(60);
  std::filesystem::path work = options_.work_dir;
  std::vector<CallState> states(calls.size());
  std::deque<PageAsk> queue;
  for (size_t i = 0; i < calls.size(); ++i) {
    queue.push_back({i, 0, 1, 0});
    states[i].outstanding = 1;
  }
  progress_.pages_known += static_cast<int64_t>(calls.size());
  size_t batch_size = static_cast<size_t>(std::clamp(options_.batch_size, 1, 50));
  std::chrono::milliseconds command_backoff = options_.first_backoff;

  while (!queue.empty()) {
    std::vector<PageAsk> asks;
    while (!queue.empty() && asks.size() < batch_size) {
      asks.push_back(queue.front());
      queue.pop_front();
    }
    httplib::Params form{{"halt", "0"}};
    for (size_t k = 0; k < asks.size(); ++k) {
      const Bitrix24Call& call = calls[asks[k].call];
      std::string command = call.method + "?start=" + std::to_string(asks[k].start);
      if (!call.params.empty()) command += "&" + call.params;
      form.emplace("cmd[p" + std::to_string(k) + "]", std::move(command));
    }
    std::string where = WhereAll(calls, asks);
    progress_.method = calls[asks.front().call].method;

    // The request, retried while the portal is busy.
    nlohmann::json envelope;
    std::string last_problem;
    std::chrono::milliseconds backoff = options_.first_backoff;
    for (int attempt = 1;; ++attempt) {
      if (attempt > options_.max_attempts) {
        return Status::Error(where + ": gave up after " + std::to_string(options_.max_attempts) +
                             " tries; last: " + last_problem);
      }
      if (attempt > 1) {
        SyncWait(options_.sleep, backoff);
        backoff *= 2;
      } else if (requested_) {
        SyncWait(options_.sleep, options_.pause);
      }
      requested_ = true;
      ++progress_.requests;
      httplib::Result response = client.Post(webhook_.path + "batch.json", form);
      if (!response) {
        last_problem = "no answer: " + httplib::to_string(response.error());
        continue;
      }
      nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
      std::string error = body.is_object() && body.contains("error") && body["error"].is_string()
                              ? body["error"].get<std::string>()
                              : "";
      if (response->status == 429 || response->status >= 500 || Busy(error)) {
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
      if (!body.is_object() || !body.contains("result") || !body["result"].is_object()) {
        return Status::Error(where + ": the batch answer has no result object");
      }
      envelope = std::move(body["result"]);
      break;
    }

    // The pages, one command at a time.
    auto part = [&envelope](const char* name) -> const nlohmann::json& {
      static const nlohmann::json kNone;
      auto found = envelope.find(name);
      return found == envelope.end() ? kNone : *found;
    };
    const nlohmann::json& results = part("result");
    const nlohmann::json& errors = part("result_error");
    const nlohmann::json& totals = part("result_total");
    const nlohmann::json& nexts = part("result_next");
    std::vector<PageAsk> again;
    for (size_t k = 0; k < asks.size(); ++k) {
      PageAsk ask = asks[k];
      const Bitrix24Call& call = calls[ask.call];
      std::string key = "p" + std::to_string(k);
      if (const nlohmann::json* error = Member(errors, key)) {
        std::string code = error->is_object() ? error->value("error", std::string()) : "";
        if (Busy(code) && ++ask.attempts < options_.max_attempts) {
          again.push_back(ask);
          continue;
        }
        return Status::Error(Where(call, ask.start) + ": the portal answered " + ErrorText(*error));
      }
      const nlohmann::json* result = Member(results, key);
      if (result == nullptr) {
        return Status::Error(Where(call, ask.start) + ": the batch answer has no result for it");
      }
      nlohmann::json page = {{"result", *result}};
      const nlohmann::json* total = Member(totals, key);
      const nlohmann::json* next = Member(nexts, key);
      if (total != nullptr) page["total"] = *total;
      if (next != nullptr) page["next"] = *next;
      SyncFolder folder(work, call.method, call.file_prefix);
      if (Status saved = folder.SavePage(ask.page, page.dump()); !saved.ok()) return saved;
      ++progress_.pages_saved;

      // The pages after this one: all of them at once when the total is known.
      CallState& state = states[ask.call];
      if (next != nullptr && next->is_number_integer()) {
        int64_t next_start = next->get<int64_t>();
        if (next_start > ask.start && next_start > state.planned_until) {
          int64_t page_size = next_start - ask.start;
          int64_t last = total != nullptr && total->is_number_integer() ? total->get<int64_t>()
                                                                        : next_start + 1;
          int page_number = ask.page + 1;
          for (int64_t start = next_start; start < last; start += page_size, ++page_number) {
            queue.push_back({ask.call, start, page_number, 0});
            ++state.outstanding;
            ++progress_.pages_known;
            state.planned_until = start;
          }
        }
      }
      if (--state.outstanding == 0) {
        if (Status done = finished(ask.call); !done.ok()) return done;
      }
    }
    if (!again.empty()) {
      // Commands the portal was too busy for: first in the next request, after a wait.
      SyncWait(options_.sleep, command_backoff);
      command_backoff *= 2;
      for (auto it = again.rbegin(); it != again.rend(); ++it) queue.push_front(*it);
    } else {
      command_backoff = options_.first_backoff;
    }
    if (options_.on_progress) options_.on_progress(progress_);
  }
  return Status::Ok();
}

}  // namespace voronka::bitrix24
