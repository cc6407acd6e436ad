// Login, CSRF, logout, throttling, security headers, layouts, saved filters, version, export.
#include <gtest/gtest.h>

#include "api_fixture.h"

namespace voronka {
namespace {

using nlohmann::json;
using testing::Browser;
using testing::MarchReport;

class SessionApiTest : public testing::ApiFixture {};

TEST_F(SessionApiTest, LoginSetsAStrictHttpOnlyCookieAndMeAnswersWhoIsCalling) {
  auto response = LoginRaw("BORIS", "boris-pw");  // logins are case-insensitive
  ASSERT_EQ(response->status, 200) << response->body;
  std::string cookie = response->get_header_value("Set-Cookie");
  EXPECT_NE(cookie.find("voronka_session="), std::string::npos);
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos);
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos);
  Browser boris = Login("boris");
  json me = Json(Call("GET", "/api/v1/me", &boris));
  EXPECT_EQ(me["user"]["login"], "boris");
  EXPECT_EQ(me["user"]["role"], "manager");
  EXPECT_EQ(me["user"]["crm_user_id"], "u2");
  EXPECT_EQ(me["user"]["department_id"], "d2");
  EXPECT_EQ(me["workspace"]["id"], main_);
  EXPECT_EQ(me["csrf_token"], boris.csrf);
}

TEST_F(SessionApiTest, UnknownLoginAndWrongPasswordGetTheSame401) {
  auto unknown = LoginRaw("nobody", "x");
  auto wrong = LoginRaw("boris", "x");
  EXPECT_EQ(unknown->status, 401);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(unknown->body, wrong->body);
  EXPECT_TRUE(unknown->get_header_value("Set-Cookie").empty());
}

TEST_F(SessionApiTest, AStateChangingRequestWithoutTheCsrfTokenIsRefused) {
  Browser admin = Login("admin");
  std::string request = MarchReport("created_count");
  EXPECT_EQ(Call("POST", "/api/v1/report", &admin, request, std::string(""))->status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/report", &admin, request, std::string("forged"))->status, 403);
  // Another session's token is not this session's token.
  Browser boris = Login("boris");
  EXPECT_EQ(Call("POST", "/api/v1/report", &admin, request, boris.csrf)->status, 403);
  EXPECT_EQ(Call("PUT", "/api/v1/layout?page=overview", &admin, "{}", std::string(""))->status,
            403);
  EXPECT_EQ(Call("POST", "/api/v1/logout", &admin, "{}", std::string(""))->status, 403);
  EXPECT_EQ(Call("POST", "/api/v1/report", &admin, request)->status, 200);
}

TEST_F(SessionApiTest, LogoutEndsTheSession) {
  Browser admin = Login("admin");
  auto response = Call("POST", "/api/v1/logout", &admin, "{}");
  ASSERT_EQ(response->status, 200);
  EXPECT_NE(response->get_header_value("Set-Cookie").find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(Call("GET", "/api/v1/me", &admin)->status, 401);
}

TEST_F(SessionApiTest, FiveWrongPasswordsBlockTheLoginWith429) {
  for (int i = 0; i < 5; ++i) EXPECT_EQ(LoginRaw("admin", "guess")->status, 401);
  EXPECT_EQ(LoginRaw("admin", "admin-pw")->status, 429);  // even the right one, for now
  EXPECT_EQ(LoginRaw("boris", "boris-pw")->status, 200);  // other logins are not blocked
}

TEST_F(SessionApiTest, EveryAnswerCarriesTheSecurityHeaders) {
  for (const auto& response : {client_->Get("/api/v1/health"), client_->Get("/api/v1/me"),
                               client_->Get("/api/v1/nothing-here")}) {
    std::string policy = response->get_header_value("Content-Security-Policy");
    EXPECT_NE(policy.find("script-src 'self'"), std::string::npos) << policy;
    EXPECT_EQ(policy.find("script-src 'self' 'unsafe-inline'"), std::string::npos);
    EXPECT_EQ(response->get_header_value("X-Content-Type-Options"), "nosniff");
    EXPECT_EQ(response->get_header_value("X-Frame-Options"), "DENY");
    EXPECT_EQ(response->get_header_value("Referrer-Policy"), "no-referrer");
  }
  EXPECT_EQ(client_->Get("/api/v1/nothing-here")->status, 401);  // no hint without a session
}

TEST_F(SessionApiTest, VersionMovesWhenABatchIsApplied) {
  Browser admin = Login("admin");
  int64_t before = Json(Call("GET", "/api/v1/version", &admin))["version"].get<int64_t>();
  ASSERT_TRUE(runtime_->Ingest(main_, R"({"type":"user","id":"u9","name":"New"})").ok());
  int64_t after = Json(Call("GET", "/api/v1/version", &admin))["version"].get<int64_t>();
  EXPECT_EQ(after, before + 1);
}

TEST_F(SessionApiTest, LayoutsArePerPersonWithTheAdminsDefaultPerRole) {
  Browser admin = Login("admin");
  Browser boris = Login("boris");
  EXPECT_EQ(Call("GET", "/api/v1/layout?page=overview", &boris)->body, "null");
  // The admin sets the managers' default; Boris gets it until he saves his own.
  ASSERT_EQ(Call("PUT", "/api/v1/layout?page=overview&role=manager", &admin, R"({"w":1})")->status,
            200);
  EXPECT_EQ(Json(Call("GET", "/api/v1/layout?page=overview", &boris)), (json{{"w", 1}}));
  ASSERT_EQ(Call("PUT", "/api/v1/layout?page=overview", &boris, R"({"w":2})")->status, 200);
  EXPECT_EQ(Json(Call("GET", "/api/v1/layout?page=overview", &boris)), (json{{"w", 2}}));
  // The admin's own layout is untouched by both.
  EXPECT_EQ(Call("GET", "/api/v1/layout?page=overview", &admin)->body, "null");
  // A manager cannot set a role default; a layout is at most 64 KiB.
  EXPECT_EQ(Call("PUT", "/api/v1/layout?page=overview&role=manager", &boris, "{}")->status, 403);
  std::string big = "\"" + std::string(70000, 'x') + "\"";
  EXPECT_EQ(Call("PUT", "/api/v1/layout?page=overview", &boris, big)->status, 413);
}

TEST_F(SessionApiTest, SavedFiltersBelongToTheirOwner) {
  Browser boris = Login("boris");
  Browser vera = Login("vera");
  auto saved =
      Call("POST", "/api/v1/filters", &boris,
           R"({"name":"Web","filters":{"source":["web"]},"period":{"preset":"this_month"}})");
  ASSERT_EQ(saved->status, 201) << saved->body;
  int64_t id = Json(saved)["id"].get<int64_t>();
  json list = Json(Call("GET", "/api/v1/filters", &boris));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["name"], "Web");
  EXPECT_EQ(list[0]["filters"], (json{{"source", {"web"}}}));
  EXPECT_EQ(Json(Call("GET", "/api/v1/filters", &vera)).size(), 0u);
  std::string path = "/api/v1/filters/" + std::to_string(id);
  EXPECT_EQ(Call("DELETE", path, &vera)->status, 404);  // not hers: as if it did not exist
  EXPECT_EQ(Json(Call("GET", "/api/v1/filters", &boris)).size(), 1u);
  EXPECT_EQ(Call("DELETE", path, &boris)->status, 200);
  EXPECT_EQ(Json(Call("GET", "/api/v1/filters", &boris)).size(), 0u);
}

TEST_F(SessionApiTest, CsvExportOfAReportHasABomAHeaderAndOneRowPerAnswerRow) {
  Browser admin = Login("admin");
  json body = {
      {"format", "csv"},
      {"title", "Won by manager"},
      {"language", "en"},
      {"report", json::parse(MarchReport("won_amount", R"(,"group_by":["responsible"])"))}};
  auto response = Call("POST", "/api/v1/export", &admin, body.dump());
  ASSERT_EQ(response->status, 200) << response->body;
  EXPECT_NE(response->get_header_value("Content-Disposition").find("attachment"),
            std::string::npos);
  const std::string& csv = response->body;
  ASSERT_EQ(csv.rfind("\xEF\xBB\xBF", 0), 0u);
  // Won in March: Anna 100, Boris 200, Vera 400; Gleb's deal is open. Total 700.
  EXPECT_NE(csv.find("responsible,value\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("Anna,100.00\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("Boris,200.00\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("Vera,400.00\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("total,700.00\r\n"), std::string::npos) << csv;
}

// The manager table of the dashboard: won amount and won count side by side, headed by the
// names the browser sends, in Russian CSV. Anna, Boris and Vera each won one deal in March.
TEST_F(SessionApiTest, CsvExportOfSeveralMetricsHasAColumnEachNamedInTheLanguage) {
  Browser admin = Login("admin");
  json body = {
      {"format", "csv"},
      {"title", "Managers"},
      {"language", "ru"},
      {"metrics", {"won_amount", "won_count"}},
      {"columns",
       {{"responsible", "Менеджер"},
        {"won_amount", "Сумма"},
        {"won_count", "Выиграно"},
        {"total", "Итого"}}},
      {"report", json::parse(MarchReport("won_amount", R"(,"group_by":["responsible"])"))}};
  auto response = Call("POST", "/api/v1/export", &admin, body.dump());
  ASSERT_EQ(response->status, 200) << response->body;
  const std::string& csv = response->body;
  EXPECT_NE(csv.find("Менеджер;Сумма;Выиграно\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("Anna;100,00;1\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("Vera;400,00;1\r\n"), std::string::npos) << csv;
  EXPECT_NE(csv.find("Итого;700,00;3\r\n"), std::string::npos) << csv;
  // A metric name that is not one is refused, naming it.
  body["metrics"] = {"won_amount", "wonn_count"};
  response = Call("POST", "/api/v1/export", &admin, body.dump());
  EXPECT_EQ(response->status, 400);
  EXPECT_NE(response->body.find("wonn_count"), std::string::npos) << response->body;
}

// Activities by source export like a report: Boris's web form and chat of March (website),
// Anna's call (telephony); the April call is outside.
TEST_F(SessionApiTest, CsvExportOfActivitySourcesCountsEachSource) {
  ASSERT_TRUE(
      runtime_
          ->Ingest(
              main_,
              R"({"type":"activity","id":"a1","kind":"call","direction":"out","deal_id":"D1","user_id":"u1","at":"2024-03-05T10:00:00Z","source":"telephony"}
{"type":"activity","id":"a2","kind":"webform","direction":"in","deal_id":"D2","user_id":"u2","at":"2024-03-06T10:00:00Z","source":"website"}
{"type":"activity","id":"a3","kind":"chat","direction":"in","deal_id":"D2","user_id":"u2","at":"2024-03-07T10:00:00Z","source":"website"}
{"type":"activity","id":"a4","kind":"call","direction":"out","deal_id":"D1","user_id":"u1","at":"2024-04-02T10:00:00Z","source":"telephony"}
)")
          .ok());
  Browser admin = Login("admin");
  json body = {{"format", "csv"},
               {"title", "Sources"},
               {"language", "en"},
               {"columns", {{"source", "Source"}, {"value", "Activities"}}},
               {"activity_sources", json::parse(MarchReport(""))}};
  auto response = Call("POST", "/api/v1/export", &admin, body.dump());
  ASSERT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(response->body,
            "\xEF\xBB\xBFSource,Activities\r\nwebsite,2\r\ntelephony,1\r\ntotal,3\r\n");
  // Boris sees his own two.
  Browser boris = Login("boris");
  response = Call("POST", "/api/v1/export", &boris, body.dump());
  EXPECT_EQ(response->body, "\xEF\xBB\xBFSource,Activities\r\nwebsite,2\r\ntotal,2\r\n");
}

TEST_F(SessionApiTest, XlsxExportIsAZippedWorkbook) {
  Browser admin = Login("admin");
  json body = {{"format", "xlsx"},
               {"title", "Deals"},
               {"drilldown", json::parse(MarchReport("created_count"))}};
  auto response = Call("POST", "/api/v1/export", &admin, body.dump());
  ASSERT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(response->body.rfind("PK", 0), 0u);  // an OOXML file is a zip archive
  EXPECT_NE(response->get_header_value("Content-Type").find("spreadsheetml"), std::string::npos);
}

}  // namespace
}  // namespace voronka
