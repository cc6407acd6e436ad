// POST /api/v1/hooks/bitrix24 and /api/v1/hooks/amocrm on a real server: the CRM's outbound
// event names what changed, the server fetches it from a CRM on loopback (the fixtures, with
// the change made) with the credentials `voronka sync` kept, and the dashboard's numbers move.
// Only the workspace whose ingest token is in the address receives anything.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "importers/amocrm_dump.h"
#include "importers/bitrix24_dump.h"
#include "importers/crm_hooks.h"
#include "importers/crm_state.h"
#include "importers/fixture_crms.h"
#include "importers/importer_test_util.h"
#include "server/crm_dumps.h"
#include "server/server.h"
#include "store/sqlite/crm_state_store.h"

namespace voronka {
namespace {

using nlohmann::json;
using testing::March;

// A server over a data directory whose workspaces were filled by an import and given
// credentials as `voronka sync` keeps them.
class HooksTest : public ::testing::Test {
 protected:
  // With `as_old_file`, the credentials are left as an older version kept them: a file in the
  // data directory, which the server moves into the metadata store on first use.
  int64_t AddWorkspace(const std::string& name, ImportBatch batch, const std::string& crm,
                       const CrmHookCredentials& credentials, std::string* token,
                       bool as_old_file = false) {
    if (!store_) store_ = std::move(SqliteStore::Open(data_).value());
    WorkspaceRecord settings;
    settings.time_zone = "Europe/Moscow";
    int64_t workspace = store_->CreateWorkspace(name, settings).value();
    if (!batch.records.empty()) {
      ImportSummary summary = StoreImportBatch(*store_, workspace, std::move(batch));
      EXPECT_TRUE(summary.ok()) << summary.errors[0];
    }
    *token = store_->CreateIngestToken(workspace).value();
    if (as_old_file) {
      json old = {{"bitrix24_webhook", credentials.bitrix24_webhook},
                  {"bitrix24_application_token", credentials.bitrix24_application_token},
                  {"amocrm_base_url", credentials.amocrm_base_url},
                  {"amocrm_token", credentials.amocrm_token}};
      std::ofstream(LegacyCrmStateFile(data_, workspace, crm, CrmStateKind::kHookCredentials))
          << old.dump(1) << "\n";
      return workspace;
    }
    auto crm_state = SqliteCrmStateStore::Open(store_->path());
    EXPECT_TRUE(crm_state.ok()) << crm_state.message();
    EXPECT_TRUE(SaveHookCredentials(*crm_state.value(), workspace, crm, credentials).ok());
    return workspace;
  }

  void Serve() {
    store_.reset();
    runtime_ = std::move(Runtime::Open(data_).value());
    server_ = std::make_unique<HttpServer>(*runtime_);
    int port = server_->BindAnyPort("127.0.0.1").value();
    thread_ = std::thread([this] { (void)server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", port);
  }

  void TearDown() override {
    if (!server_) return;
    server_->Stop();
    thread_.join();
  }

  httplib::Result Post(const std::string& path, const std::string& body) {
    return client_->Post(path, body, "application/x-www-form-urlencoded");
  }

  json Total(int64_t workspace, const char* metric) {
    return testing::Total(*runtime_->engine(workspace), March(metric));
  }

  testing::TempDir dir_;
  std::string data_ = dir_.path() + "/data";
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<Runtime> runtime_;
  std::unique_ptr<HttpServer> server_;
  std::thread thread_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(HooksTest, ABitrix24EventMovesTheNumbersOfItsWorkspaceOnlyAndOnlyOnce) {
  testing::TempDir portal_dir;
  testing::FixturePortal portal(testing::ChangedBitrix24(portal_dir));
  CrmHookCredentials credentials;
  credentials.bitrix24_webhook = portal.webhook();
  credentials.bitrix24_application_token = "app-secret";
  std::string token;
  std::string other_token;
  int64_t acme = AddWorkspace("acme", ReadBitrix24Dump(testing::FixtureDir("bitrix24"), {}),
                              "bitrix24", credentials, &token);
  int64_t other = AddWorkspace("other", {}, "bitrix24", credentials, &other_token);
  Serve();
  // The fixture's March, by hand (bitrix24_dump_test.cc): won 1 (150 000) and 4 (30 000);
  // 9 activities.
  ASSERT_EQ(Total(acme, "won_count"), 2);
  ASSERT_EQ(Total(acme, "won_amount"), "180000.00");
  ASSERT_EQ(Total(acme, "activity_count"), 9);

  const std::string deal_3 =
      "event=ONCRMDEALUPDATE&data%5BFIELDS%5D%5BID%5D=3&ts=1711789200"
      "&auth%5Bdomain%5D=example.bitrix24.ru&auth%5Bapplication_token%5D=";
  EXPECT_EQ(Post("/api/v1/hooks/bitrix24", deal_3 + "app-secret")->status, 401);
  EXPECT_EQ(Post("/api/v1/hooks/bitrix24?token=vk_forged", deal_3 + "app-secret")->status, 401);
  auto wrong_application = Post("/api/v1/hooks/bitrix24?token=" + token, deal_3 + "guess");
  EXPECT_EQ(wrong_application->status, 403) << wrong_application->body;
  EXPECT_EQ(Total(acme, "won_count"), 2);

  auto moved = Post("/api/v1/hooks/bitrix24?token=" + token, deal_3 + "app-secret");
  ASSERT_EQ(moved->status, 200) << moved->body;
  // Deal 3 won: 3 wins, 150 000 + 30 000 + 45 500.50 = 225 500.50.
  EXPECT_EQ(Total(acme, "won_count"), 3);
  EXPECT_EQ(Total(acme, "won_amount"), "225500.50");
  // The same event again (Bitrix24 may repeat it): deal 3's three moves are skipped (the
  // pipelines and the deal are replaced by the same), nothing counts twice.
  auto again = Post("/api/v1/hooks/bitrix24?token=" + token, deal_3 + "app-secret");
  ASSERT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(json::parse(again->body)["skipped"], 3) << again->body;
  EXPECT_EQ(Total(acme, "won_count"), 3);
  EXPECT_EQ(Total(acme, "won_amount"), "225500.50");

  auto called = Post("/api/v1/hooks/bitrix24?token=" + token,
                     "event=ONCRMACTIVITYADD&data%5BFIELDS%5D%5BID%5D=110"
                     "&auth%5Bapplication_token%5D=app-secret");
  ASSERT_EQ(called->status, 200) << called->body;
  EXPECT_EQ(Total(acme, "activity_count"), 10);

  // The other workspace's token: deal 3 goes to "other" (one win), acme does not change.
  auto foreign = Post("/api/v1/hooks/bitrix24?token=" + other_token, deal_3 + "app-secret");
  ASSERT_EQ(foreign->status, 200) << foreign->body;
  EXPECT_EQ(Total(other, "won_count"), 1);
  EXPECT_EQ(Total(acme, "won_count"), 3);
  EXPECT_EQ(Total(acme, "activity_count"), 10);

  // An event without the application token, one that names no id, and a deletion (kept, as
  // in a dump).
  EXPECT_EQ(Post("/api/v1/hooks/bitrix24?token=" + token, "hello")->status, 403);
  auto no_id = Post("/api/v1/hooks/bitrix24?token=" + token,
                    "event=ONCRMDEALUPDATE&data%5BFIELDS%5D%5BID%5D=3%3B1"
                    "&auth%5Bapplication_token%5D=app-secret");
  EXPECT_EQ(no_id->status, 400);
  EXPECT_NE(no_id->body.find("ONCRMDEALUPDATE: data[FIELDS][ID] '3;1' is not an id"),
            std::string::npos)
      << no_id->body;
  EXPECT_EQ(Post("/api/v1/hooks/bitrix24?token=" + token,
                 "event=ONCRMDEALDELETE&data%5BFIELDS%5D%5BID%5D=3"
                 "&auth%5Bapplication_token%5D=app-secret")
                ->status,
            200);
  EXPECT_EQ(Total(acme, "won_count"), 3);
}

TEST_F(HooksTest, AnAmocrmStatusChangeMovesTheNumbersAndAPortalRefusalIsSaid) {
  testing::TempDir account_dir;
  std::string dump = testing::CopyFixture(account_dir, "amocrm");
  // Lead 9003 (95 000, 33013) won on 03-30 12:00 Moscow time.
  testing::EditDump(dump + "/leads", json::json_pointer("/_embedded/leads"), [](json& lead) {
    if (lead["id"] == 9003) {
      lead["status_id"] = 142;
      lead["updated_at"] = 1711789200;
    }
  });
  json status_changed = testing::Lead9003WonEvent();
  {
    json page = json::parse(testing::ReadText(dump + "/events/0002.json"));
    page["_embedded"]["events"].push_back(status_changed);
    std::ofstream(dump + "/events/0002.json") << page.dump();
  }
  testing::FixtureAccount account(dump);
  CrmHookCredentials credentials;
  credentials.amocrm_base_url = account.base_url();
  credentials.amocrm_token = testing::kAmocrmToken;
  std::string token;
  // Teplodom's credentials are a file left by an older version (upgraded in place).
  int64_t teplodom = AddWorkspace("teplodom", ReadAmocrmDump(testing::FixtureDir("amocrm"), {}),
                                  "amocrm", credentials, &token, /*as_old_file=*/true);
  const std::string old_file =
      LegacyCrmStateFile(data_, teplodom, "amocrm", CrmStateKind::kHookCredentials);
  ASSERT_TRUE(std::filesystem::exists(old_file));
  std::string refused_token;
  credentials.amocrm_token = "revoked";
  int64_t refused = AddWorkspace("refused", {}, "amocrm", credentials, &refused_token);
  Serve();
  ASSERT_EQ(Total(teplodom, "won_count"), 2);  // amocrm_dump_test.cc: 9001 and 9005

  const std::string body =
      "leads%5Bstatus%5D%5B0%5D%5Bid%5D=9003&leads%5Bstatus%5D%5B0%5D%5Bstatus_id%5D=142"
      "&leads%5Bstatus%5D%5B0%5D%5Bpipeline_id%5D=3301"
      "&leads%5Bstatus%5D%5B0%5D%5Bold_status_id%5D=33013&account%5Bsubdomain%5D=teplodom";
  auto moved = Post("/api/v1/hooks/amocrm?token=" + token, body);
  ASSERT_EQ(moved->status, 200) << moved->body;
  // 250 000 + 1 500 000 + 95 000.
  EXPECT_EQ(Total(teplodom, "won_count"), 3);
  EXPECT_EQ(Total(teplodom, "won_amount"), "1845000.00");
  EXPECT_EQ(Total(teplodom, "in_work_count"), 1);
  // The old file was moved into the metadata store: gone from the directory, kept there.
  EXPECT_FALSE(std::filesystem::exists(old_file));
  Result<std::optional<CrmHookCredentials>> moved_in =
      LoadHookCredentials(runtime_->crm_state(), "", teplodom, "amocrm");
  ASSERT_TRUE(moved_in.ok() && moved_in->has_value());
  EXPECT_EQ((*moved_in)->amocrm_token, testing::kAmocrmToken);
  // Again: 9003's two earlier moves, the new one and its two chat messages are skipped (the
  // pipeline and the lead are replaced by the same).
  auto again = Post("/api/v1/hooks/amocrm?token=" + token, body);
  ASSERT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(json::parse(again->body)["skipped"], 5) << again->body;
  EXPECT_EQ(Total(teplodom, "won_count"), 3);

  // A workspace whose token the account refuses: 502 naming what the account said.
  auto failed = Post("/api/v1/hooks/amocrm?token=" + refused_token, body);
  EXPECT_EQ(failed->status, 502);
  EXPECT_NE(failed->body.find("leads/pipelines page 1: the account answered HTTP 401"),
            std::string::npos)
      << failed->body;
  EXPECT_EQ(Total(refused, "won_count"), 0);
}

TEST_F(HooksTest, AWorkspaceWithoutCredentialsIsToldToSyncFirst) {
  Serve();
  std::string token = runtime_->store().CreateIngestToken(runtime_->default_workspace()).value();
  auto response = Post("/api/v1/hooks/amocrm?token=" + token, "leads%5Badd%5D%5B0%5D%5Bid%5D=1");
  EXPECT_EQ(response->status, 409);
  EXPECT_NE(response->body.find("run `voronka sync amocrm`"), std::string::npos) << response->body;
}

// A fetch that fails on the credentials themselves (a webhook that is not an http address,
// as a hand-edited store could hold) is said without them: they are secrets.
TEST_F(HooksTest, AFailedFetchIsSaidWithoutTheCredentials) {
  CrmHookCredentials credentials;
  credentials.bitrix24_webhook = "ftp://portal.example/rest/1/k3y-s3cr3t/";
  std::string token;
  AddWorkspace("acme", {}, "bitrix24", credentials, &token);
  Serve();
  auto failed = Post("/api/v1/hooks/bitrix24?token=" + token,
                     "event=ONCRMDEALUPDATE&data%5BFIELDS%5D%5BID%5D=3");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->status, 502);
  EXPECT_EQ(failed->body.find("k3y-s3cr3t"), std::string::npos) << failed->body;
  EXPECT_NE(failed->body.find("webhook '[credentials]' is not an http(s) address"),
            std::string::npos)
      << failed->body;
}

}  // namespace
}  // namespace voronka
