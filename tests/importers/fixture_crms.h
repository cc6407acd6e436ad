// Loopback stand-ins for a Bitrix24 portal and an amoCRM account that serve a dump (the
// fixtures, or a changed copy) page by page in the APIs' own paging, for the sync and webhook
// tests. Both answer the filters by id that the webhooks use from all pages of the dump.
#pragma once

#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "model/time.h"

namespace voronka::testing {

using nlohmann::json;
using std::chrono::milliseconds;

inline constexpr char kAmocrmToken[] = "long-lived-token";

inline std::string ReadText(const std::string& file) {
  std::ifstream in(file);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every item of every page of DUMP/<folder>/<prefix>*.json (the array at `path`), in order.
inline json AllItems(const std::string& dump, const std::string& folder, const std::string& prefix,
                     const json::json_pointer& path) {
  json items = json::array();
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dump + "/" + folder)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".json" && name.rfind(prefix, 0) == 0) names.insert(name);
  }
  for (const std::string& name : names) {
    json page = json::parse(ReadText(dump + "/" + folder + "/" + name));
    if (page.contains(path) && page[path].is_array()) {
      for (const json& item : page[path]) items.push_back(item);
    }
  }
  return items;
}

// The text of an id as the APIs write it (a string in Bitrix24, a number in amoCRM).
inline std::string IdText(const json& value) {
  return value.is_string() ? value.get<std::string>() : value.dump();
}

// In fixtures/amocrm, lead 9003 (95 000, «Принимают решение» 33013) won on 2024-03-30 12:00
// Moscow time (1711789200): the event amoCRM would list.
inline json Lead9003WonEvent() {
  return {{"id", "01hr0100k9v6c6tqy8zq1a2b3"},
          {"type", "lead_status_changed"},
          {"entity_id", 9003},
          {"entity_type", "lead"},
          {"created_by", 7003},
          {"created_at", 1711789200},
          {"value_before", {{{"lead_status", {{"id", 33013}, {"pipeline_id", 3301}}}}}},
          {"value_after", {{{"lead_status", {{"id", 142}, {"pipeline_id", 3301}}}}}}};
}

// A CRM stand-in on loopback serving a dump. A page, named by a key, can be made to answer
// "too many requests" once or to fail until told otherwise; requests are counted.
class LoopbackCrm {
 public:
  virtual ~LoopbackCrm() = default;

  void RateLimitOnce(const std::string& key) {
    std::lock_guard lock(mutex_);
    rate_limited_.insert(key);
  }
  void Fail(const std::string& key, bool fail) {
    std::lock_guard lock(mutex_);
    if (fail) {
      failing_.insert(key);
    } else {
      failing_.erase(key);
    }
  }
  std::map<std::string, int> TakeRequests() {
    std::lock_guard lock(mutex_);
    return std::exchange(requests_, {});
  }

 protected:
  explicit LoopbackCrm(std::string dump) : dump_(std::move(dump)) {}

  // Serves GET `pattern` with Serve (called with mutex_ held). Derived classes call Stop() in
  // their destructor, before their members go.
  void Start(const std::string& pattern) {
    auto serve = [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard lock(mutex_);
      Serve(request, response);
    };
    server_.Get(pattern, serve);
    server_.Post(pattern, serve);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(milliseconds(1));
  }
  void Stop() {
    if (!thread_.joinable()) return;
    server_.stop();
    thread_.join();
  }
  virtual void Serve(const httplib::Request& request, httplib::Response& response) = 0;

  enum class Trouble { kNone, kRateLimited, kFailing };
  // Counts a request of `counter` and says how the page `key` is to be answered.
  Trouble Count(const std::string& counter, const std::string& key) {
    ++requests_[counter];
    if (rate_limited_.erase(key) > 0) return Trouble::kRateLimited;
    return failing_.contains(key) ? Trouble::kFailing : Trouble::kNone;
  }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(port_); }

  std::string dump_;

 private:
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::set<std::string> rate_limited_;
  std::set<std::string> failing_;
  std::map<std::string, int> requests_;
};

// Decodes a query string ("a=1&filter[%3EID]=5") into its pairs, as a portal reads it.
inline std::multimap<std::string, std::string> QueryPairs(const std::string& query) {
  auto decode = [](const std::string& text) {
    std::string out;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '+') {
        out += ' ';
      } else if (text[i] == '%' && i + 2 < text.size()) {
        out += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
        i += 2;
      } else {
        out += text[i];
      }
    }
    return out;
  };
  std::multimap<std::string, std::string> pairs;
  size_t start = 0;
  while (start < query.size()) {
    size_t end = query.find('&', start);
    if (end == std::string::npos) end = query.size();
    std::string pair = query.substr(start, end - start);
    size_t equals = pair.find('=');
    if (!pair.empty()) {
      pairs.emplace(decode(pair.substr(0, equals)),
                    equals == std::string::npos ? "" : decode(pair.substr(equals + 1)));
    }
    start = end + 1;
  }
  return pairs;
}

// "CHANGED_DATE" and "changedDate" alike: Bitrix24 filters tasks in upper case.
inline std::string FieldKey(const std::string& name) {
  std::string key;
  for (char c : name) {
    if (c != '_') key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return key;
}

// Serves DUMP/<method>/<prefix>NNNN.json: the page asked for is the one whose start the
// previous page's "next" gave. History pages are chosen by entityTypeId (2 deals, 1 leads).
// A filter (filter[KEY]=v, filter[>KEY]=v on numbers and date-times) is answered with the
// matching items of all pages on one page. `batch` runs up to 50 of these and answers in its
// result / result_error / result_total / result_next envelope; a rate-limited or failing page
// in it makes the whole request answer 503 QUERY_LIMIT_EXCEEDED or 500.
class FixturePortal : public LoopbackCrm {
 public:
  explicit FixturePortal(const std::string& dump) : LoopbackCrm(dump) {
    Start(R"(/rest/1/secret/([a-z.]+)\.json)");
  }
  ~FixturePortal() override { Stop(); }
  std::string webhook() const { return origin() + "/rest/1/secret/"; }

  // The filters of the commands asked so far ("crm.deal.list filter[>DATE_MODIFY]=...").
  std::vector<std::string> TakeFilters() { return std::exchange(filters_, {}); }
  // Makes one command of a batch ("crm.deal.list:3") answer `code` in result_error, once
  // for QUERY_LIMIT_EXCEEDED, every time otherwise; the other commands are answered.
  void CommandError(const std::string& key, const std::string& code) {
    command_errors_[key] = code;
  }

 private:
  using Params = std::multimap<std::string, std::string>;

  static std::string Param(const Params& params, const std::string& key, std::string otherwise) {
    auto found = params.find(key);
    return found == params.end() ? otherwise : found->second;
  }

  void Serve(const httplib::Request& request, httplib::Response& response) override {
    std::string method = request.matches[1];
    if (method == "batch") return ServeBatch(request, response);
    Params params(request.params.begin(), request.params.end());
    Trouble trouble = Count(method, method + ":" + Param(params, "start", "0"));
    if (Answered(trouble, response)) return;
    auto [status, body] = Answer(method, params);
    response.status = status;
    response.set_content(body.dump(), "application/json");
  }

  // A rate-limited or failing request's answer; false when it is to be answered normally.
  static bool Answered(Trouble trouble, httplib::Response& response) {
    if (trouble == Trouble::kRateLimited) {
      response.status = 503;
      response.set_content(
          R"({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"})",
          "application/json");
      return true;
    }
    if (trouble == Trouble::kFailing) {
      response.status = 500;
      response.set_content(R"({"error":"INTERNAL_SERVER_ERROR"})", "application/json");
      return true;
    }
    return false;
  }

  void ServeBatch(const httplib::Request& request, httplib::Response& response) {
    std::vector<std::tuple<std::string, std::string, Params>> commands;  // name, method, params
    Trouble worst = Trouble::kNone;
    for (const auto& [key, value] : request.params) {
      if (key.rfind("cmd[", 0) != 0 || key.back() != ']') continue;
      std::string name = key.substr(4, key.size() - 5);
      size_t question = value.find('?');
      std::string method = value.substr(0, question);
      Params params = QueryPairs(question == std::string::npos ? "" : value.substr(question + 1));
      Trouble trouble = Count(method, method + ":" + Param(params, "start", "0"));
      if (trouble == Trouble::kRateLimited) worst = trouble;
      if (trouble == Trouble::kFailing && worst == Trouble::kNone) worst = trouble;
      commands.emplace_back(name, method, std::move(params));
    }
    ++batches_;
    if (commands.size() > 50) {
      response.status = 400;
      response.set_content(R"({"error":"ERROR_BATCH_LENGTH_EXCEEDED"})", "application/json");
      return;
    }
    if (Answered(worst, response)) return;
    json result = json::object(), errors = json::object(), totals = json::object(),
         nexts = json::object();
    for (auto& [name, method, params] : commands) {
      auto command_error = command_errors_.find(method + ":" + Param(params, "start", "0"));
      if (command_error != command_errors_.end()) {
        errors[name] = {{"error", command_error->second},
                        {"error_description", "Ошибка выполнения команды"}};
        if (command_error->second == "QUERY_LIMIT_EXCEEDED") command_errors_.erase(command_error);
        continue;
      }
      auto [status, body] = Answer(method, params);
      if (status != 200) {
        errors[name] = body;
        continue;
      }
      result[name] = body["result"];
      if (body.contains("total")) totals[name] = body["total"];
      if (body.contains("next")) nexts[name] = body["next"];
    }
    // PHP writes an empty part as [].
    auto part = [](json& value) { return value.empty() ? json::array() : value; };
    json answer = {{"result",
                    {{"result", part(result)},
                     {"result_error", part(errors)},
                     {"result_total", part(totals)},
                     {"result_next", part(nexts)},
                     {"result_time", json::array()}}},
                   {"time", {{"start", 1711000000.1}, {"finish", 1711000000.2}}}};
    response.set_content(answer.dump(), "application/json");
  }

  // One list method's answer to `params`: the HTTP status and the body.
  std::pair<int, json> Answer(const std::string& method, const Params& params) {
    std::string start = Param(params, "start", "0");
    std::string prefix;
    if (method == "crm.stagehistory.list") {
      prefix = Param(params, "entityTypeId", "2") == "1" ? "lead-" : "deal-";
    }
    std::string items_path = method == "crm.stagehistory.list" ? "/result/items"
                             : method == "tasks.task.list"     ? "/result/tasks"
                                                               : "/result";
    std::vector<std::tuple<std::string, bool, std::string>> filters;  // key, greater, value
    for (const auto& [key, value] : params) {
      if (key.rfind("filter[", 0) != 0 || key.back() != ']') continue;
      std::string field = key.substr(7, key.size() - 8);
      bool greater = !field.empty() && field[0] == '>';
      filters.emplace_back(FieldKey(greater ? field.substr(1) : field), greater, value);
      filters_.push_back(method + " " + key + "=" + value);
    }
    if (!filters.empty()) {
      json found = json::array();
      for (const json& item : AllItems(dump_, method, prefix, json::json_pointer(items_path))) {
        bool matches = true;
        for (const auto& [field, greater, value] : filters) {
          const json* member = nullptr;
          for (const auto& [name, content] : item.items()) {
            if (FieldKey(name) == field) member = &content;
          }
          matches = matches && member != nullptr &&
                    (greater ? After(*member, value) : IdText(*member) == value);
        }
        if (matches) found.push_back(item);
      }
      json body = {{"total", found.size()}};
      body[json::json_pointer(items_path)] = found;
      return {200, body};
    }
    // Walk the pages from start 0, following "next", to the one asked for.
    std::string expected_start = "0";
    for (int page = 1;; ++page) {
      char name[32];
      std::snprintf(name, sizeof name, "%s%04d.json", prefix.c_str(), page);
      std::ifstream in(dump_ + "/" + method + "/" + name);
      if (!in) break;
      json body = json::parse(in);
      if (expected_start == start) return {200, body};
      if (!body.contains("next")) break;
      expected_start = std::to_string(body["next"].get<int64_t>());
    }
    if (start == "0") return {200, json{{"result", json::array()}, {"total", 0}}};
    return {400, json{{"error", "INVALID_REQUEST"}, {"error_description", "no such page"}}};
  }

  // Whether a member is past a filter value: numbers as numbers, date-times as instants.
  static bool After(const json& member, const std::string& value) {
    std::string text = IdText(member);
    Result<Instant> at = ParseInstant(text);
    Result<Instant> from = ParseInstant(value);
    if (at.ok() && from.ok()) return at.value() > from.value();
    if (member.is_null() || text.empty()) return false;
    return std::stoll(text) > std::stoll(value);
  }

  std::vector<std::string> filters_;
  std::map<std::string, std::string> command_errors_;
  int batches_ = 0;

 public:
  int batches() const { return batches_; }
};

// Serves DUMP/<path>/NNNN.json for ?page=N (1 when absent), 204 past the last page, 401
// without the token. A request with a filter[..][from] is answered from `changes` instead.
class FixtureAccount : public LoopbackCrm {
 public:
  explicit FixtureAccount(const std::string& dump) : LoopbackCrm(dump) {
    Start(R"(/api/v4/([a-z/]+))");
  }
  ~FixtureAccount() override { Stop(); }
  std::string base_url() const { return origin(); }

  // What a path answers to a request with a "from" filter: one page, or 204 when absent.
  void SetChanges(std::map<std::string, json> changes) {
    std::lock_guard lock(changes_mutex_);
    changes_ = std::move(changes);
  }
  // The "from" filter of each path's last request.
  std::map<std::string, std::string> TakeFilters() {
    std::lock_guard lock(changes_mutex_);
    return std::exchange(filters_, {});
  }

 private:
  void Serve(const httplib::Request& request, httplib::Response& response) override {
    std::lock_guard lock(changes_mutex_);
    if (request.get_header_value("Authorization") != std::string("Bearer ") + kAmocrmToken) {
      response.status = 401;
      response.set_content(R"({"title":"Unauthorized","status":401,"detail":"Invalid token"})",
                           "application/problem+json");
      return;
    }
    std::string path = request.matches[1];
    std::string page = request.has_param("page") ? request.get_param_value("page") : "1";
    Trouble trouble = Count(path, path + ":" + page);
    if (trouble == Trouble::kRateLimited) {
      response.status = 429;
      return;
    }
    if (trouble == Trouble::kFailing) {
      response.status = 502;
      return;
    }
    std::string from;
    for (const char* filter : {"filter[updated_at][from]", "filter[created_at][from]"}) {
      if (request.has_param(filter)) from = request.get_param_value(filter);
    }
    if (!from.empty()) {
      filters_[path] = from;
      if (auto found = changes_.find(path); found != changes_.end() && page == "1") {
        response.set_content(found->second.dump(), "application/hal+json");
      } else {
        response.status = 204;
      }
      return;
    }
    // filter[id][] / filter[entity_id][]: the matching items of all pages, on one page.
    for (const char* key : {"id", "entity_id"}) {
      std::string filter = std::string("filter[") + key + "][]";
      if (!request.has_param(filter)) continue;
      std::set<std::string> wanted;
      for (size_t i = 0; i < request.get_param_value_count(filter); ++i) {
        wanted.insert(request.get_param_value(filter, i));
      }
      std::string folder = path.substr(path.rfind('/') + 1);
      json found = json::array();
      for (const json& item :
           AllItems(dump_, path, "", json::json_pointer("/_embedded/" + folder))) {
        if (item.contains(key) && wanted.contains(IdText(item[key]))) found.push_back(item);
      }
      if (found.empty()) {
        response.status = 204;
      } else {
        json body = {{"_page", 1}};
        body["_embedded"][folder] = found;
        response.set_content(body.dump(), "application/hal+json");
      }
      return;
    }
    char name[16];
    std::snprintf(name, sizeof name, "%04d.json", std::stoi(page));
    std::string file = dump_ + "/" + path + "/" + name;
    if (!std::filesystem::exists(file)) {
      response.status = 204;
      return;
    }
    response.set_content(ReadText(file), "application/hal+json");
  }

  std::mutex changes_mutex_;
  std::map<std::string, json> changes_;
  std::map<std::string, std::string> filters_;
};

}  // namespace voronka::testing
