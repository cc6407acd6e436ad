// A CRM connected to the scale-out mode: `voronka sync` and `voronka import <crm>` with --meta
// and --facts write into a real two-shard ClickHouse through the atomic fact writer and keep
// the hook credentials and sync marks in a real PostgreSQL, so that either of two servers on
// those stores answers the CRM's webhooks. The CRM is the recorded-page fixture server
// (tests/importers/fixture_crms.h) serving tests/importers/fixtures/bitrix24.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "access/ingest_token.h"
#include "clickhouse/fact_import.h"
#include "clickhouse/schema.h"
#include "importers/bitrix24_dump.h"
#include "importers/crm_state.h"
#include "clickhouse/import_target.h"
#include "server/crm_dumps.h"
#include "server/http_util.h"
#include "server/routes.h"
#include "server/server.h"
#include "server/server_instance.h"
#include "store/meta_store.h"
#include "testing/clickhouse_server.h"
#include "testing/postgres_server.h"

namespace voronka {
namespace {

using nlohmann::json;
using testing::March;

constexpr char kApplicationToken[] = "app-token-7c1e9f";

// The number N of "... (N skipped as already applied)" in a command's summary, -1 when absent.
int64_t Skipped(const std::string& output) {
  size_t end = output.find(" skipped as already applied");
  if (end == std::string::npos) return -1;
  size_t start = output.rfind('(', end);
  return start == std::string::npos ? -1 : std::stoll(output.substr(start + 1, end - start - 1));
}

class CrmScaleOutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    VORONKA_START_POSTGRES(postgres_);
    VORONKA_START_CLICKHOUSE(cluster_);
    static int tests = 0;
    database_ = "crm_scale_out_" + std::to_string(getpid()) + "_" + std::to_string(++tests);
    auto client = clickhouse::Client::Open(cluster_->url(database_));
    ASSERT_TRUE(client.ok()) << client.message();
    Status made = clickhouse::InitCluster(client.value(), testing::ClickHouseCluster::kName);
    ASSERT_TRUE(made.ok()) << made.message();
    facts_.emplace(std::move(client).value());
    stores_ = " --meta " + postgres_->uri() + " --facts " + cluster_->url(database_);
    // The workspace as an integrator adds it: in PostgreSQL, Moscow time like the portal.
    testing::CommandResult added =
        testing::RunVoronka("workspace add" + stores_ + " --name acme --time-zone Europe/Moscow");
    ASSERT_EQ(added.exit_code, 0) << added.output;
    Result<MetaStore> meta = OpenMetaStore(postgres_->uri(), "");
    ASSERT_TRUE(meta.ok()) << meta.message();
    meta_ = std::move(meta).value();
    Result<int64_t> acme = ChooseWorkspace(*meta_.workspaces, "acme");
    ASSERT_TRUE(acme.ok()) << acme.message();
    acme_ = acme.value();
    portal_dump_ = testing::CopyFixture(portal_dir_, "bitrix24");
    portal_ = std::make_unique<testing::FixturePortal>(portal_dump_);
  }

  testing::CommandResult Sync() {
    return testing::RunVoronka("sync bitrix24" + stores_ + " --workspace acme --webhook " +
                               portal_->webhook() + " --application-token " + kApplicationToken);
  }

  // Two servers on the stores, each talking to another shard, the second without a data
  // directory; an admin of acme logged in on both.
  void ServeTwo() {
    std::string error;
    ASSERT_TRUE(first_.Serve(
        Runtime::Open(first_.dir.path(), postgres_->uri(), cluster_->url(database_, 1)), error))
        << error;
    ASSERT_TRUE(
        second_.Serve(Runtime::Open("", postgres_->uri(), cluster_->url(database_, 2)), error))
        << error;
    EXPECT_EQ(second_.runtime->data_dir(), "");
    ASSERT_EQ(first_.runtime->default_workspace(), acme_);  // the first one listed
    ASSERT_TRUE(first_.AddAdmin("anna", "Anna", "anna-pw").ok());
    for (Instance* instance : {&first_, &second_}) {
      auto [headers, status] = instance->Login("anna", "anna-pw");
      ASSERT_EQ(status, 200);
      headers_.push_back(headers);
    }
  }

  // The March 2024 total of `metric` as server `which` (0 or 1) reports it.
  json Total(int which, const char* metric) {
    Instance& instance = which == 0 ? first_ : second_;
    auto answer = instance.client->Post("/api/v1/report", headers_[which], March(metric).dump(),
                                        "application/json");
    if (!answer || answer->status != 200) {
      ADD_FAILURE() << metric << ": " << (answer ? answer->body : "no answer");
      return nullptr;
    }
    return json::parse(answer->body)["total"];
  }

  // The numbers of the fixture's March (tests/importers/bitrix24_dump_test.cc counts them by
  // hand), as both servers report them.
  void ExpectFixtureMarch(const char* when) {
    for (int which : {0, 1}) {
      SCOPED_TRACE(std::string(when) + ", server " + std::to_string(which + 1));
      // Deals 1, 2, 3, 4, 6 created in March; won 1 (150 000.00) and 4 (30 000.00); 9
      // activities (7 calls and e-mails, comments 201 and 202).
      EXPECT_EQ(Total(which, "created_count"), 5);
      EXPECT_EQ(Total(which, "won_count"), 2);
      EXPECT_EQ(Total(which, "won_amount"), "180000.00");
      EXPECT_EQ(Total(which, "activity_count"), 9);
      // In work on April 1: 3 (45 500.50), 5 (1 200 000.00), 6 (0.00).
      EXPECT_EQ(Total(which, "in_work_amount"), "1245500.50");
    }
  }

  // Rows of `table` for acme, committed or not (a rejected batch must leave none).
  int64_t AllRows(const char* table) {
    Result<clickhouse::Rows> rows =
        facts_->Query(std::string("SELECT count() FROM ") + table + " WHERE ws = 'acme'");
    EXPECT_TRUE(rows.ok()) << rows.message();
    return rows.ok() ? std::stoll(rows->Text(0, 0)) : -1;
  }

  using Instance = testing::ServerInstance;
  std::unique_ptr<testing::PostgresServer> postgres_;
  testing::ClickHouseCluster* cluster_ = nullptr;
  std::string database_;
  std::optional<clickhouse::Client> facts_;
  std::string stores_;
  MetaStore meta_;
  int64_t acme_ = 0;
  testing::TempDir portal_dir_;
  std::string portal_dump_;
  std::unique_ptr<testing::FixturePortal> portal_;
  Instance first_;
  Instance second_;
  std::vector<httplib::Headers> headers_;
};

TEST_F(CrmScaleOutTest, ASyncLandsInClickHouseOnceAndEitherServerAnswersTheHooks) {
  testing::CommandResult first = Sync();
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_EQ(Skipped(first.output), 0) << first.output;
  // The marks of the next run are in PostgreSQL: the fixture's highest history rows are deal
  // row 1014 and lead row 1021.
  Result<Bitrix24Marks> marks = LoadBitrix24Marks(*meta_.crm_state, "", acme_);
  ASSERT_TRUE(marks.ok()) << marks.message();
  EXPECT_EQ(marks->deal_history_id, 1014);
  EXPECT_EQ(marks->lead_history_id, 1021);
  EXPECT_GT(marks->modified_from, 0);
  ServeTwo();
  ExpectFixtureMarch("after the first sync");

  // A second run is incremental (from the marks in PostgreSQL): nothing changed on the portal
  // since, so no deal is asked again and nothing moves.
  testing::CommandResult second = Sync();
  ASSERT_EQ(second.exit_code, 0) << second.output;
  std::vector<std::string> asked = portal_->TakeFilters();
  EXPECT_NE(std::find(asked.begin(), asked.end(), "crm.stagehistory.list filter[>ID]=1014"),
            asked.end());
  ExpectFixtureMarch("after the incremental sync");

  // With the marks forgotten, a full sync sends everything again: the 14 stage changes (event
  // ids) are skipped, deals and definitions replace themselves, nothing counts twice.
  ASSERT_TRUE(
      meta_.crm_state->Put(acme_, "bitrix24", CrmStateKind::kSyncMarks, "{}", NowMicros()).ok());
  testing::CommandResult full = Sync();
  ASSERT_EQ(full.exit_code, 0) << full.output;
  EXPECT_EQ(Skipped(full.output), 14) << full.output;
  ExpectFixtureMarch("after a full sync again");

  // The portal then: deal 3 won on March 30 (history row 1030), a call 110 on deal 6.
  testing::ChangeBitrix24OnMarch30(portal_dump_);
  Result<std::string> token = IssueIngestToken(*meta_.accounts, acme_, NowMicros());
  ASSERT_TRUE(token.ok()) << token.message();
  const std::string deal_3 =
      "event=ONCRMDEALUPDATE&data%5BFIELDS%5D%5BID%5D=3"
      "&auth%5Bapplication_token%5D=";
  auto hook = [&](Instance& instance, const std::string& body) {
    return instance.client->Post("/api/v1/hooks/bitrix24?token=" + token.value(), body,
                                 "application/x-www-form-urlencoded");
  };
  // The second server checks the application token the sync kept in PostgreSQL.
  auto guessed = hook(second_, deal_3 + "guess");
  ASSERT_TRUE(guessed);
  EXPECT_EQ(guessed->status, 403) << guessed->body;
  EXPECT_EQ(Total(0, "won_count"), 2);

  // The first server takes the event: deal 3 won, 150 000 + 30 000 + 45 500.50 = 225 500.50.
  auto moved = hook(first_, deal_3 + kApplicationToken);
  ASSERT_TRUE(moved);
  ASSERT_EQ(moved->status, 200) << moved->body;
  for (int which : {0, 1}) {
    EXPECT_EQ(Total(which, "won_count"), 3) << which;
    EXPECT_EQ(Total(which, "won_amount"), "225500.50") << which;
  }
  // Bitrix24 repeats the event to the second server: deal 3's three moves are skipped.
  auto again = hook(second_, deal_3 + kApplicationToken);
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 200) << again->body;
  EXPECT_EQ(json::parse(again->body)["skipped"], 3) << again->body;
  // The call, through the second server: 9 + 1 activities in March.
  auto called = hook(second_,
                     "event=ONCRMACTIVITYADD&data%5BFIELDS%5D%5BID%5D=110"
                     "&auth%5Bapplication_token%5D=" +
                         std::string(kApplicationToken));
  ASSERT_TRUE(called);
  ASSERT_EQ(called->status, 200) << called->body;
  for (int which : {0, 1}) {
    EXPECT_EQ(Total(which, "won_count"), 3) << which;
    EXPECT_EQ(Total(which, "won_amount"), "225500.50") << which;
    EXPECT_EQ(Total(which, "activity_count"), 10) << which;
  }
}

// The same two syncs, a full one on March 29 and an incremental one on March 30 after deal 3
// was won, into the embedded store and into ClickHouse: the incremental run reads which deals
// the workspace has from ClickHouse (deal 3 then arrives as an update), and every report of
// the scale-out server equals the embedded engine's.
TEST_F(CrmScaleOutTest, AnIncrementalSyncIntoClickHouseAnswersAsTheEmbeddedOne) {
  testing::ImportFixture embedded;
  Result<clickhouse::Client> client = clickhouse::Client::Open(cluster_->url(database_));
  ASSERT_TRUE(client.ok()) << client.message();
  clickhouse::FactsImportTarget facts_target(std::move(client).value(), "acme");
  testing::TempDir work;
  int64_t now = 1711699200;  // 2024-03-29 11:00 Moscow time
  Bitrix24Marks embedded_marks, facts_marks;
  auto sync = [&](ImportTarget& target, Bitrix24Marks& marks, const char* folder) {
    Bitrix24SyncOptions options;
    options.webhook_url = portal_->webhook();
    options.work_dir = work.path() + "/" + folder;
    options.pause = std::chrono::milliseconds(0);
    options.now = [&now] { return now; };
    options.previous = marks;
    options.keep_marks = [&marks](const Bitrix24Marks& kept) {
      marks = kept;
      return Status::Ok();
    };
    ImportSummary summary = SyncBitrix24(target, options, nullptr);
    EXPECT_TRUE(summary.ok()) << summary.errors[0];
    return summary;
  };
  sync(embedded.target(), embedded_marks, "embedded");
  sync(facts_target, facts_marks, "facts");
  EXPECT_EQ(facts_marks.modified_from, now);
  EXPECT_EQ(facts_marks.deal_history_id, 1014);

  testing::ChangeBitrix24OnMarch30(portal_dump_);
  now = 1711825200;  // 2024-03-30 22:00 Moscow time
  ImportSummary embedded_second = sync(embedded.target(), embedded_marks, "embedded");
  ImportSummary facts_second = sync(facts_target, facts_marks, "facts");
  EXPECT_EQ(facts_second.applied, embedded_second.applied);
  EXPECT_EQ(facts_second.skipped, embedded_second.skipped);
  EXPECT_EQ(facts_marks.deal_history_id, 1030);

  ServeTwo();
  std::unique_ptr<Engine> engine = embedded.LoadEngine();
  for (const char* metric : {"created_count", "won_count", "won_amount", "in_work_amount",
                             "activity_count", "funnel", "stage_movement"}) {
    json request = March(metric);
    auto answer =
        second_.client->Post("/api/v1/report", headers_[1], request.dump(), "application/json");
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->status, 200) << metric << ": " << answer->body;
    EXPECT_EQ(json::parse(answer->body), testing::Report(*engine, request)) << metric;
  }
  // By hand: deal 3 (45 500.50) won on March 30 beside 1 and 4: 3 wins, 225 500.50.
  EXPECT_EQ(Total(1, "won_count"), 3);
  EXPECT_EQ(Total(1, "won_amount"), "225500.50");
}

TEST_F(CrmScaleOutTest, AnImportWithABadRowChangesNothingInClickHouse) {
  testing::CommandResult imported = testing::RunVoronka(
      "import bitrix24" + stores_ + " --workspace acme --dir " + testing::FixtureDir("bitrix24"));
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_NE(imported.output.find("(0 skipped as already applied), 1 items left out"),
            std::string::npos)
      << imported.output;
  ServeTwo();
  ExpectFixtureMarch("after the import");
  const int64_t batches = AllRows("batches");
  const int64_t stage_changes = AllRows("stage_changes");
  const int64_t deals = AllRows("deals");
  EXPECT_EQ(batches, 1);

  // The dump again, with history row 1002 moving deal 1 to a stage of a pipeline the portal
  // does not have: refused whole, naming the page and the item; not one row is written.
  testing::TempDir dir;
  std::string spoiled = testing::CopyFixture(dir, "bitrix24");
  testing::EditDump(spoiled + "/crm.stagehistory.list", json::json_pointer("/result/items"),
                    [](json& row) {
                      if (testing::IdText(row["ID"]) == "1002") row["STAGE_ID"] = "C7:PAID";
                    });
  testing::CommandResult refused =
      testing::RunVoronka("import bitrix24" + stores_ + " --workspace acme --dir " + spoiled);
  EXPECT_EQ(refused.exit_code, 1) << refused.output;
  EXPECT_NE(refused.output.find("crm.stagehistory.list/deal-0001.json: item 2 (ID 1002): "),
            std::string::npos)
      << refused.output;
  EXPECT_NE(refused.output.find("C7:PAID"), std::string::npos) << refused.output;
  EXPECT_NE(refused.output.find("nothing was imported"), std::string::npos) << refused.output;
  EXPECT_EQ(AllRows("batches"), batches);
  EXPECT_EQ(AllRows("stage_changes"), stage_changes);
  EXPECT_EQ(AllRows("deals"), deals);
  ExpectFixtureMarch("after the refused import");

  // A batch that fails after its rows are in (here: before its commit) stays invisible too;
  // the same batch then goes in once.
  ImportBatch batch = ReadBitrix24Dump(testing::FixtureDir("bitrix24"), {});
  ParsedBatch parsed = TakeParsedBatch(batch);
  clickhouse::FactImportOptions crash;
  crash.chunk_lines = 10;  // several inserts before the commit that never comes
  crash.before_commit = [] { return Status::Error("the process died"); };
  clickhouse::WriteResult died = clickhouse::ImportRecords(*facts_, "acme", parsed, crash);
  EXPECT_FALSE(died.ok());
  EXPECT_GT(AllRows("deals"), deals);  // rows written, never committed
  EXPECT_EQ(AllRows("batches"), batches);
  ExpectFixtureMarch("after a batch that never committed");
}

TEST_F(CrmScaleOutTest, TheCredentialsAreInNoAnswerOfAnyRoute) {
  testing::CommandResult synced = Sync();
  ASSERT_EQ(synced.exit_code, 0) << synced.output;
  ServeTwo();
  Result<std::string> token = IssueIngestToken(*meta_.accounts, acme_, NowMicros());
  ASSERT_TRUE(token.ok()) << token.message();
  const std::string webhook = portal_->webhook();
  int routes = 0;
  for (int which : {0, 1}) {
    Instance& instance = which == 0 ? first_ : second_;
    for (const RouteSpec& route : ApiRoutes()) {
      if (route.example == "/api/v1/logout") continue;  // would end the session walking them
      std::string path(route.example);
      httplib::Headers headers = headers_[which];
      if (route.access == RouteAccess::kIngest) {
        headers.emplace("Authorization", "Bearer " + token.value());
      }
      bool hook = path.rfind("/api/v1/hooks/", 0) == 0;
      if (hook) path += "?token=" + token.value();
      std::string body = hook ? "event=ONCRMDEALUPDATE&data%5BFIELDS%5D%5BID%5D=3"
                                "&auth%5Bapplication_token%5D=guess"
                              : "{}";
      std::string method(route.method);
      httplib::Result answer =
          method == "GET"    ? instance.client->Get(path, headers)
          : method == "POST" ? instance.client->Post(path, headers, body, "application/json")
          : method == "PUT"  ? instance.client->Put(path, headers, body, "application/json")
                             : instance.client->Delete(path, headers);
      ASSERT_TRUE(answer) << method << " " << path;
      ++routes;
      for (const std::string& secret : {webhook, std::string(kApplicationToken)}) {
        EXPECT_EQ(answer->body.find(secret), std::string::npos)
            << method << " " << path << " answered the credentials: " << answer->body;
        for (const auto& [name, value] : answer->headers) {
          EXPECT_EQ(value.find(secret), std::string::npos) << method << " " << path << " " << name;
        }
      }
    }
  }
  EXPECT_GT(routes, 40);
}

}  // namespace
}  // namespace voronka
