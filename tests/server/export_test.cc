// Export tables and CSV text (server/export.h) from hand-written report answers: several
// metrics side by side, display names for the columns, and the CSV dialect of each language.
#include "server/export.h"

#include <gtest/gtest.h>

namespace voronka {
namespace {

using nlohmann::json;

// Won amount and won count per manager: Anna won 100.00 (no count row), Boris 200.00 in one
// deal, Vera two deals (no amount row). Totals 300.00 and 3.
ExportTable ManagerTable() {
  json amount = json::parse(R"({"rows":[
      {"group":{"responsible":"u1"},"value":"100.00"},
      {"group":{"responsible":"u2"},"value":"200.00"}],
    "total":"300.00","labels":{"responsible":{"u1":"Anna","u2":"Boris"}}})");
  json count = json::parse(R"({"rows":[
      {"group":{"responsible":"u2"},"value":1},
      {"group":{"responsible":"u3"},"value":2}],
    "total":3,"labels":{"responsible":{"u2":"Boris","u3":"Vera"}}})");
  json request = {{"metric", "won_amount"}, {"group_by", {"responsible"}}};
  return TableOfReports({amount, count}, request, {"won_amount", "won_count"});
}

TEST(ExportTest, SeveralMetricsBecomeColumnsJoinedOnTheGroup) {
  ExportTable table = ManagerTable();
  EXPECT_EQ(table.header, (std::vector<std::string>{"responsible", "won_amount", "won_count"}));
  ASSERT_EQ(table.rows.size(), 4u);  // Anna, Boris, Vera, total
  EXPECT_EQ(table.rows[0][0].text, "Anna");
  EXPECT_EQ(table.rows[0][1].kind, ExportCell::Kind::kMoney);
  EXPECT_EQ(table.rows[0][1].number, 100.0);
  EXPECT_EQ(table.rows[0][2].kind, ExportCell::Kind::kEmpty);
  EXPECT_EQ(table.rows[1][0].text, "Boris");
  EXPECT_EQ(table.rows[1][2].kind, ExportCell::Kind::kNumber);
  EXPECT_EQ(table.rows[1][2].number, 1.0);
  EXPECT_EQ(table.rows[2][0].text, "Vera");
  EXPECT_EQ(table.rows[2][1].kind, ExportCell::Kind::kEmpty);
  EXPECT_EQ(table.rows[3][0].text, "total");
  EXPECT_EQ(table.rows[3][1].number, 300.0);
  EXPECT_EQ(table.rows[3][2].number, 3.0);
}

TEST(ExportTest, RussianCsvUsesSemicolonsADecimalCommaAndTheNamesGiven) {
  ExportTable table = ManagerTable();
  NameColumns(table, json{{"responsible", "Менеджер"},
                          {"won_amount", "Сумма выигранных"},
                          {"won_count", "Выиграно сделок"},
                          {"total", "Итого"}});
  ExportStyle russian;
  russian.language = "ru";
  EXPECT_EQ(WriteCsv(table, russian),
            "\xEF\xBB\xBF"
            "Менеджер;Сумма выигранных;Выиграно сделок\r\n"
            "Anna;100,00;\r\n"
            "Boris;200,00;1\r\n"
            "Vera;;2\r\n"
            "Итого;300,00;3\r\n");
  ExportStyle english;
  english.language = "en";
  EXPECT_EQ(WriteCsv(ManagerTable(), english),
            "\xEF\xBB\xBF"
            "responsible,won_amount,won_count\r\n"
            "Anna,100.00,\r\n"
            "Boris,200.00,1\r\n"
            "Vera,,2\r\n"
            "total,300.00,3\r\n");
}

// A conversion of 1/3 and names holding the separator of one dialect or the other.
TEST(ExportTest, TextIsQuotedOnlyWhenItHoldsTheSeparatorOfTheDialect) {
  json answer = json::parse(R"({"rows":[
      {"group":{"source":"a;b"},"value":0.3333},
      {"group":{"source":"c,d"},"value":null}],"total":0.3333})");
  json request = {{"metric", "conversion_rate"}, {"group_by", {"source"}}};
  ExportTable table = TableOfReport(answer, request);
  ExportStyle polish;
  polish.language = "pl";
  EXPECT_EQ(WriteCsv(table, polish),
            "\xEF\xBB\xBF"
            "source;value\r\n\"a;b\";0,3333\r\nc,d;\r\ntotal;0,3333\r\n");
  ExportStyle english;
  EXPECT_EQ(WriteCsv(table, english),
            "\xEF\xBB\xBF"
            "source,value\r\na;b,0.3333\r\n\"c,d\",\r\ntotal,0.3333\r\n");
}

// A forecast answer keeps its weighted amount beside the amount, both money.
TEST(ExportTest, ASingleReportKeepsItsCompareAndWeightedColumns) {
  json answer = json::parse(R"({"rows":[
      {"group":{"stage":"s1"},"value":"1000.00","weighted":"250.00"}],
    "total":"1000.00","labels":{"stage":{"s1":"Offer"}}})");
  ExportTable table = TableOfReport(answer, json{{"metric", "forecast"}});
  EXPECT_EQ(table.header, (std::vector<std::string>{"stage", "value", "weighted"}));
  EXPECT_EQ(table.rows[0][0].text, "Offer");
  EXPECT_EQ(table.rows[0][2].kind, ExportCell::Kind::kMoney);
  EXPECT_EQ(table.rows[0][2].number, 250.0);
}

TEST(ExportTest, AWorkbookIsWrittenWithMoneyInItsCurrency) {
  ExportStyle style;
  style.currency = "RUB";
  Result<std::string> workbook = WriteXlsx("Managers", ManagerTable(), style);
  ASSERT_TRUE(workbook.ok()) << workbook.message();
  EXPECT_EQ(workbook.value().substr(0, 2), "PK");  // a ZIP archive, as every .xlsx
}

}  // namespace
}  // namespace voronka
