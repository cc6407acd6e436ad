// `sync bitrix24` against a portal on loopback that serves the pages of fixtures/bitrix24 one
// by one, as Bitrix24 pages by `start`: it once answers QUERY_LIMIT_EXCEEDED, and fails
// crm.activity.list's second page until told otherwise.
#include "importers/bitrix24_sync.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>

#include "importers/fixture_crms.h"
#include "importers/importer_test_util.h"

namespace voronka {
namespace {

using testing::FixturePortal;
using testing::March;
using testing::Total;

TEST(Bitrix24SyncTest, WaitsOutTheRateLimitResumesAfterAFailureAndCountsNothingTwice) {
  FixturePortal portal(testing::FixtureDir("bitrix24"));
  portal.RateLimitOnce("crm.deal.list:3");   // the second page of deals
  portal.Fail("crm.activity.list:7", true);  // the second page of activities

  testing::ImportFixture fixture;
  testing::TempDir work;
  std::vector<std::chrono::milliseconds> waits;
  Bitrix24SyncOptions options;
  options.webhook_url = portal.webhook();
  options.work_dir = work.path() + "/pages";
  options.max_attempts = 3;
  options.first_backoff = std::chrono::milliseconds(500);
  options.pause = std::chrono::milliseconds(0);
  options.sleep = [&](std::chrono::milliseconds wait) { waits.push_back(wait); };

  // First run: the deal page waits once (500 ms) and then comes; the activity page fails
  // three times (after waits of 500 and 1000 ms) and the run stops with nothing stored.
  size_t before = fixture.Stored().size();
  ImportSummary failed = SyncBitrix24(*fixture.store, fixture.workspace, options, nullptr);
  ASSERT_EQ(failed.errors.size(), 1u);
  EXPECT_NE(failed.errors[0].find("crm.activity.list (start 7): gave up after 3 tries"),
            std::string::npos)
      << failed.errors[0];
  EXPECT_EQ(fixture.Stored().size(), before);
  using std::chrono::milliseconds;
  EXPECT_EQ(waits,
            (std::vector<milliseconds>{milliseconds(500), milliseconds(500), milliseconds(1000)}));
  std::map<std::string, int> first_requests = portal.TakeRequests();
  EXPECT_EQ(first_requests["crm.deal.list"], 3);      // page 1, page 2 limited, page 2
  EXPECT_EQ(first_requests["crm.activity.list"], 4);  // page 1, page 2 three times

  // Second run: the methods finished before are not asked again; the rest is fetched.
  portal.Fail("crm.activity.list:7", false);
  std::vector<std::string> warnings;
  ImportSummary done = SyncBitrix24(*fixture.store, fixture.workspace, options, &warnings);
  ASSERT_TRUE(done.ok()) << done.errors[0];
  std::map<std::string, int> second_requests = portal.TakeRequests();
  EXPECT_EQ(second_requests.count("crm.deal.list"), 0u);
  EXPECT_EQ(second_requests["crm.activity.list"], 2);
  EXPECT_EQ(second_requests["tasks.task.list"], 1);
  EXPECT_EQ(warnings.size(), 1u);                           // activity 108 of the deleted deal 99
  EXPECT_FALSE(std::filesystem::exists(options.work_dir));  // pages removed once imported

  // The numbers of the dump (see bitrix24_dump_test.cc), less the two timeline comments,
  // which the API gives per deal only and sync does not fetch: 7 activities in March.
  auto engine = fixture.LoadEngine();
  EXPECT_EQ(Total(*engine, March("created_count")), 5);
  EXPECT_EQ(Total(*engine, March("won_amount")), "180000.00");
  EXPECT_EQ(Total(*engine, March("activity_count")), 7);

  // Third run: everything fetched again, the 14 stage changes skipped, nothing doubled.
  ImportSummary again = SyncBitrix24(*fixture.store, fixture.workspace, options, nullptr);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.skipped, 14);
  engine = fixture.LoadEngine();
  EXPECT_EQ(Total(*engine, March("won_count")), 2);
  EXPECT_EQ(Total(*engine, March("activity_count")), 7);
}

TEST(Bitrix24SyncTest, AWebhookRefusalIsNamedAndNotRetried) {
  FixturePortal portal(testing::FixtureDir("bitrix24"));
  testing::ImportFixture fixture;
  testing::TempDir work;
  Bitrix24SyncOptions options;
  options.webhook_url = portal.webhook() + "../../2/wrong/";  // a path the portal does not serve
  options.work_dir = work.path() + "/pages";
  options.pause = std::chrono::milliseconds(0);
  options.sleep = [](std::chrono::milliseconds) { FAIL() << "a refusal is not retried"; };
  ImportSummary summary = SyncBitrix24(*fixture.store, fixture.workspace, options, nullptr);
  ASSERT_EQ(summary.errors.size(), 1u);
  EXPECT_EQ(summary.errors[0].rfind("department.get (start 0): the portal answered HTTP 404", 0),
            0u)
      << summary.errors[0];
}

}  // namespace
}  // namespace voronka
