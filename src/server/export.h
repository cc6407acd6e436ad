// Exports of a report answer or a drill-down as a table: XLSX (libxlsxwriter: a title, a
// header row, numbers as numbers, dates as Excel dates) and CSV (UTF-8 with a BOM for Excel).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/status.h"
#include "model/time.h"

namespace voronka {

struct ExportCell {
  enum class Kind { kEmpty, kText, kNumber, kMoney, kDate, kMonth, kDateTime };
  Kind kind = Kind::kEmpty;
  std::string text;    // kText
  double number = 0;   // kNumber, kMoney (in currency units, two decimals)
  LocalDate date;      // kDate, kMonth (its first day)
  int64_t micros = 0;  // kDateTime: UTC
};

struct ExportTable {
  std::vector<std::string> header;
  std::vector<std::vector<ExportCell>> rows;
};

// How a file is written for the person who opens it.
struct ExportStyle {
  TimeZone zone = TimeZone::Utc();  // dates and times are shown in it
  // "ru" and "pl": CSV separated by ';' with a decimal comma (what Excel reads in those
  // locales); anything else: ',' and a decimal point.
  std::string language = "en";
  std::string currency;  // ISO 4217 code of money cells: the XLSX currency format
};

// Display name of a user id ("" when unknown): drill-down items carry ids only.
using UserNames = std::function<std::string(const std::string& user_id)>;

// One row per answer row: the group labels (in `group_by` order, the stage first for per-stage
// metrics), the bucket, the value and the compare value; then a total row.
ExportTable TableOfReport(const nlohmann::json& answer, const nlohmann::json& request);
// A table of several metrics side by side: `answers[i]` answers `request` with metric
// `metrics[i]`. One row per group (and bucket) of any answer, in order of first appearance,
// a column per metric headed by its name; then the total row.
ExportTable TableOfReports(const std::vector<nlohmann::json>& answers,
                           const nlohmann::json& request, const std::vector<std::string>& metrics);
// One row per drill-down item.
ExportTable TableOfDrilldown(const nlohmann::json& answer, const UserNames& user_names);
// Replaces each header key found in `names` ({"responsible": "Менеджер", ...}) by its display
// name, and the total row's label by names["total"].
void NameColumns(ExportTable& table, const nlohmann::json& names);

// The CSV text: a BOM, the header, the rows, separated and with decimals as `style` says.
std::string WriteCsv(const ExportTable& table, const ExportStyle& style);
// The bytes of an .xlsx workbook with one sheet: the title, a blank row, the header, the rows;
// numbers as numbers, dates as dates, money in the currency format.
Result<std::string> WriteXlsx(const std::string& title, const ExportTable& table,
                              const ExportStyle& style);

}  // namespace voronka
