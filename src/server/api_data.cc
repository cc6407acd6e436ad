// The read routes (meta, version, report, drill-down, export) and ingest (events).
#include <charconv>
#include <map>
#include <memory>

#include "access/visibility_of.h"
#include "metrics/report.h"
#include "server/api.h"
#include "server/export.h"
#include "server/feed.h"
#include "server/http_util.h"
#include "server/meta.h"

namespace voronka {

namespace {

using nlohmann::json;

constexpr int64_t kExportRowLimit = 200000;  // a drill-down export without its own limit
constexpr int32_t kMaxFeedExportRows = 100000;
constexpr int64_t kDefaultSearchLimit = 20;
constexpr int64_t kMaxSearchLimit = 100;

// The display names of the users `items` name in "responsible" (items carry ids, and are
// already limited to what the caller may see).
UserNames UserNamesOf(const Engine& engine, const json& items) {
  auto names = std::make_shared<std::map<std::string, std::string>>();
  Engine::ReadView view = engine.Read();
  const UserTable& users = view.tables().users;
  for (const json& item : items) {
    json id = item.value("responsible", json());
    if (!id.is_string()) continue;
    int32_t user = users.ids.Find(id.get<std::string>());
    if (user != kNone) (*names)[id.get<std::string>()] = users.name[static_cast<size_t>(user)];
  }
  return [names](const std::string& id) {
    auto found = names->find(id);
    return found == names->end() ? std::string() : found->second;
  };
}
constexpr size_t kMaxExportMetrics = 32;  // columns of one multi-metric table

// RFC 5987 percent-encoding for filename*=.
std::string PercentEncoded(const std::string& text) {
  static const char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kDigits[c >> 4];
      out += kDigits[c & 15];
    }
  }
  return out;
}

// A file name from a title: no path separators, quotes or control characters.
std::string FileStem(const std::string& title) {
  std::string stem;
  for (unsigned char c : title) {
    bool bad = c < 0x20 || c == '/' || c == '\\' || c == '"' || c == ':' || c == '*' || c == '?' ||
               c == '<' || c == '>' || c == '|';
    stem += bad ? '_' : static_cast<char>(c);
  }
  if (stem.size() > 120)
    stem.resize(120);  // may cut a UTF-8 sequence; the encoding keeps it valid bytes
  return stem.empty() ? "export" : stem;
}

}  // namespace

void Api::Meta(RouteContext& context) {
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  Engine::ReadView view = engine->Read();
  Visibility visibility = VisibilityOfAccount(context.caller->account, view.tables());
  SendJson(context.response, 200, BuildMeta(view.tables(), context.caller->account, visibility));
}

void Api::Version(RouteContext& context) {
  SendJson(context.response, 200, json{{"version", runtime_.DataVersion(context.workspace_id)}});
}

void Api::Report(RouteContext& context) {
  std::optional<json> body = ParseBodyObject(context.request, context.response);
  if (!body || !AdmitReportRequest(context, *body)) return;
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  Visibility visibility = VisibilityOf(*engine, *context.caller);
  Result<std::string> answer =
      runtime_.Report(context.workspace_id, *engine, *body, Instant{context.now}, visibility);
  if (!answer.ok()) return SendFailure(context.response, answer.status());
  SendJsonText(context.response, 200, std::move(answer).value());
}

void Api::Drilldown(RouteContext& context) {
  std::optional<json> body = ParseBodyObject(context.request, context.response);
  if (!body || !AdmitReportRequest(context, *body)) return;
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  Visibility visibility = VisibilityOf(*engine, *context.caller);
  Result<std::string> answer =
      runtime_.Drilldown(context.workspace_id, *engine, *body, Instant{context.now}, visibility);
  if (!answer.ok()) return SendFailure(context.response, answer.status());
  SendJsonText(context.response, 200, std::move(answer).value());
}

// GET /search?q=TEXT[&offset=N][&limit=N][&sort=FIELD]: the deals and leads whose title contains
// TEXT in any letter case, newest first, among those the caller sees. It is the drill-down of
// deal_count over all time with a title filter, so its items, paging and visibility are the
// drill-down's; no page is named, so hidden pages do not limit it (it shows only deals).
void Api::Search(RouteContext& context) {
  std::string text = context.request.get_param_value("q");
  size_t first = text.find_first_not_of(" \t");
  size_t last = text.find_last_not_of(" \t");
  text = first == std::string::npos ? "" : text.substr(first, last - first + 1);
  if (text.size() < 2) return SendError(context.response, 400, "q: give at least 2 characters");
  json request = {{"metric", "deal_count"},
                  {"period", {{"from", "1970-01-01"}, {"to", "2200-01-01"}}},
                  {"filters", {{"title", {{"contains", text}}}, {"entity", {"deal", "lead"}}}},
                  {"sort", "-created_at"},
                  {"offset", 0},
                  {"limit", kDefaultSearchLimit}};
  // Any drill-down item field, "-" in front for descending (the drill-down checks it).
  if (context.request.has_param("sort")) request["sort"] = context.request.get_param_value("sort");
  for (const char* name : {"offset", "limit"}) {
    if (!context.request.has_param(name)) continue;
    std::string value = context.request.get_param_value(name);
    int64_t number = -1;
    auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), number);
    bool limit = std::string_view(name) == "limit";
    if (error != std::errc() || end != value.data() + value.size() || number < (limit ? 1 : 0) ||
        (limit && number > kMaxSearchLimit)) {
      return SendError(context.response, 400,
                       std::string(name) + (limit ? ": expected a whole number from 1 to 100"
                                                  : ": expected a whole number from 0"));
    }
    request[name] = number;
  }
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  Visibility visibility = VisibilityOf(*engine, *context.caller);
  Result<std::string> answer =
      runtime_.Drilldown(context.workspace_id, *engine, request, Instant{context.now}, visibility);
  if (!answer.ok()) return SendFailure(context.response, answer.status());
  SendJsonText(context.response, 200, std::move(answer).value());
}

void Api::Export(RouteContext& context) {
  std::optional<json> body = ParseBodyObject(context.request, context.response);
  if (!body) return;
  std::string format = body->value("format", "");
  if (format != "xlsx" && format != "csv") {
    return SendError(context.response, 400, "format: expected \"xlsx\" or \"csv\"");
  }
  std::string title = body->contains("title") && (*body)["title"].is_string()
                          ? (*body)["title"].get<std::string>()
                          : "Voronka";
  bool is_report = body->contains("report") && (*body)["report"].is_object();
  bool is_drilldown = body->contains("drilldown") && (*body)["drilldown"].is_object();
  bool is_sources = body->contains("activity_sources") && (*body)["activity_sources"].is_object();
  bool is_feed = body->contains("feed") && (*body)["feed"].is_object();
  if (int{is_report} + int{is_drilldown} + int{is_sources} + int{is_feed} != 1) {
    return SendError(context.response, 400,
                     "give exactly one of \"report\", \"drilldown\", \"activity_sources\" and "
                     "\"feed\"");
  }
  // The feed is no report (GET /feed admits it the same way): only the visibility applies.
  if (!is_feed && !AdmitReportRequest(context, (*body)[is_report      ? "report"
                                                       : is_drilldown ? "drilldown"
                                                                      : "activity_sources"])) {
    return;
  }
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  Visibility visibility = VisibilityOf(*engine, *context.caller);
  ExportTable table;
  // A table of several metrics ("metrics": [...]) runs the report once per metric.
  std::vector<std::string> metrics;
  if (body->contains("metrics")) {
    const json& list = (*body)["metrics"];
    if (!list.is_array() || list.empty() || list.size() > kMaxExportMetrics) {
      return SendError(context.response, 400, "metrics: expected a list of 1 to 32 metric names");
    }
    for (const json& metric : list) {
      if (!metric.is_string()) return SendError(context.response, 400, "metrics: expected names");
      metrics.push_back(metric.get<std::string>());
    }
  }
  if (is_report && !metrics.empty()) {
    std::vector<json> answers;
    for (const std::string& metric : metrics) {
      json request = (*body)["report"];
      request["metric"] = metric;
      if (!AdmitReportRequest(context, request)) return;  // each column, not only the first
      Result<json> answer = ParsedAnswer(runtime_.Report(context.workspace_id, *engine, request,
                                                         Instant{context.now}, visibility));
      if (!answer.ok()) {
        return SendFailure(context.response, answer.status(), "metrics: " + metric + ": ");
      }
      answers.push_back(std::move(answer).value());
    }
    table = TableOfReports(answers, (*body)["report"], metrics);
  } else if (is_sources) {
    // Activities by source (POST /activity_sources) as a report of activity_count by source.
    Result<json> answer =
        runtime_.ActivitySources(context.workspace_id, *engine, (*body)["activity_sources"],
                                 Instant{context.now}, visibility);
    if (!answer.ok()) return SendFailure(context.response, answer.status());
    table =
        TableOfReport(answer.value(), json{{"metric", "activity_count"}, {"group_by", {"source"}}});
  } else if (is_report) {
    const json& request = (*body)["report"];
    Result<json> answer = ParsedAnswer(
        runtime_.Report(context.workspace_id, *engine, request, Instant{context.now}, visibility));
    if (!answer.ok()) return SendFailure(context.response, answer.status());
    table = TableOfReport(answer.value(), request);
  } else if (is_feed) {
    // The events since `since` as GET /feed lists them, one row each, every column present.
    const json& feed = (*body)["feed"];
    Result<Instant> since = ParseInstant(feed.value("since", ""));
    if (!since.ok()) {
      return SendError(context.response, 400,
                       "feed.since: expected an RFC 3339 time such as 2024-03-01T10:00:00Z");
    }
    FeedWindow window{since.value().micros, context.now, kMaxFeedExportRows};
    Result<json> answer = runtime_.Feed(context.workspace_id, *engine, visibility, window);
    if (!answer.ok()) return SendFailure(context.response, answer.status());
    json items = json::array();
    for (const json& event : answer.value()["events"]) {
      json item;
      for (const char* key : {"kind", "title", "task_title", "deal_id", "from_stage_name",
                              "stage_name", "amount", "responsible", "at", "url"}) {
        item[key] = event.value(key, json());
      }
      items.push_back(std::move(item));
    }
    table = TableOfDrilldown(json{{"items", items}}, UserNamesOf(*engine, items));
  } else {
    json request = (*body)["drilldown"];
    if (!request.contains("limit")) request["limit"] = kExportRowLimit;
    Result<json> answer = ParsedAnswer(runtime_.Drilldown(context.workspace_id, *engine, request,
                                                          Instant{context.now}, visibility));
    if (!answer.ok()) return SendFailure(context.response, answer.status());
    table = TableOfDrilldown(answer.value(),
                             UserNamesOf(*engine, answer.value().value("items", json::array())));
  }
  if (body->contains("columns")) NameColumns(table, (*body)["columns"]);
  ExportStyle style;
  {
    Engine::ReadView view = engine->Read();
    style.zone = view.tables().settings.time_zone;
    style.currency = view.tables().settings.currency;
    style.language = view.tables().settings.locale;
  }
  if (body->contains("language") && (*body)["language"].is_string()) {
    style.language = (*body)["language"].get<std::string>();
  }
  std::string stem = FileStem(title);
  std::string content;
  std::string content_type;
  if (format == "csv") {
    content = WriteCsv(table, style);
    content_type = "text/csv; charset=utf-8";
  } else {
    Result<std::string> workbook = WriteXlsx(title, table, style);
    if (!workbook.ok()) return SendError(context.response, 500, workbook.message());
    content = std::move(workbook).value();
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  }
  context.response.set_header("Content-Disposition", "attachment; filename=\"export." + format +
                                                         "\"; filename*=UTF-8''" +
                                                         PercentEncoded(stem + "." + format));
  context.response.set_header("Cache-Control", "no-store");
  context.response.status = 200;
  context.response.set_content(content, content_type.c_str());
}

void Api::Events(RouteContext& context) {
  IngestOutcome outcome = runtime_.Ingest(context.workspace_id, context.request.body);
  if (outcome.unavailable) context.response.set_header("Retry-After", "5");
  if (!outcome.ok()) {
    return SendJson(context.response, outcome.unavailable ? 503 : 400,
                    json{{"errors", outcome.errors}});
  }
  SendJson(context.response, 200, json{{"applied", outcome.applied}, {"skipped", outcome.skipped}});
}

}  // namespace voronka
