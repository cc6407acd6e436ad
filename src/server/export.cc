#include "server/export.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace voronka {

namespace {

using nlohmann::json;

ExportCell Text(std::string text) {
  ExportCell cell;
  cell.kind = ExportCell::Kind::kText;
  cell.text = std::move(text);
  return cell;
}

ExportCell Number(double number) {
  ExportCell cell;
  cell.kind = ExportCell::Kind::kNumber;
  cell.number = number;
  return cell;
}

// A metric value: money strings ("123.45") and numbers become numbers, null stays empty.
ExportCell ValueCell(const json& value) {
  if (value.is_null()) return {};
  if (value.is_number()) return Number(value.get<double>());
  if (value.is_boolean()) return Text(value.get<bool>() ? "true" : "false");
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    char* end = nullptr;
    double number = std::strtod(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size()) return Number(number);
    return Text(text);
  }
  return Text(value.dump());
}

// A bucket label: YYYY-MM-DD and YYYY-MM become dates, quarters and years stay text.
ExportCell BucketCell(const json& bucket) {
  if (!bucket.is_string()) return {};
  const std::string& text = bucket.get_ref<const std::string&>();
  if (text.size() == 10) {
    if (Result<LocalDate> date = ParseDate(text); date.ok()) {
      ExportCell cell;
      cell.kind = ExportCell::Kind::kDate;
      cell.date = date.value();
      return cell;
    }
  }
  if (text.size() == 7 && text[4] == '-') {
    if (Result<LocalDate> date = ParseDate(text + "-01"); date.ok()) {
      ExportCell cell;
      cell.kind = ExportCell::Kind::kMonth;
      cell.date = date.value();
      return cell;
    }
  }
  return Text(text);
}

ExportCell InstantCell(const json& value) {
  if (!value.is_string()) return {};
  Result<Instant> instant = ParseInstant(value.get<std::string>());
  if (!instant.ok()) return Text(value.get<std::string>());
  ExportCell cell;
  cell.kind = ExportCell::Kind::kDateTime;
  cell.micros = instant.value().micros;
  return cell;
}

bool IsTimeKey(const std::string& key) {
  return key == "at" || key == "deadline" ||
         (key.size() > 3 && key.compare(key.size() - 3, 3, "_at") == 0);
}

std::string LabelOf(const json& labels, const std::string& key, const std::string& value) {
  if (labels.is_object() && labels.contains(key) && labels[key].is_object() &&
      labels[key].contains(value) && labels[key][value].is_string()) {
    return labels[key][value].get<std::string>();
  }
  return value;
}

struct LocalTime {
  CivilDate date;
  int hour = 0, minute = 0, second = 0;
};

// The wall-clock time of an instant in `zone` (off by the shift on the few hours after a
// daylight-saving change, which Excel cannot show either way).
LocalTime ToLocal(int64_t micros, const TimeZone& zone) {
  LocalDate day = zone.DateOf(Instant{micros});
  int64_t since_midnight = (micros - zone.StartOf(day).micros) / kMicrosPerSecond;
  LocalTime local;
  local.date = CivilFromDate(day);
  local.hour = static_cast<int>(since_midnight / 3600);
  local.minute = static_cast<int>(since_midnight / 60 % 60);
  local.second = static_cast<int>(since_midnight % 60);
  return local;
}

std::string CsvQuoted(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvText(const ExportCell& cell, const TimeZone& zone) {
  char buffer[64];
  switch (cell.kind) {
    case ExportCell::Kind::kEmpty:
      return "";
    case ExportCell::Kind::kText:
      return CsvQuoted(cell.text);
    case ExportCell::Kind::kNumber: {
      std::ostringstream out;
      out.precision(15);
      out << cell.number;
      return out.str();
    }
    case ExportCell::Kind::kDate:
      return FormatDate(cell.date);
    case ExportCell::Kind::kMonth:
      return FormatDate(cell.date).substr(0, 7);
    case ExportCell::Kind::kDateTime: {
      LocalTime local = ToLocal(cell.micros, zone);
      std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d %02d:%02d:%02d", local.date.year,
                    local.date.month, local.date.day, local.hour, local.minute, local.second);
      return buffer;
    }
  }
  return "";
}

}  // namespace

ExportTable TableOfReport(const json& answer, const json& request) {
  ExportTable table;
  const json rows = answer.value("rows", json::array());
  const json labels = answer.value("labels", json::object());
  std::vector<std::string> keys;
  auto add_key = [&](const std::string& key) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  };
  bool has_stage = false, has_bucket = false, has_compare = false;
  for (const json& row : rows) {
    if (row.contains("group") && row["group"].contains("stage")) has_stage = true;
    if (row.contains("bucket") && !row["bucket"].is_null()) has_bucket = true;
    if (row.contains("compare")) has_compare = true;
  }
  if (has_stage) add_key("stage");
  if (request.contains("group_by") && request["group_by"].is_array()) {
    for (const json& key : request["group_by"]) {
      if (key.is_string()) add_key(key.get<std::string>());
    }
  }
  for (const json& row : rows) {
    if (!row.contains("group") || !row["group"].is_object()) continue;
    for (const auto& [key, value] : row["group"].items()) add_key(key);
  }
  table.header = keys;
  if (has_bucket) table.header.push_back("bucket");
  table.header.push_back("value");
  if (has_compare) table.header.push_back("compare");

  for (const json& row : rows) {
    std::vector<ExportCell> cells;
    for (const std::string& key : keys) {
      const json* value = nullptr;
      if (row.contains("group") && row["group"].contains(key)) value = &row["group"][key];
      if (value == nullptr || value->is_null()) {
        cells.emplace_back();
      } else {
        std::string id = value->is_string() ? value->get<std::string>() : value->dump();
        cells.push_back(Text(LabelOf(labels, key, id)));
      }
    }
    if (has_bucket) cells.push_back(BucketCell(row.value("bucket", json())));
    cells.push_back(ValueCell(row.value("value", json())));
    if (has_compare) cells.push_back(ValueCell(row.value("compare", json())));
    table.rows.push_back(std::move(cells));
  }
  if (answer.contains("total") && !answer["total"].is_object() && !answer["total"].is_array()) {
    std::vector<ExportCell> total(table.header.size());
    total[0] = Text("total");
    total[keys.size() + (has_bucket ? 1 : 0)] = ValueCell(answer["total"]);
    table.rows.push_back(std::move(total));
  }
  return table;
}

ExportTable TableOfDrilldown(const json& answer, const UserNames& user_names) {
  ExportTable table;
  const json items = answer.value("items", json::array());
  static const std::vector<std::string> kPreferred = {
      "id",         "title",        "kind",      "direction",     "amount",
      "stage_name", "responsible",  "deal_id",   "created_at",    "at",
      "deadline",   "completed_at", "closed_at", "days_on_stage", "days_since_touch",
      "url"};
  if (items.empty()) {
    table.header = {"id", "title"};
    return table;
  }
  const json& first = items[0];
  for (const std::string& key : kPreferred) {
    if (first.contains(key)) table.header.push_back(key);
  }
  for (const auto& [key, value] : first.items()) {
    if (key == "type" || key == "stage") continue;
    if (std::find(table.header.begin(), table.header.end(), key) == table.header.end()) {
      table.header.push_back(key);
    }
  }
  for (const json& item : items) {
    std::vector<ExportCell> cells;
    for (const std::string& key : table.header) {
      const json value = item.value(key, json());
      if (value.is_null()) {
        cells.emplace_back();
      } else if (key == "responsible" && value.is_string()) {
        std::string name = user_names(value.get<std::string>());
        cells.push_back(Text(name.empty() ? value.get<std::string>() : name));
      } else if (IsTimeKey(key)) {
        cells.push_back(InstantCell(value));
      } else if (key == "id" || key == "deal_id" || key == "title" || key == "url") {
        cells.push_back(Text(value.is_string() ? value.get<std::string>() : value.dump()));
      } else {
        cells.push_back(ValueCell(value));
      }
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

std::string WriteCsv(const ExportTable& table, const TimeZone& zone) {
  std::string out = "\xEF\xBB\xBF";  // the BOM: Excel then reads the file as UTF-8
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out += ',';
      out += cells[i];
    }
    out += "\r\n";
  };
  std::vector<std::string> header;
  for (const std::string& name : table.header) header.push_back(CsvQuoted(name));
  line(header);
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    for (const ExportCell& cell : row) cells.push_back(CsvText(cell, zone));
    line(cells);
  }
  return out;
}

Result<std::string> WriteXlsx(const std::string& title, const ExportTable& table,
                              const TimeZone& zone) {
  // libxlsxwriter 1.1 writes to a file only: a private temporary file, read back and removed.
  std::string path = (std::filesystem::temp_directory_path() / "voronka-export-XXXXXX").string();
  int fd = mkstemp(path.data());
  if (fd < 0) return Status::Error("export: cannot create a temporary file");
  close(fd);
  struct Remove {
    std::string path;
    ~Remove() { std::remove(path.c_str()); }
  } remove_at_end{path};

  lxw_workbook* workbook = workbook_new(path.c_str());
  if (workbook == nullptr) return Status::Error("export: cannot start the workbook");
  lxw_worksheet* sheet = workbook_add_worksheet(workbook, "Export");
  lxw_format* title_format = workbook_add_format(workbook);
  format_set_bold(title_format);
  format_set_font_size(title_format, 14);
  lxw_format* header_format = workbook_add_format(workbook);
  format_set_bold(header_format);
  format_set_bottom(header_format, LXW_BORDER_THIN);
  lxw_format* date_format = workbook_add_format(workbook);
  format_set_num_format(date_format, "yyyy-mm-dd");
  lxw_format* month_format = workbook_add_format(workbook);
  format_set_num_format(month_format, "yyyy-mm");
  lxw_format* time_format = workbook_add_format(workbook);
  format_set_num_format(time_format, "yyyy-mm-dd hh:mm");

  worksheet_write_string(sheet, 0, 0, title.c_str(), title_format);
  constexpr lxw_row_t kHeaderRow = 2;
  for (size_t c = 0; c < table.header.size(); ++c) {
    worksheet_write_string(sheet, kHeaderRow, static_cast<lxw_col_t>(c), table.header[c].c_str(),
                           header_format);
  }
  for (size_t r = 0; r < table.rows.size(); ++r) {
    lxw_row_t row = kHeaderRow + 1 + static_cast<lxw_row_t>(r);
    for (size_t c = 0; c < table.rows[r].size(); ++c) {
      const ExportCell& cell = table.rows[r][c];
      lxw_col_t col = static_cast<lxw_col_t>(c);
      switch (cell.kind) {
        case ExportCell::Kind::kEmpty:
          break;
        case ExportCell::Kind::kText:
          worksheet_write_string(sheet, row, col, cell.text.c_str(), nullptr);
          break;
        case ExportCell::Kind::kNumber:
          worksheet_write_number(sheet, row, col, cell.number, nullptr);
          break;
        case ExportCell::Kind::kDate:
        case ExportCell::Kind::kMonth: {
          CivilDate civil = CivilFromDate(cell.date);
          lxw_datetime value = {civil.year, civil.month, civil.day, 0, 0, 0};
          worksheet_write_datetime(
              sheet, row, col, &value,
              cell.kind == ExportCell::Kind::kDate ? date_format : month_format);
          break;
        }
        case ExportCell::Kind::kDateTime: {
          LocalTime local = ToLocal(cell.micros, zone);
          lxw_datetime value = {local.date.year, local.date.month,
                                local.date.day,  local.hour,
                                local.minute,    static_cast<double>(local.second)};
          worksheet_write_datetime(sheet, row, col, &value, time_format);
          break;
        }
      }
    }
  }
  worksheet_set_column(
      sheet, 0, static_cast<lxw_col_t>(std::max<size_t>(table.header.size(), 1) - 1), 18, nullptr);
  if (workbook_close(workbook) != LXW_NO_ERROR) {
    return Status::Error("export: the workbook could not be written");
  }
  std::ifstream file(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << file.rdbuf();
  return bytes.str();
}

}  // namespace voronka
