// The desktop's own routes over the hand-countable history of api_fixture.h: the event feed
// (GET /feed, POST /feed/seen), new clients (POST /clients) and activities by source
// (POST /activity_sources), each as the admin, the head (Sales d1 + North d2: Anna, Boris,
// Gleb) and Boris (manager of u2), so that every number is counted by hand below.
#include <gtest/gtest.h>

#include "api_fixture.h"

namespace voronka {
namespace {

using nlohmann::json;
using testing::Browser;
using testing::MarchReport;

class FeedTest : public testing::ApiFixture {
 protected:
  json Feed(const Browser& who, const std::string& query) {
    auto response = Call("GET", "/api/v1/feed" + query, &who);
    EXPECT_EQ(response->status, 200) << response->body;
    return Json(response);
  }
  json Post(const Browser& who, const std::string& path, const std::string& body) {
    auto response = Call("POST", path, &who, body);
    EXPECT_EQ(response->status, 200) << response->body;
    return Json(response);
  }
  void Ingest(std::string_view ndjson) { ASSERT_TRUE(runtime_->Ingest(main_, ndjson).ok()); }
};

// The fixture's March: deals D1..D4 created on the 1st..4th at 10:00, D1..D3 won on the
// 10th..12th. Since March 2nd 00:00: D2, D3, D4 created and D1, D2, D3 won.
TEST_F(FeedTest, ListsTheEventsSinceAMomentThatTheCallerMaySee) {
  json all = Feed(Login("admin"), "?since=2024-03-02T00:00:00Z");
  EXPECT_EQ(all["total"], 6);
  EXPECT_EQ(all["counts"]["created"], 3);
  EXPECT_EQ(all["counts"]["won"], 3);
  EXPECT_EQ(all["since"], "2024-03-02T00:00:00Z");
  // Newest first: D3 won on the 12th, then D2 on the 11th.
  ASSERT_EQ(all["events"].size(), 6u);
  EXPECT_EQ(all["events"][0]["kind"], "won");
  EXPECT_EQ(all["events"][0]["deal_id"], "D3");
  EXPECT_EQ(all["events"][0]["at"], "2024-03-12T10:00:00Z");
  EXPECT_EQ(all["events"][0]["stage_name"], "Paid");
  EXPECT_EQ(all["events"][0]["from_stage_name"], "New");
  EXPECT_EQ(all["events"][0]["amount"], "400.00");
  EXPECT_EQ(all["events"][1]["deal_id"], "D2");
  EXPECT_EQ(all["events"][5]["kind"], "created");
  EXPECT_EQ(all["events"][5]["deal_id"], "D2");

  // Boris sees his D2 alone: created and won. The head: D2, D4 created, D1, D2 won.
  json boris = Feed(Login("boris"), "?since=2024-03-02T00:00:00Z");
  EXPECT_EQ(boris["total"], 2);
  for (const json& event : boris["events"]) EXPECT_EQ(event["deal_id"], "D2");
  EXPECT_EQ(Feed(Login("head"), "?since=2024-03-02T00:00:00Z")["total"], 4);

  // At most `limit` events, the newest, with the total of all of them.
  json first = Feed(Login("admin"), "?since=2024-03-02T00:00:00Z&limit=2");
  EXPECT_EQ(first["total"], 6);
  ASSERT_EQ(first["events"].size(), 2u);
  EXPECT_EQ(first["events"][1]["deal_id"], "D2");
}

// The feed exports like any widget: one row per event of GET /feed, under the same visibility.
TEST_F(FeedTest, TheFeedExportsItsEventsAsCsv) {
  auto csv = [&](const char* login) {
    Browser who = Login(login);
    auto response = Call("POST", "/api/v1/export", &who,
                         R"({"format":"csv","language":"en","feed":{"since":"2024-03-02T00:00:00Z"}})");
    EXPECT_EQ(response->status, 200) << response->body;
    EXPECT_EQ(response->get_header_value("Content-Type"), "text/csv; charset=utf-8");
    return response->body;
  };
  std::string all = csv("admin");
  // A BOM, the header, then the six events of the test above, newest first: D3 won first.
  std::vector<std::string> lines;
  for (size_t start = 0, end; start < all.size(); start = end + 1) {
    end = all.find('\n', start);
    if (end == std::string::npos) end = all.size();
    lines.push_back(all.substr(start, end - start));
  }
  while (!lines.empty() && (lines.back().empty() || lines.back() == "\r")) lines.pop_back();
  ASSERT_EQ(lines.size(), 7u) << all;
  EXPECT_NE(lines[0].find("kind"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("from_stage_name"), std::string::npos) << lines[0];
  for (const char* cell : {"won", "Deal of Vera", "D3", "New", "Paid", "400", ",Vera,"}) {
    EXPECT_NE(lines[1].find(cell), std::string::npos) << cell << " in " << lines[1];
  }
  // Boris: his D2, created and won; nothing of the others.
  std::string boris = csv("boris");
  EXPECT_NE(boris.find("D2"), std::string::npos);
  EXPECT_EQ(boris.find("D3"), std::string::npos);
  EXPECT_EQ(boris.find("Vera"), std::string::npos);
  // A malformed start names the member.
  Browser admin = Login("admin");
  auto bad = Call("POST", "/api/v1/export", &admin, R"({"format":"csv","feed":{}})");
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(Json(bad)["error"],
            "feed.since: expected an RFC 3339 time such as 2024-03-01T10:00:00Z");
}

// Tasks: t1 of Gleb on D4 due March 20th, open; t2 of Vera on D3 due the 21st, completed the
// 22nd (late); t3 of Anna on D1 due the 23rd, completed the 19th (in time). D4 lost on the
// 25th. Since March 15th the admin sees t1, t2 overdue and D4 lost; the head t1 and D4; Boris
// nothing.
TEST_F(FeedTest, OverdueTasksAndLossesAreEvents) {
  Ingest(
      R"({"type":"task","id":"t1","deal_id":"D4","user_id":"u4","created_at":"2024-03-05T10:00:00Z","deadline":"2024-03-20T10:00:00Z","completed_at":null}
{"type":"task","id":"t2","deal_id":"D3","user_id":"u3","created_at":"2024-03-05T10:00:00Z","deadline":"2024-03-21T10:00:00Z","completed_at":"2024-03-22T10:00:00Z"}
{"type":"task","id":"t3","deal_id":"D1","user_id":"u1","created_at":"2024-03-05T10:00:00Z","deadline":"2024-03-23T10:00:00Z","completed_at":"2024-03-19T10:00:00Z"}
{"type":"stage_change","deal_id":"D4","to":"failed","at":"2024-03-25T10:00:00Z"}
)");
  json all = Feed(Login("admin"), "?since=2024-03-15T00:00:00Z");
  EXPECT_EQ(all["total"], 3);
  EXPECT_EQ(all["counts"]["overdue"], 2);
  EXPECT_EQ(all["counts"]["lost"], 1);
  EXPECT_EQ(all["events"][0]["kind"], "lost");
  EXPECT_EQ(all["events"][0]["deal_id"], "D4");
  EXPECT_EQ(all["events"][1]["kind"], "overdue");
  EXPECT_EQ(all["events"][1]["task_id"], "t2");
  EXPECT_EQ(all["events"][1]["at"], "2024-03-21T10:00:00Z");

  json head = Feed(Login("head"), "?since=2024-03-15T00:00:00Z");
  EXPECT_EQ(head["total"], 2);
  EXPECT_EQ(head["counts"]["overdue"], 1);
  EXPECT_EQ(head["events"][1]["task_id"], "t1");
  EXPECT_EQ(Feed(Login("boris"), "?since=2024-03-15T00:00:00Z")["total"], 0);
}

// Without `since` the feed starts at the caller's last visit, kept per account by
// POST /feed/seen; before any visit, a week back.
TEST_F(FeedTest, StartsAtTheCallersLastVisit) {
  Browser admin = Login("admin");
  json first = Feed(admin, "");
  EXPECT_TRUE(first["last_visit"].is_null());
  Result<Instant> since = ParseInstant(first["since"].get<std::string>());
  Result<Instant> until = ParseInstant(first["until"].get<std::string>());
  ASSERT_TRUE(since.ok() && until.ok());
  EXPECT_EQ(until.value().micros - since.value().micros, 7 * kMicrosPerDay);

  json seen = Post(admin, "/api/v1/feed/seen", "{}");
  ASSERT_TRUE(seen["last_visit"].is_string());
  json next = Feed(admin, "");
  EXPECT_EQ(next["last_visit"], seen["last_visit"]);
  EXPECT_EQ(next["since"], seen["last_visit"]);
  // Another account's visit is its own.
  EXPECT_TRUE(Feed(Login("boris"), "")["last_visit"].is_null());
}

TEST_F(FeedTest, RefusesAMalformedSinceOrLimit) {
  Browser admin = Login("admin");
  auto response = Call("GET", "/api/v1/feed?since=yesterday", &admin);
  EXPECT_EQ(response->status, 400);
  EXPECT_NE(response->body.find("since"), std::string::npos) << response->body;
  response = Call("GET", "/api/v1/feed?since=2024-03-01T00:00:00Z&limit=0", &admin);
  EXPECT_EQ(response->status, 400);
  EXPECT_NE(response->body.find("limit"), std::string::npos) << response->body;
  // Marking the feed seen changes state: without the CSRF token it is refused.
  EXPECT_EQ(Call("POST", "/api/v1/feed/seen", &admin, "{}", std::string("wrong"))->status, 403);
}

// Company c1's first deal D5 was created on February 10th, its second D6 in March: c1 is new
// in February. Company c2 (D7 of Boris, March 6th) and contact k1 without company (D8 of Vera,
// March 7th) are new in March.
TEST_F(FeedTest, NewClientsAreCompaniesAndContactsWhoseFirstDealIsInThePeriod) {
  Ingest(R"({"type":"company","id":"c1","name":"First"}
{"type":"company","id":"c2","name":"Second"}
{"type":"contact","id":"k1","name":"Kate"}
{"type":"deal","id":"D5","title":"c1 first","pipeline_id":"p1","stage_id":"new","amount":"1.00","responsible_id":"u1","company_id":"c1","created_at":"2024-02-10T10:00:00Z"}
{"type":"deal","id":"D6","title":"c1 again","pipeline_id":"p1","stage_id":"new","amount":"1.00","responsible_id":"u1","company_id":"c1","created_at":"2024-03-05T10:00:00Z"}
{"type":"deal","id":"D7","title":"c2 first","pipeline_id":"p1","stage_id":"new","amount":"1.00","responsible_id":"u2","company_id":"c2","created_at":"2024-03-06T10:00:00Z"}
{"type":"deal","id":"D8","title":"k1 first","pipeline_id":"p1","stage_id":"new","amount":"1.00","responsible_id":"u3","contact_id":"k1","created_at":"2024-03-07T10:00:00Z"}
)");
  json all =
      Post(Login("admin"), "/api/v1/clients", MarchReport("", R"(,"compare":"previous_period")"));
  EXPECT_EQ(all["total"], 2);
  EXPECT_EQ(all["companies"], 1);
  EXPECT_EQ(all["contacts"], 1);
  EXPECT_EQ(all["total_compare"], 1);  // c1 in February
  json boris = Post(Login("boris"), "/api/v1/clients", MarchReport(""));
  EXPECT_EQ(boris["total"], 1);
  EXPECT_EQ(boris["companies"], 1);
  // A filter applies to the first deal: Anna's deals hold no new client in March.
  EXPECT_EQ(Post(Login("admin"), "/api/v1/clients",
                 MarchReport("", R"(,"filters":{"responsible":["u1"]})"))["total"],
            0);
}

// March activities: a call of Anna (telephony), a web form and a chat of Boris (website), one
// of Vera (vera_source); an April one of Anna is outside. Admin: website 2, telephony 1,
// vera_source 1. Boris: website 2.
TEST_F(FeedTest, ActivitySourcesCountTheActivitiesOfThePeriodBySource) {
  Ingest(
      R"({"type":"activity","id":"a1","kind":"call","direction":"out","deal_id":"D1","user_id":"u1","at":"2024-03-05T10:00:00Z","source":"telephony"}
{"type":"activity","id":"a2","kind":"webform","direction":"in","deal_id":"D2","user_id":"u2","at":"2024-03-06T10:00:00Z","source":"website"}
{"type":"activity","id":"a3","kind":"chat","direction":"in","deal_id":"D2","user_id":"u2","at":"2024-03-07T10:00:00Z","source":"website"}
{"type":"activity","id":"a4","kind":"call","direction":"in","deal_id":"D3","user_id":"u3","at":"2024-03-08T10:00:00Z","source":"vera_source"}
{"type":"activity","id":"a5","kind":"call","direction":"out","deal_id":"D1","user_id":"u1","at":"2024-04-02T10:00:00Z","source":"telephony"}
)");
  Browser admin = Login("admin");
  json all = Post(admin, "/api/v1/activity_sources", MarchReport(""));
  EXPECT_EQ(all["total"], 4);
  ASSERT_EQ(all["rows"].size(), 3u);
  EXPECT_EQ(all["rows"][0]["group"]["source"], "website");
  EXPECT_EQ(all["rows"][0]["value"], 2);
  json boris = Post(Login("boris"), "/api/v1/activity_sources", MarchReport(""));
  EXPECT_EQ(boris["total"], 2);
  ASSERT_EQ(boris["rows"].size(), 1u);
  EXPECT_EQ(boris["rows"][0]["group"]["source"], "website");
  // The kind filter of the activity reports applies: web forms alone.
  json forms = Post(admin, "/api/v1/activity_sources",
                    MarchReport("", R"(,"filters":{"kind":["webform"]})"));
  EXPECT_EQ(forms["total"], 1);
  // An unknown period preset is a clear error naming it.
  auto bad = Call("POST", "/api/v1/activity_sources", &admin, R"({"period":{"preset":"someday"}})");
  EXPECT_EQ(bad->status, 400);
  EXPECT_NE(bad->body.find("someday"), std::string::npos) << bad->body;
}

}  // namespace
}  // namespace voronka
