#include "server/meta.h"

#include <algorithm>
#include <set>

#include "access/visibility_of.h"
#include "metrics/catalog.h"

namespace voronka {

namespace {

using nlohmann::json;

constexpr size_t kMaxFieldValues = 1000;  // a list for a filter, not a dump of free text

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

const char* SemanticName(StageSemantic semantic) {
  switch (semantic) {
    case StageSemantic::kOpen:
      return "open";
    case StageSemantic::kWon:
      return "won";
    case StageSemantic::kLost:
      return "lost";
  }
  return "open";
}

json IdOrNull(const Dictionary& ids, int32_t id) {
  return id == kNone ? json(nullptr) : json(ids.Text(id));
}

bool LooksLikeNumber(const std::string& text) {
  if (text.empty()) return false;
  char* end = nullptr;
  (void)std::strtod(text.c_str(), &end);
  return end == text.c_str() + text.size();
}

bool LooksLikeDate(const std::string& text) {
  return text.size() >= 10 && text[4] == '-' && text[7] == '-' &&
         std::all_of(text.begin(), text.begin() + 4, ::isdigit);
}

// The kind of a custom field guessed from its values: the engine keeps values, not types.
std::string FieldKind(const std::set<std::string>& values, bool several_per_deal) {
  if (several_per_deal) return "multi_list";
  if (values.empty()) return "string";
  bool numbers = true, bools = true, dates = true;
  for (const std::string& value : values) {
    numbers = numbers && LooksLikeNumber(value);
    bools = bools && (value == "true" || value == "false");
    dates = dates && LooksLikeDate(value);
  }
  if (bools) return "bool";
  if (numbers) return "number";
  if (dates) return "date";
  return values.size() <= 50 ? "list" : "string";
}

// The metric catalogue for the report builder: each metric's value kind, the objects it
// applies to, the membership dates its "date" takes (the default first; "fields.<name>" stands
// for every date custom field, listed by name) and whether it answers per stage.
json MetricCatalogue(const json& fields) {
  json metrics = json::array();
  for (const MetricInfo& metric : AllMetrics()) {
    json dates = json::array();
    for (std::string_view date : MetricDateNames(metric)) {
      if (date != "fields.<name>") {
        dates.push_back(date);
        continue;
      }
      for (const json& field : fields) {
        if (field["kind"] == "date") dates.push_back("fields." + field["name"].get<std::string>());
      }
    }
    json objects = json::array();
    for (std::string_view object : MetricObjects(metric)) objects.push_back(object);
    metrics.push_back({{"name", metric.name},
                       {"kind", ValueKindName(metric.kind)},
                       {"objects", std::move(objects)},
                       {"takes_date", metric.dates != 0},
                       {"dates", std::move(dates)},
                       {"per_stage", metric.stage_rows != StageRows::kNone}});
  }
  return metrics;
}

}  // namespace

json BuildMeta(const Tables& t, const Account& account, const Visibility& visibility) {
  std::vector<uint8_t> user_visible(Row(t.users.ids.size()), visibility.all ? 1 : 0);
  for (const std::string& id : visibility.user_ids) {
    int32_t user = t.users.ids.Find(id);
    if (user != kNone) user_visible[Row(user)] = 1;
  }

  json users = json::array();
  for (int32_t u = 0; u < t.users.ids.size(); ++u) {
    if (!user_visible[Row(u)]) continue;
    users.push_back({{"id", t.users.ids.Text(u)},
                     {"name", t.users.name[Row(u)]},
                     {"department_id", IdOrNull(t.departments.ids, t.users.department[Row(u)])},
                     {"active", t.users.active[Row(u)] != 0}});
  }

  json departments = json::array();
  for (int32_t d : VisibleDepartments(account, t)) {
    departments.push_back({{"id", t.departments.ids.Text(d)},
                           {"name", t.departments.name[Row(d)]},
                           {"parent_id", IdOrNull(t.departments.ids, t.departments.parent[Row(d)])},
                           {"head_id", IdOrNull(t.users.ids, t.departments.head[Row(d)])}});
  }

  json pipelines = json::array();
  for (int32_t p = 0; p < t.pipelines.ids.size(); ++p) {
    json stages = json::array();
    for (int32_t s : t.pipelines.stages[Row(p)]) {
      stages.push_back({{"id", t.stages.ids.Text(s)},
                        {"name", t.stages.name[Row(s)]},
                        {"semantic", SemanticName(t.stages.semantic[Row(s)])}});
    }
    pipelines.push_back({{"id", t.pipelines.ids.Text(p)},
                         {"name", t.pipelines.name[Row(p)]},
                         {"entity", t.pipelines.entity[Row(p)] == Entity::kLead ? "lead" : "deal"},
                         {"stages", std::move(stages)}});
  }

  std::set<std::string> sources, deal_types, loss_reasons;
  std::map<std::string, std::set<std::string>> field_values;
  std::set<std::string> multi_fields;
  const DealTable& deals = t.deals;
  for (int32_t d = 0; d < deals.size(); ++d) {
    size_t row = Row(d);
    if (!deals.defined[row]) continue;
    int32_t responsible = deals.responsible.value[row];
    bool visible = visibility.all || (responsible != kNone && user_visible[Row(responsible)]);
    if (!visible) continue;
    if (deals.source.value[row] != kNone) sources.emplace(t.values.Text(deals.source.value[row]));
    if (deals.deal_type.value[row] != kNone) {
      deal_types.emplace(t.values.Text(deals.deal_type.value[row]));
    }
    if (deals.loss_reason.value[row] != kNone) {
      loss_reasons.emplace(t.values.Text(deals.loss_reason.value[row]));
    }
    for (size_t field = 0; field < deals.field_value.size(); ++field) {
      if (deals.field_key[field][row] == kNoTime) continue;  // no record named the field
      std::string name(t.field_names.Text(static_cast<int32_t>(field)));
      std::set<std::string>& values = field_values[name];
      int32_t value = deals.field_value[field][row];
      if (IsValueList(value)) multi_fields.insert(name);
      ForEachFieldValue(t, value, [&](int32_t id) {
        if (values.size() < kMaxFieldValues) values.emplace(t.values.Text(id));
      });
    }
  }
  json fields = json::array();
  for (const auto& [name, values] : field_values) {
    fields.push_back({{"name", name},
                      {"kind", FieldKind(values, multi_fields.count(name) > 0)},
                      {"values", values}});
  }
  json metrics = MetricCatalogue(fields);
  return json{{"users", std::move(users)},         {"departments", std::move(departments)},
              {"pipelines", std::move(pipelines)}, {"sources", sources},
              {"deal_types", deal_types},          {"loss_reasons", loss_reasons},
              {"fields", std::move(fields)},       {"metrics", std::move(metrics)}};
}

}  // namespace voronka
