// The desktop's own answers in scale-out mode (clickhouse/desk.h): the event feed, new clients
// and activities by source. Differential: random histories (the report differential test's
// generator, activities given sources, then keyed records re-sent with other values and that
// batch retried) in the embedded engine and in the two-shard cluster must answer the same JSON
// for windows, limits, periods, filters, compare and a manager's visibility. By hand: a small
// history whose rows a person lists.
#include "clickhouse/desk.h"

#include <gtest/gtest.h>

#include "clickhouse/differential_fixture.h"
#include "clickhouse/report.h"
#include "metrics/history_generator.h"
#include "metrics/metric_test_util.h"
#include "server/feed.h"
#include "testing/clickhouse_server.h"

namespace voronka::testing {
namespace {

using clickhouse::Client;
using nlohmann::json;
constexpr const char* kDatabase = "voronka_desk";

int64_t At(const char* text) {
  return ParseInstant(text).value().micros;
}

// Activities get a source ("site", "phone" or none); then some activities, tasks and deals are
// sent again with other values (a later arrival replaces them), returned apart to be sent last.
std::vector<std::string> WithSourcesAndResends(std::vector<std::string>& lines,
                                               HistoryGenerator& generator) {
  const char* sources[] = {"site", "phone", ""};
  std::vector<std::string> resent;
  for (std::string& line : lines) {
    json record = json::parse(line);
    std::string type = record["type"];
    if (type == "activity") {
      std::string source = sources[generator.Pick(3)];
      if (!source.empty()) record["source"] = source;
      line = record.dump();
      if (generator.Pick(4) == 0) {
        record["source"] = "resent";
        record["user_id"] = generator.Pick(2) ? "u2" : "u3";
        resent.push_back(record.dump());
      }
    } else if (type == "task" && generator.Pick(3) == 0) {
      record["title"] = "Resent " + record["id"].get<std::string>();
      record["deadline"] = "2024-04-0" + std::to_string(1 + generator.Pick(9)) + "T09:00:00Z";
      resent.push_back(record.dump());
    } else if (type == "deal" && generator.Pick(5) == 0) {
      record["title"] = "Resent " + record["id"].get<std::string>();
      record["responsible_id"] = generator.Pick(2) ? "u2" : "u1";
      resent.push_back(record.dump());
    }
  }
  return resent;
}

struct FeedCase {
  FeedWindow window;
  Visibility visibility;
};

std::vector<FeedCase> FeedCases() {
  std::vector<FeedCase> cases;
  const std::vector<std::pair<const char*, const char*>> windows = {
      {"2024-03-01T00:00:00Z", "2024-03-15T00:00:00Z"},
      {"2023-12-01T00:00:00Z", "2025-01-01T00:00:00Z"},
      {"2024-05-10T00:00:00Z", "2024-05-13T12:00:00Z"},
      {"2024-04-01T00:00:00Z", "2024-04-10T00:00:00Z"}};
  const Visibility visibilities[] = {Visibility{}, Visibility{false, {"u2"}},
                                     Visibility{false, {"u1", "u3"}}};
  const int32_t limits[] = {50, 7, 500};
  size_t i = 0;
  for (const auto& [since, until] : windows) {
    for (const Visibility& visibility : visibilities) {
      cases.push_back({FeedWindow{At(since), At(until), limits[i++ % 3]}, visibility});
    }
  }
  return cases;
}

struct TableCase {
  json request;
  Visibility visibility;
};

std::vector<TableCase> TableCases() {
  const std::vector<json> filters = {
      json::object(),
      {{"source", {"web"}}},
      {{"responsible", {"u1", "u3"}}},
      {{"department", {"d1"}}},
      {{"pipeline", {{"not_in", {"p2"}}}}, {"fields.tags", {"vip"}}},
      {{"kind", {"call", "chat"}}, {"direction", {{"not_in", {"out"}}}}},
      {{"amount", {{"min", 100}, {"max", 40000.5}}}},
      {{"title", {{"contains", "resent"}}}}};
  const char* periods[][2] = {{"2024-01-01", "2024-07-01"}, {"2024-03-01", "2024-04-01"}};
  const char* as_ofs[] = {"2024-09-01T00:00:00Z", "2024-03-20T12:00:00Z"};
  std::vector<TableCase> cases;
  for (size_t f = 0; f < filters.size(); ++f) {
    for (size_t v = 0; v < 2; ++v) {
      json request = {{"period", {{"from", periods[f % 2][0]}, {"to", periods[f % 2][1]}}},
                      {"as_of", as_ofs[(f + v) % 2]}};
      if (!filters[f].empty()) request["filters"] = filters[f];
      if ((f + v) % 3 == 0) request["compare"] = (f % 2) ? "previous_year" : "previous_period";
      cases.push_back({request, v == 0 ? Visibility{} : Visibility{false, {"u2", "u3"}}});
    }
  }
  cases.push_back({json{{"period", {{"preset", "last_month"}}}}, Visibility{false, {"u2"}}});
  return cases;
}

std::string Who(const Visibility& visibility) {
  if (visibility.all) return "all";
  std::string out;
  for (const std::string& user : visibility.user_ids) out += user + " ";
  return out;
}

class DeskTest : public FreshDatabaseTest {
 protected:
  DeskTest() : FreshDatabaseTest(kDatabase) {}
};

TEST_F(DeskTest, FeedNewClientsAndSourcesAnswerAsTheEngineOnRandomHistories) {
  Client client = Shard();
  int compared = 0;
  size_t step = SampleStep();
  for (uint32_t seed = 11; seed <= 12; ++seed) {
    HistoryGenerator generator(seed);
    std::vector<std::string> lines = WorkspaceWithHistory(generator, 60);
    std::vector<std::string> resent = WithSourcesAndResends(lines, generator);
    std::string ws = "desk" + std::to_string(seed);
    LoadFacts(client, ws, lines, generator.rng());
    // The re-sent records arrive last, in one batch written twice (a retry that committed
    // twice): each keyed record counts once, its last version.
    for (int copy = 0; copy < 2; ++copy) {
      clickhouse::WriteResult written = clickhouse::WriteNdjson(client, ws, JoinLines(resent));
      ASSERT_TRUE(written.ok()) << written.status.message();
    }
    std::vector<std::string> all = lines;
    all.insert(all.end(), resent.begin(), resent.end());
    auto engine = Load(JoinLines(all));
    Engine::ReadView view = engine->Read();
    const Tables& tables = view.tables();
    Result<Tables> directory = clickhouse::ReadReportDirectory(client, ws);
    ASSERT_TRUE(directory.ok()) << directory.message();

    std::vector<FeedCase> feeds = FeedCases();
    for (size_t i = 0; i < feeds.size(); i += step) {
      const FeedCase& c = feeds[i];
      json expected = BuildFeed(tables, c.visibility, c.window);
      Result<json> actual = clickhouse::Feed(client, ws, directory.value(), c.visibility, c.window);
      ASSERT_TRUE(actual.ok()) << actual.message();
      EXPECT_EQ(actual.value(), expected)
          << "seed " << seed << " window " << FormatInstant(Instant{c.window.since}) << " .. "
          << FormatInstant(Instant{c.window.until}) << " limit " << c.window.limit << " visibility "
          << Who(c.visibility) << "\nclickhouse " << actual.value().dump() << "\nengine     "
          << expected.dump();
      ++compared;
    }
    // A feed with nothing in it would compare nothing: the wide window has every kind.
    json wide = BuildFeed(tables, Visibility{}, feeds[3].window);
    for (const char* kind : {"created", "stage", "won", "lost", "overdue"}) {
      EXPECT_GT(wide["counts"][kind].get<int64_t>(), 0) << kind;
    }

    Instant now{At("2024-08-15T00:00:00Z")};
    using Table = Result<json> (*)(const Tables&, const json&, Instant, const Visibility&);
    using Compiled = Result<json> (*)(const Client&, const std::string&, const Tables&, const json&,
                                      Instant, const Visibility&, const AdminSettings&);
    std::vector<TableCase> tables_cases = TableCases();
    for (size_t i = 0; i < tables_cases.size(); i += step) {
      const TableCase& c = tables_cases[i];
      for (auto [name, engine_answer, clickhouse_answer] :
           {std::tuple<const char*, Table, Compiled>{"new clients", &NewClients,
                                                     &clickhouse::NewClients},
            std::tuple<const char*, Table, Compiled>{"sources", &ActivitySources,
                                                     &clickhouse::ActivitySources}}) {
        Result<json> expected = engine_answer(tables, c.request, now, c.visibility);
        Result<json> actual = clickhouse_answer(client, ws, directory.value(), c.request, now,
                                                c.visibility, AdminSettings{});
        if (!expected.ok()) {
          // A request the engine refuses is refused alike.
          ASSERT_FALSE(actual.ok()) << name << " " << c.request.dump();
          EXPECT_EQ(actual.message(), expected.message());
          continue;
        }
        ASSERT_TRUE(actual.ok()) << name << " " << actual.message() << "\n" << c.request.dump();
        EXPECT_EQ(actual.value(), expected.value())
            << name << ", seed " << seed << " " << c.request.dump() << " visibility "
            << Who(c.visibility) << "\nclickhouse " << actual.value().dump() << "\nengine     "
            << expected.value().dump();
        ++compared;
      }
    }
    // Likewise: the first table case counts new clients and several sources.
    Result<json> sources = ActivitySources(tables, tables_cases[0].request, now, Visibility{});
    EXPECT_GE(sources.value()["rows"].size(), 3u);
    EXPECT_GT(NewClients(tables, tables_cases[0].request, now, Visibility{}).value()["total"], 0);
  }
  std::printf("%d desk answers compared\n", compared);
}

// By hand (UTC times, workspace zone Europe/Moscow, deep link https://crm.example/deal/{id}/):
//   D1 Adelina (u1), company c1, created 2024-03-01 10:00 on taken, to invoice 03-05, paid
//      03-08 (won), 1000.00;
//   D2 Boris (u2), company c1, created 03-02 10:00 on taken, failed 03-06 (lost), 200.00;
//   D3 Boris, contact k1, created 03-03 10:00 on request, 50.00, retitled "Big one" 03-04;
//   t1 Vera's (u3) on D1, due 03-07 09:00, open; t2 Boris's on no deal, due 03-07 10:00,
//      completed 03-06 (in time: no event); t3 Vera's on no deal, due 03-07 11:00, open;
//   activities in March: a1 site (Adelina on D1), a2 site (Boris, no deal), a3 phone (Vera on
//      D2), a4 without source (Vera on no deal); a1 is re-sent with source "phone" (it wins).
// Feed of (03-01 12:00, 03-10] for everyone: D1 won 03-08, t3, t1 overdue 03-07 (11:00 then
// 09:00), D2 lost 03-06, D1 stage 03-05, D3 created 03-03, D2 created 03-02 (D1 was created
// before the window): 7 events. Boris (sees u2) sees D2 lost and created, D3 created: 3.
// New clients of March: c1 by D1 (its first deal) and k1 by D3: 1 company, 1 contact; Boris:
// c1's first deal D1 is not his, so only k1. Sources in March: phone 2 (a1, a3), site 1 (a2),
// "" 1 (a4); Boris sees a2 (his) and a3 (on his D2): phone 1, site 1.
constexpr const char* kByHand =
    R"({"type":"deal","id":"D1","title":"First","pipeline_id":"p1","stage_id":"taken","amount":"1000.00","responsible_id":"u1","company_id":"c1","created_at":"2024-03-01T10:00:00Z"}
{"type":"deal","id":"D2","title":"Second","pipeline_id":"p1","stage_id":"taken","amount":"200.00","responsible_id":"u2","company_id":"c1","created_at":"2024-03-02T10:00:00Z"}
{"type":"deal","id":"D3","title":"Third","pipeline_id":"p1","stage_id":"request","amount":"50.00","responsible_id":"u2","contact_id":"k1","created_at":"2024-03-03T10:00:00Z"}
{"type":"deal_update","id":"D3","at":"2024-03-04T10:00:00Z","set":{"title":"Big one"}}
{"type":"stage_change","deal_id":"D1","to":"invoice","at":"2024-03-05T10:00:00Z"}
{"type":"stage_change","deal_id":"D1","to":"paid","at":"2024-03-08T10:00:00Z"}
{"type":"stage_change","deal_id":"D2","to":"failed","at":"2024-03-06T10:00:00Z"}
{"type":"task","id":"t1","deal_id":"D1","user_id":"u3","title":"Call back","created_at":"2024-03-01T11:00:00Z","deadline":"2024-03-07T09:00:00Z","completed_at":null}
{"type":"task","id":"t2","user_id":"u2","title":"Send offer","created_at":"2024-03-01T11:00:00Z","deadline":"2024-03-07T10:00:00Z","completed_at":"2024-03-06T10:00:00Z"}
{"type":"task","id":"t3","user_id":"u3","title":"Plan","created_at":"2024-03-01T11:00:00Z","deadline":"2024-03-07T11:00:00Z","completed_at":null}
{"type":"activity","id":"a1","kind":"call","direction":"out","deal_id":"D1","user_id":"u1","source":"site","at":"2024-03-02T12:00:00Z"}
{"type":"activity","id":"a2","kind":"chat","direction":"in","user_id":"u2","source":"site","at":"2024-03-03T12:00:00Z"}
{"type":"activity","id":"a3","kind":"call","direction":"in","deal_id":"D2","user_id":"u3","source":"phone","at":"2024-03-04T12:00:00Z"}
{"type":"activity","id":"a4","kind":"email","direction":"out","user_id":"u3","at":"2024-03-05T12:00:00Z"}
)";

constexpr const char* kResentA1 =
    R"({"type":"activity","id":"a1","kind":"call","direction":"out","deal_id":"D1","user_id":"u1","source":"phone","at":"2024-03-02T12:00:00Z"})"
    "\n";

TEST_F(DeskTest, AHandBuiltHistoryListsWhatAPersonExpects) {
  Client client = Shard();
  std::vector<std::string> lines;
  for (std::string_view text : {kWorkspace, std::string_view(kByHand)}) {
    for (size_t start = 0; start < text.size();) {
      size_t end = text.find('\n', start);
      if (end > start) lines.emplace_back(text.substr(start, end - start));
      start = end + 1;
    }
  }
  std::mt19937 rng(5);
  LoadFacts(client, "hand", lines, rng);
  clickhouse::WriteResult resent = clickhouse::WriteNdjson(client, "hand", kResentA1);
  ASSERT_TRUE(resent.ok()) << resent.status.message();
  Result<Tables> directory = clickhouse::ReadReportDirectory(client, "hand");
  ASSERT_TRUE(directory.ok()) << directory.message();
  const Visibility boris{false, {"u2"}};

  FeedWindow window{At("2024-03-01T12:00:00Z"), At("2024-03-10T00:00:00Z"), 50};
  Result<json> feed = clickhouse::Feed(client, "hand", directory.value(), Visibility{}, window);
  ASSERT_TRUE(feed.ok()) << feed.message();
  std::vector<std::string> listed;
  for (const json& event : feed.value()["events"]) {
    listed.push_back(event["kind"].get<std::string>() + " " +
                     event.value(event["kind"] == "overdue" ? "task_id" : "deal_id", ""));
  }
  EXPECT_EQ(listed, (std::vector<std::string>{"won D1", "overdue t3", "overdue t1", "lost D2",
                                              "stage D1", "created D3", "created D2"}));
  EXPECT_EQ(feed.value()["total"], 7);
  EXPECT_EQ(feed.value()["counts"],
            (json{{"created", 2}, {"stage", 1}, {"won", 1}, {"lost", 1}, {"overdue", 2}}));
  const json& won = feed.value()["events"][0];
  EXPECT_EQ(won["at"], "2024-03-08T10:00:00Z");
  EXPECT_EQ(won["stage"], "paid");
  EXPECT_EQ(won["stage_name"], "Paid");
  EXPECT_EQ(won["from_stage_name"], "Invoice");
  EXPECT_EQ(won["title"], "First");
  EXPECT_EQ(won["amount"], "1000.00");
  EXPECT_EQ(won["responsible"], "u1");
  EXPECT_EQ(won["url"], "https://crm.example/deal/D1/");
  // t1 is on D1 and shows it; t3 has no deal.
  EXPECT_EQ(feed.value()["events"][2]["deal_id"], "D1");
  EXPECT_EQ(feed.value()["events"][2]["task_title"], "Call back");
  EXPECT_EQ(feed.value()["events"][2]["responsible"], "u3");
  EXPECT_FALSE(feed.value()["events"][1].contains("deal_id"));
  EXPECT_EQ(feed.value()["events"][5]["title"], "Big one");
  EXPECT_EQ(feed.value()["events"][5]["stage_name"], "Request");

  Result<json> limited = clickhouse::Feed(client, "hand", directory.value(), Visibility{},
                                          FeedWindow{window.since, window.until, 2});
  ASSERT_TRUE(limited.ok()) << limited.message();
  EXPECT_EQ(limited.value()["total"], 7);
  ASSERT_EQ(limited.value()["events"].size(), 2u);
  EXPECT_EQ(limited.value()["events"][1]["task_id"], "t3");

  Result<json> for_boris = clickhouse::Feed(client, "hand", directory.value(), boris, window);
  ASSERT_TRUE(for_boris.ok()) << for_boris.message();
  listed.clear();
  for (const json& event : for_boris.value()["events"]) {
    listed.push_back(event["kind"].get<std::string>() + " " + event["deal_id"].get<std::string>());
  }
  EXPECT_EQ(listed, (std::vector<std::string>{"lost D2", "created D3", "created D2"}));

  json march = {{"period", {{"from", "2024-03-01"}, {"to", "2024-04-01"}}}};
  Instant now{At("2024-03-20T00:00:00Z")};
  Result<json> clients =
      clickhouse::NewClients(client, "hand", directory.value(), march, now, Visibility{});
  ASSERT_TRUE(clients.ok()) << clients.message();
  EXPECT_EQ(clients.value(), (json{{"total", 2}, {"companies", 1}, {"contacts", 1}}));
  clients = clickhouse::NewClients(client, "hand", directory.value(), march, now, boris);
  ASSERT_TRUE(clients.ok()) << clients.message();
  EXPECT_EQ(clients.value(), (json{{"total", 1}, {"companies", 0}, {"contacts", 1}}));

  Result<json> sources =
      clickhouse::ActivitySources(client, "hand", directory.value(), march, now, Visibility{});
  ASSERT_TRUE(sources.ok()) << sources.message();
  EXPECT_EQ(sources.value(), (json{{"rows",
                                    {{{"group", {{"source", "phone"}}}, {"value", 2}},
                                     {{"group", {{"source", ""}}}, {"value", 1}},
                                     {{"group", {{"source", "site"}}}, {"value", 1}}}},
                                   {"total", 4}}));
  sources = clickhouse::ActivitySources(client, "hand", directory.value(), march, now, boris);
  ASSERT_TRUE(sources.ok()) << sources.message();
  EXPECT_EQ(sources.value(), (json{{"rows",
                                    {{{"group", {{"source", "phone"}}}, {"value", 1}},
                                     {{"group", {{"source", "site"}}}, {"value", 1}}}},
                                   {"total", 2}}));

  // The embedded engine, fed the same records, answers the same.
  auto engine = Load(JoinLines(lines) + kResentA1);
  Engine::ReadView view = engine->Read();
  EXPECT_EQ(feed.value(), BuildFeed(view.tables(), Visibility{}, window));
  EXPECT_EQ(for_boris.value(), BuildFeed(view.tables(), boris, window));
  EXPECT_EQ(sources.value(), ActivitySources(view.tables(), march, now, boris).value());
  EXPECT_EQ(clients.value(), NewClients(view.tables(), march, now, boris).value());
}

}  // namespace
}  // namespace voronka::testing
