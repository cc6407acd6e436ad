// A real HttpServer on loopback over two workspaces with a small, hand-countable history,
// and the accounts of every role; helpers to log in and call the API as one of them.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "access/password.h"
#include "server/server.h"
#include "testing/process.h"

namespace voronka::testing {

// Workspace "default": Sales d1 (Anna u1) with its sub-department North d2 (Boris u2, Gleb u4),
// and Support d3 (Vera u3). Deals in March 2024, amounts chosen so every sum names its deals:
//   D1 Anna 100.00 won, D2 Boris 200.00 won, D3 Vera 400.00 won, D4 Gleb 800.00 open.
inline constexpr std::string_view kMainHistory =
    R"({"type":"department","id":"d1","name":"Sales","parent_id":null,"head_id":"u1"}
{"type":"department","id":"d2","name":"North","parent_id":"d1"}
{"type":"department","id":"d3","name":"Support","parent_id":null}
{"type":"user","id":"u1","name":"Anna","department_id":"d1"}
{"type":"user","id":"u2","name":"Boris","department_id":"d2"}
{"type":"user","id":"u3","name":"Vera","department_id":"d3"}
{"type":"user","id":"u4","name":"Gleb","department_id":"d2"}
{"type":"pipeline","id":"p1","name":"B2B","stages":[{"id":"new","name":"New","semantic":"open"},{"id":"paid","name":"Paid","semantic":"won"},{"id":"failed","name":"Failed","semantic":"lost"}]}
{"type":"deal","id":"D1","title":"Deal of Anna","pipeline_id":"p1","stage_id":"new","amount":"100.00","responsible_id":"u1","source":"web","created_at":"2024-03-01T10:00:00Z"}
{"type":"deal","id":"D2","title":"Deal of Boris","pipeline_id":"p1","stage_id":"new","amount":"200.00","responsible_id":"u2","source":"web","created_at":"2024-03-02T10:00:00Z"}
{"type":"deal","id":"D3","title":"Deal of Vera","pipeline_id":"p1","stage_id":"new","amount":"400.00","responsible_id":"u3","source":"vera_source","created_at":"2024-03-03T10:00:00Z"}
{"type":"deal","id":"D4","title":"Deal of Gleb","pipeline_id":"p1","stage_id":"new","amount":"800.00","responsible_id":"u4","source":"web","created_at":"2024-03-04T10:00:00Z"}
{"type":"stage_change","deal_id":"D1","to":"paid","at":"2024-03-10T10:00:00Z"}
{"type":"stage_change","deal_id":"D2","to":"paid","at":"2024-03-11T10:00:00Z"}
{"type":"stage_change","deal_id":"D3","to":"paid","at":"2024-03-12T10:00:00Z"}
)";

// Workspace "other": one won deal of 1600.00 by Xenia.
inline constexpr std::string_view kOtherHistory =
    R"({"type":"user","id":"x1","name":"Xenia"}
{"type":"pipeline","id":"q1","name":"Retail","stages":[{"id":"open1","name":"Open","semantic":"open"},{"id":"won1","name":"Won","semantic":"won"}]}
{"type":"deal","id":"X1","title":"Deal of Xenia","pipeline_id":"q1","stage_id":"open1","amount":"1600.00","responsible_id":"x1","source":"other_source","created_at":"2024-03-05T10:00:00Z"}
{"type":"stage_change","deal_id":"X1","to":"won1","at":"2024-03-15T10:00:00Z"}
)";

// A logged-in browser: its cookie and CSRF token.
struct Browser {
  std::string cookie;
  std::string csrf;
};

class ApiFixture : public ::testing::Test {
 protected:
  void SetUp() override { Start(); }
  void TearDown() override { Stop(); }

  void Start() {
    auto runtime = Runtime::Open(dir_.path());
    ASSERT_TRUE(runtime.ok()) << runtime.message();
    runtime_ = std::move(runtime.value());
    main_ = runtime_->default_workspace();
    ASSERT_TRUE(runtime_->Ingest(main_, kMainHistory).ok());
    other_ = runtime_->store().CreateWorkspace("other").value();
    // The runtime loads workspaces at open: reopen so that "other" has its engine.
    runtime_.reset();
    runtime_ = Runtime::Open(dir_.path()).value();
    ASSERT_TRUE(runtime_->Ingest(other_, kOtherHistory).ok());
    AddAccount("admin", "admin", "", main_);
    AddAccount("head", "head", "u1", main_);
    AddAccount("boris", "manager", "u2", main_);
    AddAccount("vera", "manager", "u3", main_);
    AddAccount("xadmin", "admin", "", other_);
    server_ = std::make_unique<HttpServer>(*runtime_);
    port_ = server_->BindAnyPort("127.0.0.1").value();
    thread_ = std::thread([this] { (void)server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  }

  // Stops the server and the runtime, then opens the same data directory again (what a
  // restart of `voronka serve` does).
  void Restart() {
    Stop();
    runtime_.reset();
    runtime_ = Runtime::Open(dir_.path()).value();
    server_ = std::make_unique<HttpServer>(*runtime_);
    port_ = server_->BindAnyPort("127.0.0.1").value();
    thread_ = std::thread([this] { (void)server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
  }

  void Stop() {
    if (!server_) return;
    server_->Stop();
    thread_.join();
    server_.reset();
  }

  void AddAccount(const std::string& login, const std::string& role, const std::string& crm_user,
                  int64_t workspace) {
    Account account;
    account.workspace_id = workspace;
    account.login = login;
    account.name = login;
    account.role = role;
    account.crm_user_id = crm_user;
    // Every test account's password is its login with "-pw".
    account.password_hash = HashPassword(login + "-pw").value();
    ASSERT_TRUE(runtime_->accounts().AddAccount(account).ok());
  }

  httplib::Result LoginRaw(const std::string& login, const std::string& password) {
    nlohmann::json body = {{"login", login}, {"password", password}};
    return client_->Post("/api/v1/login", body.dump(), "application/json");
  }

  Browser Login(const std::string& login) {
    auto response = LoginRaw(login, login + "-pw");
    EXPECT_EQ(response->status, 200) << response->body;
    Browser browser;
    std::string set_cookie = response->get_header_value("Set-Cookie");
    browser.cookie = set_cookie.substr(0, set_cookie.find(';'));
    browser.csrf = nlohmann::json::parse(response->body)["csrf_token"].get<std::string>();
    return browser;
  }

  // A request as `browser` (no cookie when null), with its CSRF token unless `csrf` is given.
  httplib::Result Call(const std::string& method, const std::string& path, const Browser* browser,
                       const std::string& body = "",
                       const std::optional<std::string>& csrf = std::nullopt,
                       const std::string& bearer = "") {
    httplib::Headers headers;
    if (browser != nullptr) {
      headers.emplace("Cookie", browser->cookie);
      headers.emplace("X-CSRF-Token", csrf.value_or(browser->csrf));
    } else if (csrf) {
      headers.emplace("X-CSRF-Token", *csrf);
    }
    if (!bearer.empty()) headers.emplace("Authorization", "Bearer " + bearer);
    if (method == "GET") return client_->Get(path.c_str(), headers);
    if (method == "POST") return client_->Post(path.c_str(), headers, body, "application/json");
    if (method == "PUT") return client_->Put(path.c_str(), headers, body, "application/json");
    return client_->Delete(path.c_str(), headers, body, "application/json");
  }

  nlohmann::json Json(const httplib::Result& response) {
    return nlohmann::json::parse(response->body, nullptr, false);
  }

  TempDir dir_;
  std::unique_ptr<Runtime> runtime_;
  int64_t main_ = 0;
  int64_t other_ = 0;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

// The report request of most tests: March 2024, seen from April 10th.
inline std::string MarchReport(const std::string& metric, const std::string& extra = "") {
  return R"({"metric":")" + metric +
         R"(","period":{"from":"2024-03-01","to":"2024-04-01"},"as_of":"2024-04-10T00:00:00Z")" +
         extra + "}";
}

}  // namespace voronka::testing
