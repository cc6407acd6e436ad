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
  enum class Kind { kEmpty, kText, kNumber, kDate, kMonth, kDateTime };
  Kind kind = Kind::kEmpty;
  std::string text;    // kText
  double number = 0;   // kNumber
  LocalDate date;      // kDate, kMonth (its first day)
  int64_t micros = 0;  // kDateTime: UTC
};

struct ExportTable {
  std::vector<std::string> header;
  std::vector<std::vector<ExportCell>> rows;
};

// Display name of a user id ("" when unknown): drill-down items carry ids only.
using UserNames = std::function<std::string(const std::string& user_id)>;

// One row per answer row: the group labels (in `group_by` order, the stage first for per-stage
// metrics), the bucket, the value and the compare value; then a total row.
ExportTable TableOfReport(const nlohmann::json& answer, const nlohmann::json& request);
// One row per drill-down item.
ExportTable TableOfDrilldown(const nlohmann::json& answer, const UserNames& user_names);

// The CSV text: a BOM, the header, the rows; dates and times in `zone`.
std::string WriteCsv(const ExportTable& table, const TimeZone& zone);
// The bytes of an .xlsx workbook with one sheet: the title, a blank row, the header, the rows.
Result<std::string> WriteXlsx(const std::string& title, const ExportTable& table,
                              const TimeZone& zone);

}  // namespace voronka
