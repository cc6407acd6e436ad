// The admin's settings take effect in the numbers; hidden pages, layout defaults, accounts from
// CRM users, ingest tokens and a workspace added while serving. Data: tests/server/api_fixture.h
// (March 2024: D1 Anna 100.00 won, D2 Boris 200.00 won, D3 Vera 400.00 won, D4 Gleb 800.00 open).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "api_fixture.h"

namespace voronka {
namespace {

using nlohmann::json;
using testing::Browser;
using testing::MarchReport;

class AdminApiTest : public testing::ApiFixture {
 protected:
  json Total(const Browser& who, const std::string& metric, const std::string& extra = "") {
    auto response = Call("POST", "/api/v1/report", &who, MarchReport(metric, extra));
    EXPECT_EQ(response->status, 200) << response->body;
    return Json(response)["total"];
  }

  // Saves settings as the admin and waits until the engine has been rebuilt with them.
  void Settle(const Browser& admin, const std::string& settings) {
    auto response = Call("PUT", "/api/v1/settings", &admin, settings);
    ASSERT_EQ(response->status, 200) << response->body;
    runtime_->WaitForRebuilds();
  }
};

TEST_F(AdminApiTest, OnlyAnAdminReadsOrWritesSettings) {
  for (const char* login : {"head", "boris"}) {
    Browser caller = Login(login);
    EXPECT_EQ(Call("GET", "/api/v1/settings", &caller)->status, 403) << login;
    auto put = Call("PUT", "/api/v1/settings", &caller, R"({"forgotten_days":3})");
    EXPECT_EQ(put->status, 403) << login;
    EXPECT_EQ(Json(put)["error"], "not allowed");
    auto rename = Call("PUT", "/api/v1/settings", &caller, R"({"workspace":{"name":"Taken"}})");
    EXPECT_EQ(rename->status, 403) << login;
  }
  // The other workspace's admin renames only their own workspace.
  Browser foreign = Login("xadmin");
  ASSERT_EQ(
      Call("PUT", "/api/v1/settings", &foreign, R"({"workspace":{"name":"Taken"}})")->status,
      200);
  Browser admin = Login("admin");
  EXPECT_NE(Json(Call("GET", "/api/v1/me", &admin))["workspace"]["name"], "Taken");
  json settings = Json(Call("GET", "/api/v1/settings", &admin));
  EXPECT_EQ(settings["forgotten_days"], nullptr);  // nothing set: the refused PUTs changed nothing
  EXPECT_EQ(settings["price_field"], "amount");
  EXPECT_EQ(settings["activity_weights"]["meeting"], 3.0);
}

TEST_F(AdminApiTest, BadSettingsNameTheMemberAndChangeNothing) {
  Browser admin = Login("admin");
  auto response = Call("PUT", "/api/v1/settings", &admin,
                       R"({"forgotten_days":5,"stage_semantics":{"paid":"maybe"}})");
  EXPECT_EQ(response->status, 400);
  EXPECT_EQ(Json(response)["error"], "stage_semantics.paid: expected open, won or lost");
  EXPECT_EQ(Json(Call("GET", "/api/v1/settings", &admin))["forgotten_days"], nullptr);
  EXPECT_EQ(Call("PUT", "/api/v1/settings", &admin, R"({"price_field":"title"})")->status, 400);
  EXPECT_EQ(Call("PUT", "/api/v1/settings", &admin, R"({"activity_weights":{"call":0.3}})")->status,
            400);
}

TEST_F(AdminApiTest, AWonStageOverrideChangesWonCount) {
  Browser admin = Login("admin");
  EXPECT_EQ(Total(admin, "won_count"), 3);  // D1, D2, D3 on "paid"
  // "paid" is a failure from now on: no deal is won, the three are lost (100 + 200 + 400).
  Settle(admin, R"({"stage_semantics":{"paid":"lost"}})");
  EXPECT_EQ(Total(admin, "won_count"), 0);
  EXPECT_EQ(Total(admin, "lost_amount"), "700.00");
  // "new" counts as won: D4 (800.00) is won on entering it on March 4th; "paid" back to won.
  Settle(admin, R"({"stage_semantics":{"new":"won"}})");
  EXPECT_EQ(Total(admin, "won_count"), 4);
  EXPECT_EQ(Total(admin, "won_amount"), "1500.00");
  // The override is stored: a restart keeps it.
  Restart();
  Browser again = Login("admin");
  EXPECT_EQ(Total(again, "won_count"), 4);
}

TEST_F(AdminApiTest, ThePriceFieldIsTheAmount) {
  ASSERT_TRUE(
      runtime_
          ->Ingest(
              main_,
              R"({"type":"deal_update","id":"D1","at":"2024-03-05T10:00:00Z","set":{"fields":{"budget":"1000.00"}}})")
          .ok());
  Browser admin = Login("admin");
  EXPECT_EQ(Total(admin, "won_amount"), "700.00");
  // Only D1 has a budget (1000.00); D2 and D3 have none, so 0.
  Settle(admin, R"({"price_field":"fields.budget"})");
  EXPECT_EQ(Total(admin, "won_amount"), "1000.00");
  // A later update of the field moves the amount at once: D2's budget 5.50.
  ASSERT_TRUE(
      runtime_
          ->Ingest(
              main_,
              R"({"type":"deal_update","id":"D2","at":"2024-03-06T10:00:00Z","set":{"amount":"9.00","fields":{"budget":"5.50"}}})")
          .ok());
  EXPECT_EQ(Total(admin, "won_amount"), "1005.50");
  // Back to the CRM's amount: D1 100 + D2 9.00 (its update) + D3 400.
  Settle(admin, R"({"price_field":"amount"})");
  EXPECT_EQ(Total(admin, "won_amount"), "509.00");
}

TEST_F(AdminApiTest, TheSourceFieldIsTheSource) {
  ASSERT_TRUE(
      runtime_
          ->Ingest(
              main_,
              R"({"type":"deal_update","id":"D1","at":"2024-03-05T10:00:00Z","set":{"fields":{"channel":"fair"}}})")
          .ok());
  Browser admin = Login("admin");
  // D1, D2, D4 have source "web"; by the field only D1 has a source, "fair".
  EXPECT_EQ(Total(admin, "created_count", R"(,"filters":{"source":["web"]})"), 3);
  Settle(admin, R"({"source_field":"fields.channel"})");
  EXPECT_EQ(Total(admin, "created_count", R"(,"filters":{"source":["web"]})"), 0);
  EXPECT_EQ(Total(admin, "created_count", R"(,"filters":{"source":["fair"]})"), 1);
}

TEST_F(AdminApiTest, ActivityWeightsChangeTheActivityIndex) {
  ASSERT_TRUE(
      runtime_
          ->Ingest(
              main_,
              R"({"type":"activity","id":"a1","kind":"call","direction":"out","deal_id":"D1","user_id":"u1","at":"2024-03-02T10:00:00Z"}
{"type":"activity","id":"a2","kind":"call","direction":"out","deal_id":"D1","user_id":"u1","at":"2024-03-03T10:00:00Z"}
{"type":"activity","id":"a3","kind":"meeting","direction":"none","deal_id":"D1","user_id":"u1","at":"2024-03-04T10:00:00Z"}
)")
          .ok());
  Browser admin = Login("admin");
  // Defaults: two calls 1 + 1, a meeting 3 = 5 (the stage changes have no author).
  EXPECT_EQ(Total(admin, "activity_index"), 5.0);
  // Calls 2 each, meetings 0.5: 2 + 2 + 0.5 = 4.5.
  auto saved =
      Call("PUT", "/api/v1/settings", &admin, R"({"activity_weights":{"call":2,"meeting":0.5}})");
  ASSERT_EQ(saved->status, 200);
  EXPECT_EQ(Json(saved)["rebuilding"], false);  // weights need no rebuild
  EXPECT_EQ(Total(admin, "activity_index"), 4.5);
  // A request's own weights still win: meetings 10 → 1 + 1 + 10 = 12.
  EXPECT_EQ(Total(admin, "activity_index", R"(,"activity_weights":{"call":1,"meeting":10})"), 12.0);
}

TEST_F(AdminApiTest, TheForgottenThresholdAndDeepLinkApplyAtOnce) {
  Browser admin = Login("admin");
  // As of April 10th, D4 (open, created March 4th, 10:00) was last touched 36.6 days before.
  EXPECT_EQ(Total(admin, "forgotten_count"), 1);
  auto saved = Call("PUT", "/api/v1/settings", &admin,
                    R"({"forgotten_days":40,"deal_url":"https://crm.example/deal/{id}"})");
  ASSERT_EQ(saved->status, 200);
  EXPECT_EQ(Total(admin, "forgotten_count"), 0);
  json me = Json(Call("GET", "/api/v1/me", &admin));
  EXPECT_EQ(me["workspace"]["forgotten_days"], 40);
  EXPECT_EQ(me["workspace"]["deal_url"], "https://crm.example/deal/{id}");
}

TEST_F(AdminApiTest, AnAdminRenamesTheWorkspaceAndMovesItsTimeZone) {
  Browser admin = Login("admin");
  // In UTC all four deals are created in March.
  EXPECT_EQ(Total(admin, "created_count"), 4);
  auto saved = Call("PUT", "/api/v1/settings", &admin,
                    R"({"workspace":{"name":"Пример","time_zone":"Pacific/Pago_Pago",)"
                    R"("currency":"PLN","locale":"pl"}})");
  ASSERT_EQ(saved->status, 200) << saved->body;
  EXPECT_EQ(Json(saved)["workspace"]["time_zone"], "Pacific/Pago_Pago");
  // D1 (March 1st, 10:00 UTC) was made on February 29th, 23:00 in Pago Pago (UTC-11): March
  // has 3.
  EXPECT_EQ(Total(admin, "created_count"), 3);
  auto check = [](const json& workspace) {
    EXPECT_EQ(workspace["name"], "Пример");
    EXPECT_EQ(workspace["time_zone"], "Pacific/Pago_Pago");
    EXPECT_EQ(workspace["currency"], "PLN");
    EXPECT_EQ(workspace["locale"], "pl");
  };
  check(Json(Call("GET", "/api/v1/me", &admin))["workspace"]);
  check(Json(Call("GET", "/api/v1/settings", &admin))["workspace"]);
  // The other workspace keeps its own.
  Browser other = Login("xadmin");
  EXPECT_NE(Json(Call("GET", "/api/v1/me", &other))["workspace"]["name"], "Пример");
  // Stored as a workspace record: a restart keeps it.
  Restart();
  Browser again = Login("admin");
  check(Json(Call("GET", "/api/v1/me", &again))["workspace"]);
  EXPECT_EQ(Total(again, "created_count"), 3);
}

TEST_F(AdminApiTest, AnUnknownTimeZoneOrLocaleNamesTheFieldAndChangesNothing) {
  Browser admin = Login("admin");
  struct Case {
    const char* body;
    const char* error;
  };
  for (const Case& c : {
           Case{R"({"workspace":{"time_zone":"Mars/Olympus"}})",
                "workspace.time_zone 'Mars/Olympus' is not an IANA time zone (like Europe/Moscow)"},
           Case{R"({"workspace":{"locale":"de"}})", "workspace.locale 'de' is not one of ru|en|pl"},
           Case{R"({"workspace":{"currency":"rubles"}})",
                "workspace.currency 'rubles' is not a 3-letter currency code (like RUB)"},
           Case{R"({"workspace":{"owner":"me"}})", "workspace.owner: unknown member"},
           Case{R"({"workspace":{"name":""}})", "workspace.name: expected a non-empty string"},
           Case{R"({"workspace":"Пример"})", "workspace: expected an object"},
           // A bad setting beside a good workspace member: neither is applied.
           Case{R"({"forgotten_days":-1,"workspace":{"name":"Пример"}})", nullptr},
       }) {
    auto response = Call("PUT", "/api/v1/settings", &admin, c.body);
    EXPECT_EQ(response->status, 400) << c.body;
    if (c.error != nullptr) {
      EXPECT_EQ(Json(response)["error"], c.error) << c.body;
    }
  }
  json workspace = Json(Call("GET", "/api/v1/me", &admin))["workspace"];
  EXPECT_EQ(workspace["time_zone"], "UTC");
  EXPECT_NE(workspace["name"], "Пример");
  EXPECT_EQ(Total(admin, "created_count"), 4);
}

TEST_F(AdminApiTest, UserCapacitiesReachTheLoadMetric) {
  Browser admin = Login("admin");
  Settle(admin, R"({"capacities":{"u4":5}})");
  json answer = Json(Call("POST", "/api/v1/report", &admin,
                          MarchReport("load", R"(,"group_by":["responsible"])")));
  bool found = false;
  for (const json& row : answer["rows"]) {
    if (row["group"]["responsible"] == "u4") {
      found = true;
      EXPECT_EQ(row["capacity"], 5) << row.dump();  // Gleb: 1 deal in work of 5
    }
  }
  EXPECT_TRUE(found) << answer.dump();
}

TEST_F(AdminApiTest, AHiddenPageIsRefusedToItsRoleAndLeftOutOfMe) {
  Browser admin = Login("admin");
  Settle(admin, R"({"hidden_pages":{"manager":["forgotten","activities"]}})");
  Browser boris = Login("boris");
  json me = Json(Call("GET", "/api/v1/me", &boris));
  EXPECT_EQ(me["pages"], (json{"overview", "dynamics", "managers", "funnel", "goals", "desktop", "builder"}));
  // The metrics of each page he opens, as the server lists them; none for the hidden ones,
  // and none for the builder (any metric not shown only on hidden pages).
  EXPECT_FALSE(me["page_metrics"].contains("forgotten"));
  EXPECT_FALSE(me["page_metrics"].contains("builder"));
  EXPECT_EQ(me["page_metrics"].size(), 6u);
  json overview = me["page_metrics"]["overview"];
  EXPECT_NE(std::find(overview.begin(), overview.end(), "won_amount"), overview.end());
  EXPECT_EQ(std::find(overview.begin(), overview.end(), "forgotten_amount"), overview.end());
  // forgotten_amount is shown on the Forgotten page only: refused.
  auto refused = Call("POST", "/api/v1/report", &boris, MarchReport("forgotten_amount"));
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(Json(refused)["error"], "not allowed");
  // A request naming the hidden page is refused whatever its metric.
  EXPECT_EQ(
      Call("POST", "/api/v1/report", &boris, MarchReport("won_amount", R"(,"page":"forgotten")"))
          ->status,
      403);
  EXPECT_EQ(Call("POST", "/api/v1/drilldown", &boris, MarchReport("forgotten_amount"))->status,
            403);
  json exported = {{"format", "csv"}, {"report", json::parse(MarchReport("forgotten_amount"))}};
  EXPECT_EQ(Call("POST", "/api/v1/export", &boris, exported.dump())->status, 403);
  // forgotten_count is on the Overview too, which Boris opens: 0 (his D2 is won).
  EXPECT_EQ(Total(boris, "forgotten_count"), 0);
  // The head is not a manager: Forgotten is open to them (D4 of Gleb, in North).
  Browser head = Login("head");
  EXPECT_EQ(Total(head, "forgotten_amount"), "800.00");
  EXPECT_EQ(Json(Call("GET", "/api/v1/me", &head))["pages"].size(), 9u);
  EXPECT_EQ(Json(Call("GET", "/api/v1/me", &admin))["pages"].back(), "admin");
}

TEST_F(AdminApiTest, TheReportBuilderIsAPageTheAdminMayHide) {
  Browser admin = Login("admin");
  Browser boris = Login("boris");
  // Open to a manager: a metric no other page shows runs there; one shown only on a page
  // hidden from the role stays refused, builder or not.
  Settle(admin, R"({"hidden_pages":{"manager":["forgotten"]}})");
  EXPECT_EQ(Json(Call("GET", "/api/v1/me", &boris))["pages"].back(), "builder");
  EXPECT_EQ(Call("POST", "/api/v1/report", &boris,
                 MarchReport("cohort_win_rate", R"(,"page":"builder")"))
                ->status,
            200);
  EXPECT_EQ(Call("POST", "/api/v1/report", &boris,
                 MarchReport("forgotten_amount", R"(,"page":"builder")"))
                ->status,
            403);
  // Hidden from managers: out of /me, and every request naming it refused.
  Settle(admin, R"({"hidden_pages":{"manager":["builder"]}})");
  json pages = Json(Call("GET", "/api/v1/me", &boris))["pages"];
  EXPECT_EQ(std::find(pages.begin(), pages.end(), "builder"), pages.end()) << pages.dump();
  EXPECT_EQ(Call("POST", "/api/v1/report", &boris,
                 MarchReport("created_count", R"(,"page":"builder")"))
                ->status,
            403);
  EXPECT_EQ(Call("POST", "/api/v1/report", &boris, MarchReport("created_count"))->status, 200);
}

TEST_F(AdminApiTest, LayoutDefaultsPerDepartmentBeatTheRoleAndOwnLayoutsBeatBoth) {
  Browser admin = Login("admin");
  ASSERT_EQ(Call("PUT", "/api/v1/layout?page=overview&role=manager", &admin, R"({"from":"role"})")
                ->status,
            200);
  Browser boris = Login("boris");  // u2 in North d2, under Sales d1
  Browser vera = Login("vera");    // u3 in Support d3
  EXPECT_EQ(Json(Call("GET", "/api/v1/layout?page=overview", &boris))["from"], "role");
  // A default for Sales reaches Boris through North; Vera keeps the role's.
  auto put = Call("PUT", "/api/v1/layout?page=overview&department=d1", &admin, R"({"from":"d1"})");
  ASSERT_EQ(put->status, 200);
  EXPECT_EQ(Json(put)["scope"], "department");
  EXPECT_EQ(Json(Call("GET", "/api/v1/layout?page=overview", &boris))["from"], "d1");
  EXPECT_EQ(Json(Call("GET", "/api/v1/layout?page=overview", &vera))["from"], "role");
  // The nearer department wins.
  ASSERT_EQ(
      Call("PUT", "/api/v1/layout?page=overview&department=d2", &admin, R"({"from":"d2"})")->status,
      200);
  EXPECT_EQ(Json(Call("GET", "/api/v1/layout?page=overview", &boris))["from"], "d2");
  // His own layout beats both.
  ASSERT_EQ(Call("PUT", "/api/v1/layout?page=overview", &boris, R"({"from":"boris"})")->status,
            200);
  EXPECT_EQ(Json(Call("GET", "/api/v1/layout?page=overview", &boris))["from"], "boris");
  // Only an admin sets a department's default.
  EXPECT_EQ(Call("PUT", "/api/v1/layout?page=overview&department=d2", &boris, "{}")->status, 403);
}

TEST_F(AdminApiTest, ForbiddenHidingRefusesALayoutThatHidesAWidget) {
  Browser admin = Login("admin");
  const std::string hiding = R"({"version":1,"widgets":{"trend":{"x":0,"y":0,"hidden":true}}})";
  const std::string moving = R"({"version":1,"widgets":{"trend":{"x":3,"y":0}}})";
  Browser boris = Login("boris");
  EXPECT_EQ(Call("PUT", "/api/v1/layout?page=overview", &boris, hiding)->status, 200);
  Settle(admin, R"({"users_may_hide_widgets":false})");
  EXPECT_EQ(Json(Call("GET", "/api/v1/me", &boris))["may_hide_widgets"], false);
  auto refused = Call("PUT", "/api/v1/layout?page=overview", &boris, hiding);
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(Json(refused)["error"], "hiding widgets is switched off in this workspace");
  EXPECT_EQ(Call("PUT", "/api/v1/layout?page=overview", &boris, moving)->status, 200);
  // The admin's defaults may hide widgets: that is the admin's choice for everyone.
  EXPECT_EQ(Call("PUT", "/api/v1/layout?page=overview&role=manager", &admin, hiding)->status, 200);
}

TEST_F(AdminApiTest, AnAdminInvitesACrmUserWhoSeesTheirOwnDealsAtOnce) {
  Browser admin = Login("admin");
  json users = Json(Call("GET", "/api/v1/crm-users", &admin));
  ASSERT_EQ(users.size(), 4u);
  std::map<std::string, json> by_id;
  for (const json& user : users) by_id[user["id"].get<std::string>()] = user;
  EXPECT_EQ(by_id["u1"]["account"]["login"], "head");
  EXPECT_EQ(by_id["u1"]["default_role"], "head");  // Anna heads Sales
  EXPECT_EQ(by_id["u4"]["account"], nullptr);
  EXPECT_EQ(by_id["u4"]["default_role"], "manager");
  // Gleb (u4) gets an account: role manager by default, his CRM name.
  auto added = Call("POST", "/api/v1/accounts", &admin,
                    R"({"crm_user_id":"u4","login":"gleb","password":"gleb-pw-long"})");
  ASSERT_EQ(added->status, 201) << added->body;
  EXPECT_EQ(Json(added)["role"], "manager");
  EXPECT_EQ(Json(added)["name"], "Gleb");
  EXPECT_FALSE(Json(added).contains("password"));
  auto login = LoginRaw("gleb", "gleb-pw-long");
  ASSERT_EQ(login->status, 200);
  Browser gleb;
  gleb.cookie = login->get_header_value("Set-Cookie")
                    .substr(0, login->get_header_value("Set-Cookie").find(';'));
  gleb.csrf = Json(login)["csrf_token"].get<std::string>();
  // His only deal is D4, 800.00, open.
  EXPECT_EQ(Total(gleb, "created_count"), 1);
  EXPECT_EQ(Total(gleb, "in_work_amount"), "800.00");
  EXPECT_EQ(Total(gleb, "won_amount"), "0.00");
  // One account per CRM user; an unknown CRM user is named.
  EXPECT_EQ(
      Call("POST", "/api/v1/accounts", &admin, R"({"crm_user_id":"u4","login":"gleb2"})")->status,
      409);
  auto unknown = Call("POST", "/api/v1/accounts", &admin, R"({"crm_user_id":"u17"})");
  EXPECT_EQ(unknown->status, 400);
  EXPECT_EQ(Json(unknown)["error"], "crm_user_id: no CRM user 'u17' in this workspace");
  // Disabled, he can no longer log in.
  Call("PUT", "/api/v1/accounts/" + std::to_string(Json(added)["id"].get<int64_t>()), &admin,
       R"({"active":false})");
  EXPECT_EQ(LoginRaw("gleb", "gleb-pw-long")->status, 401);  // disabled
  // Not an admin: 403, and nothing was added.
  Browser boris = Login("boris");
  EXPECT_EQ(
      Call("POST", "/api/v1/accounts", &boris, R"({"crm_user_id":"u3","login":"v2"})")->status,
      403);
  EXPECT_FALSE(runtime_->accounts().FindAccountByLogin("v2").has_value());
  // Without a password one is made and shown once: Xenia of the other workspace.
  Browser xadmin = Login("xadmin");
  auto xenia = Call("POST", "/api/v1/accounts", &xadmin, R"({"crm_user_id":"x1"})");
  ASSERT_EQ(xenia->status, 201) << xenia->body;
  EXPECT_EQ(Json(xenia)["login"], "x1");
  EXPECT_EQ(LoginRaw("x1", Json(xenia)["password"].get<std::string>())->status, 200);
}

TEST_F(AdminApiTest, AnAdminChangesARoleAndResetsAPassword) {
  Browser admin = Login("admin");
  std::optional<Account> boris = runtime_->accounts().FindAccountByLogin("boris");
  ASSERT_TRUE(boris);
  std::string path = "/api/v1/accounts/" + std::to_string(boris->id);
  Browser before = Login("boris");
  auto changed = Call("PUT", path, &admin, R"({"role":"head","password":"new-password-1"})");
  ASSERT_EQ(changed->status, 200) << changed->body;
  EXPECT_EQ(Json(changed)["role"], "head");
  // The reset ended his session; the new password works, and as head of North he sees
  // Boris's and Gleb's deals: D2 200.00 + D4 800.00 created.
  EXPECT_EQ(Call("GET", "/api/v1/me", &before)->status, 401);
  EXPECT_EQ(LoginRaw("boris", "boris-pw")->status, 401);
  auto login = LoginRaw("boris", "new-password-1");
  ASSERT_EQ(login->status, 200);
  Browser after{login->get_header_value("Set-Cookie")
                    .substr(0, login->get_header_value("Set-Cookie").find(';')),
                Json(login)["csrf_token"].get<std::string>()};
  EXPECT_EQ(Total(after, "created_count"), 2);
  // An admin cannot lock themself out; another workspace's admin cannot reach Boris.
  std::string self =
      "/api/v1/accounts/" + std::to_string(runtime_->accounts().FindAccountByLogin("admin")->id);
  EXPECT_EQ(Call("PUT", self, &admin, R"({"active":false})")->status, 400);
  Browser xadmin = Login("xadmin");
  EXPECT_EQ(Call("PUT", path, &xadmin, R"({"role":"admin"})")->status, 404);
  EXPECT_EQ(runtime_->accounts().FindAccountByLogin("boris")->role, "head");
}

TEST_F(AdminApiTest, IngestTokensAreShownOnceListedAndRevoked) {
  Browser admin = Login("admin");
  auto created = Call("POST", "/api/v1/tokens", &admin, "{}");
  ASSERT_EQ(created->status, 201);
  std::string token = Json(created)["token"];
  std::string id = Json(created)["id"];
  json list = Json(Call("GET", "/api/v1/tokens", &admin));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], id);
  EXPECT_EQ(list[0]["revoked_at"], nullptr);
  EXPECT_EQ(list.dump().find(token), std::string::npos);  // never listed again
  const std::string user = R"({"type":"user","id":"u9","name":"Nina"})";
  EXPECT_EQ(Call("POST", "/api/v1/events", nullptr, user, std::nullopt, token)->status, 200);
  // Another workspace's admin neither sees nor revokes it.
  Browser xadmin = Login("xadmin");
  EXPECT_EQ(Json(Call("GET", "/api/v1/tokens", &xadmin)).size(), 0u);
  EXPECT_EQ(Call("DELETE", "/api/v1/tokens/" + id, &xadmin)->status, 404);
  EXPECT_EQ(Call("POST", "/api/v1/events", nullptr, user, std::nullopt, token)->status, 200);
  EXPECT_EQ(Call("DELETE", "/api/v1/tokens/" + id, &admin)->status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/events", nullptr, user, std::nullopt, token)->status, 401);
  EXPECT_FALSE(Json(Call("GET", "/api/v1/tokens", &admin))[0]["revoked_at"].is_null());
}

TEST_F(AdminApiTest, AWorkspaceAddedWhileServingIsUsableAtOnce) {
  // As `voronka workspace add` and `voronka user add` do from another process: a store of
  // their own on the same directory.
  int64_t third = 0;
  {
    auto store = SqliteStore::Open(dir_.path());
    ASSERT_TRUE(store.ok());
    third = store.value()->CreateWorkspace("third").value();
    auto accounts = AccountStore::Open(store.value()->path());
    Account account;
    account.workspace_id = third;
    account.login = "tadmin";
    account.name = "tadmin";
    account.role = "admin";
    account.password_hash = HashPassword("tadmin-pw").value();
    ASSERT_TRUE(accounts.value()->AddAccount(account).ok());
  }
  Browser tadmin = Login("tadmin");
  EXPECT_EQ(Json(Call("GET", "/api/v1/me", &tadmin))["workspace"]["name"], "third");
  EXPECT_EQ(Total(tadmin, "created_count"), 0);
  // It ingests and reports without a restart.
  std::string token = Json(Call("POST", "/api/v1/tokens", &tadmin, "{}"))["token"];
  auto ingested = Call(
      "POST", "/api/v1/events", nullptr,
      R"({"type":"pipeline","id":"t1","name":"T","stages":[{"id":"t_open","name":"Open","semantic":"open"}]}
{"type":"deal","id":"T1","title":"T","pipeline_id":"t1","stage_id":"t_open","amount":"5.00","created_at":"2024-03-07T10:00:00Z"}
)",
      std::nullopt, token);
  ASSERT_EQ(ingested->status, 200) << ingested->body;
  EXPECT_EQ(Total(tadmin, "created_count"), 1);
  // Nothing of it reaches the main workspace: still D1..D4.
  Browser admin = Login("admin");
  EXPECT_EQ(Total(admin, "created_count"), 4);
}

}  // namespace
}  // namespace voronka
