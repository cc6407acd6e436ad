// Goals (plans) kept from the goals page: listed, set and withdrawn over HTTP. A goal set here
// is a canonical `goal` record ingested like any other (durable, idempotent, visible to the
// next report); a withdrawal is the record {"type":"goal","id":...,"deleted":true}.
// Who sets what: an admin any goal; a head the goals of their departments and of the users in
// them; a manager none. Anyone lists the goals of what they see.
#include <algorithm>

#include "access/role.h"
#include "access/visibility_of.h"
#include "metrics/catalog.h"
#include "model/money.h"
#include "server/api.h"
#include "server/http_util.h"

namespace voronka {

namespace {

using nlohmann::json;

bool Contains(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

json GoalJson(const GoalRecord& goal) {
  bool money = goal.metric.ends_with("_amount");
  return json{{"id", goal.id},
              {"scope", std::string(GoalScopeName(goal.scope))},
              {"scope_id", goal.scope_id ? json(*goal.scope_id) : json()},
              {"metric", goal.metric},
              {"period", goal.period},
              {"target", money ? json(FormatMoney(goal.target)) : json(goal.target)}};
}

}  // namespace

// Whether the caller sees (`for_change` false) or may set (`for_change` true) a goal of this
// scope: see the comment at the top.
bool Api::GoalAllowed(const RouteContext& context, const Tables& tables, GoalScope scope,
                      const std::optional<std::string>& scope_id, bool for_change) {
  const Account& account = context.caller->account;
  if (account.role == "admin") return true;
  if (for_change && account.role != "head") return false;
  switch (scope) {
    case GoalScope::kWorkspace:
      return !for_change;
    case GoalScope::kUser:
      return scope_id && Contains(VisibilityOfAccount(account, tables).user_ids, *scope_id);
    case GoalScope::kDepartment: {
      // A head sees and sets their department and those below it; a manager sees their own.
      int32_t department = scope_id ? tables.departments.ids.Find(*scope_id) : kNone;
      std::vector<int32_t> visible = VisibleDepartments(account, tables);
      return department != kNone &&
             std::find(visible.begin(), visible.end(), department) != visible.end();
    }
  }
  return false;
}

void Api::ListGoals(RouteContext& context) {
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  Engine::ReadView view = engine->Read();
  const Tables& tables = view.tables();
  std::vector<const GoalRecord*> goals;
  for (const GoalRecord& goal : tables.goals) {
    if (goal.deleted) continue;
    if (!GoalAllowed(context, tables, goal.scope, goal.scope_id, /*for_change=*/false)) continue;
    goals.push_back(&goal);
  }
  std::sort(goals.begin(), goals.end(), [](const GoalRecord* a, const GoalRecord* b) {
    return std::tie(a->period, a->id) < std::tie(b->period, b->id);
  });
  json list = json::array();
  for (const GoalRecord* goal : goals) {
    json item = GoalJson(*goal);
    item["editable"] = GoalAllowed(context, tables, goal->scope, goal->scope_id, true);
    list.push_back(std::move(item));
  }
  SendJson(context.response, 200, list);
}

// POST (a new goal, id assigned when not given) and PUT /goals/{id} (replace).
void Api::SetGoal(RouteContext& context) {
  std::optional<json> body = ParseBodyObject(context.request, context.response);
  if (!body) return;
  bool replace = context.request.matches.size() > 1;
  std::string id = replace ? context.request.matches[1].str() : body->value("id", "");
  if (!replace && id.empty()) id = "goal-" + std::to_string(context.now);
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  json record = *body;
  record.erase("id");
  record.erase("editable");
  if (record.contains("scope_id") && record["scope_id"].is_null()) record.erase("scope_id");
  {
    Engine::ReadView view = engine->Read();
    const Tables& tables = view.tables();
    int32_t existing = tables.goal_ids.Find(id);
    bool exists = existing != kNone && !tables.goals[static_cast<size_t>(existing)].deleted;
    if (replace) {
      const GoalRecord* current = exists ? &tables.goals[static_cast<size_t>(existing)] : nullptr;
      if (current == nullptr ||
          !GoalAllowed(context, tables, current->scope, current->scope_id, false)) {
        return SendError(context.response, 404, "not found");
      }
      if (!GoalAllowed(context, tables, current->scope, current->scope_id, true)) {
        return SendError(context.response, 403, "not allowed to change this goal");
      }
    } else if (existing != kNone) {
      return SendError(context.response, 409, "id: a goal with this id exists; PUT changes it");
    }
    std::optional<GoalScope> scope = ParseGoalScope(record.value("scope", ""));
    if (!scope) return SendError(context.response, 400, "scope: expected workspace, department or user");
    std::optional<std::string> scope_id;
    if (record.contains("scope_id") && record["scope_id"].is_string()) {
      scope_id = record["scope_id"].get<std::string>();
    }
    if (scope_id && *scope != GoalScope::kWorkspace) {
      bool known = *scope == GoalScope::kUser ? tables.users.ids.Find(*scope_id) != kNone
                                              : tables.departments.ids.Find(*scope_id) != kNone;
      if (!known) {
        return SendError(context.response, 400, "scope_id: unknown " +
                                                    std::string(GoalScopeName(*scope)) + " '" +
                                                    *scope_id + "'");
      }
    }
    if (!GoalAllowed(context, tables, *scope, scope_id, true)) {
      return SendError(context.response, 403, "not allowed to set this goal");
    }
    std::string metric = record.value("metric", "");
    const MetricInfo* info = FindMetric(metric);
    if (info == nullptr || info->stage_rows != StageRows::kNone ||
        (info->kind != ValueKind::kCount && info->kind != ValueKind::kMoney)) {
      return SendError(context.response, 400,
                       "metric: expected won_amount, won_count or another count or amount metric");
    }
  }
  record["type"] = "goal";
  record["id"] = id;
  IngestOutcome outcome = runtime_.Ingest(context.workspace_id, record.dump() + "\n");
  if (!outcome.ok()) {
    // "line 1: goal: target ..." — the line means nothing to the page; the rest does.
    std::string error = outcome.errors.front();
    if (error.rfind("line 1: goal: ", 0) == 0) error = error.substr(14);
    return SendError(context.response, 400, error);
  }
  engine = EngineOf(context);
  if (engine == nullptr) return;
  Engine::ReadView view = engine->Read();
  int32_t stored = view.tables().goal_ids.Find(id);
  if (stored == kNone) return SendError(context.response, 500, "the goal could not be stored");
  json answer = GoalJson(view.tables().goals[static_cast<size_t>(stored)]);
  answer["editable"] = true;
  SendJson(context.response, replace ? 200 : 201, answer);
}

void Api::DeleteGoal(RouteContext& context) {
  std::string id = context.request.matches[1].str();
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  {
    Engine::ReadView view = engine->Read();
    const Tables& tables = view.tables();
    int32_t existing = tables.goal_ids.Find(id);
    const GoalRecord* goal =
        existing == kNone ? nullptr : &tables.goals[static_cast<size_t>(existing)];
    if (goal == nullptr || goal->deleted ||
        !GoalAllowed(context, tables, goal->scope, goal->scope_id, false)) {
      return SendError(context.response, 404, "not found");
    }
    if (!GoalAllowed(context, tables, goal->scope, goal->scope_id, true)) {
      return SendError(context.response, 403, "not allowed to withdraw this goal");
    }
  }
  IngestOutcome outcome =
      runtime_.Ingest(context.workspace_id, json{{"type", "goal"}, {"id", id}, {"deleted", true}}.dump() + "\n");
  if (!outcome.ok()) return SendError(context.response, 500, "the goal could not be withdrawn");
  SendJson(context.response, 200, json{{"deleted", id}});
}

}  // namespace voronka
