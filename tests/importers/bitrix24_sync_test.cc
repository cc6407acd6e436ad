// `sync bitrix24` against a portal on loopback that serves the pages of fixtures/bitrix24 as
// Bitrix24 does, by `start` and through `batch`, answering the filters of an incremental sync
// and the per-deal comment lists; it can answer QUERY_LIMIT_EXCEEDED once and fail a page
// until told otherwise.
#include "importers/bitrix24_sync.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
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
using testing::FixturePortal;
using testing::March;
using testing::Total;

// A sync of `webhook` into work/pages that does not pause between requests.
Bitrix24SyncOptions Options(const std::string& webhook, const testing::TempDir& work) {
  Bitrix24SyncOptions options;
  options.webhook_url = webhook;
  options.work_dir = work.path() + "/pages";
  options.pause = std::chrono::milliseconds(0);
  return options;
}

TEST(Bitrix24SyncTest, WaitsOutTheRateLimitResumesAfterAFailureAndCountsNothingTwice) {
  FixturePortal portal(testing::FixtureDir("bitrix24"));
  portal.RateLimitOnce("crm.deal.list:3");   // the second page of deals
  portal.Fail("crm.activity.list:7", true);  // the second page of activities

  testing::ImportFixture fixture;
  testing::TempDir work;
  std::vector<std::chrono::milliseconds> waits;
  Bitrix24SyncOptions options = Options(portal.webhook(), work);
  options.max_attempts = 3;
  options.first_backoff = std::chrono::milliseconds(500);
  options.batch_size = 4;  // the fixture is small: 4 pages a request make several requests
  options.sleep = [&](std::chrono::milliseconds wait) { waits.push_back(wait); };

  // First run, 4 pages a request: (1) department.get, user.get, crm.category.list,
  // crm.status.list; (2) crm.deal.userfield.list, crm.company.list, crm.contact.list, the
  // first page of crm.deal.list (total 6, next 3); (3) crm.lead.list, both stage histories,
  // the first page of crm.activity.list (total 9, next 7); (4) tasks.task.list and the second
  // pages of deals and activities: rate-limited once (wait 500 ms), then failing twice (wait
  // 1000 ms before the third try): the run stops with nothing stored.
  size_t before = fixture.Stored().size();
  ImportSummary failed = SyncBitrix24(fixture.target(), options, nullptr);
  ASSERT_EQ(failed.errors.size(), 1u);
  EXPECT_EQ(failed.errors[0].rfind("tasks.task.list (start 0), crm.deal.list (start 3), "
                                   "crm.activity.list (start 7): gave up after 3 tries; last: "
                                   "HTTP 500 INTERNAL_SERVER_ERROR",
                                   0),
            0u)
      << failed.errors[0];
  EXPECT_EQ(fixture.Stored().size(), before);
  using std::chrono::milliseconds;
  EXPECT_EQ(waits, (std::vector<milliseconds>{milliseconds(500), milliseconds(1000)}));
  EXPECT_EQ(portal.batches(), 6);  // requests 1-3, and 4 three times
  std::map<std::string, int> first_requests = portal.TakeRequests();
  EXPECT_EQ(first_requests["crm.deal.list"], 4);      // page 1, page 2 three times
  EXPECT_EQ(first_requests["crm.activity.list"], 4);  // page 1, page 2 three times
  EXPECT_EQ(first_requests.count("crm.timeline.comment.list"), 0u);

  // Second run: the methods finished before are not asked again. Deals, activities and tasks
  // are (first pages, then second pages: 2 requests), then the comments of the 6 deals and 3
  // leads, 4 a request (3 requests).
  portal.Fail("crm.activity.list:7", false);
  std::vector<std::string> warnings;
  ImportSummary done = SyncBitrix24(fixture.target(), options, &warnings);
  ASSERT_TRUE(done.ok()) << done.errors[0];
  EXPECT_EQ(portal.batches(), 6 + 5);
  std::map<std::string, int> second_requests = portal.TakeRequests();
  EXPECT_EQ(second_requests.count("crm.lead.list"), 0u);
  EXPECT_EQ(second_requests["crm.deal.list"], 2);
  EXPECT_EQ(second_requests["crm.activity.list"], 2);
  EXPECT_EQ(second_requests["tasks.task.list"], 1);
  EXPECT_EQ(second_requests["crm.timeline.comment.list"], 9);
  EXPECT_EQ(warnings.size(), 1u);                           // activity 108 of the deleted deal 99
  EXPECT_FALSE(std::filesystem::exists(options.work_dir));  // pages removed once imported

  // The numbers of the dump (see bitrix24_dump_test.cc): 7 activities in March and the
  // comments 201 (deal 3) and 202 (lead 8), asked per deal and lead.
  auto engine = fixture.LoadEngine();
  EXPECT_EQ(Total(*engine, March("created_count")), 5);
  EXPECT_EQ(Total(*engine, March("won_amount")), "180000.00");
  EXPECT_EQ(Total(*engine, March("activity_count")), 9);

  // Third run (no marks kept: a full sync): everything fetched again, the 14 stage changes
  // skipped, nothing doubled.
  ImportSummary again = SyncBitrix24(fixture.target(), options, nullptr);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again.skipped, 14);
  engine = fixture.LoadEngine();
  EXPECT_EQ(Total(*engine, March("won_count")), 2);
  EXPECT_EQ(Total(*engine, March("activity_count")), 9);
}

TEST(Bitrix24SyncTest, ABusyCommandIsAskedAgainAndAnyOtherCommandErrorIsNamed) {
  // The second page of deals answers QUERY_LIMIT_EXCEEDED inside a batch that otherwise went
  // through: only that page is asked again, after 500 ms.
  FixturePortal portal(testing::FixtureDir("bitrix24"));
  portal.CommandError("crm.deal.list:3", "QUERY_LIMIT_EXCEEDED");
  testing::ImportFixture fixture;
  testing::TempDir work;
  Bitrix24SyncOptions options = Options(portal.webhook(), work);
  std::vector<std::chrono::milliseconds> waits;
  options.sleep = [&](std::chrono::milliseconds wait) { waits.push_back(wait); };
  ImportSummary done = SyncBitrix24(fixture.target(), options, nullptr);
  ASSERT_TRUE(done.ok()) << done.errors[0];
  EXPECT_EQ(waits, std::vector<std::chrono::milliseconds>{std::chrono::milliseconds(500)});
  std::map<std::string, int> requests = portal.TakeRequests();
  EXPECT_EQ(requests["crm.deal.list"], 3);      // page 1, page 2 busy, page 2
  EXPECT_EQ(requests["crm.activity.list"], 2);  // not asked again with it
  EXPECT_EQ(Total(*fixture.LoadEngine(), March("created_count")), 5);

  // A refusal of one command stops the sync, naming the method; nothing is stored.
  FixturePortal refusing(testing::FixtureDir("bitrix24"));
  refusing.CommandError("crm.lead.list:0", "ACCESS_DENIED");
  testing::ImportFixture other;
  testing::TempDir other_work;
  size_t before = other.Stored().size();
  ImportSummary refused =
      SyncBitrix24(other.target(), Options(refusing.webhook(), other_work), nullptr);
  ASSERT_EQ(refused.errors.size(), 1u);
  EXPECT_EQ(refused.errors[0].rfind("crm.lead.list (start 0): the portal answered ACCESS_DENIED "
                                    "(Ошибка выполнения команды)",
                                    0),
            0u)
      << refused.errors[0];
  EXPECT_EQ(other.Stored().size(), before);
}

TEST(Bitrix24SyncTest, ABigPortalIsPulledFiftyPagesARequest) {
  // 120 deals on pages of 1 (next 1, 2, ...): the first page tells the total, the other 119
  // are asked 50 a request with the second page of activities (3 requests). With the first
  // request (13 first pages) and the comments of 120 deals and 3 leads (3 requests), 7
  // requests instead of 13 + 119 + 1 + 123 = 256.
  testing::TempDir dir;
  std::string dump = testing::CopyFixture(dir, "bitrix24");
  std::filesystem::remove_all(dump + "/crm.deal.list");
  std::filesystem::create_directories(dump + "/crm.deal.list");
  for (int i = 0; i < 120; ++i) {
    json page = {{"result",
                  {{{"ID", std::to_string(1000 + i)},
                    {"TITLE", "Поставка №" + std::to_string(i + 1)},
                    {"CATEGORY_ID", "0"},
                    {"STAGE_ID", "NEW"},
                    {"OPPORTUNITY", "1000.00"},
                    {"CURRENCY_ID", "RUB"},
                    {"ASSIGNED_BY_ID", "1"},
                    {"DATE_CREATE", "2024-03-10T10:00:00+03:00"},
                    {"DATE_MODIFY", "2024-03-10T10:00:00+03:00"}}}},
                 {"total", 120}};
    if (i + 1 < 120) page["next"] = i + 1;
    char name[16];
    std::snprintf(name, sizeof name, "%04d.json", i + 1);
    std::ofstream(dump + "/crm.deal.list/" + name) << page.dump();
  }
  FixturePortal portal(dump);
  testing::ImportFixture fixture;
  testing::TempDir work;
  Bitrix24SyncOptions options = Options(portal.webhook(), work);
  std::vector<Bitrix24Progress> progress;
  options.on_progress = [&](const Bitrix24Progress& now) { progress.push_back(now); };
  std::vector<std::string> warnings;
  ImportSummary summary = SyncBitrix24(fixture.target(), options, &warnings);
  ASSERT_TRUE(summary.ok()) << summary.errors[0];
  EXPECT_EQ(portal.batches(), 7);
  ASSERT_EQ(progress.size(), 7u);
  // After the first request: 13 pages saved of 13 + 119 + 1 known; after the fourth, all 133.
  EXPECT_EQ(progress[0].pages_saved, 13);
  EXPECT_EQ(progress[0].pages_known, 133);
  EXPECT_EQ(progress[3].pages_saved, 133);
  EXPECT_EQ(progress.back().requests, 7);
  // The 120 deals, all created on March 10 (the stage history of deals 1-6 is left out).
  auto engine = fixture.LoadEngine();
  EXPECT_EQ(Total(*engine, March("created_count")), 120);
  EXPECT_EQ(Total(*engine, March("in_work_amount")), "120000.00");
}

// The fixture portal as it is on April 6: deal 3 won at 12:00 for 50 000.00 (was 45 500.50 on
// PREPAYMENT_INVOICE), a new deal 10 (20 000.00, created 09:00 on NEW), a call on deal 3 at
// 11:00 and a comment on it at 11:30. History rows 1100 (deal 10 created) and 1101 (deal 3
// won) are new.
void ChangeOnApril6(const std::string& dump) {
  auto edit = [&](const std::string& file, const std::function<void(json&)>& change) {
    std::ifstream in(dump + "/" + file);
    json page = json::parse(in);
    in.close();
    change(page);
    std::ofstream(dump + "/" + file) << page.dump();
  };
  edit("crm.deal.list/0002.json", [](json& page) {
    json& deal3 = page["result"][0];
    deal3["STAGE_ID"] = "WON";
    deal3["OPPORTUNITY"] = "50000.00";
    deal3["DATE_MODIFY"] = "2024-04-06T12:00:00+03:00";
    json deal10 = deal3;
    deal10["ID"] = "10";
    deal10["TITLE"] = "Поставка компрессоров";
    deal10["STAGE_ID"] = "NEW";
    deal10["OPPORTUNITY"] = "20000.00";
    deal10["LEAD_ID"] = nullptr;
    deal10["DATE_CREATE"] = "2024-04-06T09:00:00+03:00";
    deal10["DATE_MODIFY"] = "2024-04-06T09:00:00+03:00";
    page["result"].push_back(deal10);
    page["total"] = 7;
  });
  edit("crm.stagehistory.list/deal-0001.json", [](json& page) {
    page["result"]["items"].push_back({{"ID", "1100"},
                                       {"TYPE_ID", 1},
                                       {"OWNER_ID", 10},
                                       {"CREATED_TIME", "2024-04-06T09:00:00+03:00"},
                                       {"CATEGORY_ID", 0},
                                       {"STAGE_ID", "NEW"}});
    page["result"]["items"].push_back({{"ID", "1101"},
                                       {"TYPE_ID", 2},
                                       {"OWNER_ID", 3},
                                       {"CREATED_TIME", "2024-04-06T12:00:00+03:00"},
                                       {"CATEGORY_ID", 0},
                                       {"STAGE_ID", "WON"}});
  });
  edit("crm.activity.list/0002.json", [](json& page) {
    json call = page["result"][0];
    call["ID"] = "110";
    call["TYPE_ID"] = "2";
    call["PROVIDER_ID"] = "VOXIMPLANT_CALL";
    call["OWNER_TYPE_ID"] = "2";
    call["OWNER_ID"] = "3";
    call["DIRECTION"] = "2";
    call["START_TIME"] = "2024-04-06T11:00:00+03:00";
    call["END_TIME"] = "2024-04-06T11:05:00+03:00";
    call["CREATED"] = "2024-04-06T11:00:00+03:00";
    call["LAST_UPDATED"] = "2024-04-06T11:05:00+03:00";
    page["result"].push_back(call);
  });
  edit("crm.timeline.comment.list/0001.json", [](json& page) {
    page["result"].push_back({{"ID", "203"},
                              {"CREATED", "2024-04-06T11:30:00+03:00"},
                              {"ENTITY_ID", 3},
                              {"ENTITY_TYPE", "deal"},
                              {"AUTHOR_ID", "3"},
                              {"COMMENT", "Счёт оплачен"},
                              {"FILES", nullptr}});
  });
}

nlohmann::json April(const std::string& metric) {
  return {{"metric", metric},
          {"period", {{"from", "2024-04-01"}, {"to", "2024-05-01"}}},
          {"as_of", "2024-05-10T00:00:00Z"}};
}

TEST(Bitrix24SyncTest, ASecondRunAsksOnlyWhatChangedAndTheMetricsFollow) {
  testing::TempDir dir;
  std::string dump = testing::CopyFixture(dir, "bitrix24");
  FixturePortal portal(dump);
  testing::ImportFixture fixture;
  testing::TempDir work;
  Bitrix24SyncOptions options = Options(portal.webhook(), work);
  // The marks each run keeps, given to the next one as the command does.
  Bitrix24Marks kept;
  options.keep_marks = [&](const Bitrix24Marks& marks) {
    kept = marks;
    return Status::Ok();
  };
  int64_t now = 1712300400;  // 2024-04-05 10:00 Moscow time
  options.now = [&now] { return now; };

  // First run: everything; the marks are the run's start and the highest history IDs (deal
  // rows 1001-1014, lead rows 1015-1021).
  ASSERT_TRUE(SyncBitrix24(fixture.target(), options, nullptr).ok());
  Bitrix24Marks marks = kept;
  EXPECT_EQ(marks.modified_from, 1712300400);
  EXPECT_EQ(marks.deal_history_id, 1014);
  EXPECT_EQ(marks.lead_history_id, 1021);
  EXPECT_EQ(portal.TakeFilters().size(), 9u * 2);  // only the comments' ENTITY_TYPE/ENTITY_ID

  ChangeOnApril6(dump);
  now = 1712404800;  // 2024-04-06 15:00 Moscow time
  options.previous = kept;
  ImportSummary second = SyncBitrix24(fixture.target(), options, nullptr);
  ASSERT_TRUE(second.ok()) << second.errors[0];
  // Asked from 5 minutes before the first run's start (10:00 Moscow = 07:00 UTC).
  std::vector<std::string> filters = portal.TakeFilters();
  std::set<std::string> asked(filters.begin(), filters.end());
  EXPECT_TRUE(asked.contains("crm.deal.list filter[>DATE_MODIFY]=2024-04-05T06:55:00+00:00"));
  EXPECT_TRUE(asked.contains("crm.lead.list filter[>DATE_MODIFY]=2024-04-05T06:55:00+00:00"));
  EXPECT_TRUE(asked.contains("crm.activity.list filter[>LAST_UPDATED]=2024-04-05T06:55:00+00:00"));
  EXPECT_TRUE(asked.contains("tasks.task.list filter[>CHANGED_DATE]=2024-04-05T06:55:00+00:00"));
  EXPECT_TRUE(asked.contains("crm.stagehistory.list filter[>ID]=1014"));
  EXPECT_TRUE(asked.contains("crm.stagehistory.list filter[>ID]=1021"));
  // Comments of the two changed deals only.
  EXPECT_TRUE(asked.contains("crm.timeline.comment.list filter[ENTITY_ID]=3"));
  EXPECT_TRUE(asked.contains("crm.timeline.comment.list filter[ENTITY_ID]=10"));
  EXPECT_FALSE(asked.contains("crm.timeline.comment.list filter[ENTITY_ID]=1"));
  // Applied: deal 3's update and its move to WON, deal 10 and its creation row, the call,
  // the two comments of deal 3 (201 again, 203), plus the definitions asked every time.
  EXPECT_EQ(second.skipped, 0);
  Bitrix24Marks later = kept;
  EXPECT_EQ(later.modified_from, 1712404800);
  EXPECT_EQ(later.deal_history_id, 1101);
  EXPECT_EQ(later.lead_history_id, 1021);

  auto engine = fixture.LoadEngine();
  // March is as it was: 5 created, 2 won for 180 000.00, 9 activities.
  EXPECT_EQ(Total(*engine, March("created_count")), 5);
  EXPECT_EQ(Total(*engine, March("won_amount")), "180000.00");
  EXPECT_EQ(Total(*engine, March("activity_count")), 9);
  // April: deal 10 created; deal 3 won at its current amount 50 000.00; the call 110 and the
  // comment 203.
  EXPECT_EQ(Total(*engine, April("created_count")), 1);
  EXPECT_EQ(Total(*engine, April("won_count")), 1);
  EXPECT_EQ(Total(*engine, April("won_amount")), "50000.00");
  EXPECT_EQ(Total(*engine, April("activity_count")), 2);
  // In work now: 5 (1 200 000.00), 6 (0.00) and 10 (20 000.00); 3 is won.
  EXPECT_EQ(Total(*engine, April("in_work_amount")), "1220000.00");

  // A third run an hour later asks from 14:55 Moscow time: nothing changed since, so only the
  // definitions come, and no comments are asked.
  now = 1712408400;
  options.previous = kept;
  ImportSummary third = SyncBitrix24(fixture.target(), options, nullptr);
  ASSERT_TRUE(third.ok()) << third.errors[0];
  EXPECT_EQ(third.skipped, 0);
  std::vector<std::string> third_filters = portal.TakeFilters();
  EXPECT_EQ(std::count_if(third_filters.begin(), third_filters.end(),
                          [](const std::string& filter) {
                            return filter.rfind("crm.timeline.comment.list", 0) == 0;
                          }),
            0);  // no deal or lead changed: no comments asked
  engine = fixture.LoadEngine();
  EXPECT_EQ(Total(*engine, April("won_amount")), "50000.00");
  EXPECT_EQ(Total(*engine, April("activity_count")), 2);
}

TEST(Bitrix24SyncTest, AWebhookRefusalIsNamedAndNotRetried) {
  FixturePortal portal(testing::FixtureDir("bitrix24"));
  testing::ImportFixture fixture;
  testing::TempDir work;
  // A path the portal does not serve.
  Bitrix24SyncOptions options = Options(portal.webhook() + "../../2/wrong/", work);
  options.sleep = [](std::chrono::milliseconds) { FAIL() << "a refusal is not retried"; };
  ImportSummary summary = SyncBitrix24(fixture.target(), options, nullptr);
  ASSERT_EQ(summary.errors.size(), 1u);
  EXPECT_EQ(summary.errors[0].rfind("department.get (start 0), user.get (start 0), "
                                    "crm.category.list (start 0) and 10 more: the portal "
                                    "answered HTTP 404",
                                    0),
            0u)
      << summary.errors[0];
}

TEST(Bitrix24SyncTest, TheCommandLogsPlainProgressLinesWhenNotOnATerminal) {
  FixturePortal portal(testing::FixtureDir("bitrix24"));
  testing::TempDir dir;
  std::string data = dir.path() + "/data";
  // stderr is a pipe here, as in CI: one plain line per request, no bar redrawn with \r.
  testing::CommandResult synced =
      testing::RunVoronka("sync bitrix24 --data " + data + " --webhook " + portal.webhook());
  ASSERT_EQ(synced.exit_code, 0) << synced.output;
  EXPECT_EQ(synced.output.find('\r'), std::string::npos) << synced.output;
  // The 13 first pages in one request, then the 2 second pages, then the comments of 6 deals
  // and 3 leads: 15 of 15 pages, then 24 of 24.
  EXPECT_NE(synced.output.find("13/15 pages: 1 requests, department.get\n"), std::string::npos)
      << synced.output;
  EXPECT_NE(synced.output.find("15/15 pages: 2 requests, crm.deal.list\n"), std::string::npos)
      << synced.output;
  EXPECT_NE(synced.output.find("24/24 pages: 3 requests, crm.timeline.comment.list\n"),
            std::string::npos)
      << synced.output;
  // The marks of the next, incremental run are kept in the data directory's metadata (the
  // default workspace is the first, id 1).
  auto crm_state = SqliteCrmStateStore::Open(data + "/voronka.db");
  ASSERT_TRUE(crm_state.ok()) << crm_state.message();
  Result<Bitrix24Marks> marks = LoadBitrix24Marks(*crm_state.value(), "", 1);
  ASSERT_TRUE(marks.ok()) << marks.message();
  EXPECT_EQ(marks->deal_history_id, 1014);
  EXPECT_EQ(marks->lead_history_id, 1021);
}

// Runs `voronka <arguments>` with stderr on a pseudo-terminal (stdout to /dev/null), as in a
// person's terminal; what the terminal showed.
std::string RunOnTerminal(const std::vector<std::string>& arguments) {
  int master = posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || grantpt(master) != 0 || unlockpt(master) != 0) return "no pty";
  std::string slave_name = ptsname(master);
  std::string binary = testing::VoronkaBinary();
  pid_t child = fork();
  if (child == 0) {
    int slave = open(slave_name.c_str(), O_RDWR);
    dup2(slave, STDERR_FILENO);
    freopen("/dev/null", "w", stdout);
    std::vector<char*> argv{binary.data()};
    std::vector<std::string> copies = arguments;
    for (std::string& argument : copies) argv.push_back(argument.data());
    argv.push_back(nullptr);
    execv(binary.c_str(), argv.data());
    _exit(127);
  }
  std::string shown;
  char buffer[4096];
  for (ssize_t n; (n = read(master, buffer, sizeof buffer)) > 0;) shown.append(buffer, n);
  int status = 0;
  waitpid(child, &status, 0);
  close(master);
  return shown;
}

TEST(Bitrix24SyncTest, TheCommandDrawsABarOnATerminal) {
  FixturePortal portal(testing::FixtureDir("bitrix24"));
  testing::TempDir dir;
  std::string shown = RunOnTerminal(
      {"sync", "bitrix24", "--data", dir.path() + "/data", "--webhook", portal.webhook()});
  // Redrawn in place (carriage return, the bar, clear to the end of the line): 13 of 15 pages
  // fill 26 of 30 marks; full at the end.
  EXPECT_NE(shown.find("\r[##########################----]  13/15 pages  1 requests, "
                       "department.get\033[K"),
            std::string::npos)
      << shown;
  EXPECT_NE(shown.find("\r[##############################]  24/24 pages  3 requests, "
                       "crm.timeline.comment.list\033[K"),
            std::string::npos)
      << shown;
  EXPECT_NE(shown.find("Imported "), std::string::npos) << shown;
}

}  // namespace
}  // namespace voronka
