// Deals from a spreadsheet: fixtures/csv/deals_utf8.csv (';', UTF-8, decimal comma) and
// deals_1251.csv (the same rows, tab-separated, Windows-1251), with mapping.json. The
// workspace is in Moscow time; dates in the files have no offset.
//
//   1001 won  (Успешно реализовано)  150 000,00  created 01.03 10:00, closed 12.03 15:00, Ромашка
//   1002 lost (Отказ, «Дорого»)       80 000     created 03.03, closed 20.03
//   1003 on «Выставлен счёт»          45 500,50  created 10.03 (a title over two lines)
//   1004 won  («Оплачено»)            30 000     created 2024-03-18 14:00, closed 28.03 17:00,
//   Ромашка 1005 on «Новая заявка»         1 200 000,00  created 20.02
#include "importers/csv_deals.h"

#include <gtest/gtest.h>

#include <fstream>

#include "importers/csv_table.h"
#include "importers/importer_test_util.h"

namespace voronka {
namespace {

using nlohmann::json;
using testing::March;
using testing::Total;

ImportBatch ReadFixture(const std::string& file) {
  CsvDealsOptions options;
  options.time_zone = "Europe/Moscow";
  std::string dir = testing::FixtureDir("csv");
  return ReadCsvDeals(dir + "/" + file, dir + "/mapping.json", options);
}

void ExpectMarchNumbers(const Engine& engine) {
  // Created in March: 1001..1004; 1005 in February.
  EXPECT_EQ(Total(engine, March("created_count")), 4);
  // Won: 1001 and 1004 = 150 000 + 30 000; lost: 1002.
  EXPECT_EQ(Total(engine, March("won_count")), 2);
  EXPECT_EQ(Total(engine, March("won_amount")), "180000.00");
  EXPECT_EQ(Total(engine, March("lost_amount")), "80000.00");
  // In work on April 1: 1003 (45 500.50) and 1005 (1 200 000.00).
  EXPECT_EQ(Total(engine, March("in_work_amount")), "1245500.50");
  // 1004's company won 1001 before.
  EXPECT_EQ(Total(engine, March("repeat_won_count")), 1);
  // Cycle: 11 d 5 h and 10 d 3 h, mean 10.6667 days.
  EXPECT_EQ(Total(engine, March("avg_cycle_days")), 10.67);
  json by_region = testing::Report(engine, March("won_amount", {{"group_by", {"fields.region"}}}));
  EXPECT_EQ(testing::Row(by_region, "fields.region", "Москва"), "180000.00");
  json by_reason = testing::Report(engine, March("lost_count", {{"group_by", {"loss_reason"}}}));
  EXPECT_EQ(testing::Row(by_reason, "loss_reason", "Дорого"), 1);
}

TEST(CsvDealsTest, SemicolonUtf8WithDecimalComma) {
  testing::ImportFixture fixture;
  fixture.Store(ReadFixture("deals_utf8.csv"));
  ExpectMarchNumbers(*fixture.LoadEngine());
}

TEST(CsvDealsTest, TabSeparatedWindows1251GivesTheSameNumbers) {
  testing::ImportFixture fixture;
  fixture.Store(ReadFixture("deals_1251.csv"));
  auto engine = fixture.LoadEngine();
  ExpectMarchNumbers(*engine);
  // Names arrive in UTF-8: the manager «Аделина Смирнова» is a user of that name.
  json by_manager = testing::Report(*engine, March("won_count", {{"group_by", {"responsible"}}}));
  EXPECT_EQ(testing::Row(by_manager, "responsible", "Аделина Смирнова"), 2);
}

TEST(CsvDealsTest, ImportingTheFileAgainCountsNothingTwice) {
  testing::ImportFixture fixture;
  fixture.Store(ReadFixture("deals_utf8.csv"));
  ImportSummary second = fixture.Store(ReadFixture("deals_utf8.csv"));
  // The moves off the first stage carry event ids: 1001, 1002, 1003, 1004 (1005 is still on
  // the first stage).
  EXPECT_EQ(second.skipped, 4);
  ExpectMarchNumbers(*fixture.LoadEngine());
}

TEST(CsvDealsTest, BadCellsAreNamedByLineAndColumnAndNothingIsStored) {
  testing::TempDir dir;
  std::ofstream(dir.path() + "/bad.csv") << "Номер,Название,Стадия,\"Сумма, руб.\",Дата создания\n"
                                            "1,Первая,Новая заявка,\"1 000,00\",01.03.2024\n"
                                            "2,Вторая,Оплачен,500,31.02.2024\n"
                                            "1,Третья,Отказ,12.5.0,2024-03-05\n";
  std::ofstream(dir.path() + "/map.json")
      << R"({"decimal": ",", "columns": {"id": "Номер", "title": "Название", "stage": "Стадия",
            "amount": "Сумма, руб.", "created_at": "Дата создания"},
            "stages": [{"id": "new", "name": "Новая заявка"}, {"id": "won", "name": "Оплачено",
            "semantic": "won"}, {"id": "lost", "name": "Отказ", "semantic": "lost"}]})";
  ImportBatch batch = ReadCsvDeals(dir.path() + "/bad.csv", dir.path() + "/map.json", {});
  ASSERT_EQ(batch.errors.size(), 4u);
  EXPECT_EQ(batch.errors[0], "bad.csv: line 3: «Стадия»: 'Оплачен' is not a stage of the mapping");
  EXPECT_EQ(batch.errors[1],
            "bad.csv: line 3: «Дата создания»: '31.02.2024' is not a date like 05.03.2024 or "
            "2024-03-05 14:22");
  EXPECT_EQ(batch.errors[2], "bad.csv: line 4: «Сумма, руб.»: '12.5.0' is not an amount");
  EXPECT_EQ(batch.errors[3], "bad.csv: line 4: «Номер»: deal 1 is already on line 2");
  testing::ImportFixture fixture;
  size_t before = fixture.Stored().size();
  EXPECT_FALSE(StoreImportBatch(*fixture.store, fixture.workspace, std::move(batch)).ok());
  EXPECT_EQ(fixture.Stored().size(), before);
}

TEST(CsvDealsTest, AMappingThatNamesAMissingColumnIsRefused) {
  testing::TempDir dir;
  std::ofstream(dir.path() + "/deals.csv") << "id;stage;created\n1;new;2024-03-01\n";
  std::ofstream(dir.path() + "/map.json")
      << R"({"columns": {"id": "id", "stage": "stage", "created_at": "Создана"},
            "stages": [{"id": "new"}]})";
  ImportBatch batch = ReadCsvDeals(dir.path() + "/deals.csv", dir.path() + "/map.json", {});
  ASSERT_EQ(batch.errors.size(), 1u);
  EXPECT_EQ(batch.errors[0],
            "deals.csv: line 1: no column «Создана» (columns.created_at of the mapping)");
}

TEST(CsvTableTest, QuotesDelimitersAndLineNumbers) {
  // A quoted cell with the delimiter, a doubled quote and a line break; a blank line.
  Result<CsvTable> table = ParseCsv("a;b\r\n1;\"x;\"\"y\"\"\nz\"\r\n\r\n2;w\r\n", "auto", 0);
  ASSERT_TRUE(table.ok()) << table.message();
  EXPECT_EQ(table->delimiter, ';');
  ASSERT_EQ(table->rows.size(), 2u);
  EXPECT_EQ(table->rows[0][1], "x;\"y\"\nz");
  EXPECT_EQ(table->lines[0], 2);
  EXPECT_EQ(table->lines[1], 5);  // line 3 holds the rest of the quoted cell, line 4 is blank
  Result<CsvTable> open = ParseCsv("a,b\n1,\"never closed\n", "auto", 0);
  ASSERT_FALSE(open.ok());
  EXPECT_EQ(open.message(), "line 2: a quote opened here is never closed");
  // "Сумма" in Windows-1251, detected as not UTF-8.
  Result<CsvTable> cp1251 = ParseCsv("\xD1\xF3\xEC\xEC\xE0\t2\n", "auto", 0);
  ASSERT_TRUE(cp1251.ok()) << cp1251.message();
  EXPECT_EQ(cp1251->header[0], "Сумма");
  EXPECT_EQ(cp1251->delimiter, '\t');
}

TEST(CsvDealsTest, TheCommandReadsDatesInTheWorkspaceZone) {
  testing::TempDir dir;
  std::string data = dir.path() + "/data";
  ASSERT_EQ(
      testing::RunVoronka("workspace add --data " + data + " --name acme --time-zone Europe/Moscow")
          .exit_code,
      0);
  std::string fixtures = testing::FixtureDir("csv");
  testing::CommandResult imported =
      testing::RunVoronka("import csv --data " + data + " --workspace acme --mapping " + fixtures +
                          "/mapping.json " + fixtures + "/deals_utf8.csv");
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  auto store = SqliteStore::Open(data);
  ASSERT_TRUE(store.ok());
  int64_t acme = 0;
  for (const WorkspaceInfo& info : store.value()->Workspaces()) {
    if (info.name == "acme") acme = info.id;
  }
  std::optional<Instant> created_1001;
  ASSERT_TRUE(store.value()
                  ->Load(acme,
                         [&](const Record& record) {
                           if (auto* deal = std::get_if<DealRecord>(&record.body);
                               deal && deal->id == "1001") {
                             created_1001 = deal->created_at;
                           }
                         })
                  .ok());
  ASSERT_TRUE(created_1001);
  // 01.03.2024 10:00 in Moscow is 07:00 UTC.
  EXPECT_EQ(FormatInstant(*created_1001), "2024-03-01T07:00:00Z");
}

}  // namespace
}  // namespace voronka
