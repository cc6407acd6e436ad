// The handlers behind the routes of server/routes.h. HttpServer authenticates the caller
// (session and CSRF, or ingest token) before a handler runs; a handler applies the caller's
// workspace and visibility to everything it answers.
#pragma once

#include <httplib.h>

#include <functional>
#include <map>
#include <string>

#include "access/sessions.h"
#include "metrics/visibility.h"
#include "server/runtime.h"

namespace voronka {

// What a handler knows about the request. `caller` is set on session routes;
// `workspace_id` on session and ingest routes.
struct RouteContext {
  const httplib::Request& request;
  httplib::Response& response;
  const Caller* caller = nullptr;
  int64_t workspace_id = 0;
  int64_t now = 0;  // micros UTC
};

using RouteHandler = std::function<void(RouteContext&)>;

struct ApiOptions {
  bool secure_cookie = false;  // add `Secure` to the session cookie (served over TLS)
};

class Api {
 public:
  Api(Runtime& runtime, SessionManager& sessions, ApiOptions options)
      : runtime_(runtime), sessions_(sessions), options_(options) {}

  // Handlers keyed "METHOD pattern", one per entry of ApiRoutes().
  std::map<std::string, RouteHandler> Handlers();

 private:
  // api_session.cc
  void Health(RouteContext& context);
  void Login(RouteContext& context);
  void Logout(RouteContext& context);
  void Me(RouteContext& context);
  // The workspace's own settings (name, time zone, currency, locale, deep link, threshold):
  // the engine's, else the store's.
  nlohmann::json WorkspaceJson(int64_t workspace_id);
  // api_data.cc
  void Meta(RouteContext& context);
  void Version(RouteContext& context);
  void Report(RouteContext& context);
  void Drilldown(RouteContext& context);
  void Export(RouteContext& context);
  void Events(RouteContext& context);
  // api_personal.cc
  void GetLayout(RouteContext& context);
  void PutLayout(RouteContext& context);
  void GetFilters(RouteContext& context);
  void AddFilter(RouteContext& context);
  void DeleteFilter(RouteContext& context);
  // api_feed.cc
  void Feed(RouteContext& context);
  void Search(RouteContext& context);
  void FeedSeen(RouteContext& context);
  void NewClientsReport(RouteContext& context);
  void ActivitySourcesReport(RouteContext& context);
  void RunTablesReport(RouteContext& context,
                       Result<nlohmann::json> (Runtime::*run)(int64_t, const Engine&,
                                                              const nlohmann::json&, Instant,
                                                              const Visibility&) const);
  // api_reports.cc (saved reports of the report builder)
  void ListSavedReports(RouteContext& context);
  void GetSavedReport(RouteContext& context);
  void AddSavedReport(RouteContext& context);
  void UpdateSavedReport(RouteContext& context);
  void DeleteSavedReport(RouteContext& context);
  void RunSavedReport(RouteContext& context);
  // The saved report of the path's id in the caller's workspace when the caller may open it; otherwise
  // none (and a 404 answered).
  std::optional<SavedReport> ReadSavedReport(RouteContext& context, const Engine& engine);
  // Reads a POST/PUT body into `report`; false (and an error answered) when it is not valid.
  bool ParseSavedReport(RouteContext& context, const Engine& engine, const nlohmann::json& body,
                        SavedReport& report);
  // api_goals.cc
  void ListGoals(RouteContext& context);
  void SetGoal(RouteContext& context);
  void DeleteGoal(RouteContext& context);
  // api_admin.cc (admin only; 403 for anyone else)
  void GetSettings(RouteContext& context);
  void PutSettings(RouteContext& context);
  void ListAccounts(RouteContext& context);
  void AddAccount(RouteContext& context);
  void UpdateAccount(RouteContext& context);
  void CrmUsers(RouteContext& context);
  void ListTokens(RouteContext& context);
  void CreateToken(RouteContext& context);
  void RevokeToken(RouteContext& context);

  // Ingests the `workspace` member of PUT /settings as a workspace record; false (and a 400
  // answered, naming the member) when it is refused.
  bool ApplyWorkspaceMember(RouteContext& context, const nlohmann::json& member);

  // False (and a 403 answered) when the caller is not an admin of its workspace.
  bool RequireAdmin(RouteContext& context);
  // False (and a 403 answered) when the report request is for a page or metric hidden from
  // the caller's role; otherwise fills in the workspace's report defaults.
  bool AdmitReportRequest(RouteContext& context, nlohmann::json& request);

  // The engine of the caller's workspace, or null (and a 503 answered).
  std::shared_ptr<const Engine> EngineOf(RouteContext& context);
  // The caller's visibility over its workspace (SPEC §6).
  Visibility VisibilityOf(const Engine& engine, const Caller& caller);

  Runtime& runtime_;
  SessionManager& sessions_;
  ApiOptions options_;
};

}  // namespace voronka
