#include "importers/csv_deals.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unordered_map>

#include "importers/csv_table.h"
#include "model/money.h"
#include "model/time.h"

namespace voronka {

namespace {

// The members of "columns" a mapping may name; the first three are required.
constexpr const char* kRequiredColumns[] = {"id", "stage", "created_at"};
constexpr const char* kOptionalColumns[] = {"title",     "amount",    "responsible", "company",
                                            "contact",   "source",    "deal_type",   "loss_reason",
                                            "closed_at", "updated_at"};

struct StageMapping {
  std::unordered_map<std::string, std::string> stage_of_value;  // file text -> stage id
  PipelineRecord pipeline;
};

struct Mapping {
  std::string encoding = "auto";
  char delimiter = 0;
  char decimal = '.';
  std::string time_zone;
  std::unordered_map<std::string, std::string> columns;     // member -> column title
  std::vector<std::pair<std::string, std::string>> fields;  // column title -> field name
  StageMapping stages;
};

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Trim(std::string_view text) {
  // Spaces, tabs and the no-break spaces spreadsheets put in numbers (U+00A0, U+202F).
  auto starts_space = [](std::string_view t) -> size_t {
    if (t.empty()) return 0;
    if (t[0] == ' ' || t[0] == '\t') return 1;
    if (t.substr(0, 2) == "\xC2\xA0") return 2;
    if (t.substr(0, 3) == "\xE2\x80\xAF") return 3;
    return 0;
  };
  auto ends_space = [](std::string_view t) -> size_t {
    if (t.empty()) return 0;
    if (t.back() == ' ' || t.back() == '\t') return 1;
    if (t.size() >= 2 && t.substr(t.size() - 2) == "\xC2\xA0") return 2;
    if (t.size() >= 3 && t.substr(t.size() - 3) == "\xE2\x80\xAF") return 3;
    return 0;
  };
  while (size_t n = starts_space(text)) text.remove_prefix(n);
  while (size_t n = ends_space(text)) text.remove_suffix(n);
  return std::string(text);
}

Result<Mapping> ParseMapping(const std::string& path) {
  std::string name = std::filesystem::path(path).filename().string();
  std::optional<std::string> text = ReadFile(path);
  if (!text) return Status::Error(name + ": cannot read the file");
  nlohmann::json body = nlohmann::json::parse(*text, nullptr, false);
  if (body.is_discarded() || !body.is_object()) return Status::Error(name + ": not a JSON object");
  auto fail = [&](const std::string& where, const std::string& message) {
    return Status::Error(name + ": " + where + ": " + message);
  };
  Mapping mapping;
  mapping.encoding = body.value("encoding", std::string("auto"));
  std::string delimiter = body.value("delimiter", std::string());
  if (delimiter == "," || delimiter == ";" || delimiter == "\t") {
    mapping.delimiter = delimiter[0];
  } else if (delimiter == "tab") {
    mapping.delimiter = '\t';
  } else if (!delimiter.empty()) {
    return fail("delimiter", "'" + delimiter + "' is not one of , ; tab");
  }
  std::string decimal = body.value("decimal", std::string("."));
  if (decimal != "." && decimal != ",") return fail("decimal", "is not \".\" or \",\"");
  mapping.decimal = decimal[0];
  mapping.time_zone = body.value("time_zone", std::string());

  if (!body.contains("columns") || !body["columns"].is_object()) {
    return fail("columns", "missing: name the columns of id, stage and created_at");
  }
  for (const auto& [member, column] : body["columns"].items()) {
    bool known = false;
    for (const char* required : kRequiredColumns) known = known || member == required;
    for (const char* optional : kOptionalColumns) known = known || member == optional;
    if (!known) return fail("columns." + member, "is not a column Voronka reads");
    if (!column.is_string()) return fail("columns." + member, "is not a column title");
    mapping.columns[member] = column.get<std::string>();
  }
  for (const char* required : kRequiredColumns) {
    if (!mapping.columns.contains(required))
      return fail(std::string("columns.") + required, "missing");
  }
  if (body.contains("fields")) {
    if (!body["fields"].is_object()) return fail("fields", "is not an object");
    for (const auto& [column, field] : body["fields"].items()) {
      if (!field.is_string()) return fail("fields." + column, "is not a field name");
      mapping.fields.emplace_back(column, field.get<std::string>());
    }
  }

  PipelineRecord& pipeline = mapping.stages.pipeline;
  const nlohmann::json& pipeline_json = body.value("pipeline", nlohmann::json::object());
  pipeline.id = pipeline_json.value("id", std::string("csv"));
  pipeline.name = pipeline_json.value("name", std::string("CSV"));
  if (!body.contains("stages") || !body["stages"].is_array() || body["stages"].empty()) {
    return fail("stages", "missing: list the stages in funnel order");
  }
  const nlohmann::json& stages = body["stages"];
  for (size_t i = 0; i < stages.size(); ++i) {
    std::string where = "stages[" + std::to_string(i) + "]";
    if (!stages[i].is_object()) return fail(where, "is not an object");
    StageDef stage;
    stage.id = stages[i].value("id", std::string());
    stage.name = stages[i].value("name", stage.id);
    if (stage.id.empty()) return fail(where + ".id", "missing");
    std::optional<StageSemantic> semantic =
        ParseStageSemantic(stages[i].value("semantic", std::string("open")));
    if (!semantic) return fail(where + ".semantic", "is not open, won or lost");
    stage.semantic = *semantic;
    std::vector<std::string> values = {stage.name};
    if (stages[i].contains("values")) {
      if (!stages[i]["values"].is_array()) return fail(where + ".values", "is not a list");
      for (const nlohmann::json& value : stages[i]["values"]) {
        if (value.is_string()) values.push_back(value.get<std::string>());
      }
    }
    for (const std::string& value : values) {
      auto [it, inserted] = mapping.stages.stage_of_value.emplace(Trim(value), stage.id);
      if (!inserted && it->second != stage.id) {
        return fail(where + ".values", "'" + value + "' already means stage " + it->second);
      }
    }
    pipeline.stages.push_back(std::move(stage));
  }
  return mapping;
}

// "2024-03-05", "2024-03-05 14:22[:10]", "05.03.2024[ 14:22[:10]]" in `zone`, or RFC 3339
// with an offset.
std::optional<Instant> ParseDateTime(const std::string& text, const TimeZone& zone) {
  if (Result<Instant> exact = ParseInstant(text); exact.ok()) return exact.value();
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  int consumed = 0;
  const char* rest = nullptr;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d%n", &year, &month, &day, &consumed) == 3 ||
      std::sscanf(text.c_str(), "%2d.%2d.%4d%n", &day, &month, &year, &consumed) == 3) {
    rest = text.c_str() + consumed;
  } else {
    return std::nullopt;
  }
  if (*rest == ' ' || *rest == 'T') {
    int time_consumed = 0;
    if (std::sscanf(rest + 1, "%2d:%2d%n", &hour, &minute, &time_consumed) != 2)
      return std::nullopt;
    rest += 1 + time_consumed;
    if (*rest == ':') {
      if (std::sscanf(rest + 1, "%2d%n", &second, &time_consumed) != 1) return std::nullopt;
      rest += 1 + time_consumed;
    }
  }
  if (*rest != '\0') return std::nullopt;
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  LocalDate date = DateFromCivil({year, month, day});
  if (CivilFromDate(date).day != day) return std::nullopt;  // 31.02
  return Instant{zone.StartOf(date).micros + hour * kMicrosPerHour + minute * kMicrosPerMinute +
                 second * kMicrosPerSecond};
}

// "150 000,50" with decimal ',' -> 15000050.
std::optional<int64_t> ParseAmount(const std::string& text, char decimal) {
  std::string cleaned;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ' ') continue;
    if (text.compare(i, 2, "\xC2\xA0") == 0) {
      ++i;
      continue;
    }
    if (text.compare(i, 3, "\xE2\x80\xAF") == 0) {
      i += 2;
      continue;
    }
    cleaned.push_back(text[i] == decimal ? '.' : text[i]);
  }
  if (decimal == ',' && cleaned.find(',') != std::string::npos) return std::nullopt;
  Result<int64_t> minor = ParseMoney(cleaned);
  if (!minor.ok()) return std::nullopt;
  return minor.value();
}

}  // namespace

ImportBatch ReadCsvDeals(const std::string& csv_path, const std::string& mapping_path,
                         const CsvDealsOptions& options) {
  ImportBatch batch;
  std::string file = std::filesystem::path(csv_path).filename().string();
  Result<Mapping> mapping = ParseMapping(mapping_path);
  if (!mapping.ok()) {
    batch.errors.push_back(mapping.message());
    return batch;
  }
  Result<TimeZone> zone =
      TimeZone::Find(mapping->time_zone.empty() ? options.time_zone : mapping->time_zone);
  if (!zone.ok()) {
    batch.errors.push_back(std::filesystem::path(mapping_path).filename().string() +
                           ": time_zone: " + zone.message());
    return batch;
  }
  std::optional<std::string> bytes = ReadFile(csv_path);
  if (!bytes) {
    batch.errors.push_back(file + ": cannot read the file");
    return batch;
  }
  Result<CsvTable> table = ParseCsv(*bytes, mapping->encoding, mapping->delimiter);
  if (!table.ok()) {
    batch.errors.push_back(file + ": " + table.message());
    return batch;
  }

  // Column titles to positions.
  auto position_of = [&](const std::string& title) -> std::optional<size_t> {
    for (size_t i = 0; i < table->header.size(); ++i) {
      if (Trim(table->header[i]) == Trim(title)) return i;
    }
    return std::nullopt;
  };
  std::unordered_map<std::string, size_t> column;
  for (const auto& [member, title] : mapping->columns) {
    std::optional<size_t> position = position_of(title);
    if (!position) {
      batch.errors.push_back(file + ": line 1: no column «" + title + "» (columns." + member +
                             " of the mapping)");
      continue;
    }
    column[member] = *position;
  }
  std::vector<std::pair<size_t, std::string>> field_columns;
  for (const auto& [title, field] : mapping->fields) {
    std::optional<size_t> position = position_of(title);
    if (!position) {
      batch.errors.push_back(file + ": line 1: no column «" + title + "» (fields of the mapping)");
      continue;
    }
    field_columns.emplace_back(*position, field);
  }
  if (!batch.ok()) return batch;

  const PipelineRecord& pipeline = mapping->stages.pipeline;
  std::string first_stage = pipeline.stages.front().id;
  for (const StageDef& stage : pipeline.stages) {
    if (stage.semantic == StageSemantic::kOpen) {
      first_stage = stage.id;
      break;
    }
  }
  batch.Add(pipeline, std::filesystem::path(mapping_path).filename().string() + ": stages");

  std::unordered_map<std::string, int64_t> line_of_deal;
  std::unordered_map<std::string, bool> users_added;
  std::unordered_map<std::string, bool> companies_added;
  for (size_t r = 0; r < table->rows.size(); ++r) {
    const std::vector<std::string>& row = table->rows[r];
    std::string origin = file + ": line " + std::to_string(table->lines[r]);
    size_t errors_before = batch.errors.size();
    auto cell = [&](const char* member) -> std::string {
      auto it = column.find(member);
      if (it == column.end() || it->second >= row.size()) return {};
      return Trim(row[it->second]);
    };
    auto error = [&](const char* member, const std::string& message) {
      batch.errors.push_back(origin + ": «" + mapping->columns.at(member) + "»: " + message);
    };
    auto time_of = [&](const char* member) -> std::optional<Instant> {
      std::string text = cell(member);
      if (text.empty()) return std::nullopt;
      std::optional<Instant> instant = ParseDateTime(text, zone.value());
      if (!instant)
        error(member, "'" + text + "' is not a date like 05.03.2024 or 2024-03-05 14:22");
      return instant;
    };

    DealRecord deal;
    deal.id = cell("id");
    if (deal.id.empty()) error("id", "empty");
    deal.title = cell("title");
    if (deal.title.empty()) deal.title = deal.id;
    std::string stage_text = cell("stage");
    auto stage = mapping->stages.stage_of_value.find(stage_text);
    if (stage == mapping->stages.stage_of_value.end()) {
      error("stage", "'" + stage_text + "' is not a stage of the mapping");
    }
    std::optional<Instant> created = time_of("created_at");
    if (!created && cell("created_at").empty()) error("created_at", "empty");
    std::optional<Instant> closed = time_of("closed_at");
    std::optional<Instant> updated = time_of("updated_at");
    if (std::string amount = cell("amount"); !amount.empty()) {
      std::optional<int64_t> minor = ParseAmount(amount, mapping->decimal);
      if (!minor) error("amount", "'" + amount + "' is not an amount");
      deal.amount = minor.value_or(0);
    }
    auto optional_cell = [&](const char* member) -> std::optional<std::string> {
      std::string text = cell(member);
      return text.empty() ? std::nullopt : std::optional<std::string>(text);
    };
    deal.responsible_id = optional_cell("responsible");
    deal.company_id = optional_cell("company");
    deal.contact_id = optional_cell("contact");
    deal.source = optional_cell("source");
    deal.deal_type = optional_cell("deal_type");
    deal.loss_reason = optional_cell("loss_reason");
    for (const auto& [position, field] : field_columns) {
      if (position >= row.size() || Trim(row[position]).empty()) continue;
      FieldValue value;
      value.kind = FieldValue::Kind::kString;
      value.text = Trim(row[position]);
      deal.fields.push_back({field, std::move(value)});
    }
    if (!deal.id.empty()) {
      auto [it, inserted] = line_of_deal.emplace(deal.id, table->lines[r]);
      if (!inserted) {
        error("id", "deal " + deal.id + " is already on line " + std::to_string(it->second));
      }
    }
    if (batch.errors.size() != errors_before) continue;

    if (deal.responsible_id && !users_added[*deal.responsible_id]) {
      users_added[*deal.responsible_id] = true;
      UserRecord user;
      user.id = user.name = *deal.responsible_id;
      batch.Add(std::move(user), origin);
    }
    if (deal.company_id && !companies_added[*deal.company_id]) {
      companies_added[*deal.company_id] = true;
      CompanyRecord company;
      company.id = company.name = *deal.company_id;
      batch.Add(std::move(company), origin);
    }
    deal.entity = Entity::kDeal;
    deal.pipeline_id = pipeline.id;
    deal.stage_id = first_stage;
    deal.created_at = *created;
    std::string deal_id = deal.id;
    batch.Add(std::move(deal), origin);
    if (stage->second != first_stage) {
      StageChangeRecord change;
      change.deal_id = deal_id;
      change.from = first_stage;
      change.to = stage->second;
      change.at = std::max(*created, closed ? *closed : updated ? *updated : *created);
      std::string event_id = "csv:" + deal_id + ":" + change.to + ":" +
                             std::to_string(change.at.micros / kMicrosPerSecond);
      batch.Add(std::move(change), origin, std::move(event_id));
    }
  }
  return batch;
}

}  // namespace voronka
