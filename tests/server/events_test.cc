// POST /api/v1/events with ingest tokens, read back through a logged-in admin's reports,
// against a real server on loopback.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "access/password.h"
#include "access/secret.h"
#include "server/server.h"
#include "testing/process.h"

namespace voronka {
namespace {

using nlohmann::json;

class EventsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto runtime = Runtime::Open(dir_.path());
    ASSERT_TRUE(runtime.ok()) << runtime.message();
    runtime_ = std::move(runtime.value());
    token_ = runtime_->store().CreateIngestToken(runtime_->default_workspace()).value();
    Account admin;
    admin.workspace_id = runtime_->default_workspace();
    admin.login = "admin";
    admin.name = "Admin";
    admin.role = "admin";
    admin.password_hash = HashPassword("admin-pw").value();
    ASSERT_TRUE(runtime_->accounts().AddAccount(admin).ok());
    server_ = std::make_unique<HttpServer>(*runtime_);
    port_ = server_->BindAnyPort("127.0.0.1").value();
    thread_ = std::thread([this] { (void)server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port_);
    auto login = client_->Post("/api/v1/login", R"({"login":"admin","password":"admin-pw"})",
                               "application/json");
    ASSERT_EQ(login->status, 200) << login->body;
    std::string cookie = login->get_header_value("Set-Cookie");
    session_headers_ = {
        {"Cookie", cookie.substr(0, cookie.find(';'))},
        {"X-CSRF-Token", json::parse(login->body)["csrf_token"].get<std::string>()}};
  }
  void TearDown() override {
    server_->Stop();
    thread_.join();
  }

  httplib::Result Post(const std::string& path, const std::string& body, const std::string& token) {
    httplib::Headers headers;
    if (!token.empty()) headers.emplace("Authorization", "Bearer " + token);
    return client_->Post(path.c_str(), headers, body, "application/x-ndjson");
  }

  // created_count over March 2024 through the report API, as the admin.
  json CreatedInMarch() {
    auto response = client_->Post(
        "/api/v1/report", session_headers_,
        R"({"metric":"created_count","period":{"from":"2024-03-01","to":"2024-04-01"},"as_of":"2024-04-10T00:00:00Z"})",
        "application/json");
    EXPECT_EQ(response->status, 200) << response->body;
    return json::parse(response->body)["total"];
  }

  testing::TempDir dir_;
  std::unique_ptr<Runtime> runtime_;
  std::string token_;
  std::unique_ptr<HttpServer> server_;
  int port_ = 0;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
  httplib::Headers session_headers_;
};

constexpr std::string_view kDefinitions =
    R"({"type":"pipeline","id":"p1","name":"B2B","stages":[{"id":"new","name":"New","semantic":"open"},{"id":"paid","name":"Paid","semantic":"won"}]}
{"type":"user","id":"u1","name":"Anna"}
)";

std::string Deal(const std::string& id, const std::string& event_id = "") {
  std::string event = event_id.empty() ? "" : R"("event_id":")" + event_id + R"(",)";
  return "{" + event + R"("type":"deal","id":")" + id +
         R"(","pipeline_id":"p1","stage_id":"new","amount":"100.00","responsible_id":"u1","created_at":"2024-03-01T10:00:00Z"})" +
         "\n";
}

TEST_F(EventsApiTest, RefusesCallersWithoutTheWorkspaceToken) {
  EXPECT_EQ(Post("/api/v1/events", std::string(kDefinitions), "")->status, 401);
  EXPECT_EQ(Post("/api/v1/events", std::string(kDefinitions), "not-a-token")->status, 401);
  EXPECT_EQ(Post("/api/v1/report", R"({"metric":"created_count"})", "wrong")->status, 401);
  EXPECT_EQ(Post("/api/v1/drilldown", R"({"metric":"created_count"})", "")->status, 401);
  // An ingest token only ingests: it opens none of the read routes.
  EXPECT_EQ(Post("/api/v1/report", R"({"metric":"created_count"})", token_)->status, 401);
  EXPECT_EQ(Post("/api/v1/drilldown", R"({"metric":"created_count"})", token_)->status, 401);
  EXPECT_EQ(client_->Get("/api/v1/meta", {{"Authorization", "Bearer " + token_}})->status, 401);
  // And a session does not ingest.
  EXPECT_EQ(client_
                ->Post("/api/v1/events", session_headers_, std::string(kDefinitions),
                       "application/x-ndjson")
                ->status,
            401);
}

TEST_F(EventsApiTest, ARevokedTokenStopsWorkingAtOnce) {
  ASSERT_EQ(Post("/api/v1/events", std::string(kDefinitions), token_)->status, 200);
  ASSERT_TRUE(runtime_->accounts().RevokeIngestTokenHash(SecretHash(token_), 1).value());
  EXPECT_EQ(Post("/api/v1/events", Deal("D1"), token_)->status, 401);
  EXPECT_EQ(CreatedInMarch(), 0);  // D1 was refused
  // Another token of the workspace still works.
  std::string fresh = runtime_->store().CreateIngestToken(runtime_->default_workspace()).value();
  EXPECT_EQ(Post("/api/v1/events", Deal("D1"), fresh)->status, 200);
  EXPECT_EQ(CreatedInMarch(), 1);
}

TEST_F(EventsApiTest, AppliesABatchAndTheNextReportSeesIt) {
  auto response = Post("/api/v1/events", std::string(kDefinitions) + Deal("D1", "e1"), token_);
  ASSERT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(json::parse(response->body), (json{{"applied", 3}, {"skipped", 0}}));
  EXPECT_EQ(CreatedInMarch(), 1);  // D1, created 2024-03-01

  // Re-sending the same event is skipped: still one deal.
  response = Post("/api/v1/events", Deal("D1", "e1"), token_);
  ASSERT_EQ(response->status, 200) << response->body;
  EXPECT_EQ(json::parse(response->body), (json{{"applied", 0}, {"skipped", 1}}));
  EXPECT_EQ(CreatedInMarch(), 1);
}

TEST_F(EventsApiTest, ABadBatchIsRejectedWholeWithEveryErrorAndLine) {
  ASSERT_EQ(Post("/api/v1/events", std::string(kDefinitions), token_)->status, 200);
  std::string batch =
      Deal("D1") + Deal("D2") +
      R"({"type":"stage_change","deal_id":"D1","to":"paied","at":"2024-03-05T09:30:00Z"})"
      "\n" +
      R"({"type":"dael","id":"D3"})"
      "\n";
  auto response = Post("/api/v1/events", batch, token_);
  ASSERT_EQ(response->status, 400) << response->body;
  json errors = json::parse(response->body)["errors"];
  ASSERT_EQ(errors.size(), 2u) << response->body;
  EXPECT_EQ(errors[0].get<std::string>().rfind("line 3:", 0), 0u) << errors[0];
  EXPECT_EQ(errors[1].get<std::string>().rfind("line 4:", 0), 0u) << errors[1];
  // Nothing of the batch is visible: D1 and D2 were valid lines but are not stored.
  EXPECT_EQ(CreatedInMarch(), 0);
}

}  // namespace
}  // namespace voronka
