#include "access/workspace_settings.h"

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <variant>

#include "access/role.h"
#include "model/money.h"

namespace voronka {

namespace {

using nlohmann::json;

constexpr std::string_view kFieldsPrefix = "fields.";
constexpr int32_t kMaxForgottenDays = 3650;
constexpr int32_t kMaxCapacity = 1000000;

bool IsCustomField(std::string_view name) {
  return name.size() > kFieldsPrefix.size() &&
         name.substr(0, kFieldsPrefix.size()) == kFieldsPrefix;
}

std::string_view FieldName(std::string_view name) {
  return name.substr(kFieldsPrefix.size());
}

const CustomField* FindField(const std::vector<CustomField>& fields, std::string_view name) {
  for (const CustomField& field : fields) {
    if (field.name == name) return &field;
  }
  return nullptr;
}

// A custom field's value as an amount in minor units: numbers and numeric strings; anything
// else (null, text, a list) is 0.
int64_t AmountOf(const FieldValue& value) {
  if (value.kind != FieldValue::Kind::kNumber && value.kind != FieldValue::Kind::kString) return 0;
  Result<int64_t> exact = ParseMoney(value.text);
  if (exact.ok()) return exact.value();
  if (value.kind == FieldValue::Kind::kNumber && std::isfinite(value.number)) {
    return std::llround(value.number * static_cast<double>(kMinorPerMajor));
  }
  return 0;
}

// A custom field's value as a source: its text, the first item of a list; none when empty.
std::optional<std::string> SourceOf(const FieldValue& value) {
  switch (value.kind) {
    case FieldValue::Kind::kString:
    case FieldValue::Kind::kNumber:
      if (!value.text.empty()) return value.text;
      return std::nullopt;
    case FieldValue::Kind::kBool:
      return value.boolean ? "true" : "false";
    case FieldValue::Kind::kList:
      if (!value.items.empty()) return value.items.front();
      return std::nullopt;
    case FieldValue::Kind::kNull:
      return std::nullopt;
  }
  return std::nullopt;
}

Status Expect(bool ok, const std::string& member, const std::string& what) {
  return ok ? Status::Ok() : Status::Error(member + ": expected " + what);
}

void Rewrite(const AdminSettings& s, PipelineRecord& pipeline) {
  for (StageDef& stage : pipeline.stages) {
    auto found = s.stage_semantics.find(stage.id);
    if (found != s.stage_semantics.end()) stage.semantic = found->second;
  }
}

void Rewrite(const AdminSettings& s, DealRecord& deal) {
  if (IsCustomField(s.price_field)) {
    const CustomField* field = FindField(deal.fields, FieldName(s.price_field));
    deal.amount = field == nullptr ? 0 : AmountOf(field->value);
  }
  if (s.source_field == "deal_type") {
    deal.source = deal.deal_type;
  } else if (IsCustomField(s.source_field)) {
    const CustomField* field = FindField(deal.fields, FieldName(s.source_field));
    deal.source = field == nullptr ? std::nullopt : SourceOf(field->value);
  }
}

void Rewrite(const AdminSettings& s, DealUpdateRecord& update) {
  if (IsCustomField(s.price_field)) {
    // The amount follows the field alone: the CRM's own amount no longer moves it.
    update.amount.reset();
    const CustomField* field = FindField(update.fields, FieldName(s.price_field));
    if (field != nullptr) update.amount = AmountOf(field->value);
  }
  if (s.source_field == "deal_type") {
    update.source = update.deal_type;
  } else if (IsCustomField(s.source_field)) {
    update.source.reset();
    const CustomField* field = FindField(update.fields, FieldName(s.source_field));
    if (field != nullptr) update.source = SourceOf(field->value);
  }
}

void Rewrite(const AdminSettings& s, UserRecord& user) {
  auto found = s.capacities.find(user.id);
  if (found != s.capacities.end()) user.capacity = found->second;
}

void Rewrite(const AdminSettings& s, WorkspaceRecord& workspace) {
  if (s.deal_url) workspace.deal_url = s.deal_url;
  if (s.forgotten_days) workspace.forgotten_days = s.forgotten_days;
}

}  // namespace

// The one list of the metrics each dashboard page shows. The dashboard gets it from GET /me
// and says on the console when a page of web/js/pages/ asks for a metric it does not name, so
// a page out of step with this list fails the browser tests.
const std::map<std::string, std::vector<std::string>>& PageMetrics() {
  static const std::map<std::string, std::vector<std::string>> metrics = {
      {"overview",
       {"avg_check", "avg_cycle_days", "conversion_rate", "created_count", "forgotten_count",
        "funnel", "funnel_conversion", "in_work_count", "lost_count", "won_amount", "won_count"}},
      {"dynamics",
       {"avg_check", "avg_cycle_days", "conversion_rate", "created_count", "in_work_amount",
        "in_work_count", "lost_count", "lost_share", "new_won_count", "repeat_share",
        "repeat_won_count", "won_amount", "won_count"}},
      {"managers",
       {"activity_index", "avg_check", "avg_cycle_days", "conversion_rate", "created_count",
        "forgotten_count", "in_work_amount", "in_work_count", "load", "lost_count", "no_task_count",
        "won_amount", "won_count"}},
      {"funnel",
       {"funnel", "funnel_conversion", "in_work_amount", "lost_count", "lost_from_stage",
        "stage_age_days", "stage_amount", "stage_conversion", "stage_count", "stage_movement",
        "stage_time_days"}},
      {"forgotten", {"forgotten_amount", "forgotten_count", "no_task_count", "overdue_tasks"}},
      {"activities", {"activity_count", "activity_index", "nps", "response_time"}},
      {"goals", {"forecast", "goal_progress", "in_work_amount", "in_work_count", "won_amount"}},
      {"desktop", {"activity_count", "activity_index",
                   "created_count",  "forecast",
                   "funnel",         "funnel_conversion",
                   "goal_progress",
                   "in_work_amount", "in_work_count",
                   "load",           "lost_amount",
                   "lost_count",     "lost_from_stage",
                   "new_client_count",
                   "no_task_count",  "nps",
                   "overdue_tasks",  "response_time",
                   "stage_amount",   "stage_count",
                   "stage_movement", "won_amount",
                   "won_count"}},
  };
  return metrics;
}

namespace {

bool Contains(const std::vector<std::string>& list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

}  // namespace

const std::vector<std::string>& DashboardPages() {
  // "builder" (the report builder) shows no metric of its own: any metric runs there, except
  // those shown only on pages hidden from the caller's role (PageMetrics).
  static const std::vector<std::string> pages = {"overview",   "dynamics", "managers",
                                                 "funnel",     "forgotten", "activities",
                                                 "goals",      "desktop",  "builder"};
  return pages;
}

Result<AdminSettings> ParseAdminSettings(const json& body) {
  if (!body.is_object()) return Status::Error("settings: expected an object");
  AdminSettings s;
  static const std::vector<std::string> kKnown = {
      "stage_semantics",  "price_field", "source_field", "forgotten_days",
      "activity_weights", "capacities",  "deal_url",     "users_may_hide_widgets",
      "hidden_pages"};
  for (const auto& [name, value] : body.items()) {
    if (std::find(kKnown.begin(), kKnown.end(), name) == kKnown.end()) {
      return Status::Error("settings: unknown member '" + name + "'");
    }
  }
  if (const json& v = body.value("stage_semantics", json::object()); !v.is_null()) {
    if (Status ok = Expect(v.is_object(), "stage_semantics", "an object"); !ok.ok()) return ok;
    for (const auto& [stage, semantic] : v.items()) {
      std::optional<StageSemantic> parsed =
          semantic.is_string() ? ParseStageSemantic(semantic.get<std::string>()) : std::nullopt;
      if (!parsed) {
        return Status::Error("stage_semantics." + stage + ": expected open, won or lost");
      }
      s.stage_semantics[stage] = *parsed;
    }
  }
  if (body.contains("price_field") && !body["price_field"].is_null()) {
    const json& v = body["price_field"];
    bool ok = v.is_string() && (v == "amount" || IsCustomField(v.get<std::string>()));
    if (!ok) return Status::Error("price_field: expected \"amount\" or \"fields.<name>\"");
    s.price_field = v.get<std::string>();
  }
  if (body.contains("source_field") && !body["source_field"].is_null()) {
    const json& v = body["source_field"];
    bool ok =
        v.is_string() && (v == "source" || v == "deal_type" || IsCustomField(v.get<std::string>()));
    if (!ok) {
      return Status::Error("source_field: expected \"source\", \"deal_type\" or \"fields.<name>\"");
    }
    s.source_field = v.get<std::string>();
  }
  if (body.contains("forgotten_days") && !body["forgotten_days"].is_null()) {
    const json& v = body["forgotten_days"];
    bool ok =
        v.is_number_integer() && v.get<int64_t>() >= 1 && v.get<int64_t>() <= kMaxForgottenDays;
    if (!ok) return Status::Error("forgotten_days: expected a whole number of days, 1..3650");
    s.forgotten_days = v.get<int32_t>();
  }
  if (body.contains("activity_weights") && !body["activity_weights"].is_null()) {
    Result<ActivityWeights> weights =
        ParseActivityWeights(body["activity_weights"], kDefaultActivityWeights);
    if (!weights.ok()) return weights.status();
    s.activity_weights = weights.value();
  }
  if (const json& v = body.value("capacities", json::object()); !v.is_null()) {
    if (Status ok = Expect(v.is_object(), "capacities", "an object"); !ok.ok()) return ok;
    for (const auto& [user, capacity] : v.items()) {
      bool ok = capacity.is_number_integer() && capacity.get<int64_t>() >= 0 &&
                capacity.get<int64_t>() <= kMaxCapacity;
      if (!ok) return Status::Error("capacities." + user + ": expected a whole number 0..1000000");
      s.capacities[user] = capacity.get<int32_t>();
    }
  }
  if (body.contains("deal_url") && !body["deal_url"].is_null()) {
    const json& v = body["deal_url"];
    bool ok = v.is_string() && (v.get<std::string>().empty() ||
                                v.get<std::string>().find("{id}") != std::string::npos);
    if (!ok) return Status::Error("deal_url: expected a URL template with {id}");
    if (!v.get<std::string>().empty()) s.deal_url = v.get<std::string>();
  }
  if (body.contains("users_may_hide_widgets")) {
    const json& v = body["users_may_hide_widgets"];
    if (Status ok = Expect(v.is_boolean(), "users_may_hide_widgets", "true or false"); !ok.ok()) {
      return ok;
    }
    s.users_may_hide_widgets = v.get<bool>();
  }
  if (const json& v = body.value("hidden_pages", json::object()); !v.is_null()) {
    if (Status ok = Expect(v.is_object(), "hidden_pages", "an object"); !ok.ok()) return ok;
    const std::vector<std::string>& pages = DashboardPages();
    for (const auto& [role, list] : v.items()) {
      if (!ParseRole(role)) return Status::Error("hidden_pages." + role + ": not a role");
      if (!list.is_array()) return Status::Error("hidden_pages." + role + ": expected a list");
      std::vector<std::string> hidden;
      for (const json& page : list) {
        if (!page.is_string() ||
            std::find(pages.begin(), pages.end(), page.get<std::string>()) == pages.end()) {
          return Status::Error("hidden_pages." + role + ": unknown page " + page.dump());
        }
        hidden.push_back(page.get<std::string>());
      }
      if (!hidden.empty()) s.hidden_pages[role] = std::move(hidden);
    }
  }
  return s;
}

json AdminSettingsJson(const AdminSettings& s) {
  json semantics = json::object();
  for (const auto& [stage, semantic] : s.stage_semantics) {
    semantics[stage] = StageSemanticName(semantic);
  }
  json weights = json::object();
  const ActivityWeights& w = s.activity_weights.value_or(kDefaultActivityWeights);
  for (size_t kind = 0; kind < kWeightOfTask; ++kind) {
    weights[ActivityKindName(static_cast<ActivityKind>(kind))] = static_cast<double>(w[kind]) / 2;
  }
  weights["task"] = static_cast<double>(w[kWeightOfTask]) / 2;
  weights["stage_change"] = static_cast<double>(w[kWeightOfStageChange]) / 2;
  json capacities = json::object();
  for (const auto& [user, capacity] : s.capacities) capacities[user] = capacity;
  json hidden = json::object();
  for (const char* role : {"admin", "head", "manager"}) {
    auto found = s.hidden_pages.find(role);
    hidden[role] = found == s.hidden_pages.end() ? json::array() : json(found->second);
  }
  return json{{"stage_semantics", semantics},
              {"price_field", s.price_field},
              {"source_field", s.source_field},
              {"forgotten_days", s.forgotten_days ? json(*s.forgotten_days) : json()},
              {"activity_weights", weights},
              {"capacities", capacities},
              {"deal_url", s.deal_url ? json(*s.deal_url) : json()},
              {"users_may_hide_widgets", s.users_may_hide_widgets},
              {"hidden_pages", hidden}};
}

bool NeedsRebuild(const AdminSettings& before, const AdminSettings& after) {
  return before.stage_semantics != after.stage_semantics ||
         before.price_field != after.price_field || before.source_field != after.source_field ||
         before.capacities != after.capacities ||
         // A template or threshold taken back: the CRM's own value comes from the records.
         (before.deal_url && !after.deal_url) || (before.forgotten_days && !after.forgotten_days);
}

void RewriteRecord(const AdminSettings& settings, RecordBody& body) {
  std::visit(
      [&](auto& record) {
        using T = std::decay_t<decltype(record)>;
        if constexpr (std::is_same_v<T, PipelineRecord> || std::is_same_v<T, DealRecord> ||
                      std::is_same_v<T, DealUpdateRecord> || std::is_same_v<T, UserRecord> ||
                      std::is_same_v<T, WorkspaceRecord>) {
          Rewrite(settings, record);
        }
      },
      body);
}

std::optional<Record> SettingsRecord(const AdminSettings& settings) {
  if (!settings.deal_url && !settings.forgotten_days) return std::nullopt;
  WorkspaceRecord workspace;
  workspace.deal_url = settings.deal_url;
  workspace.forgotten_days = settings.forgotten_days;
  return Record{std::nullopt, workspace};
}

std::vector<std::string> VisiblePages(const AdminSettings& settings, std::string_view role) {
  std::vector<std::string> visible;
  auto hidden = settings.hidden_pages.find(std::string(role));
  for (const std::string& page : DashboardPages()) {
    bool is_hidden =
        hidden != settings.hidden_pages.end() &&
        std::find(hidden->second.begin(), hidden->second.end(), page) != hidden->second.end();
    if (!is_hidden) visible.push_back(page);
  }
  return visible;
}

bool MayRequest(const AdminSettings& settings, std::string_view role, std::string_view page,
                std::string_view metric) {
  std::vector<std::string> visible = VisiblePages(settings, role);
  if (!page.empty() && Contains(DashboardPages(), page) && !Contains(visible, page)) return false;
  bool shown_somewhere = false;
  for (const auto& [name, metrics] : PageMetrics()) {
    if (!Contains(metrics, metric)) continue;
    if (Contains(visible, name)) return true;
    shown_somewhere = true;
  }
  return !shown_somewhere;
}

void AddReportDefaults(const AdminSettings& settings, json& request) {
  if (!request.is_object() || !settings.activity_weights) return;
  if (request.contains("activity_weights") && !request["activity_weights"].is_null()) return;
  request["activity_weights"] = AdminSettingsJson(settings)["activity_weights"];
}

}  // namespace voronka
