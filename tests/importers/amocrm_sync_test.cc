// `sync amocrm` against an account on loopback that serves the pages of fixtures/amocrm one by
// one, as API v4 pages by `_links.next`: leads' second page once answers 429, events' second
// page fails until told otherwise. Later runs ask only what changed; the account then answers
// those with pages the test makes (lead 9003 won, a call on 9004).
#include "importers/amocrm_sync.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "importers/crm_state.h"
#include "importers/fixture_crms.h"
#include "importers/importer_test_util.h"
#include "store/sqlite/crm_state_store.h"

namespace voronka {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using testing::FixtureAccount;
using testing::March;
using testing::ReadText;
using testing::Total;

constexpr const char* kToken = testing::kAmocrmToken;

// Lead 9003 (95 000, «Принимают решение» 33013) won on 2024-03-30 12:00 Moscow time
// (1711789200), and an incoming call on lead 9004 (known, unchanged) at 10:00 (1711782000).
std::map<std::string, json> WonAndCalled() {
  json leads = json::parse(ReadText(testing::FixtureDir("amocrm") + "/leads/0001.json"));
  json lead;
  for (const json& item : leads["_embedded"]["leads"]) {
    if (item["id"] == 9003) lead = item;
  }
  lead["status_id"] = 142;
  lead["updated_at"] = 1711789200;
  lead["closed_at"] = 1711789200;
  json status_changed = testing::Lead9003WonEvent();
  json call = {{"id", "01hr0101k9v6c6tqy8zq1a2b3"},
               {"type", "incoming_call"},
               {"entity_id", 9004},
               {"entity_type", "lead"},
               {"created_by", 7002},
               {"created_at", 1711782000},
               {"value_before", json::array()},
               {"value_after", json::array()}};
  return {{"leads", {{"_page", 1}, {"_embedded", {{"leads", {lead}}}}}},
          {"events", {{"_page", 1}, {"_embedded", {{"events", {status_changed, call}}}}}}};
}

TEST(AmocrmSyncTest, PacesWaitsOutTheRateLimitResumesAndThenAsksOnlyWhatChanged) {
  FixtureAccount account(testing::FixtureDir("amocrm"));
  account.RateLimitOnce("leads:2");
  account.Fail("events:2", true);

  testing::ImportFixture fixture;
  testing::TempDir work;
  std::mutex mutex;
  std::vector<milliseconds> waits;
  std::vector<std::chrono::steady_clock::time_point> request_times;
  int64_t now = 1711900000;  // 2024-03-31 15:46 UTC
  AmocrmSyncOptions options;
  options.base_url = account.base_url() + "/";
  options.token = kToken;
  options.work_dir = work.path() + "/pages";
  // The start each run keeps, given to the next one as the command does.
  std::optional<int64_t> kept;
  options.keep_start = [&](int64_t started_at) {
    kept = started_at;
    return Status::Ok();
  };
  options.max_attempts = 3;
  options.first_backoff = milliseconds(20);
  options.sleep = [&](milliseconds wait) {
    waits.push_back(wait);
    std::this_thread::sleep_for(wait);
  };
  options.now = [&] { return now; };
  options.on_request = [&](const std::string&) {
    request_times.push_back(std::chrono::steady_clock::now());
  };

  // First run: leads' second page waits once (20 ms); events' second page fails three times
  // (after 20 and 40 ms) and the run stops with nothing stored.
  size_t before = fixture.Stored().size();
  ImportSummary failed = SyncAmocrm(fixture.target(), options, nullptr);
  ASSERT_EQ(failed.errors.size(), 1u);
  EXPECT_EQ(failed.errors[0].rfind("events page 2: gave up after 3 tries; last: HTTP 502", 0),
            0u)
      << failed.errors[0];
  EXPECT_EQ(fixture.Stored().size(), before);
  EXPECT_EQ(std::count(waits.begin(), waits.end(), milliseconds(20)), 2);
  EXPECT_EQ(std::count(waits.begin(), waits.end(), milliseconds(40)), 1);
  std::map<std::string, int> first_requests = account.TakeRequests();
  EXPECT_EQ(first_requests["leads"], 3);   // page 1, page 2 limited, page 2
  EXPECT_EQ(first_requests["events"], 4);  // page 1, page 2 three times
  EXPECT_FALSE(kept.has_value());
  // No more than 7 requests in any second of a run (12 here, retries included): the 8th
  // starts at least a second after the 1st.
  ASSERT_EQ(request_times.size(), 12u);
  for (size_t i = 7; i < request_times.size(); ++i) {
    EXPECT_GE(request_times[i] - request_times[i - 7], milliseconds(1000)) << "request " << i;
  }

  // Second run, an hour later: the paths finished before are not asked again.
  account.Fail("events:2", false);
  now += 3600;
  std::vector<std::string> warnings;
  ImportSummary done = SyncAmocrm(fixture.target(), options, &warnings);
  ASSERT_TRUE(done.ok()) << done.errors[0];
  std::map<std::string, int> second_requests = account.TakeRequests();
  EXPECT_EQ(second_requests.count("leads"), 0u);
  EXPECT_EQ(second_requests["events"], 2);
  EXPECT_EQ(second_requests["tasks"], 1);
  EXPECT_EQ(warnings.size(), 1u);  // the call on lead 9999, not in the account
  EXPECT_FALSE(std::filesystem::exists(options.work_dir));
  // The next run asks from the start of the first one, which fetched leads and contacts.
  EXPECT_EQ(kept, 1711900000);

  // The numbers of the dump (see amocrm_dump_test.cc).
  auto engine = fixture.LoadEngine();
  EXPECT_EQ(Total(*engine, March("won_count")), 2);
  EXPECT_EQ(Total(*engine, March("won_amount")), "1750000.00");
  EXPECT_EQ(Total(*engine, March("in_work_count")), 2);
  EXPECT_EQ(Total(*engine, March("activity_count")), 6);

  // Third run: only what changed since 1711900000 less 300 s of margin. 9003 is won, so
  // March has 3 wins for 250 000 + 1 500 000 + 95 000 = 1 845 000, only 9004 (60 000) in
  // work, and 7 activities with the call on 9004.
  account.SetChanges(WonAndCalled());
  now += 3600;
  options.previous_start = kept.value_or(0);
  ImportSummary changed = SyncAmocrm(fixture.target(), options, &warnings);
  ASSERT_TRUE(changed.ok()) << changed.errors[0];
  EXPECT_TRUE(warnings.empty());
  std::map<std::string, std::string> filters = account.TakeFilters();
  for (const char* path : {"leads", "events", "tasks", "contacts", "companies"}) {
    EXPECT_EQ(filters[path], "1711899700") << path;
  }
  EXPECT_EQ(filters.count("users"), 0u);
  engine = fixture.LoadEngine();
  EXPECT_EQ(Total(*engine, March("won_count")), 3);
  EXPECT_EQ(Total(*engine, March("won_amount")), "1845000.00");
  EXPECT_EQ(Total(*engine, March("in_work_count")), 1);
  EXPECT_EQ(Total(*engine, March("in_work_amount")), "60000.00");
  EXPECT_EQ(Total(*engine, March("activity_count")), 7);
  // 9003 keeps its stage at creation (33010, from the full sync) and its funnel path.
  json funnel = testing::Report(*engine, March("funnel", {{"filters", {{"pipeline", {"3301"}}}}}));
  EXPECT_EQ(testing::Row(funnel, "stage", "3301:33010"), 4);
  EXPECT_EQ(testing::Row(funnel, "stage", "3301:142"), 3);

  // Fourth run, the same changes again: all three records skipped, nothing doubled.
  now += 3600;
  options.previous_start = kept.value_or(0);
  ImportSummary again = SyncAmocrm(fixture.target(), options, nullptr);
  ASSERT_TRUE(again.ok()) << again.errors[0];
  EXPECT_EQ(again.skipped, 3);
  EXPECT_EQ(account.TakeFilters()["leads"], std::to_string(1711900000 + 7200 - 300));
  engine = fixture.LoadEngine();
  EXPECT_EQ(Total(*engine, March("won_count")), 3);
  EXPECT_EQ(Total(*engine, March("activity_count")), 7);
}

TEST(AmocrmSyncTest, AWrongTokenIsNamedAndNotRetried) {
  FixtureAccount account(testing::FixtureDir("amocrm"));
  testing::ImportFixture fixture;
  testing::TempDir work;
  AmocrmSyncOptions options;
  options.base_url = account.base_url();
  options.token = "wrong";
  options.work_dir = work.path() + "/pages";
  options.sleep = [](milliseconds wait) {
    EXPECT_LT(wait, milliseconds(1000)) << "a refusal is not retried";
  };
  ImportSummary summary = SyncAmocrm(fixture.target(), options, nullptr);
  ASSERT_EQ(summary.errors.size(), 1u);
  EXPECT_EQ(summary.errors[0].rfind(
                "account page 1: the account answered HTTP 401 (Invalid token)", 0),
            0u)
      << summary.errors[0];
}

TEST(AmocrmSyncTest, TheCommandSyncsIntoTheWorkspace) {
  FixtureAccount account(testing::FixtureDir("amocrm"));
  testing::TempDir dir;
  std::string data = dir.path() + "/data";
  testing::CommandResult added = testing::RunVoronka("workspace add --data " + data +
                                                     " --name teplodom --time-zone Europe/Moscow");
  ASSERT_EQ(added.exit_code, 0) << added.output;
  testing::CommandResult synced =
      testing::RunVoronka("sync amocrm --data " + data + " --workspace teplodom --base-url " +
                          account.base_url() + " --token " + kToken);
  ASSERT_EQ(synced.exit_code, 0) << synced.output;
  EXPECT_NE(synced.output.find("/api/v4/leads?limit=250&with=contacts,loss_reason"),
            std::string::npos)
      << synced.output;
  EXPECT_NE(synced.output.find("Imported "), std::string::npos) << synced.output;
  // The start of the next, incremental run is kept in the data directory's metadata, for
  // workspace teplodom (the first one made, as `workspace add` makes no default first).
  auto crm_state = SqliteCrmStateStore::Open(data + "/voronka.db");
  ASSERT_TRUE(crm_state.ok()) << crm_state.message();
  auto store = SqliteStore::Open(data);
  ASSERT_TRUE(store.ok()) << store.message();
  Result<int64_t> teplodom = FindImportWorkspace(*store.value(), "teplodom");
  ASSERT_TRUE(teplodom.ok()) << teplodom.message();
  Result<int64_t> started = LoadAmocrmStart(*crm_state.value(), "", teplodom.value());
  ASSERT_TRUE(started.ok()) << started.message();
  EXPECT_GT(started.value(), 1700000000) << synced.output;
}

}  // namespace
}  // namespace voronka
