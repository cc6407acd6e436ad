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

#include "importers/importer_test_util.h"

namespace voronka {
namespace {

using testing::March;
using testing::Total;

// Serves DUMP/<method>/<prefix>NNNN.json: the page asked for is the one whose start the
// previous page's "next" gave. History pages are chosen by entityTypeId (2 deals, 1 leads).
class FixturePortal {
 public:
  explicit FixturePortal(const std::string& dump) : dump_(dump) {
    server_.Get(R"(/rest/1/secret/([a-z.]+)\.json)",
                [this](const httplib::Request& request, httplib::Response& response) {
                  Serve(request, response);
                });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FixturePortal() {
    server_.stop();
    thread_.join();
  }
  std::string webhook() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/rest/1/secret/";
  }

  void RateLimitOnce(const std::string& key) {
    std::lock_guard lock(mutex_);
    rate_limited_.insert(key);
  }
  void Fail(const std::string& key, bool fail) {
    std::lock_guard lock(mutex_);
    if (fail) {
      failing_.insert(key);
    } else {
      failing_.erase(key);
    }
  }
  std::map<std::string, int> TakeRequests() {
    std::lock_guard lock(mutex_);
    return std::exchange(requests_, {});
  }

 private:
  void Serve(const httplib::Request& request, httplib::Response& response) {
    std::string method = request.matches[1];
    std::string start = request.has_param("start") ? request.get_param_value("start") : "0";
    std::string key = method + ":" + start;
    std::lock_guard lock(mutex_);
    ++requests_[method];
    if (rate_limited_.erase(key) > 0) {
      response.status = 503;
      response.set_content(
          R"({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"})",
          "application/json");
      return;
    }
    if (failing_.contains(key)) {
      response.status = 500;
      response.set_content(R"({"error":"INTERNAL_SERVER_ERROR"})", "application/json");
      return;
    }
    std::string prefix;
    if (method == "crm.stagehistory.list") {
      prefix = request.get_param_value("entityTypeId") == "1" ? "lead-" : "deal-";
    }
    // Walk the pages from start 0, following "next", to the one asked for.
    std::string expected_start = "0";
    for (int page = 1;; ++page) {
      char name[32];
      std::snprintf(name, sizeof name, "%s%04d.json", prefix.c_str(), page);
      std::ifstream in(dump_ + "/" + method + "/" + name);
      if (!in) break;
      std::stringstream text;
      text << in.rdbuf();
      if (expected_start == start) {
        response.set_content(text.str(), "application/json");
        return;
      }
      nlohmann::json body = nlohmann::json::parse(text.str());
      if (!body.contains("next")) break;
      expected_start = std::to_string(body["next"].get<int64_t>());
    }
    if (start == "0") {  // a method the fixture has no pages of: an empty list
      response.set_content(R"({"result":[],"total":0})", "application/json");
      return;
    }
    response.status = 400;
    response.set_content(R"({"error":"INVALID_REQUEST"})", "application/json");
  }

  std::string dump_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::set<std::string> rate_limited_;
  std::set<std::string> failing_;
  std::map<std::string, int> requests_;
};

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
