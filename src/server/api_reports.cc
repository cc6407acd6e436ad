// Saved reports of the report builder (SPEC §5): made by anyone, shared by admins and heads
// with roles and departments, run with the viewer's own visibility — a manager opening a
// report shared with managers sees their own rows only. A report the caller may not open
// answers as a missing one (404), so ids tell nothing; one the caller may open but not change
// answers 403 to a change.
#include <algorithm>
#include <array>
#include <map>
#include <string_view>

#include "access/role.h"
#include "access/visibility_of.h"
#include "metrics/report.h"
#include "model/time.h"
#include "server/api.h"
#include "server/http_util.h"

namespace voronka {

namespace {

using nlohmann::json;

constexpr size_t kMaxReportBytes = 64 * 1024;
constexpr size_t kMaxNameLength = 200;
constexpr size_t kMaxReportsPerWorkspace = 2000;
constexpr std::array<std::string_view, 7> kCharts = {"number", "line",   "bars", "stacked_bars",
                                                     "pie",    "funnel", "table"};
// What a viewer may set when running a saved report: the dashboard's period and filter bar.
constexpr std::array<std::string_view, 3> kRunOverrides = {"period", "as_of", "compare"};

bool IsAdmin(const Account& account) {
  return account.role == "admin";
}

bool MayOpen(const SavedReport& report, const Account& account, const Tables& tables) {
  if (report.owner_account_id == account.id || IsAdmin(account)) return true;
  for (const std::string& role : report.shared_roles) {
    if (role == account.role) return true;
  }
  for (const std::string& department : report.shared_departments) {
    if (AccountInDepartment(account, tables, department)) return true;
  }
  return false;
}

bool MayChange(const SavedReport& report, const Account& account) {
  return report.owner_account_id == account.id || IsAdmin(account);
}

// The stored body {"report", "chart", "goal_line"} with its defaults filled in.
json SavedBody(const SavedReport& report) {
  json body = json::parse(report.body, nullptr, /*allow_exceptions=*/false);
  return json{{"report", body.is_object() ? body.value("report", json::object()) : json::object()},
              {"chart", body.is_object() ? body.value("chart", "table") : "table"},
              {"goal_line", body.is_object() ? body.value("goal_line", json()) : json()}};
}

// The display name of an account, "" when it is gone.
std::string AccountName(const AccountStore& accounts, int64_t id) {
  std::optional<Account> account = accounts.FindAccount(id);
  return account ? account->name : "";
}

// One report as the caller sees it; `owner_name` the display name of its owner's account.
json SavedReportJson(const SavedReport& report, const Account& caller,
                     const std::string& owner_name) {
  json body = SavedBody(report);
  return json{{"id", report.id},
              {"name", report.name},
              {"report", body["report"]},
              {"chart", body["chart"]},
              {"goal_line", body["goal_line"]},
              {"shared_roles", report.shared_roles},
              {"shared_departments", report.shared_departments},
              {"owner", owner_name},
              {"mine", report.owner_account_id == caller.id},
              {"editable", MayChange(report, caller)},
              {"created_at", FormatInstant(Instant{report.created_at})},
              {"updated_at", FormatInstant(Instant{report.updated_at})}};
}

std::optional<std::vector<std::string>> StringList(const json& body, const char* member,
                                                   std::string& error) {
  std::vector<std::string> values;
  if (!body.contains(member) || body[member].is_null()) return values;
  if (!body[member].is_array()) {
    error = std::string(member) + ": expected a list of strings";
    return std::nullopt;
  }
  for (const json& value : body[member]) {
    if (!value.is_string() || value.get<std::string>().empty()) {
      error = std::string(member) + ": expected a list of strings";
      return std::nullopt;
    }
    values.push_back(value.get<std::string>());
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

// The body of a POST or PUT: a JSON object of at most kMaxReportBytes (else an error answered).
std::optional<json> ReportBody(RouteContext& context) {
  if (context.request.body.size() > kMaxReportBytes) {
    SendError(context.response, 413, "a saved report is at most 64 KiB");
    return std::nullopt;
  }
  return ParseBodyObject(context.request, context.response);
}

// Answers the stored report `id` as the caller sees it.
void SendStored(RouteContext& context, Runtime& runtime, int64_t id, int status) {
  std::optional<SavedReport> stored = runtime.saved_reports().Find(context.workspace_id, id);
  if (!stored) return SendError(context.response, 500, "the report could not be stored");
  SendJson(context.response, status,
           SavedReportJson(*stored, context.caller->account,
                           AccountName(runtime.accounts(), stored->owner_account_id)));
}

int64_t IdOf(const httplib::Request& request) {
  try {
    return std::stoll(request.matches[1].str());
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

std::optional<SavedReport> Api::ReadSavedReport(RouteContext& context, const Engine& engine) {
  std::optional<SavedReport> report =
      runtime_.saved_reports().Find(context.workspace_id, IdOf(context.request));
  Engine::ReadView view = engine.Read();
  if (!report || !MayOpen(*report, context.caller->account, view.tables())) {
    SendError(context.response, 404, "not found");
    return std::nullopt;
  }
  return report;
}

// Validates a body of POST or PUT into `report` (name, body, sharing); false with a 400 (or
// 403 for sharing by a manager) answered. The report request must run for the caller.
bool Api::ParseSavedReport(RouteContext& context, const Engine& engine, const json& body,
                           SavedReport& report) {
  const Account& account = context.caller->account;
  if (!body.contains("name") || !body["name"].is_string() ||
      body["name"].get<std::string>().empty() ||
      body["name"].get<std::string>().size() > kMaxNameLength) {
    SendError(context.response, 400, "name: expected a non-empty string of at most 200 bytes");
    return false;
  }
  if (!body.contains("report") || !body["report"].is_object()) {
    SendError(context.response, 400, "report: expected a report request (an object)");
    return false;
  }
  std::string chart = body.value("chart", "table");
  if (std::find(kCharts.begin(), kCharts.end(), chart) == kCharts.end()) {
    SendError(context.response, 400,
              "chart: expected one of number, line, bars, stacked_bars, pie, funnel, table");
    return false;
  }
  json goal_line = body.value("goal_line", json());
  if (!goal_line.is_null() && !goal_line.is_number() && !goal_line.is_string()) {
    SendError(context.response, 400, "goal_line: expected a number, a decimal string or null");
    return false;
  }
  std::string error;
  std::optional<std::vector<std::string>> roles = StringList(body, "shared_roles", error);
  std::optional<std::vector<std::string>> departments =
      roles ? StringList(body, "shared_departments", error) : std::nullopt;
  if (!roles || !departments) {
    SendError(context.response, 400, error);
    return false;
  }
  for (const std::string& role : *roles) {
    if (!ParseRole(role)) {
      SendError(context.response, 400,
                "shared_roles: '" + role + "' is not admin, head or manager");
      return false;
    }
  }
  {
    Engine::ReadView view = engine.Read();
    for (const std::string& department : *departments) {
      if (view.tables().departments.ids.Find(department) == kNone) {
        SendError(context.response, 400,
                  "shared_departments: unknown department '" + department + "'");
        return false;
      }
    }
  }
  if ((!roles->empty() || !departments->empty()) && account.role == "manager") {
    SendError(context.response, 403, "only admins and heads share reports");
    return false;
  }
  // The request must be one the caller may run: a hidden metric or a malformed request is
  // refused now, not when someone opens the dashboard.
  json request = body["report"];
  if (!AdmitReportRequest(context, request)) return false;
  Result<std::string> answer =
      runtime_.Report(context.workspace_id, engine, request, Instant{context.now},
                      VisibilityOf(engine, *context.caller));
  if (!answer.ok()) {
    SendFailure(context.response, answer.status(), "report: ");
    return false;
  }
  report.workspace_id = context.workspace_id;
  report.name = body["name"].get<std::string>();
  report.body = json{{"report", body["report"]}, {"chart", chart}, {"goal_line", goal_line}}.dump();
  report.shared_roles = std::move(*roles);
  report.shared_departments = std::move(*departments);
  return true;
}

void Api::ListSavedReports(RouteContext& context) {
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  Engine::ReadView view = engine->Read();
  // Owners' names in one query, not one per report.
  std::map<int64_t, std::string> names;
  for (const Account& account : runtime_.accounts().Accounts(context.workspace_id)) {
    names[account.id] = account.name;
  }
  json list = json::array();
  for (const SavedReport& report : runtime_.saved_reports().List(context.workspace_id)) {
    if (!MayOpen(report, context.caller->account, view.tables())) continue;
    list.push_back(
        SavedReportJson(report, context.caller->account, names[report.owner_account_id]));
  }
  SendJson(context.response, 200, list);
}

void Api::GetSavedReport(RouteContext& context) {
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  std::optional<SavedReport> report = ReadSavedReport(context, *engine);
  if (!report) return;
  SendJson(context.response, 200,
           SavedReportJson(*report, context.caller->account,
                           AccountName(runtime_.accounts(), report->owner_account_id)));
}

void Api::AddSavedReport(RouteContext& context) {
  std::optional<json> body = ReportBody(context);
  if (!body) return;
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  SavedReport report;
  if (!ParseSavedReport(context, *engine, *body, report)) return;
  if (runtime_.saved_reports().List(context.workspace_id).size() >= kMaxReportsPerWorkspace) {
    return SendError(context.response, 400, "too many saved reports; delete some first");
  }
  report.owner_account_id = context.caller->account.id;
  Result<int64_t> id = runtime_.saved_reports().Add(report, context.now);
  if (!id.ok()) return SendError(context.response, 500, "the report could not be stored");
  SendStored(context, runtime_, id.value(), 201);
}

void Api::UpdateSavedReport(RouteContext& context) {
  std::optional<json> body = ReportBody(context);
  if (!body) return;
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  std::optional<SavedReport> current = ReadSavedReport(context, *engine);
  if (!current) return;
  if (!MayChange(*current, context.caller->account)) {
    return SendError(context.response, 403, "only the owner or an admin changes a report");
  }
  SavedReport report = *current;
  if (!ParseSavedReport(context, *engine, *body, report)) return;
  Result<bool> updated = runtime_.saved_reports().Update(report, context.now);
  if (!updated.ok() || !updated.value()) {
    return SendError(context.response, 500, "the report could not be stored");
  }
  SendStored(context, runtime_, report.id, 200);
}

void Api::DeleteSavedReport(RouteContext& context) {
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  std::optional<SavedReport> current = ReadSavedReport(context, *engine);
  if (!current) return;
  if (!MayChange(*current, context.caller->account)) {
    return SendError(context.response, 403, "only the owner or an admin deletes a report");
  }
  Result<bool> deleted = runtime_.saved_reports().Delete(context.workspace_id, current->id);
  if (!deleted.ok()) return SendError(context.response, 500, "the report could not be deleted");
  SendJson(context.response, 200, json{{"deleted", current->id}});
}

// Runs a saved report for the caller: its request with the caller's visibility, the period,
// as_of and compare of the body when given, and the body's filters added to the saved ones
// (a filter named in both takes the body's values).
void Api::RunSavedReport(RouteContext& context) {
  json overrides = json::object();
  if (!context.request.body.empty()) {
    std::optional<json> body = ParseBodyObject(context.request, context.response);
    if (!body) return;
    overrides = std::move(*body);
  }
  if (overrides.contains("filters") && !overrides["filters"].is_object()) {
    return SendError(context.response, 400, "filters: expected an object");
  }
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  std::optional<SavedReport> report = ReadSavedReport(context, *engine);
  if (!report) return;
  json saved = SavedBody(*report);
  json request = saved["report"];
  for (std::string_view member : kRunOverrides) {
    std::string name(member);
    if (overrides.contains(name)) request[name] = overrides[name];
  }
  if (overrides.contains("filters")) {
    if (!request.contains("filters") || !request["filters"].is_object()) {
      request["filters"] = json::object();
    }
    for (const auto& [name, values] : overrides["filters"].items())
      request["filters"][name] = values;
  }
  if (!AdmitReportRequest(context, request)) return;
  Result<json> answer =
      ParsedAnswer(runtime_.Report(context.workspace_id, *engine, request, Instant{context.now},
                                   VisibilityOf(*engine, *context.caller)));
  if (!answer.ok()) return SendFailure(context.response, answer.status());
  json out = std::move(answer).value();
  out["saved_report"] = json{{"id", report->id},
                             {"name", report->name},
                             {"chart", saved["chart"]},
                             {"goal_line", saved["goal_line"]}};
  SendJson(context.response, 200, out);
}

}  // namespace voronka
