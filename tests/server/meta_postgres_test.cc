// Two servers on one PostgreSQL metadata store (voronka serve --meta): what one stores the
// other sees, and while PostgreSQL is down both say so with 503 and recover by themselves.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "access/ingest_token.h"
#include "access/password.h"
#include "server/http_util.h"
#include "server/server.h"
#include "server/server_instance.h"
#include "testing/postgres_server.h"

namespace voronka {
namespace {

using nlohmann::json;

using Instance = testing::ServerInstance;

class MetaPostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    VORONKA_START_POSTGRES(postgres_);
    for (Instance* instance : {&first_, &second_}) {
      std::string error;
      ASSERT_TRUE(instance->Serve(Runtime::Open(instance->dir.path(), postgres_->uri()), error))
          << error;
    }
    ASSERT_TRUE(first_.AddAdmin("anna", "Anna", "anna-pw").ok());
  }

  // Logs in as anna on `instance`: the session cookie and the CSRF token, and the status.
  std::pair<httplib::Headers, int> Login(Instance& instance) {
    return instance.Login("anna", "anna-pw");
  }

  std::unique_ptr<testing::PostgresServer> postgres_;
  Instance first_;
  Instance second_;
};

TEST_F(MetaPostgresTest, ASessionAndALayoutOfOneServerAreValidOnTheOther) {
  auto [headers, status] = Login(first_);
  ASSERT_EQ(status, 200);
  auto me = second_.client->Get("/api/v1/me", headers);
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200) << me->body;
  EXPECT_EQ(json::parse(me->body)["user"]["login"], "anna");

  auto put = first_.client->Put("/api/v1/layout?page=overview", headers, R"({"widgets":[7]})",
                                "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  auto layout = second_.client->Get("/api/v1/layout?page=overview", headers);
  ASSERT_TRUE(layout);
  EXPECT_EQ(json::parse(layout->body), json::parse(R"({"widgets":[7]})"));

  // Logging out on the second ends the session on the first too.
  auto logout = second_.client->Post("/api/v1/logout", headers, "", "application/json");
  ASSERT_TRUE(logout);
  EXPECT_EQ(first_.client->Get("/api/v1/me", headers)->status, 401);
}

TEST_F(MetaPostgresTest, AnIngestTokenIssuedThroughOneServerIsAcceptedByTheOther) {
  Result<std::string> token = IssueIngestToken(first_.runtime->accounts(),
                                               first_.runtime->default_workspace(), NowMicros());
  ASSERT_TRUE(token.ok()) << token.message();
  httplib::Headers bearer = {{"Authorization", "Bearer " + token.value()}};
  auto sent = second_.client->Post("/api/v1/events", bearer,
                                   R"({"type":"user","id":"u1","name":"Anna"})"
                                   "\n",
                                   "application/x-ndjson");
  ASSERT_TRUE(sent);
  EXPECT_EQ(sent->status, 200) << sent->body;
}

// The same history in both servers: one deal sitting on "awaiting", an open stage, so it is in
// work and not won. An admin on the first server makes "awaiting" a won stage; the second
// server, which was never told, must count the deal as won (1, worth 500.00) within a few
// seconds (it looks at the stored settings at most once a second), as the first does at once.
TEST_F(MetaPostgresTest, SettingsSavedOnOneServerTakeEffectOnTheOther) {
  const char* history =
      R"({"type":"user","id":"u1","name":"Anna"})"
      "\n"
      R"({"type":"pipeline","id":"p1","name":"Sales","entity":"deal","stages":[)"
      R"({"id":"new","name":"New","semantic":"open"},)"
      R"({"id":"awaiting","name":"Awaiting payment","semantic":"open"},)"
      R"({"id":"paid","name":"Paid","semantic":"won"}]})"
      "\n"
      R"({"type":"deal","id":"D1","title":"Order","pipeline_id":"p1","stage_id":"new",)"
      R"("amount":"500.00","responsible_id":"u1","created_at":"2026-03-02T10:00:00Z"})"
      "\n"
      R"({"type":"stage_change","deal_id":"D1","to":"awaiting","at":"2026-03-10T10:00:00Z"})"
      "\n";
  for (Instance* instance : {&first_, &second_}) {
    IngestOutcome ingested =
        instance->runtime->Ingest(instance->runtime->default_workspace(), history);
    ASSERT_TRUE(ingested.ok()) << ingested.errors.front();
  }
  auto [headers, status] = Login(first_);
  ASSERT_EQ(status, 200);
  const std::string won = R"({"metric":"won_amount","period":{"from":"2026-03-01","to":)"
                          R"("2026-04-01"},"as_of":"2026-04-01T00:00:00Z"})";
  auto won_on = [&](Instance& instance) {
    auto answer = instance.client->Post("/api/v1/report", headers, won, "application/json");
    return answer && answer->status == 200 ? json::parse(answer->body)["total"] : json();
  };
  ASSERT_EQ(won_on(second_), "0.00");

  auto put = first_.client->Put("/api/v1/settings", headers,
                                R"({"stage_semantics":{"awaiting":"won"},"forgotten_days":5})",
                                "application/json");
  ASSERT_TRUE(put);
  ASSERT_EQ(put->status, 200) << put->body;
  first_.runtime->WaitForRebuilds();
  EXPECT_EQ(won_on(first_), "500.00");

  json seen;
  for (int attempt = 0; attempt < 100 && seen != "500.00"; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    (void)won_on(second_);  // the look at the stored settings happens on use
    second_.runtime->WaitForRebuilds();
    seen = won_on(second_);
  }
  EXPECT_EQ(seen, "500.00");
  auto settings = second_.client->Get("/api/v1/settings", headers);
  ASSERT_TRUE(settings);
  EXPECT_EQ(json::parse(settings->body)["forgotten_days"], 5) << settings->body;
}

// Throttling counts the failures of every server: three wrong passwords for "anna" on the
// first and two on the second make five, the limit per login, so the right password is refused
// as throttled (429) on both, as it would be on one server after five failures.
TEST_F(MetaPostgresTest, FailedLoginsOnBothServersAddUpToOneLimit) {
  auto attempt = [](Instance& instance, const char* password) {
    json body = {{"login", "anna"}, {"password", password}};
    auto response = instance.client->Post("/api/v1/login", body.dump(), "application/json");
    return response ? response->status : 0;
  };
  for (int i = 0; i < 3; ++i) EXPECT_EQ(attempt(first_, "guess"), 401);
  for (int i = 0; i < 2; ++i) EXPECT_EQ(attempt(second_, "guess"), 401);
  EXPECT_EQ(attempt(first_, "anna-pw"), 429);
  EXPECT_EQ(attempt(second_, "anna-pw"), 429);
}

TEST_F(MetaPostgresTest, WhilePostgresIsDownTheServersAnswer503AndRecoverAfter) {
  auto [headers, status] = Login(first_);
  ASSERT_EQ(status, 200);
  postgres_->Stop();
  for (Instance* instance : {&first_, &second_}) {
    auto me = instance->client->Get("/api/v1/me", headers);
    ASSERT_TRUE(me);
    EXPECT_EQ(me->status, 503) << me->body;
    EXPECT_NE(me->body.find("the metadata store is unavailable: PostgreSQL at 127.0.0.1:"),
              std::string::npos)
        << me->body;
  }
  auto login = first_.client->Post("/api/v1/login", R"({"login":"anna","password":"anna-pw"})",
                                   "application/json");
  ASSERT_TRUE(login);
  EXPECT_EQ(login->status, 503) << login->body;
  EXPECT_FALSE(login->has_header("Set-Cookie"));

  postgres_->Start();
  ASSERT_TRUE(postgres_->error().empty()) << postgres_->error();
  for (Instance* instance : {&first_, &second_}) {
    auto me = instance->client->Get("/api/v1/me", headers);
    ASSERT_TRUE(me);
    EXPECT_EQ(me->status, 200) << me->body;  // the session outlived the restart
  }
}

}  // namespace
}  // namespace voronka
