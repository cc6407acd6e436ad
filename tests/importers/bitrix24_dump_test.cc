// The Bitrix24 dump in fixtures/bitrix24 (a small portal in Moscow time, March 2024), imported
// and reported on. Each expected number is counted by hand from the fixture pages.
//
// Deals (crm.deal.list, two pages; deal 3 is on both, the later copy wins):
//   1 Поставка оборудования  C0  NEW 03-01 10:00 → PREPARATION 03-04 → PREPAYMENT_INVOICE 03-06
//                                → WON 03-12 15:00; 150 000.00; Аделина (1); ООО «Ромашка»; Звонок
//   2 Монтаж вентиляции      C0  NEW 03-03 09:00 → PREPARATION 03-05 → LOSE 03-20; 80 000.00; Борис
//   (3) 3 Обслуживание конд.     C0  NEW 03-10 12:00 → PREPARATION 03-15 → PREPAYMENT_INVOICE
//   03-25;
//                                45 500.50; Борис (3)
//   4 Повторная поставка     C1  C1:NEW 03-18 14:00 → C1:INVOICE 03-19 → C1:WON 03-28 17:00;
//                                30 000.00; Аделина; ООО «Ромашка» again
//   5 Проект «Склад»         C0  EXECUTING since 02-20 (no history); 13 000 USD = 1 200 000.00 RUB;
//                                converted from lead 7
//   6 Поставка насосов       C0  NEW 03-29 18:00; the history stops there but the deal is on
//                                PREPARATION since DATE_MODIFY 03-30 09:00; 0.00
// Leads: 7 converted in February, 8 junk (created 03-05), 9 in process (created 03-21).
// Activities in March: calls 101 (deal 1, out, 4 min), 106 (deal 2, in), 109 (contact 1, out);
// e-mail 102; meeting 103; web form 104 (lead 9); open-line chat 105; comments 201 (deal 3),
// 202 (lead 8). Activity 107 is a task (read from tasks.task.list instead), 108 is on deal 99,
// which is not in the dump. Tasks: 301 on deal 3, due 03-18, still open; 302 done in time.
#include "importers/bitrix24_dump.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>

#include "importers/importer_test_util.h"

namespace voronka {
namespace {

using nlohmann::json;
using testing::March;
using testing::Total;

TEST(Bitrix24DumpTest, ReportsOnTheImportedDumpMatchWhatAPersonCounts) {
  testing::ImportFixture fixture;
  ImportBatch batch = ReadBitrix24Dump(testing::FixtureDir("bitrix24"), {});
  // Activity 108 is left out, said once.
  ASSERT_EQ(batch.warnings.size(), 1u);
  EXPECT_NE(batch.warnings[0].find("crm.activity.list/0002.json: item 1 (ID 108)"),
            std::string::npos)
      << batch.warnings[0];
  fixture.Store(std::move(batch));
  auto engine = fixture.LoadEngine();

  // Deals 1, 2, 3, 4, 6 were created in March; 5 in February; leads do not count as deals.
  EXPECT_EQ(Total(*engine, March("created_count")), 5);
  // Won: 1 (150 000.00) and 4 (30 000.00); lost: 2 (80 000.00).
  EXPECT_EQ(Total(*engine, March("won_count")), 2);
  EXPECT_EQ(Total(*engine, March("won_amount")), "180000.00");
  EXPECT_EQ(Total(*engine, March("lost_amount")), "80000.00");
  // Cycle: deal 1 from 03-01 10:00 to 03-12 15:00 = 11 d 5 h = 11.2083 d; deal 4 from 03-18
  // 14:00 to 03-28 17:00 = 10 d 3 h = 10.125 d; mean 10.6667.
  EXPECT_EQ(Total(*engine, March("avg_cycle_days")), 10.67);
  // In work on April 1: 3 (45 500.50), 5 (1 200 000.00, the portal's RUB amount), 6 (0.00).
  EXPECT_EQ(Total(*engine, March("in_work_count")), 3);
  EXPECT_EQ(Total(*engine, March("in_work_amount")), "1245500.50");
  // Deal 4's company won deal 1 earlier: one repeat sale.
  EXPECT_EQ(Total(*engine, March("repeat_won_count")), 1);

  // Sources and list fields arrive under their names from crm.status.list and
  // crm.deal.userfield.list: deal 1 is Звонок and Самовывоз (enum 45); deal 4 has no value.
  json by_source = testing::Report(*engine, March("won_amount", {{"group_by", {"source"}}}));
  EXPECT_EQ(testing::Row(by_source, "source", "Звонок"), "150000.00");
  EXPECT_EQ(testing::Row(by_source, "source", "По рекомендации"), "30000.00");
  json by_field =
      testing::Report(*engine, March("won_amount", {{"group_by", {"fields.UF_CRM_1700000001"}}}));
  EXPECT_EQ(testing::Row(by_field, "fields.UF_CRM_1700000001", "Самовывоз"), "150000.00");
  EXPECT_EQ(testing::Row(by_field, "fields.UF_CRM_1700000001", ""), "30000.00");

  // The funnel of pipeline C0 over the March cohort 1, 2, 3, 6: all four were on NEW and went
  // on to PREPARATION (6 by the move the history lacks); 1 and 3 reached the invoice; only 1
  // went further (won counts for every open stage before it).
  json funnel = testing::Report(*engine, March("funnel", {{"filters", {{"pipeline", {"C0"}}}}}));
  EXPECT_EQ(testing::Row(funnel, "stage", "NEW"), 4);
  EXPECT_EQ(testing::Row(funnel, "stage", "PREPARATION"), 4);
  EXPECT_EQ(testing::Row(funnel, "stage", "PREPAYMENT_INVOICE"), 2);
  EXPECT_EQ(testing::Row(funnel, "stage", "EXECUTING"), 1);
  EXPECT_EQ(testing::Row(funnel, "stage", "WON"), 1);
  json stages =
      testing::Report(*engine, March("stage_count", {{"filters", {{"pipeline", {"C0"}}}}}));
  EXPECT_EQ(testing::Row(stages, "stage", "PREPARATION"), 1);         // deal 6
  EXPECT_EQ(testing::Row(stages, "stage", "PREPAYMENT_INVOICE"), 1);  // deal 3
  EXPECT_EQ(testing::Row(stages, "stage", "EXECUTING"), 1);           // deal 5

  // Leads: 8 and 9 created in March; 8 lost (junk).
  json leads = {{"filters", {{"entity", {"lead"}}}}};
  EXPECT_EQ(Total(*engine, March("created_count", leads)), 2);
  EXPECT_EQ(Total(*engine, March("lost_count", leads)), 1);

  // Task 301 was due 03-18 and is still open; 302 was done before its deadline.
  EXPECT_EQ(Total(*engine, March("overdue_tasks")), 1);
}

TEST(Bitrix24DumpTest, ActivitiesKeepTheirKindDirectionAndDuration) {
  testing::ImportFixture fixture;
  fixture.Store(ReadBitrix24Dump(testing::FixtureDir("bitrix24"), {}));
  std::map<std::string, ActivityRecord> activities;
  for (const Record& record : fixture.Stored()) {
    if (auto* activity = std::get_if<ActivityRecord>(&record.body)) {
      activities[activity->id] = *activity;
    }
  }
  // 101, 102, 103, 104, 105, 106, 109 and the two comments; not the task 107 nor 108.
  ASSERT_EQ(activities.size(), 9u);
  EXPECT_EQ(activities["A101"].kind, ActivityKind::kCall);
  EXPECT_EQ(activities["A101"].direction, Direction::kOut);  // DIRECTION 2
  EXPECT_EQ(activities["A101"].duration_s, 240);             // 10:30 to 10:34
  EXPECT_EQ(activities["A106"].direction, Direction::kIn);   // DIRECTION 1
  EXPECT_EQ(activities["A104"].kind, ActivityKind::kWebform);
  EXPECT_EQ(activities["A104"].deal_id, "L9");
  EXPECT_EQ(activities["A105"].kind, ActivityKind::kChat);
  EXPECT_EQ(activities["A109"].contact_id, "1");
  EXPECT_EQ(activities["A109"].deal_id, std::nullopt);
  EXPECT_EQ(activities["CM202"].kind, ActivityKind::kComment);
  EXPECT_EQ(activities["CM202"].deal_id, "L8");
}

TEST(Bitrix24DumpTest, ImportingTheSameDumpAgainCountsNothingTwice) {
  testing::ImportFixture fixture;
  ImportSummary first = fixture.Store(ReadBitrix24Dump(testing::FixtureDir("bitrix24"), {}));
  ImportSummary second = fixture.Store(ReadBitrix24Dump(testing::FixtureDir("bitrix24"), {}));
  // Stage changes carry event ids: deals 1 (3), 2 (2), 3 (2), 4 (2), 6 (1, to the current
  // stage) and leads 7 (2), 8 (1), 9 (1) = 14, all skipped the second time; definitions are
  // stored again in place.
  EXPECT_EQ(second.skipped, 14);
  EXPECT_EQ(second.applied, first.applied - 14);
  auto engine = fixture.LoadEngine();
  EXPECT_EQ(Total(*engine, March("won_count")), 2);
  EXPECT_EQ(Total(*engine, March("created_count")), 5);
  json funnel = testing::Report(*engine, March("funnel", {{"filters", {{"pipeline", {"C0"}}}}}));
  EXPECT_EQ(testing::Row(funnel, "stage", "PREPARATION"), 4);
}

TEST(Bitrix24DumpTest, AMoveInALaterDumpIsAddedOnce) {
  testing::TempDir dir;
  std::string dump = testing::CopyFixture(dir, "bitrix24");
  testing::ImportFixture fixture;
  fixture.Store(ReadBitrix24Dump(dump, {}));
  // A week later deal 3 is won: the later dump has its new stage and one more history row.
  {
    std::ifstream in(dump + "/crm.deal.list/0002.json");
    json page = json::parse(in);
    page["result"][0]["STAGE_ID"] = "WON";
    page["result"][0]["DATE_MODIFY"] = "2024-03-31T12:00:00+03:00";
    std::ofstream(dump + "/crm.deal.list/0002.json") << page.dump();
    std::ifstream history_in(dump + "/crm.stagehistory.list/deal-0001.json");
    json history = json::parse(history_in);
    history["result"]["items"].push_back({{"ID", "1100"},
                                          {"TYPE_ID", 2},
                                          {"OWNER_ID", 3},
                                          {"CREATED_TIME", "2024-03-31T12:00:00+03:00"},
                                          {"CATEGORY_ID", 0},
                                          {"STAGE_ID", "WON"}});
    std::ofstream(dump + "/crm.stagehistory.list/deal-0001.json") << history.dump();
  }
  ImportSummary second = fixture.Store(ReadBitrix24Dump(dump, {}));
  EXPECT_EQ(second.skipped, 14);  // the 14 changes of the first dump; the new one is applied
  auto engine = fixture.LoadEngine();
  // Won in March: 1, 4 and now 3 (45 500.50).
  EXPECT_EQ(Total(*engine, March("won_count")), 3);
  EXPECT_EQ(Total(*engine, March("won_amount")), "225500.50");
}

TEST(Bitrix24DumpTest, ABadFieldIsNamedWithItsPageAndItemAndNothingIsStored) {
  testing::TempDir dir;
  std::string dump = testing::CopyFixture(dir, "bitrix24");
  {
    std::ifstream in(dump + "/crm.deal.list/0002.json");
    json page = json::parse(in);
    page["result"][1]["DATE_CREATE"] = "18.03.2024 14:00";  // deal 4, a date as the UI shows it
    page["result"][2]["OPPORTUNITY"] = "13 000,00";         // deal 5
    std::ofstream(dump + "/crm.deal.list/0002.json") << page.dump();
  }
  ImportBatch batch = ReadBitrix24Dump(dump, {});
  ASSERT_EQ(batch.errors.size(), 2u);
  EXPECT_EQ(batch.errors[0],
            "crm.deal.list/0002.json: item 2 (ID 4): DATE_CREATE: '18.03.2024 14:00' is not a "
            "date-time like 2024-03-05T14:22:10+03:00");
  EXPECT_EQ(batch.errors[1],
            "crm.deal.list/0002.json: item 3 (ID 5): OPPORTUNITY: '13 000,00' is not an amount");
  testing::ImportFixture fixture;
  size_t before = fixture.Stored().size();
  ImportSummary summary = StoreImportBatch(*fixture.store, fixture.workspace, std::move(batch));
  EXPECT_FALSE(summary.ok());
  EXPECT_EQ(fixture.Stored().size(), before);  // the workspace settings alone
}

TEST(Bitrix24DumpTest, AStageUnknownToTheStoreIsNamedByItsHistoryRow) {
  testing::TempDir dir;
  std::string dump = testing::CopyFixture(dir, "bitrix24");
  {
    std::ifstream in(dump + "/crm.stagehistory.list/deal-0001.json");
    json history = json::parse(in);
    history["result"]["items"][1]["STAGE_ID"] = "C7:PAID";  // a pipeline the dump lacks
    std::ofstream(dump + "/crm.stagehistory.list/deal-0001.json") << history.dump();
  }
  testing::ImportFixture fixture;
  size_t before = fixture.Stored().size();
  ImportSummary summary =
      StoreImportBatch(*fixture.store, fixture.workspace, ReadBitrix24Dump(dump, {}));
  ASSERT_EQ(summary.errors.size(), 1u);
  EXPECT_EQ(summary.errors[0].rfind("crm.stagehistory.list/deal-0001.json: item 2 (ID 1002): ", 0),
            0u)
      << summary.errors[0];
  EXPECT_NE(summary.errors[0].find("C7:PAID"), std::string::npos) << summary.errors[0];
  EXPECT_EQ(fixture.Stored().size(), before);
}

TEST(Bitrix24DumpTest, ACutPageOrAnErrorAnswerIsNamed) {
  testing::TempDir dir;
  std::string dump = testing::CopyFixture(dir, "bitrix24");
  std::ofstream(dump + "/crm.activity.list/0002.json") << R"({"result":[{"ID":"108",)";
  std::ofstream(dump + "/crm.lead.list/0001.json")
      << R"({"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"})";
  ImportBatch batch = ReadBitrix24Dump(dump, {});
  ASSERT_EQ(batch.errors.size(), 2u);
  EXPECT_EQ(batch.errors[0],
            "crm.lead.list/0001.json: the page is an API error answer: QUERY_LIMIT_EXCEEDED "
            "(Too many requests)");
  EXPECT_EQ(batch.errors[1].rfind("crm.activity.list/0002.json: not JSON: byte ", 0), 0u)
      << batch.errors[1];
}

TEST(Bitrix24DumpTest, TheCommandImportsIntoTheDefaultWorkspaceAndReportsOnIt) {
  testing::TempDir dir;
  std::string data = dir.path() + "/data";
  testing::CommandResult imported = testing::RunVoronka(
      "import bitrix24 --data " + data + " --dir " + testing::FixtureDir("bitrix24") +
      " --portal https://example.bitrix24.ru/");
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  EXPECT_NE(imported.output.find("1 items left out"), std::string::npos) << imported.output;
  std::ofstream(dir.path() + "/request.json")
      << R"({"metric":"won_amount","period":{"from":"2024-03-01","to":"2024-04-01"},)"
         R"("as_of":"2024-04-10T00:00:00Z"})";
  testing::CommandResult report =
      testing::RunVoronka("report --data " + data + " --request " + dir.path() + "/request.json");
  ASSERT_EQ(report.exit_code, 0) << report.output;
  // The default workspace is in UTC; deals 1 and 4 were won well inside March there too.
  EXPECT_NE(report.output.find(R"("total": "180000.00")"), std::string::npos) << report.output;
}

}  // namespace
}  // namespace voronka
