// Health, login, logout and /me.
#include "access/visibility_of.h"
#include "server/api.h"
#include "server/hooks.h"
#include "server/http_util.h"

namespace voronka {

namespace {

using nlohmann::json;

constexpr std::string_view kCookie = "voronka_session";
constexpr std::string_view kRefused = "wrong login or password";

std::string SessionCookie(std::string_view value, int64_t max_age_seconds, bool secure) {
  std::string cookie =
      std::string(kCookie) + "=" + std::string(value) +
      "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_seconds);
  if (secure) cookie += "; Secure";
  return cookie;
}

}  // namespace

std::map<std::string, RouteHandler> Api::Handlers() {
  auto bind = [this](void (Api::*method)(RouteContext&)) {
    return [this, method](RouteContext& context) { (this->*method)(context); };
  };
  return {
      {"GET /api/v1/health", bind(&Api::Health)},
      {"POST /api/v1/login", bind(&Api::Login)},
      {"POST /api/v1/logout", bind(&Api::Logout)},
      {"GET /api/v1/me", bind(&Api::Me)},
      {"GET /api/v1/meta", bind(&Api::Meta)},
      {"GET /api/v1/version", bind(&Api::Version)},
      {"POST /api/v1/report", bind(&Api::Report)},
      {"POST /api/v1/drilldown", bind(&Api::Drilldown)},
      {"POST /api/v1/export", bind(&Api::Export)},
      {"GET /api/v1/layout", bind(&Api::GetLayout)},
      {"PUT /api/v1/layout", bind(&Api::PutLayout)},
      {"GET /api/v1/filters", bind(&Api::GetFilters)},
      {"POST /api/v1/filters", bind(&Api::AddFilter)},
      {R"(DELETE /api/v1/filters/(\d+))", bind(&Api::DeleteFilter)},
      {"POST /api/v1/events", bind(&Api::Events)},
      {"GET /api/v1/feed", bind(&Api::Feed)},
      {"GET /api/v1/search", bind(&Api::Search)},
      {"POST /api/v1/feed/seen", bind(&Api::FeedSeen)},
      {"POST /api/v1/clients", bind(&Api::NewClientsReport)},
      {"POST /api/v1/activity_sources", bind(&Api::ActivitySourcesReport)},
      {"GET /api/v1/saved-reports", bind(&Api::ListSavedReports)},
      {"POST /api/v1/saved-reports", bind(&Api::AddSavedReport)},
      {R"(GET /api/v1/saved-reports/(\d+))", bind(&Api::GetSavedReport)},
      {R"(PUT /api/v1/saved-reports/(\d+))", bind(&Api::UpdateSavedReport)},
      {R"(DELETE /api/v1/saved-reports/(\d+))", bind(&Api::DeleteSavedReport)},
      {R"(POST /api/v1/saved-reports/(\d+)/report)", bind(&Api::RunSavedReport)},
      {"GET /api/v1/goals", bind(&Api::ListGoals)},
      {"POST /api/v1/goals", bind(&Api::SetGoal)},
      {R"(PUT /api/v1/goals/([A-Za-z0-9_.:-]+))", bind(&Api::SetGoal)},
      {R"(DELETE /api/v1/goals/([A-Za-z0-9_.:-]+))", bind(&Api::DeleteGoal)},
      {"GET /api/v1/settings", bind(&Api::GetSettings)},
      {"PUT /api/v1/settings", bind(&Api::PutSettings)},
      {"GET /api/v1/accounts", bind(&Api::ListAccounts)},
      {"POST /api/v1/accounts", bind(&Api::AddAccount)},
      {R"(PUT /api/v1/accounts/(\d+))", bind(&Api::UpdateAccount)},
      {"GET /api/v1/crm-users", bind(&Api::CrmUsers)},
      {"GET /api/v1/tokens", bind(&Api::ListTokens)},
      {"POST /api/v1/tokens", bind(&Api::CreateToken)},
      {R"(DELETE /api/v1/tokens/([0-9a-f]+))", bind(&Api::RevokeToken)},
      {"POST /api/v1/hooks/bitrix24", CrmHookHandler(runtime_, "bitrix24")},
      {"POST /api/v1/hooks/amocrm", CrmHookHandler(runtime_, "amocrm")},
  };
}

std::shared_ptr<const Engine> Api::EngineOf(RouteContext& context) {
  std::shared_ptr<const Engine> engine = runtime_.engine(context.workspace_id);
  if (engine != nullptr) return engine;
  Status facts = runtime_.FactsHealth();
  // In scale-out mode a workspace is read from ClickHouse on first use: say so when it is down.
  if (!facts.ok()) {
    SendFailure(context.response, facts, "the workspace cannot be loaded: ");
  } else {
    context.response.set_header("Retry-After", "5");
    SendError(context.response, 503, "the workspace cannot be loaded");
  }
  return engine;
}

Visibility Api::VisibilityOf(const Engine& engine, const Caller& caller) {
  Engine::ReadView view = engine.Read();
  return VisibilityOfAccount(caller.account, view.tables());
}

void Api::Health(RouteContext& context) {
  SendJson(context.response, 200, json{{"status", "ok"}});
}

void Api::Login(RouteContext& context) {
  std::optional<json> body = ParseBodyObject(context.request, context.response);
  if (!body) return;
  if (!(*body)["login"].is_string() || !(*body)["password"].is_string()) {
    SendError(context.response, 400, "login and password are required");
    return;
  }
  LoginResult result =
      sessions_.Login((*body)["login"].get<std::string>(), (*body)["password"].get<std::string>(),
                      context.request.remote_addr, context.now);
  switch (result.outcome) {
    case LoginResult::Outcome::kThrottled:
      context.response.set_header(
          "Retry-After",
          std::to_string(sessions_.policy().failure_window_micros / kMicrosPerSecond));
      SendError(context.response, 429, "too many failed logins; try again later");
      return;
    case LoginResult::Outcome::kRefused:
      SendError(context.response, 401, kRefused);
      return;
    case LoginResult::Outcome::kFailed:
      SendError(context.response, 500, "the session could not be stored");
      return;
    case LoginResult::Outcome::kOk:
      break;
  }
  context.response.set_header(
      "Set-Cookie",
      SessionCookie(result.session_id, sessions_.policy().absolute_micros / kMicrosPerSecond,
                    options_.secure_cookie));
  const Account& account = result.account;
  SendJson(context.response, 200,
           json{{"user",
                 {{"login", account.login},
                  {"name", account.name},
                  {"role", account.role},
                  {"crm_user_id", account.crm_user_id}}},
                {"csrf_token", result.csrf_token}});
}

void Api::Logout(RouteContext& context) {
  (void)sessions_.Logout(CookieValue(context.request, kCookie));
  context.response.set_header("Set-Cookie", SessionCookie("", 0, options_.secure_cookie));
  SendJson(context.response, 200, json{{"status", "logged out"}});
}

json Api::WorkspaceJson(int64_t workspace_id) {
  // The engine first: it loads a workspace added since the start, which the store then knows.
  std::shared_ptr<const Engine> engine = runtime_.engine(workspace_id);
  std::optional<WorkspaceInfo> info = runtime_.workspace_store().FindWorkspace(workspace_id);
  json workspace = {{"id", workspace_id}};
  if (engine) {
    Engine::ReadView view = engine->Read();
    const WorkspaceSettings& settings = view.tables().settings;
    workspace["name"] = !settings.name.empty() ? settings.name : (info ? info->name : "");
    workspace["time_zone"] = settings.time_zone.name();
    workspace["currency"] = settings.currency;
    workspace["locale"] = settings.locale;
    workspace["deal_url"] = settings.deal_url;
    workspace["forgotten_days"] = settings.forgotten_days;
  }
  if (info) {
    // The store's settings where the engine has none yet (an empty workspace).
    const WorkspaceRecord& stored = info->settings;
    if (!workspace.contains("name") || workspace["name"] == "") {
      workspace["name"] = stored.name.value_or(info->name);
    }
    if (!workspace.contains("time_zone")) workspace["time_zone"] = stored.time_zone.value_or("UTC");
    if (workspace["currency"].is_null() || workspace["currency"] == "") {
      workspace["currency"] = stored.currency.value_or("");
    }
    if (!workspace.contains("locale")) workspace["locale"] = stored.locale.value_or("ru");
    if (!workspace.contains("deal_url")) workspace["deal_url"] = stored.deal_url.value_or("");
    if (!workspace.contains("forgotten_days")) {
      workspace["forgotten_days"] = stored.forgotten_days.value_or(14);
    }
  }
  return workspace;
}

void Api::Me(RouteContext& context) {
  const Account& account = context.caller->account;
  json workspace = WorkspaceJson(account.workspace_id);
  std::string department;
  if (std::shared_ptr<const Engine> engine = runtime_.engine(account.workspace_id)) {
    department = DepartmentOfAccount(account, engine->Read().tables());
  }
  // What the menu and the dashboard may offer: the pages the role may open (and the admin
  // page for an admin), and whether widgets may be hidden.
  std::shared_ptr<const AdminSettings> settings = runtime_.settings(account.workspace_id);
  AdminSettings defaults;
  const AdminSettings& admin_settings = settings ? *settings : defaults;
  std::vector<std::string> visible = VisiblePages(admin_settings, account.role);
  json page_metrics = json::object();
  for (const std::string& page : visible) {
    auto listed = PageMetrics().find(page);
    if (listed != PageMetrics().end()) page_metrics[page] = listed->second;
  }
  json pages = visible;
  if (account.role == "admin") pages.push_back("admin");
  SendJson(
      context.response, 200,
      json{{"user",
            {{"login", account.login},
             {"name", account.name},
             {"role", account.role},
             {"crm_user_id", account.crm_user_id},
             {"department_id", department}}},
           {"workspace", workspace},
           {"pages", pages},
           {"page_metrics", page_metrics},
           {"may_hide_widgets", account.role == "admin" || admin_settings.users_may_hide_widgets},
           {"csrf_token", context.caller->csrf_token}});
}

}  // namespace voronka
