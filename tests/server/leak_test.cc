// Nothing leaks: for every route the server registers (server/routes.h), each role and a user
// of another workspace ask for what they must not see, and get no trace of it. Plus: a
// manager's and a head's numbers equal the admin's report filtered to what they see.
#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <regex>

#include "access/secret.h"
#include "api_fixture.h"
#include "server/routes.h"

namespace voronka {
namespace {

using nlohmann::json;
using testing::Browser;
using testing::MarchReport;

class LeakTest : public testing::ApiFixture {
 protected:
  // Asserts that `body`, answered to `login`, shows nothing it must not. To the main
  // workspace's outsiders (Boris, the head): nothing of Vera (u3, Support d3, her deal D3 of
  // 400.00, her source) nor of the other workspace (Xenia, X1, 1600.00, its source). To the
  // other workspace's admin: nothing of the main workspace at all. To nobody: the main admin's
  // own layout and saved filter.
  // The CSRF token is random text, and the server's clock readings (the feed's "until", a
  // visit's time, a filter's creation) end in microseconds: "D3" or "400" turn up in them by
  // chance. Both are blanked before looking, so the check fails on data and not on luck. The
  // fixture's own times are whole seconds, so no data is blanked with them.
  static std::string WithoutRandomText(std::string body) {
    const std::string key = "\"csrf_token\":\"";
    for (size_t at = body.find(key); at != std::string::npos; at = body.find(key, at)) {
      at += key.size();
      size_t end = body.find('"', at);
      if (end == std::string::npos) break;
      body.replace(at, end - at, "");
    }
    static const std::regex kFractionOfASecond(R"(\.[0-9]+Z)");
    static const std::regex kMicrosSinceEpoch("[0-9]{16,}");
    body = std::regex_replace(body, kFractionOfASecond, "Z");
    return std::regex_replace(body, kMicrosSinceEpoch, "0");
  }

  static void ExpectNoForeignData(const std::string& raw_body, const std::string& what,
                                  const std::string& login) {
    const std::string body = WithoutRandomText(raw_body);
    std::vector<std::string> secrets = {"ADMIN_LAYOUT", "ADMIN_FILTER", "ADMIN_REPORT"};
    if (login == "xadmin") {
      for (const char* main :
           {"Anna",    "Boris",  "Vera",   "Gleb",   "D1",      "D2",          "D3",    "D4",
            "\"u1\"",  "\"u2\"", "\"u3\"", "\"u4\"", "\"web\"", "vera_source", "Sales", "North",
            "Support", "B2B",    "100.00", "200.00", "400.00",  "800.00"}) {
        secrets.push_back(main);
      }
    } else {
      for (const char* foreign : {"Vera", "\"u3\"", "D3", "400", "vera_source", "Support", "Xenia",
                                  "X1", "1600", "other_source", "Retail"}) {
        secrets.push_back(foreign);
      }
    }
    for (const std::string& secret : secrets) {
      EXPECT_EQ(body.find(secret), std::string::npos)
          << what << " shows " << secret << ": " << body;
    }
  }

  // Logins of the callers who must not see Vera's data: Boris (manager of u2), Anna's head
  // account (d1 and d2, not d3) and the admin of the other workspace.
  const std::vector<std::string> kOutsiders = {"boris", "head", "xadmin"};
};

TEST_F(LeakTest, EveryRouteIsCoveredAndRefusesTheWrongCaller) {
  Browser admin = Login("admin");
  // What the admin of the main workspace keeps for themself.
  ASSERT_EQ(
      Call("PUT", "/api/v1/layout?page=overview", &admin, R"({"mark":"ADMIN_LAYOUT"})")->status,
      200);
  auto saved = Call("POST", "/api/v1/filters", &admin,
                    R"({"name":"ADMIN_FILTER","filters":{"responsible":["u3"]}})");
  ASSERT_EQ(saved->status, 201);
  std::string admin_filter = "/api/v1/filters/" + std::to_string(Json(saved)["id"].get<int64_t>());
  // A private report of the admin's, and one shared with every manager that groups by user.
  auto private_report = Call("POST", "/api/v1/saved-reports", &admin,
                             R"({"name":"ADMIN_REPORT","report":)" +
                                 MarchReport("won_amount", R"(,"filters":{"responsible":["u3"]})") +
                                 "}");
  ASSERT_EQ(private_report->status, 201) << private_report->body;
  std::string admin_report =
      "/api/v1/saved-reports/" + std::to_string(Json(private_report)["id"].get<int64_t>());
  auto shared_report = Call("POST", "/api/v1/saved-reports", &admin,
                            R"({"name":"Won by manager","shared_roles":["manager","head"],"report":)" +
                                MarchReport("won_amount", R"(,"group_by":["responsible"])") + "}");
  ASSERT_EQ(shared_report->status, 201) << shared_report->body;
  std::string shared_run = "/api/v1/saved-reports/" +
                           std::to_string(Json(shared_report)["id"].get<int64_t>()) + "/report";
  // A goal of Vera's: 400.00 of won in March.
  ASSERT_EQ(Call("POST", "/api/v1/goals", &admin,
                 R"({"id":"vera-goal","scope":"user","scope_id":"u3","metric":"won_amount","period":"2024-03","target":"400"})")
                ->status,
            201);
  auto vera_goal_target = [&] {
    Engine::ReadView view = runtime_->engine(main_)->Read();
    return view.tables().goals[static_cast<size_t>(view.tables().goal_ids.Find("vera-goal"))];
  };
  const GoalRecord vera_goal = vera_goal_target();
  std::string token = runtime_->store().CreateIngestToken(main_).value();
  std::string token_id;  // as the admin's token list names it: the start of its hash, hex
  for (unsigned char c : SecretHash(token).substr(0, 8)) {
    token_id += "0123456789abcdef"[c >> 4];
    token_id += "0123456789abcdef"[c & 15];
  }

  const std::string forged = R"(,"filters":{"responsible":["u3"]},"group_by":["responsible"])";
  const std::string by_user = R"(,"group_by":["responsible","source"])";
  using Check = std::function<void(const Browser& caller, const std::string& login)>;
  std::map<std::string, Check> checks = {
      {"GET /api/v1/health",
       [&](const Browser&, const std::string&) {
         EXPECT_EQ(client_->Get("/api/v1/health")->body, R"({"status":"ok"})");
       }},
      {"POST /api/v1/login",
       [&](const Browser&, const std::string& login) {
         // Logging in tells only about oneself.
         auto response = LoginRaw(login, login + "-pw");
         ExpectNoForeignData(response->body, "login", login);
       }},
      {"POST /api/v1/logout",
       [&](const Browser&, const std::string&) {
         // Logging out a throwaway session of someone else's browser is not possible without
         // its cookie: without one it is a 401.
         EXPECT_EQ(Call("POST", "/api/v1/logout", nullptr, "{}")->status, 401);
       }},
      {"GET /api/v1/me",
       [&](const Browser& caller, const std::string& login) {
         ExpectNoForeignData(Call("GET", "/api/v1/me", &caller)->body, "me", login);
       }},
      {"GET /api/v1/meta",
       [&](const Browser& caller, const std::string& login) {
         ExpectNoForeignData(Call("GET", "/api/v1/meta", &caller)->body, "meta", login);
       }},
      {"GET /api/v1/version",
       [&](const Browser& caller, const std::string&) {
         auto response = Call("GET", "/api/v1/version", &caller);
         EXPECT_EQ(response->status, 200);
         EXPECT_TRUE(Json(response)["version"].is_number_integer());
       }},
      {"POST /api/v1/report",
       [&](const Browser& caller, const std::string& login) {
         for (const std::string& extra : {forged, by_user}) {
           auto response =
               Call("POST", "/api/v1/report", &caller, MarchReport("won_amount", extra));
           EXPECT_EQ(response->status, 200) << response->body;
           ExpectNoForeignData(response->body, "report" + extra, login);
         }
       }},
      {"POST /api/v1/drilldown",
       [&](const Browser& caller, const std::string& login) {
         json request = json::parse(MarchReport("won_amount"));
         request["group"] = {{"responsible", "u3"}};
         request["group_by"] = {"responsible"};
         auto response = Call("POST", "/api/v1/drilldown", &caller, request.dump());
         if (response->status == 200) {
           EXPECT_EQ(Json(response)["total"], 0);
         }
         ExpectNoForeignData(response->body, "drilldown of Vera's row", login);
         auto all = Call("POST", "/api/v1/drilldown", &caller, MarchReport("created_count"));
         ExpectNoForeignData(all->body, "drilldown of everything", login);
       }},
      {"POST /api/v1/export",
       [&](const Browser& caller, const std::string& login) {
         for (const char* format : {"csv", "xlsx"}) {
           json report = {{"format", format},
                          {"title", "t"},
                          {"report", json::parse(MarchReport("won_amount", by_user))}};
           auto response = Call("POST", "/api/v1/export", &caller, report.dump());
           EXPECT_EQ(response->status, 200);
           if (std::string(format) == "csv") ExpectNoForeignData(response->body, "export", login);
           json drill = {{"format", format},
                         {"title", "t"},
                         {"drilldown", json::parse(MarchReport("created_count", forged))}};
           response = Call("POST", "/api/v1/export", &caller, drill.dump());
           EXPECT_EQ(response->status, 200);
           if (std::string(format) == "csv") ExpectNoForeignData(response->body, "export", login);
         }
       }},
      {"GET /api/v1/layout",
       [&](const Browser& caller, const std::string& login) {
         ExpectNoForeignData(Call("GET", "/api/v1/layout?page=overview", &caller)->body, "layout",
                             login);
       }},
      {"PUT /api/v1/layout",
       [&](const Browser& caller, const std::string&) {
         // Only an admin of the workspace sets role defaults; xadmin's land in its own one.
         auto response = Call("PUT", "/api/v1/layout?page=overview&role=manager", &caller, "{}");
         if (response->status == 200) {
           EXPECT_EQ(Call("GET", "/api/v1/layout?page=overview", &caller)->status, 200);
         } else {
           EXPECT_EQ(response->status, 403);
         }
         Browser boris = Login("boris");
         ExpectNoForeignData(Call("GET", "/api/v1/layout?page=overview", &boris)->body,
                             "layout after another's PUT", "boris");
       }},
      {"GET /api/v1/filters",
       [&](const Browser& caller, const std::string& login) {
         ExpectNoForeignData(Call("GET", "/api/v1/filters", &caller)->body, "filters", login);
       }},
      {"POST /api/v1/filters",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("POST", "/api/v1/filters", &caller, R"({"name":"mine"})");
         EXPECT_EQ(response->status, 201);
         ExpectNoForeignData(response->body, "saving a filter", login);
       }},
      {R"(DELETE /api/v1/filters/(\d+))",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("DELETE", admin_filter, &caller);
         EXPECT_EQ(response->status, 404);
         ExpectNoForeignData(response->body, "deleting another's filter", login);
       }},
      {"POST /api/v1/events",
       [&](const Browser& caller, const std::string&) {
         // A session is not an ingest token, whatever the role.
         EXPECT_EQ(
             Call("POST", "/api/v1/events", &caller, R"({"type":"user","id":"u3","name":"X"})")
                 ->status,
             401);
       }},
      {"GET /api/v1/feed",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("GET", "/api/v1/feed?since=2024-01-01T00:00:00Z", &caller);
         EXPECT_EQ(response->status, 200);
         ExpectNoForeignData(response->body, "feed", login);
       }},
      {"POST /api/v1/feed/seen",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("POST", "/api/v1/feed/seen", &caller, "{}");
         EXPECT_EQ(response->status, 200);
         ExpectNoForeignData(response->body, "marking the feed seen", login);
         ExpectNoForeignData(Call("GET", "/api/v1/feed", &caller)->body, "feed since the visit",
                             login);
       }},
      {"GET /api/v1/search",
       [&](const Browser& caller, const std::string& login) {
         // Every fixture deal is "Deal of ...": the search finds the caller's own only.
         auto response = Call("GET", "/api/v1/search?q=DEAL%20of&limit=100", &caller);
         EXPECT_EQ(response->status, 200) << response->body;
         ExpectNoForeignData(response->body, "search", login);
       }},
      {"POST /api/v1/clients",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("POST", "/api/v1/clients", &caller, MarchReport("", forged));
         EXPECT_EQ(response->status, 200) << response->body;
         ExpectNoForeignData(response->body, "new clients", login);
       }},
      {"POST /api/v1/activity_sources",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("POST", "/api/v1/activity_sources", &caller, MarchReport("", forged));
         EXPECT_EQ(response->status, 200) << response->body;
         ExpectNoForeignData(response->body, "activity sources", login);
       }},
      // Saved reports: someone else's private report is missing for everyone but its owner
      // (and the workspace's admin); a shared one runs with the viewer's own visibility.
      {"GET /api/v1/saved-reports",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("GET", "/api/v1/saved-reports", &caller);
         EXPECT_EQ(response->status, 200);
         ExpectNoForeignData(response->body, "saved reports", login);
       }},
      {"POST /api/v1/saved-reports",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("POST", "/api/v1/saved-reports", &caller,
                              R"({"name":"mine","report":)" + MarchReport("won_amount", by_user) + "}");
         EXPECT_EQ(response->status, 201) << response->body;
         ExpectNoForeignData(response->body, "saving a report", login);
         // The answer to saving is the caller's own request; running it shows their rows only.
         std::string run = "/api/v1/saved-reports/" +
                           std::to_string(Json(response)["id"].get<int64_t>()) + "/report";
         ExpectNoForeignData(Call("POST", run, &caller, "{}")->body, "running one's report", login);
       }},
      {R"(GET /api/v1/saved-reports/(\d+))",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("GET", admin_report, &caller);
         EXPECT_EQ(response->status, 404);
         ExpectNoForeignData(response->body, "another's saved report", login);
       }},
      {R"(PUT /api/v1/saved-reports/(\d+))",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("PUT", admin_report, &caller,
                              R"({"name":"taken","shared_roles":["manager"],"report":)" +
                                  MarchReport("won_amount") + "}");
         EXPECT_EQ(response->status, 404);
         ExpectNoForeignData(response->body, "changing another's report", login);
       }},
      {R"(DELETE /api/v1/saved-reports/(\d+))",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("DELETE", admin_report, &caller);
         EXPECT_EQ(response->status, 404);
         ExpectNoForeignData(response->body, "deleting another's report", login);
       }},
      {R"(POST /api/v1/saved-reports/(\d+)/report)",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("POST", admin_report + "/report", &caller, "{}");
         EXPECT_EQ(response->status, 404);
         ExpectNoForeignData(response->body, "running another's report", login);
         // The shared one: the outsiders of the main workspace see their own rows; the other
         // workspace has no such report.
         response = Call("POST", shared_run, &caller,
                         R"({"filters":{"responsible":["u3"],"source":["vera_source"]}})");
         EXPECT_EQ(response->status, login == "xadmin" ? 404 : 200) << response->body;
         ExpectNoForeignData(response->body, "running a shared report", login);
       }},
      // Goals: Vera's is neither listed to, nor changed or withdrawn by, the outsiders.
      {"GET /api/v1/goals",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("GET", "/api/v1/goals", &caller);
         EXPECT_EQ(response->status, 200);
         ExpectNoForeignData(response->body, "goals", login);
       }},
      {"POST /api/v1/goals",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("POST", "/api/v1/goals", &caller,
                              R"({"id":"vera-goal2","scope":"user","scope_id":"u3","metric":"won_count","period":"2024-03","target":1})");
         EXPECT_EQ(response->status, login == "xadmin" ? 400 : 403) << response->body;
         ExpectNoForeignData(response->body, "setting a goal for Vera", login);
         EXPECT_EQ(runtime_->engine(main_)->Read().tables().goal_ids.Find("vera-goal2"), kNone);
         // Vera's goal id, under a scope the caller may set: refused as any forbidden goal,
         // not "exists" (the other workspace has no such goal and may create its own).
         if (login == "head") {
           auto taken = Call("POST", "/api/v1/goals", &caller,
                             R"({"id":"vera-goal","scope":"user","scope_id":"u2","metric":"won_count","period":"2024-03","target":1})");
           EXPECT_EQ(taken->status, 403) << taken->body;
           EXPECT_EQ(vera_goal_target(), vera_goal);
         }
       }},
      {R"(PUT /api/v1/goals/([A-Za-z0-9_.:-]+))",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("PUT", "/api/v1/goals/vera-goal", &caller,
                              R"({"scope":"workspace","metric":"won_count","period":"2024-03","target":1})");
         EXPECT_EQ(response->status, 404);
         ExpectNoForeignData(response->body, "changing Vera's goal", login);
         EXPECT_EQ(vera_goal_target(), vera_goal);
       }},
      {R"(DELETE /api/v1/goals/([A-Za-z0-9_.:-]+))",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("DELETE", "/api/v1/goals/vera-goal", &caller);
         EXPECT_EQ(response->status, 404);
         ExpectNoForeignData(response->body, "withdrawing Vera's goal", login);
         EXPECT_EQ(vera_goal_target(), vera_goal);
       }},
      // The admin routes: a head and a manager get 403; another workspace's admin works on
      // its own workspace only, and an id of the main one answers as a missing one.
      {"GET /api/v1/settings",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("GET", "/api/v1/settings", &caller);
         EXPECT_EQ(response->status, login == "xadmin" ? 200 : 403);
         ExpectNoForeignData(response->body, "settings", login);
       }},
      {"PUT /api/v1/settings",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("PUT", "/api/v1/settings", &caller, R"({"forgotten_days":21})");
         EXPECT_EQ(response->status, login == "xadmin" ? 200 : 403);
         ExpectNoForeignData(response->body, "saving settings", login);
         EXPECT_FALSE(runtime_->settings(main_)->forgotten_days.has_value());
       }},
      {"GET /api/v1/accounts",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("GET", "/api/v1/accounts", &caller);
         EXPECT_EQ(response->status, login == "xadmin" ? 200 : 403);
         ExpectNoForeignData(response->body, "accounts", login);
         EXPECT_EQ(response->body.find("boris"), std::string::npos);
       }},
      {"POST /api/v1/accounts",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("POST", "/api/v1/accounts", &caller,
                              R"({"crm_user_id":"u3","login":"stolen","password":"12345678"})");
         EXPECT_EQ(response->status, login == "xadmin" ? 400 : 403);
         EXPECT_FALSE(runtime_->accounts().FindAccountByLogin("stolen").has_value());
       }},
      {R"(PUT /api/v1/accounts/(\d+))",
       [&](const Browser& caller, const std::string& login) {
         std::string path =
             "/api/v1/accounts/" + std::to_string(runtime_->accounts().FindAccountByLogin("vera")->id);
         auto response = Call("PUT", path, &caller, R"({"role":"admin","active":false})");
         EXPECT_EQ(response->status, login == "xadmin" ? 404 : 403);
         EXPECT_EQ(response->body.find("vera"), std::string::npos);
         EXPECT_EQ(runtime_->accounts().FindAccountByLogin("vera")->role, "manager");
       }},
      {"GET /api/v1/crm-users",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("GET", "/api/v1/crm-users", &caller);
         EXPECT_EQ(response->status, login == "xadmin" ? 200 : 403);
         ExpectNoForeignData(response->body, "crm users", login);
       }},
      {"GET /api/v1/tokens",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("GET", "/api/v1/tokens", &caller);
         EXPECT_EQ(response->status, login == "xadmin" ? 200 : 403);
         EXPECT_EQ(response->body.find(token_id), std::string::npos);
       }},
      {"POST /api/v1/tokens",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("POST", "/api/v1/tokens", &caller, "{}");
         EXPECT_EQ(response->status, login == "xadmin" ? 201 : 403);
         if (response->status == 201) {
           std::string issued = Json(response)["token"];
           EXPECT_EQ(runtime_->accounts().WorkspaceOfIngestTokenHash(SecretHash(issued)), other_);
         }
       }},
      {R"(DELETE /api/v1/tokens/([0-9a-f]+))",
       [&](const Browser& caller, const std::string& login) {
         auto response = Call("DELETE", "/api/v1/tokens/" + token_id, &caller);
         EXPECT_EQ(response->status, login == "xadmin" ? 404 : 403);
         EXPECT_EQ(runtime_->accounts().WorkspaceOfIngestTokenHash(SecretHash(token)), main_);
       }},
      // CRM webhooks take the workspace's ingest token in the address; a session is none.
      {"POST /api/v1/hooks/bitrix24",
       [&](const Browser& caller, const std::string&) {
         EXPECT_EQ(Call("POST", "/api/v1/hooks/bitrix24", &caller,
                        "event=ONCRMDEALUPDATE&data%5BFIELDS%5D%5BID%5D=1")
                       ->status,
                   401);
       }},
      {"POST /api/v1/hooks/amocrm",
       [&](const Browser& caller, const std::string&) {
         EXPECT_EQ(Call("POST", "/api/v1/hooks/amocrm", &caller, "leads%5Bstatus%5D%5B0%5D%5Bid%5D=1")
                       ->status,
                   401);
       }},
  };

  for (const RouteSpec& route : ApiRoutes()) {
    std::string key = std::string(route.method) + " " + std::string(route.pattern);
    ASSERT_TRUE(checks.count(key)) << key << " is not covered by the leak test";
    std::string method(route.method), path(route.example);
    // Without any credentials, and with only an ingest token, a session route is a 401.
    if (route.access == RouteAccess::kSession) {
      EXPECT_EQ(Call(method, path, nullptr, "{}")->status, 401) << key;
      EXPECT_EQ(Call(method, path, nullptr, "{}", std::nullopt, token)->status, 401) << key;
      Browser forged_cookie{"voronka_session=" + RandomSecret(), "x"};
      EXPECT_EQ(Call(method, path, &forged_cookie, "{}")->status, 401) << key;
    }
    if (route.access == RouteAccess::kIngest) {
      EXPECT_EQ(Call(method, path, nullptr, "")->status, 401) << key;
      EXPECT_EQ(Call(method, path, nullptr, "", std::nullopt, "vk_forged")->status, 401) << key;
    }
    for (const std::string& login : kOutsiders) {
      SCOPED_TRACE(key + " as " + login);
      Browser caller = Login(login);
      checks[key](caller, login);
    }
  }
  // The admin's own filter, report and layout survived every attempt.
  EXPECT_EQ(Call("GET", admin_report, &admin)->status, 200);
  EXPECT_NE(Call("GET", "/api/v1/filters", &admin)->body.find("ADMIN_FILTER"), std::string::npos);
  EXPECT_NE(Call("GET", "/api/v1/layout?page=overview", &admin)->body.find("ADMIN_LAYOUT"),
            std::string::npos);
}

TEST_F(LeakTest, AManagerSeesOnlyThemselvesInMeta) {
  Browser boris = Login("boris");
  json meta = Json(Call("GET", "/api/v1/meta", &boris));
  ASSERT_EQ(meta["users"].size(), 1u);
  EXPECT_EQ(meta["users"][0]["id"], "u2");
  EXPECT_EQ(meta["sources"], (json{"web"}));
  Browser head = Login("head");
  // Anna's head account: Sales (Anna) and North (Boris, Gleb).
  EXPECT_EQ(Json(Call("GET", "/api/v1/meta", &head))["users"].size(), 3u);
}

// The numbers a person sees equal the admin's numbers filtered to what they may see.
TEST_F(LeakTest, AManagersAndAHeadsNumbersEqualTheAdminsFiltered) {
  Browser admin = Login("admin");
  Browser boris = Login("boris");
  Browser head = Login("head");
  auto total = [&](const Browser& who, const std::string& metric, const std::string& extra) {
    auto response = Call("POST", "/api/v1/report", &who, MarchReport(metric, extra));
    EXPECT_EQ(response->status, 200) << response->body;
    return Json(response)["total"];
  };
  for (const char* metric : {"created_count", "won_amount", "won_count", "in_work_amount"}) {
    SCOPED_TRACE(metric);
    EXPECT_EQ(total(boris, metric, ""),
              total(admin, metric, R"(,"filters":{"responsible":["u2"]})"));
    EXPECT_EQ(total(head, metric, ""), total(admin, metric, R"(,"filters":{"department":["d1"]})"));
  }
  // By hand: Boris won D2 = 200.00; the head sees D1 + D2 = 300.00 won and D1, D2, D4 created;
  // the admin sees 700.00 won.
  EXPECT_EQ(total(boris, "won_amount", ""), "200.00");
  EXPECT_EQ(total(head, "won_amount", ""), "300.00");
  EXPECT_EQ(total(head, "created_count", ""), 3);
  EXPECT_EQ(total(admin, "won_amount", ""), "700.00");
}

}  // namespace
}  // namespace voronka
