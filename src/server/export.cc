#include "server/export.h"

#include <unistd.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <locale>
#include <map>
#include <sstream>

#include "metrics/catalog.h"

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

// True for the metrics whose values are amounts of money.
bool IsMoneyMetric(const std::string& name) {
  const MetricInfo* metric = FindMetric(name);
  return metric != nullptr &&
         (metric->kind == ValueKind::kMoney || metric->kind == ValueKind::kMoneyMean ||
          metric->kind == ValueKind::kForecast);
}

// A metric value: money strings ("123.45") and numbers become numbers, null stays empty;
// with `money` a number is kept as an amount (the currency format).
ExportCell ValueCell(const json& value, bool money = false) {
  if (value.is_null()) return {};
  if (money && (value.is_string() || value.is_number())) {
    ExportCell cell = ValueCell(value);
    if (cell.kind == ExportCell::Kind::kNumber) cell.kind = ExportCell::Kind::kMoney;
    return cell;
  }
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

bool DecimalComma(const ExportStyle& style) {
  return style.language == "ru" || style.language == "pl";
}

char CsvSeparator(const ExportStyle& style) {
  return DecimalComma(style) ? ';' : ',';
}

std::string CsvQuoted(const std::string& text, char separator) {
  if (text.find_first_of(std::string("\"\r\n") + separator) == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string CsvText(const ExportCell& cell, const ExportStyle& style) {
  char buffer[64];
  switch (cell.kind) {
    case ExportCell::Kind::kEmpty:
      return "";
    case ExportCell::Kind::kText:
      return CsvQuoted(cell.text, CsvSeparator(style));
    case ExportCell::Kind::kNumber:
    case ExportCell::Kind::kMoney: {
      std::ostringstream out;
      out.imbue(std::locale::classic());
      if (cell.kind == ExportCell::Kind::kMoney) {
        out.setf(std::ios::fixed);
        out.precision(2);
      } else {
        out.precision(15);
      }
      out << cell.number;
      std::string text = out.str();
      if (DecimalComma(style)) std::replace(text.begin(), text.end(), '.', ',');
      return text;
    }
    case ExportCell::Kind::kDate:
      return FormatDate(cell.date);
    case ExportCell::Kind::kMonth:
      return FormatDate(cell.date).substr(0, 7);
    case ExportCell::Kind::kDateTime: {
      LocalTime local = ToLocal(cell.micros, style.zone);
      std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d %02d:%02d:%02d", local.date.year,
                    local.date.month, local.date.day, local.hour, local.minute, local.second);
      return buffer;
    }
  }
  return "";
}

// The Excel number format of money in `currency`: the sign where people put it.
std::string CurrencyFormat(const std::string& currency) {
  if (currency == "USD") return "\"$\"#,##0.00";
  if (currency == "GBP") return "\"\xC2\xA3\"#,##0.00";
  std::string sign = currency;
  if (currency == "RUB") sign = "\xE2\x82\xBD";
  if (currency == "EUR") sign = "\xE2\x82\xAC";
  if (currency == "PLN") sign = "z\xC5\x82";
  if (sign.empty()) return "#,##0.00";
  std::string quoted;
  for (char c : sign) {
    if (c != '"') quoted += c;
  }
  return "#,##0.00 \"" + quoted + "\"";
}

}  // namespace

ExportTable TableOfReport(const json& answer, const json& request) {
  return TableOfReports({answer}, request, {});
}

ExportTable TableOfReports(const std::vector<json>& answers, const json& request,
                           const std::vector<std::string>& metrics) {
  // With no metric names: one answer, its value (and compare, weighted) columns.
  const bool single = metrics.empty();
  ExportTable table;
  std::vector<std::string> keys;
  auto add_key = [&](const std::string& key) {
    if (std::find(keys.begin(), keys.end(), key) == keys.end()) keys.push_back(key);
  };
  bool has_stage = false, has_bucket = false, has_compare = false, has_weighted = false;
  for (const json& answer : answers) {
    for (const json& row : answer.value("rows", json::array())) {
      if (row.contains("group") && row["group"].contains("stage")) has_stage = true;
      if (row.contains("bucket") && !row["bucket"].is_null()) has_bucket = true;
      if (single && row.contains("compare")) has_compare = true;
      if (single && row.contains("weighted")) has_weighted = true;
    }
  }
  if (has_stage) add_key("stage");
  if (request.contains("group_by") && request["group_by"].is_array()) {
    for (const json& key : request["group_by"]) {
      if (key.is_string()) add_key(key.get<std::string>());
    }
  }
  for (const json& answer : answers) {
    for (const json& row : answer.value("rows", json::array())) {
      if (!row.contains("group") || !row["group"].is_object()) continue;
      for (const auto& [key, value] : row["group"].items()) add_key(key);
    }
  }
  // The money columns: each answer's metric, or the request's for a single answer.
  std::vector<bool> money(answers.size(), false);
  for (size_t i = 0; i < answers.size(); ++i) {
    std::string name = single ? request.value("metric", "") : metrics[i];
    money[i] = IsMoneyMetric(name);
  }
  table.header = keys;
  if (has_bucket) table.header.push_back("bucket");
  if (single) {
    table.header.push_back("value");
    if (has_compare) table.header.push_back("compare");
    if (has_weighted) table.header.push_back("weighted");
  } else {
    table.header.insert(table.header.end(), metrics.begin(), metrics.end());
  }
  const size_t first_value = keys.size() + (has_bucket ? 1 : 0);

  // Rows joined on (group, bucket), in order of first appearance.
  json labels = json::object();
  std::vector<std::string> order;
  std::map<std::string, std::vector<ExportCell>> rows;
  for (size_t i = 0; i < answers.size(); ++i) {
    const json& answer = answers[i];
    const json answer_labels = answer.value("labels", json::object());
    for (const auto& [key, names] : answer_labels.items()) {
      if (names.is_object()) labels[key].update(names);
    }
    const json answer_rows = answer.value("rows", json::array());
    for (const json& row : answer_rows) {
      json group = row.value("group", json::object());
      json bucket = row.value("bucket", json());
      std::string id = group.dump() + "|" + bucket.dump();
      auto found = rows.find(id);
      if (found == rows.end()) {
        order.push_back(id);
        found = rows.emplace(id, std::vector<ExportCell>(table.header.size())).first;
        for (size_t k = 0; k < keys.size(); ++k) {
          if (!group.is_object() || !group.contains(keys[k]) || group[keys[k]].is_null()) continue;
          const json& value = group[keys[k]];
          std::string text = value.is_string() ? value.get<std::string>() : value.dump();
          found->second[k] = Text(text);  // labelled once every answer's labels are known
        }
        if (has_bucket) found->second[keys.size()] = BucketCell(bucket);
      }
      std::vector<ExportCell>& cells = found->second;
      if (single) {
        size_t at = first_value;
        cells[at++] = ValueCell(row.value("value", json()), money[i]);
        if (has_compare) cells[at++] = ValueCell(row.value("compare", json()), money[i]);
        if (has_weighted) cells[at++] = ValueCell(row.value("weighted", json()), money[i]);
      } else {
        cells[first_value + i] = ValueCell(row.value("value", json()), money[i]);
      }
    }
  }
  for (const std::string& id : order) {
    std::vector<ExportCell>& cells = rows[id];
    for (size_t k = 0; k < keys.size(); ++k) {
      if (cells[k].kind == ExportCell::Kind::kText) {
        cells[k].text = LabelOf(labels, keys[k], cells[k].text);
      }
    }
    table.rows.push_back(std::move(cells));
  }

  std::vector<ExportCell> total(table.header.size());
  bool any_total = false;
  for (size_t i = 0; i < answers.size(); ++i) {
    const json& answer = answers[i];
    if (!answer.contains("total") || answer["total"].is_object() || answer["total"].is_array()) {
      continue;
    }
    total[first_value + (single ? 0 : i)] = ValueCell(answer["total"], money[i]);
    any_total = true;
  }
  if (any_total) {
    total[0] = Text("total");
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
      } else if (key == "amount") {
        cells.push_back(ValueCell(value, /*money=*/true));
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

void NameColumns(ExportTable& table, const json& names) {
  if (!names.is_object()) return;
  auto name_of = [&](const std::string& key) -> const json* {
    auto found = names.find(key);
    return found != names.end() && found->is_string() &&
                   !found->get_ref<const std::string&>().empty()
               ? &*found
               : nullptr;
  };
  for (std::string& header : table.header) {
    if (const json* name = name_of(header)) header = name->get<std::string>();
  }
  const json* total = name_of("total");
  if (total == nullptr || table.rows.empty()) return;
  std::vector<ExportCell>& last = table.rows.back();
  if (!last.empty() && last[0].kind == ExportCell::Kind::kText && last[0].text == "total") {
    last[0].text = total->get<std::string>();
  }
}

std::string WriteCsv(const ExportTable& table, const ExportStyle& style) {
  const char separator = CsvSeparator(style);
  std::string out = "\xEF\xBB\xBF";  // the BOM: Excel then reads the file as UTF-8
  auto line = [&](const std::vector<std::string>& cells) {
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out += separator;
      out += cells[i];
    }
    out += "\r\n";
  };
  std::vector<std::string> header;
  for (const std::string& name : table.header) header.push_back(CsvQuoted(name, separator));
  line(header);
  for (const auto& row : table.rows) {
    std::vector<std::string> cells;
    for (const ExportCell& cell : row) cells.push_back(CsvText(cell, style));
    line(cells);
  }
  return out;
}

Result<std::string> WriteXlsx(const std::string& title, const ExportTable& table,
                              const ExportStyle& style) {
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
  lxw_format* money_format = workbook_add_format(workbook);
  std::string currency_format = CurrencyFormat(style.currency);
  format_set_num_format(money_format, currency_format.c_str());

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
        case ExportCell::Kind::kMoney:
          worksheet_write_number(sheet, row, col, cell.number, money_format);
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
          LocalTime local = ToLocal(cell.micros, style.zone);
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
