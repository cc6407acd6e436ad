// Scale-out (voronka serve --facts clickhouse://... --meta postgresql://...): two servers on one
// two-shard ClickHouse cluster and one PostgreSQL. A batch sent to one server is reported by the
// other exactly as the embedded engine reports the same history, drill-downs list the same
// deals within the caller's visibility, and while ClickHouse is down reports and drill-downs
// answer 503 and recover by themselves after.
#include <gtest/gtest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "access/ingest_token.h"
#include "access/password.h"
#include "clickhouse/schema.h"
#include "metrics/report.h"
#include "server/http_util.h"
#include "server/server.h"
#include "server/server_instance.h"
#include "store/meta_store.h"
#include "testing/clickhouse_server.h"
#include "testing/postgres_server.h"

namespace voronka {
namespace {

using nlohmann::json;

// Deals of March 2026 (UTC workspace), amounts in roubles:
//   D1 Anna, created 2 Mar, won ("paid") 10 Mar, 500.00
//   D2 Anna, created 3 Mar, lost ("failed") 12 Mar, 200.00
//   D3 Boris, created 5 Mar, still on "new", 300.00
//   D4 Boris, created 6 Mar, won 20 Mar, 150.00
// By hand, for March: won_amount Anna 500.00, Boris 150.00, total 650.00; created_count 4;
// in_work_count at the end of March: D3 only (1).
constexpr const char* kHistory =
    R"({"type":"user","id":"u1","name":"Anna"})"
    "\n"
    R"({"type":"user","id":"u2","name":"Boris"})"
    "\n"
    R"({"type":"pipeline","id":"p1","name":"Sales","entity":"deal","stages":[)"
    R"({"id":"new","name":"New","semantic":"open"},)"
    R"({"id":"paid","name":"Paid","semantic":"won"},)"
    R"({"id":"failed","name":"Failed","semantic":"lost"}]})"
    "\n"
    R"({"type":"deal","id":"D1","title":"Order 1","pipeline_id":"p1","stage_id":"new",)"
    R"("amount":"500.00","responsible_id":"u1","created_at":"2026-03-02T10:00:00Z"})"
    "\n"
    R"({"type":"deal","id":"D2","title":"Order 2","pipeline_id":"p1","stage_id":"new",)"
    R"("amount":"200.00","responsible_id":"u1","created_at":"2026-03-03T10:00:00Z"})"
    "\n"
    R"({"type":"deal","id":"D3","title":"Order 3","pipeline_id":"p1","stage_id":"new",)"
    R"("amount":"300.00","responsible_id":"u2","created_at":"2026-03-05T10:00:00Z"})"
    "\n"
    R"({"type":"deal","id":"D4","title":"Order 4","pipeline_id":"p1","stage_id":"new",)"
    R"("amount":"150.00","responsible_id":"u2","created_at":"2026-03-06T10:00:00Z"})"
    "\n"
    R"({"type":"stage_change","deal_id":"D1","to":"paid","at":"2026-03-10T10:00:00Z"})"
    "\n"
    R"({"type":"stage_change","deal_id":"D2","to":"failed","at":"2026-03-12T10:00:00Z"})"
    "\n"
    R"({"type":"stage_change","deal_id":"D4","to":"paid","at":"2026-03-20T10:00:00Z"})"
    "\n";

json Request(const char* metric) {
  return {{"metric", metric},
          {"period", {{"from", "2026-03-01"}, {"to", "2026-04-01"}}},
          {"as_of", "2026-04-10T00:00:00Z"},
          {"group_by", {"responsible"}}};
}

// A server's data directory keeps only the workspace list.
using Instance = testing::ServerInstance;

class ScaleOutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    VORONKA_START_POSTGRES(postgres_);
    VORONKA_START_CLICKHOUSE(cluster_);
    // A database per test: one test's records (the activities of March) never reach another.
    static int tests = 0;
    database_ = "scale_out_" + std::to_string(getpid()) + "_" + std::to_string(++tests);
    auto client = clickhouse::Client::Open(cluster_->url(database_));
    ASSERT_TRUE(client.ok()) << client.message();
    Status made = clickhouse::InitCluster(client.value(), testing::ClickHouseCluster::kName);
    ASSERT_TRUE(made.ok()) << made.message();
    int shard = 1;
    for (Instance* instance : {&first_, &second_}) {
      // Each server talks to another shard: the Distributed tables make them see the same.
      std::string error;
      ASSERT_TRUE(instance->Serve(
          Runtime::Open(instance->dir.path(), postgres_->uri(), cluster_->url(database_, shard++)),
          error))
          << error;
    }
    ASSERT_TRUE(first_.AddAdmin("anna", "Anna", "anna-pw").ok());

    // The same history through an ingest token of the first server, and into an embedded one.
    Result<std::string> token = IssueIngestToken(first_.runtime->accounts(),
                                                 first_.runtime->default_workspace(), NowMicros());
    ASSERT_TRUE(token.ok()) << token.message();
    auto sent =
        first_.client->Post("/api/v1/events", {{"Authorization", "Bearer " + token.value()}},
                            kHistory, "application/x-ndjson");
    ASSERT_TRUE(sent);
    ASSERT_EQ(sent->status, 200) << sent->body;
    EXPECT_EQ(json::parse(sent->body)["applied"], 10);
    auto embedded = Runtime::Open(embedded_dir_.path());
    ASSERT_TRUE(embedded.ok()) << embedded.message();
    embedded_ = std::move(embedded).value();
    IngestOutcome ingested = embedded_->Ingest(embedded_->default_workspace(), kHistory);
    ASSERT_TRUE(ingested.ok()) << ingested.errors.front();

    auto [headers, status] = second_.Login("anna", "anna-pw");
    ASSERT_EQ(status, 200);
    headers_ = headers;
  }

  json Embedded(const json& request) {
    std::shared_ptr<const Engine> engine = embedded_->engine(embedded_->default_workspace());
    Result<json> answer = ParsedAnswer(embedded_->Report(
        embedded_->default_workspace(), *engine, request, Instant{NowMicros()}, Visibility{}));
    EXPECT_TRUE(answer.ok()) << answer.message();
    return answer.ok() ? answer.value() : json();
  }

  // The JSON body of an answer expected to be 200 (null, with a failure, when there is none).
  static json OkBody(const httplib::Result& answer) {
    if (!answer) {
      ADD_FAILURE() << "no answer: " << httplib::to_string(answer.error());
      return json();
    }
    EXPECT_EQ(answer->status, 200) << answer->body;
    return json::parse(answer->body, nullptr, false);
  }

  // A drill-down through the second server: the status and the answer.
  std::pair<int, json> Drill(const httplib::Headers& headers, const json& request) {
    auto answer =
        second_.client->Post("/api/v1/drilldown", headers, request.dump(), "application/json");
    EXPECT_TRUE(answer);
    if (!answer) return std::make_pair(0, json());
    return std::make_pair(answer->status, json::parse(answer->body, nullptr, false));
  }

  // The CSV export of a drill-down through the second server ("" when refused).
  std::string ExportedCsv(const httplib::Headers& headers, const json& drilldown) {
    json request = {{"format", "csv"}, {"drilldown", drilldown}};
    auto exported =
        second_.client->Post("/api/v1/export", headers, request.dump(), "application/json");
    EXPECT_TRUE(exported);
    if (!exported) return "";
    EXPECT_EQ(exported->status, 200) << exported->body;
    return exported->status == 200 ? exported->body : "";
  }

  static std::vector<std::string> Ids(const json& answer) {
    std::vector<std::string> out;
    for (const json& item : answer["items"]) out.push_back(item["id"]);
    return out;
  }

  // A manager's account for CRM user `crm_user`, logged in on the second server.
  httplib::Headers Manager(const std::string& login, const std::string& crm_user) {
    Account account;
    account.workspace_id = first_.runtime->default_workspace();
    account.login = login;
    account.name = login;
    account.role = "manager";
    account.crm_user_id = crm_user;
    account.password_hash = HashPassword(login + "-pw").value();
    EXPECT_TRUE(first_.runtime->accounts().AddAccount(account).ok());
    auto [headers, status] = second_.Login(login, login + "-pw");
    EXPECT_EQ(status, 200);
    return headers;
  }

  std::unique_ptr<testing::PostgresServer> postgres_;
  testing::ClickHouseCluster* cluster_ = nullptr;
  std::string database_;
  Instance first_;
  Instance second_;
  testing::TempDir embedded_dir_;
  std::unique_ptr<Runtime> embedded_;
  httplib::Headers headers_;
};

TEST_F(ScaleOutTest, ABatchSentToOneServerIsReportedByTheOtherAsTheEmbeddedEngineReportsIt) {
  for (const char* metric : {"won_amount", "created_count", "in_work_count"}) {
    json request = Request(metric);
    auto answer =
        second_.client->Post("/api/v1/report", headers_, request.dump(), "application/json");
    ASSERT_TRUE(answer);
    ASSERT_EQ(answer->status, 200) << metric << ": " << answer->body;
    EXPECT_EQ(json::parse(answer->body), Embedded(request)) << metric;
  }
  json won = json::parse(
      second_.client
          ->Post("/api/v1/report", headers_, Request("won_amount").dump(), "application/json")
          ->body);
  EXPECT_EQ(won["total"], "650.00");
  EXPECT_EQ(won["labels"]["responsible"]["u2"], "Boris");
}

// Drill-down (and its CSV export) through the HTTP API of a scale-out server. By hand, from
// the history above: won in March are D1 (Anna, 500.00) and D4 (Boris, 150.00); created in
// March all four. Boris, a manager, sees only his own deals D3 and D4, whatever he asks for.
TEST_F(ScaleOutTest, DrillDownListsTheDealsBehindARowAndAManagerSeesOnlyHisOwn) {
  httplib::Headers boris_headers = Manager("boris", "u2");

  json anna_row = Request("won_amount");
  anna_row["group"] = {{"responsible", "u1"}};
  auto [status, answer] = Drill(headers_, anna_row);
  ASSERT_EQ(status, 200) << answer.dump();
  EXPECT_EQ(answer["total"], 1);
  ASSERT_EQ(Ids(answer), std::vector<std::string>{"D1"});
  const json& d1 = answer["items"][0];
  EXPECT_EQ(d1["title"], "Order 1");
  EXPECT_EQ(d1["amount"], "500.00");
  EXPECT_EQ(d1["stage_name"], "Paid");
  EXPECT_EQ(d1["closed_at"], "2026-03-10T10:00:00Z");
  EXPECT_EQ(d1["responsible"], "u1");
  // The same answer as the embedded engine gives for the same history.
  std::shared_ptr<const Engine> engine = embedded_->engine(embedded_->default_workspace());
  Result<json> embedded = ParsedAnswer(embedded_->Drilldown(
      embedded_->default_workspace(), *engine, anna_row, Instant{NowMicros()}, Visibility{}));
  ASSERT_TRUE(embedded.ok()) << embedded.message();
  EXPECT_EQ(answer, embedded.value());

  json won_total = Request("won_amount");
  won_total["sort"] = "amount";
  std::tie(status, answer) = Drill(headers_, won_total);
  ASSERT_EQ(status, 200) << answer.dump();
  EXPECT_EQ(Ids(answer), (std::vector<std::string>{"D4", "D1"}));  // 150.00, 500.00

  std::tie(status, answer) = Drill(boris_headers, Request("created_count"));
  ASSERT_EQ(status, 200) << answer.dump();
  EXPECT_EQ(answer["total"], 2);
  EXPECT_EQ(Ids(answer), (std::vector<std::string>{"D3", "D4"}));
  // Anna's row, a filter on Anna, her deal by sort and paging: nothing of hers shows.
  json anna_for_boris = Request("created_count");
  anna_for_boris["group"] = {{"responsible", "u1"}};
  std::tie(status, answer) = Drill(boris_headers, anna_for_boris);
  ASSERT_EQ(status, 200) << answer.dump();
  EXPECT_EQ(answer["total"], 0);
  json filtered = Request("won_count");
  filtered["filters"] = {{"responsible", {"u1", "u2"}}};
  filtered["sort"] = "-amount";
  filtered["offset"] = 0;
  filtered["limit"] = 10;
  std::tie(status, answer) = Drill(boris_headers, filtered);
  ASSERT_EQ(status, 200) << answer.dump();
  EXPECT_EQ(Ids(answer), std::vector<std::string>{"D4"});

  // The export of a drill-down goes the same way.
  std::string exported = ExportedCsv(boris_headers, Request("created_count"));
  EXPECT_NE(exported.find("Order 3"), std::string::npos) << exported;
  EXPECT_NE(exported.find("Order 4"), std::string::npos) << exported;
  EXPECT_EQ(exported.find("Order 1"), std::string::npos) << exported;
  EXPECT_EQ(exported.find("Order 2"), std::string::npos) << exported;
}

// Activities of March 2026, sent to the first server: Anna's call on her D1 (4th), Boris's
// e-mail on his D3 (7th), Anna's meeting of no deal (8th), Anna's comment on Boris's D3 (9th).
// By hand, activity_count by responsible: Anna 3, Boris 1. Boris, a manager, sees his e-mail
// and Anna's comment on his deal; never her call or her meeting, whatever he asks for.
TEST_F(ScaleOutTest, DrillDownOfActivitiesShowsAManagerOnlyHisOwnAndThoseOnHisDeals) {
  constexpr const char* kActivities =
      R"({"type":"activity","id":"call-anna","kind":"call","direction":"out","deal_id":"D1",)"
      R"("user_id":"u1","at":"2026-03-04T10:00:00Z"})"
      "\n"
      R"({"type":"activity","id":"mail-boris","kind":"email","direction":"in","deal_id":"D3",)"
      R"("user_id":"u2","at":"2026-03-07T10:00:00Z"})"
      "\n"
      R"({"type":"activity","id":"meet-anna","kind":"meeting","direction":"none",)"
      R"("user_id":"u1","at":"2026-03-08T10:00:00Z"})"
      "\n"
      R"({"type":"activity","id":"note-anna","kind":"comment","direction":"none","deal_id":"D3",)"
      R"("user_id":"u1","at":"2026-03-09T10:00:00Z"})"
      "\n";
  Result<std::string> token = IssueIngestToken(first_.runtime->accounts(),
                                               first_.runtime->default_workspace(), NowMicros());
  ASSERT_TRUE(token.ok()) << token.message();
  auto sent = first_.client->Post("/api/v1/events", {{"Authorization", "Bearer " + token.value()}},
                                  kActivities, "application/x-ndjson");
  ASSERT_TRUE(sent);
  ASSERT_EQ(sent->status, 200) << sent->body;
  ASSERT_TRUE(embedded_->Ingest(embedded_->default_workspace(), kActivities).ok());
  httplib::Headers boris_headers = Manager("boris", "u2");

  // The admin: Anna's row lists her three, as the embedded engine lists them.
  json anna_row = Request("activity_count");
  anna_row["group"] = {{"responsible", "u1"}};
  auto [status, answer] = Drill(headers_, anna_row);
  ASSERT_EQ(status, 200) << answer.dump();
  EXPECT_EQ(Ids(answer), (std::vector<std::string>{"call-anna", "meet-anna", "note-anna"}));
  EXPECT_EQ(answer["items"][0]["title"], "Order 1");
  std::shared_ptr<const Engine> engine = embedded_->engine(embedded_->default_workspace());
  Result<json> embedded = ParsedAnswer(embedded_->Drilldown(
      embedded_->default_workspace(), *engine, anna_row, Instant{NowMicros()}, Visibility{}));
  ASSERT_TRUE(embedded.ok()) << embedded.message();
  EXPECT_EQ(answer, embedded.value());

  std::tie(status, answer) = Drill(boris_headers, Request("activity_count"));
  ASSERT_EQ(status, 200) << answer.dump();
  EXPECT_EQ(Ids(answer), (std::vector<std::string>{"mail-boris", "note-anna"}));
  // Anna's row, a filter on Anna sorted by time: only her comment on his deal.
  std::tie(status, answer) = Drill(boris_headers, anna_row);
  ASSERT_EQ(status, 200) << answer.dump();
  EXPECT_EQ(Ids(answer), std::vector<std::string>{"note-anna"});
  json filtered = Request("activity_count");
  filtered["filters"] = {{"responsible", {"u1"}}};
  filtered["sort"] = "-at";
  std::tie(status, answer) = Drill(boris_headers, filtered);
  ASSERT_EQ(status, 200) << answer.dump();
  EXPECT_EQ(Ids(answer), std::vector<std::string>{"note-anna"});

  // The export of his drill-down goes the same way.
  std::string exported = ExportedCsv(boris_headers, Request("activity_count"));
  EXPECT_NE(exported.find("mail-boris"), std::string::npos) << exported;
  EXPECT_NE(exported.find("note-anna"), std::string::npos) << exported;
  EXPECT_EQ(exported.find("call-anna"), std::string::npos) << exported;
  EXPECT_EQ(exported.find("meet-anna"), std::string::npos) << exported;
}

TEST_F(ScaleOutTest, WhileClickHouseIsDownReportsAndDrillDownsAnswer503AndRecoverAfter) {
  cluster_->Stop();
  std::string request = Request("won_amount").dump();
  auto down = second_.client->Post("/api/v1/report", headers_, request, "application/json");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503) << down->body;
  EXPECT_EQ(down->get_header_value("Retry-After"), "5");
  EXPECT_NE(down->body.find("ClickHouse"), std::string::npos) << down->body;
  json drill = Request("won_amount");
  drill["group"] = {{"responsible", "u2"}};
  auto drill_down =
      second_.client->Post("/api/v1/drilldown", headers_, drill.dump(), "application/json");
  ASSERT_TRUE(drill_down);
  EXPECT_EQ(drill_down->status, 503) << drill_down->body;

  cluster_->Start();
  ASSERT_TRUE(cluster_->error().empty()) << cluster_->error();
  auto up = second_.client->Post("/api/v1/report", headers_, request, "application/json");
  ASSERT_TRUE(up);
  EXPECT_EQ(up->status, 200) << up->body;
  EXPECT_EQ(json::parse(up->body)["total"], "650.00");
  auto drill_up =
      second_.client->Post("/api/v1/drilldown", headers_, drill.dump(), "application/json");
  ASSERT_TRUE(drill_up);
  ASSERT_EQ(drill_up->status, 200) << drill_up->body;
  EXPECT_EQ(json::parse(drill_up->body)["items"][0]["id"], "D4");
}

TEST_F(ScaleOutTest, SearchFindsDealsByTitleNewestFirst) {
  // "order" is in every title (case aside): D4, D3, D2, D1 by creation, newest first.
  auto found = second_.client->Get("/api/v1/search?q=ORDER", headers_);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->status, 200) << found->body;
  json answer = json::parse(found->body);
  EXPECT_EQ(answer["total"], 4);
  std::vector<std::string> ids;
  for (const json& item : answer["items"]) ids.push_back(item["id"]);
  EXPECT_EQ(ids, (std::vector<std::string>{"D4", "D3", "D2", "D1"}));
  found = second_.client->Get("/api/v1/search?q=der%203", headers_);
  ASSERT_TRUE(found);
  ASSERT_EQ(found->status, 200) << found->body;
  answer = json::parse(found->body);
  EXPECT_EQ(answer["total"], 1);
  EXPECT_EQ(answer["items"][0]["title"], "Order 3");
}

TEST_F(ScaleOutTest, AWorkspaceAddedOnceIsServedByEveryServerUnderTheSameId) {
  // `voronka workspace add --meta ... --facts ...` while both servers run: the workspace is
  // listed in PostgreSQL, in neither server's data directory.
  Result<MetaStore> meta = OpenMetaStore(postgres_->uri(), "");
  ASSERT_TRUE(meta.ok()) << meta.message();
  WorkspaceRecord added;
  added.name = "Acme LLC";
  added.time_zone = "Europe/Moscow";
  Result<int64_t> acme = meta->workspaces->CreateWorkspace("acme", added);
  ASSERT_TRUE(acme.ok()) << acme.message();
  EXPECT_NE(acme.value(), first_.runtime->default_workspace());
  EXPECT_FALSE(meta->workspaces->CreateWorkspace("acme").ok()) << "names are unique";
  EXPECT_FALSE(first_.runtime->store().FindWorkspace(acme.value()));
  EXPECT_FALSE(second_.runtime->store().FindWorkspace(acme.value()));

  // One deal of acme, sent to the first server with an acme token: created at 21:30 UTC on
  // 28 Feb 2026, which is 00:30 on 1 March in Moscow. By acme's time zone it is a March deal:
  // March created_count 1, February 0; the default workspace keeps its 4.
  Result<std::string> token =
      IssueIngestToken(first_.runtime->accounts(), acme.value(), NowMicros());
  ASSERT_TRUE(token.ok()) << token.message();
  std::string batch =
      R"({"type":"user","id":"u1","name":"Vera"})"
      "\n"
      R"({"type":"pipeline","id":"p1","name":"Sales","entity":"deal","stages":[)"
      R"({"id":"new","name":"New","semantic":"open"}]})"
      "\n"
      R"({"type":"deal","id":"A1","title":"Acme 1","pipeline_id":"p1","stage_id":"new",)"
      R"("amount":"70.00","responsible_id":"u1","created_at":"2026-02-28T21:30:00Z"})"
      "\n";
  auto sent = first_.client->Post("/api/v1/events", {{"Authorization", "Bearer " + token.value()}},
                                  batch, "application/x-ndjson");
  ASSERT_TRUE(sent);
  ASSERT_EQ(sent->status, 200) << sent->body;

  // An admin of acme, added on the first server, logs in on the second and sees acme.
  Account admin;
  admin.workspace_id = acme.value();
  admin.login = "vera";
  admin.name = "Vera";
  admin.role = "admin";
  admin.password_hash = HashPassword("vera-pw").value();
  ASSERT_TRUE(first_.runtime->accounts().AddAccount(admin).ok());
  auto [headers, status] = second_.Login("vera", "vera-pw");
  ASSERT_EQ(status, 200);
  auto me = second_.client->Get("/api/v1/me", headers);
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  json workspace = json::parse(me->body)["workspace"];
  EXPECT_EQ(workspace["id"], acme.value());
  EXPECT_EQ(workspace["name"], "Acme LLC");
  EXPECT_EQ(workspace["time_zone"], "Europe/Moscow");
  json request = Request("created_count");
  auto answer = second_.client->Post("/api/v1/report", headers, request.dump(), "application/json");
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->status, 200) << answer->body;
  EXPECT_EQ(json::parse(answer->body)["total"], 1) << answer->body;
  request["period"] = {{"from", "2026-02-01"}, {"to", "2026-03-01"}};
  answer = second_.client->Post("/api/v1/report", headers, request.dump(), "application/json");
  ASSERT_TRUE(answer);
  EXPECT_EQ(json::parse(answer->body)["total"], 0) << answer->body;
  // The default workspace's admin still sees its own four.
  answer = second_.client->Post("/api/v1/report", headers_, Request("created_count").dump(),
                                "application/json");
  ASSERT_TRUE(answer);
  EXPECT_EQ(json::parse(answer->body)["total"], 4) << answer->body;
}

// The desktop's feed, new clients and activities by source on a scale-out server. Added to the
// history above (UTC): D1 and D3 get companies c1 and c2, D4 contact k1 (updates of 25 Mar);
// activities a1 site (Anna on D1, 4 Mar), a2 site (Boris on D3, 7 Mar), a3 phone (Boris, no
// deal, 8 Mar); tasks t1 Boris's on D3 due 15 Mar and t2 Anna's on D1 due 16 Mar, both open.
// Since 1 Mar the admin's feed has 9 events: D1..D4 created, D1 won 10 Mar, D2 lost 12 Mar,
// t1 overdue 15 Mar, t2 16 Mar, D4 won 20 Mar. Boris (a manager of u2) sees 4: D3, D4
// created, t1, D4 won; nothing of Anna's. New clients of March: c1 (D1), c2 (D3), k1 (D4);
// Boris: c2 and k1. Sources of March: site 2, phone 1; Boris: phone 1 (a3), site 1 (a2).
// While ClickHouse is down they answer 503.
TEST_F(ScaleOutTest, TheDesktopsFeedAndTablesAnswerAsEmbeddedAndAManagerSeesOnlyHisOwn) {
  std::string more =
      R"({"type":"deal_update","id":"D1","at":"2026-03-25T00:00:00Z","set":{"company_id":"c1"}}
{"type":"deal_update","id":"D3","at":"2026-03-25T00:00:00Z","set":{"company_id":"c2"}}
{"type":"deal_update","id":"D4","at":"2026-03-25T00:00:00Z","set":{"contact_id":"k1"}}
{"type":"activity","id":"a1","kind":"call","direction":"in","deal_id":"D1","user_id":"u1","source":"site","at":"2026-03-04T10:00:00Z"}
{"type":"activity","id":"a2","kind":"chat","direction":"in","deal_id":"D3","user_id":"u2","source":"site","at":"2026-03-07T10:00:00Z"}
{"type":"activity","id":"a3","kind":"call","direction":"out","user_id":"u2","source":"phone","at":"2026-03-08T10:00:00Z"}
{"type":"task","id":"t1","deal_id":"D3","user_id":"u2","title":"Call the client","created_at":"2026-03-05T10:00:00Z","deadline":"2026-03-15T10:00:00Z","completed_at":null}
{"type":"task","id":"t2","deal_id":"D1","user_id":"u1","title":"Send the contract","created_at":"2026-03-05T10:00:00Z","deadline":"2026-03-16T10:00:00Z","completed_at":null}
)";
  Result<std::string> token = IssueIngestToken(first_.runtime->accounts(),
                                               first_.runtime->default_workspace(), NowMicros());
  ASSERT_TRUE(token.ok()) << token.message();
  auto sent = first_.client->Post("/api/v1/events", {{"Authorization", "Bearer " + token.value()}},
                                  more, "application/x-ndjson");
  ASSERT_TRUE(sent);
  ASSERT_EQ(sent->status, 200) << sent->body;
  ASSERT_TRUE(embedded_->Ingest(embedded_->default_workspace(), more).ok());
  httplib::Headers boris = Manager("boris", "u2");
  std::shared_ptr<const Engine> engine = embedded_->engine(embedded_->default_workspace());
  const Visibility only_boris{false, {"u2"}};

  auto feed = [&](const httplib::Headers& headers) {
    return OkBody(second_.client->Get("/api/v1/feed?since=2026-03-01T00:00:00Z", headers));
  };
  auto listed = [](const json& answer) {
    std::vector<std::string> out;
    for (const json& event : answer["events"]) {
      out.push_back(event["kind"].get<std::string>() + " " +
                    event.value(event["kind"] == "overdue" ? "task_id" : "deal_id", ""));
    }
    return out;
  };
  auto embedded_feed = [&](const json& answer, const Visibility& visibility) {
    FeedWindow window{ParseInstant("2026-03-01T00:00:00Z").value().micros,
                      ParseInstant(answer["until"].get<std::string>()).value().micros, 50};
    Result<json> expected =
        embedded_->Feed(embedded_->default_workspace(), *engine, visibility, window);
    EXPECT_TRUE(expected.ok()) << expected.message();
    json same = answer;
    for (const char* key : {"since", "until", "last_visit"}) same.erase(key);
    EXPECT_EQ(same, expected.value());
  };
  json all = feed(headers_);
  EXPECT_EQ(all["total"], 9);
  EXPECT_EQ(listed(all),
            (std::vector<std::string>{"won D4", "overdue t2", "overdue t1", "lost D2", "won D1",
                                      "created D4", "created D3", "created D2", "created D1"}));
  embedded_feed(all, Visibility{});
  json for_boris = feed(boris);
  EXPECT_EQ(listed(for_boris),
            (std::vector<std::string>{"won D4", "overdue t1", "created D4", "created D3"}));
  EXPECT_EQ(for_boris.dump().find("u1"), std::string::npos) << for_boris.dump();
  embedded_feed(for_boris, only_boris);

  // The feed's export under the same visibility.
  auto exported = second_.client->Post(
      "/api/v1/export", boris, R"({"format":"csv","feed":{"since":"2026-03-01T00:00:00Z"}})",
      "application/json");
  ASSERT_TRUE(exported);
  ASSERT_EQ(exported->status, 200) << exported->body;
  EXPECT_NE(exported->body.find("Call the client"), std::string::npos) << exported->body;
  EXPECT_NE(exported->body.find("Order 4"), std::string::npos) << exported->body;
  EXPECT_EQ(exported->body.find("Order 1"), std::string::npos) << exported->body;
  EXPECT_EQ(exported->body.find("Send the contract"), std::string::npos) << exported->body;

  json march = {{"period", {{"from", "2026-03-01"}, {"to", "2026-04-01"}}}};
  auto table = [&](const char* path, const httplib::Headers& headers) {
    return OkBody(second_.client->Post(path, headers, march.dump(), "application/json"));
  };
  Instant now{NowMicros()};
  int64_t ws = embedded_->default_workspace();
  json clients = table("/api/v1/clients", headers_);
  EXPECT_EQ(clients, (json{{"total", 3}, {"companies", 2}, {"contacts", 1}}));
  EXPECT_EQ(clients, embedded_->NewClients(ws, *engine, march, now, Visibility{}).value());
  clients = table("/api/v1/clients", boris);
  EXPECT_EQ(clients, (json{{"total", 2}, {"companies", 1}, {"contacts", 1}}));
  EXPECT_EQ(clients, embedded_->NewClients(ws, *engine, march, now, only_boris).value());

  json sources = table("/api/v1/activity_sources", headers_);
  EXPECT_EQ(sources, (json{{"rows",
                            {{{"group", {{"source", "site"}}}, {"value", 2}},
                             {{"group", {{"source", "phone"}}}, {"value", 1}}}},
                           {"total", 3}}));
  EXPECT_EQ(sources, embedded_->ActivitySources(ws, *engine, march, now, Visibility{}).value());
  sources = table("/api/v1/activity_sources", boris);
  EXPECT_EQ(sources, (json{{"rows",
                            {{{"group", {{"source", "phone"}}}, {"value", 1}},
                             {{"group", {{"source", "site"}}}, {"value", 1}}}},
                           {"total", 2}}));
  EXPECT_EQ(sources, embedded_->ActivitySources(ws, *engine, march, now, only_boris).value());
  // Its export: Boris's two sources, one activity each, and the total.
  exported = second_.client->Post(
      "/api/v1/export", boris,
      json{{"format", "csv"}, {"language", "en"}, {"activity_sources", march}}.dump(),
      "application/json");
  ASSERT_TRUE(exported);
  ASSERT_EQ(exported->status, 200) << exported->body;
  EXPECT_NE(exported->body.find("phone,1"), std::string::npos) << exported->body;
  EXPECT_NE(exported->body.find("site,1"), std::string::npos) << exported->body;
  EXPECT_NE(exported->body.find("total,2"), std::string::npos) << exported->body;
  EXPECT_EQ(exported->body.find("site,2"), std::string::npos) << exported->body;

  // While ClickHouse is down they answer 503, and again once it is back.
  cluster_->Stop();
  auto down = second_.client->Get("/api/v1/feed?since=2026-03-01T00:00:00Z", headers_);
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503) << down->body;
  EXPECT_EQ(down->get_header_value("Retry-After"), "5");
  down = second_.client->Post("/api/v1/clients", headers_, march.dump(), "application/json");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503) << down->body;
  cluster_->Start();
  ASSERT_TRUE(cluster_->error().empty()) << cluster_->error();
  EXPECT_EQ(feed(headers_)["total"], 9);
}

}  // namespace
}  // namespace voronka
