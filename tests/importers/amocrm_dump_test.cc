// The amoCRM dump in fixtures/amocrm (account "Теплодом", pipeline 3301, March 2024 in Moscow
// time), imported and reported on. Each expected number is counted by hand from the pages.
//
// Pipeline 3301: Неразобранное 33010, Первичный контакт 33011, Переговоры 33012,
// Принимают решение 33013, then 142 won and 143 lost. Leads (two pages):
//   9001 Котёл для коттеджа   250 000  Орлов (7001)  created 03-04 10:00 on 33011 → 33012 03-06
//                             → 142 03-15 12:00; contact 5001, company 6001
//   9002 Отопление склада     480 000  created 03-05 09:00 on 33011 → 33012 03-07 → 143 03-20;
//                             responsible Орлов, then Соколова (7002) from 03-07; lost: «Дорого»
//   9003 Тёплый пол в офисе    95 000  Попов (7003)  created 03-12 14:00 on 33010 → 33011 → 33013
//   9004 Бойлер                60 000  Соколова  created 02-25 on 33012, no events
//   9005 Радиаторы для школы 1 500 000 Орлов  created 03-20 10:00 on 33011 → 142 03-29 17:00;
//                             company 6001 again
// Activities from events in March: outgoing call (9001), incoming call (9002), note (9002),
// SMS to contact 5001, incoming and outgoing chat messages (9003); a call on lead 9999, which
// is not in the dump, is left out. Tasks: 12001 on 9004 due 03-25, open; 12002 done in time.
#include "importers/amocrm_dump.h"

#include <gtest/gtest.h>

#include <fstream>

#include "importers/importer_test_util.h"

namespace voronka {
namespace {

using nlohmann::json;
using testing::March;
using testing::Total;

TEST(AmocrmDumpTest, ReportsOnTheImportedDumpMatchWhatAPersonCounts) {
  testing::ImportFixture fixture;
  ImportBatch batch = ReadAmocrmDump(testing::FixtureDir("amocrm"), {});
  ASSERT_EQ(batch.warnings.size(), 1u);  // the call on lead 9999
  EXPECT_NE(batch.warnings[0].find("events/0002.json: item 4"), std::string::npos)
      << batch.warnings[0];
  fixture.Store(std::move(batch));
  auto engine = fixture.LoadEngine();

  // 9001, 9002, 9003, 9005 were created in March; 9004 in February.
  EXPECT_EQ(Total(*engine, March("created_count")), 4);
  // Won: 9001 (250 000) and 9005 (1 500 000); lost: 9002 (480 000).
  EXPECT_EQ(Total(*engine, March("won_count")), 2);
  EXPECT_EQ(Total(*engine, March("won_amount")), "1750000.00");
  EXPECT_EQ(Total(*engine, March("lost_amount")), "480000.00");
  json by_reason = testing::Report(*engine, March("lost_count", {{"group_by", {"loss_reason"}}}));
  EXPECT_EQ(testing::Row(by_reason, "loss_reason", "Дорого"), 1);
  // Cycle: 9001 from 03-04 10:00 to 03-15 12:00 = 11 d 2 h = 11.0833 d; 9005 from 03-20 10:00
  // to 03-29 17:00 = 9 d 7 h = 9.2917 d; mean 10.1875.
  EXPECT_EQ(Total(*engine, March("avg_cycle_days")), 10.19);
  // In work on April 1: 9003 (95 000) and 9004 (60 000).
  EXPECT_EQ(Total(*engine, March("in_work_count")), 2);
  EXPECT_EQ(Total(*engine, March("in_work_amount")), "155000.00");
  // 9005's company 6001 won 9001 before: one repeat sale.
  EXPECT_EQ(Total(*engine, March("repeat_won_count")), 1);
  // The lost deal counts for its current manager, Соколова.
  json lost_by_manager =
      testing::Report(*engine, March("lost_count", {{"group_by", {"responsible"}}}));
  EXPECT_EQ(testing::Row(lost_by_manager, "responsible", "7002"), 1);
  // The select field arrives by its name with the chosen value.
  json by_field =
      testing::Report(*engine, March("won_amount", {{"group_by", {"fields.Тип объекта"}}}));
  EXPECT_EQ(testing::Row(by_field, "fields.Тип объекта", "Частный дом"), "1750000.00");

  // Funnel of the March cohort 9001, 9002, 9003, 9005 (positions 0..3 for the open stages,
  // 4 for won): highest positions 4, 2, 3, 4. All four reached positions 0, 1 and 2 (9003 by
  // way of 33013); 9001, 9003, 9005 reached 33013; 9001 and 9005 were won.
  json funnel = testing::Report(*engine, March("funnel", {{"filters", {{"pipeline", {"3301"}}}}}));
  EXPECT_EQ(testing::Row(funnel, "stage", "3301:33010"), 4);
  EXPECT_EQ(testing::Row(funnel, "stage", "3301:33012"), 4);
  EXPECT_EQ(testing::Row(funnel, "stage", "3301:33013"), 3);
  EXPECT_EQ(testing::Row(funnel, "stage", "3301:142"), 2);

  // Activities: calls 2, chats 2, SMS 1, notes 1.
  EXPECT_EQ(Total(*engine, March("activity_count")), 6);
  json by_kind = testing::Report(*engine, March("activity_count", {{"group_by", {"kind"}}}));
  EXPECT_EQ(testing::Row(by_kind, "kind", "call"), 2);
  EXPECT_EQ(testing::Row(by_kind, "kind", "chat"), 2);
  EXPECT_EQ(testing::Row(by_kind, "kind", "sms"), 1);
  EXPECT_EQ(testing::Row(by_kind, "kind", "comment"), 1);
  // Task 12001 was due 03-25 and is still open.
  EXPECT_EQ(Total(*engine, March("overdue_tasks")), 1);
}

TEST(AmocrmDumpTest, TheFirstResponsibleAndStageComeFromTheEvents) {
  testing::ImportFixture fixture;
  fixture.Store(ReadAmocrmDump(testing::FixtureDir("amocrm"), {}));
  std::optional<DealRecord> deal_9002;
  std::optional<DealRecord> deal_9003;
  std::vector<DealUpdateRecord> updates;
  for (const Record& record : fixture.Stored()) {
    if (auto* deal = std::get_if<DealRecord>(&record.body)) {
      if (deal->id == "9002") deal_9002 = *deal;
      if (deal->id == "9003") deal_9003 = *deal;
    }
    if (auto* update = std::get_if<DealUpdateRecord>(&record.body)) updates.push_back(*update);
  }
  ASSERT_TRUE(deal_9002 && deal_9003);
  EXPECT_EQ(deal_9002->responsible_id, "7001");  // value_before of the responsible change
  EXPECT_EQ(deal_9002->stage_id, "3301:33011");  // value_before of the first status change
  EXPECT_EQ(deal_9003->stage_id, "3301:33010");  // created in «Неразобранное»
  ASSERT_EQ(updates.size(), 1u);
  EXPECT_EQ(updates[0].id, "9002");
  EXPECT_EQ(updates[0].responsible_id, std::optional<std::string>("7002"));
}

TEST(AmocrmDumpTest, ImportingTheSameDumpAgainCountsNothingTwice) {
  testing::ImportFixture fixture;
  fixture.Store(ReadAmocrmDump(testing::FixtureDir("amocrm"), {}));
  ImportSummary second = fixture.Store(ReadAmocrmDump(testing::FixtureDir("amocrm"), {}));
  // Records made from events: 7 status changes, 1 responsible change, 6 activities.
  EXPECT_EQ(second.skipped, 14);
  auto engine = fixture.LoadEngine();
  EXPECT_EQ(Total(*engine, March("won_count")), 2);
  EXPECT_EQ(Total(*engine, March("activity_count")), 6);
}

TEST(AmocrmDumpTest, ABadFieldIsNamedWithItsPageAndItemAndNothingIsStored) {
  testing::TempDir dir;
  std::string dump = testing::CopyFixture(dir, "amocrm");
  {
    std::ifstream in(dump + "/events/0002.json");
    json page = json::parse(in);
    page["_embedded"]["events"][2]["created_at"] = "2024-03-15 12:00";
    page["_embedded"]["events"][4]["value_after"] = json::array();
    std::ofstream(dump + "/events/0002.json") << page.dump();
  }
  ImportBatch batch = ReadAmocrmDump(dump, {});
  ASSERT_EQ(batch.errors.size(), 2u);
  EXPECT_EQ(batch.errors[0],
            "events/0002.json: item 3 (id 01hr0013k9v6c6tqy8zq1a2b3): created_at: "
            "'2024-03-15 12:00' is not an integer");
  EXPECT_EQ(batch.errors[1],
            "events/0002.json: item 5 (id 01hr0015k9v6c6tqy8zq1a2b3): value_after: no "
            "lead_status with id and pipeline_id");
  testing::ImportFixture fixture;
  size_t before = fixture.Stored().size();
  EXPECT_FALSE(StoreImportBatch(*fixture.store, fixture.workspace, std::move(batch)).ok());
  EXPECT_EQ(fixture.Stored().size(), before);
}

TEST(AmocrmDumpTest, TheCommandImportsIntoANamedWorkspace) {
  testing::TempDir dir;
  std::string data = dir.path() + "/data";
  testing::CommandResult added = testing::RunVoronka("workspace add --data " + data +
                                                     " --name teplodom --time-zone Europe/Moscow");
  ASSERT_EQ(added.exit_code, 0) << added.output;
  testing::CommandResult imported =
      testing::RunVoronka("import amocrm --data " + data + " --workspace teplodom --dir " +
                          testing::FixtureDir("amocrm"));
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  testing::CommandResult unknown =
      testing::RunVoronka("import amocrm --data " + data + " --workspace nosuch --dir " +
                          testing::FixtureDir("amocrm"));
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_NE(unknown.output.find("no workspace named 'nosuch'"), std::string::npos)
      << unknown.output;
}

}  // namespace
}  // namespace voronka
