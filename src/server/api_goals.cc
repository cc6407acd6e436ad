// Goals (plans) kept from the goals page: listed, set and withdrawn over HTTP. A goal set here
// is a canonical `goal` record ingested like any other (durable, idempotent, visible to the
// next report); a withdrawal is the record {"type":"goal","id":...,"deleted":true}.
// Who sets what: an admin any goal; a head the goals of their departments and of the users in
// them; a manager none. Anyone lists the goals of what they see.
#include <algorithm>

#include "access/role.h"
#include "access/visibility_of.h"
#include "metrics/goals.h"
#include "model/money.h"
#include "server/api.h"
#include "server/http_util.h"

namespace voronka {

namespace {

using nlohmann::json;

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

namespace {

// What the caller may do with goals (see the comment at the top), worked out once per request
// rather than once per goal: a head's users and departments walk the department tree.
class GoalRights {
 public:
  GoalRights(const Account& account, const Tables& tables)
      : tables_(tables), admin_(account.role == "admin"), head_(account.role == "head") {
    if (admin_) return;
    users_ = VisibilityOfAccount(account, tables).user_ids;
    std::sort(users_.begin(), users_.end());
    departments_ = VisibleDepartments(account, tables);
    std::sort(departments_.begin(), departments_.end());
  }

  // Whether the caller sees (`for_change` false) or may set (true) a goal of this scope.
  bool Allows(GoalScope scope, const std::optional<std::string>& scope_id, bool for_change) const {
    if (admin_) return true;
    if (for_change && !head_) return false;
    switch (scope) {
      case GoalScope::kWorkspace:
        return !for_change;
      case GoalScope::kUser:
        return scope_id && std::binary_search(users_.begin(), users_.end(), *scope_id);
      case GoalScope::kDepartment: {
        int32_t department = scope_id ? tables_.departments.ids.Find(*scope_id) : kNone;
        return department != kNone &&
               std::binary_search(departments_.begin(), departments_.end(), department);
      }
    }
    return false;
  }
  bool Allows(const GoalRecord& goal, bool for_change) const {
    return Allows(goal.scope, goal.scope_id, for_change);
  }

 private:
  const Tables& tables_;
  bool admin_;
  bool head_;
  std::vector<std::string> users_;    // sorted
  std::vector<int32_t> departments_;  // sorted
};

// The live goal `id` the caller may change, or null with 404 (unknown, withdrawn or not seen)
// or 403 (seen, not theirs to change) answered.
const GoalRecord* GoalToChange(RouteContext& context, const Tables& tables,
                               const GoalRights& rights, const std::string& id) {
  int32_t row = tables.goal_ids.Find(id);
  const GoalRecord* goal = row == kNone ? nullptr : &tables.goals[static_cast<size_t>(row)];
  if (goal == nullptr || goal->deleted || !rights.Allows(*goal, false)) {
    SendError(context.response, 404, "not found");
    return nullptr;
  }
  if (!rights.Allows(*goal, true)) {
    SendError(context.response, 403, "not allowed to change this goal");
    return nullptr;
  }
  return goal;
}

}  // namespace

void Api::ListGoals(RouteContext& context) {
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  Engine::ReadView view = engine->Read();
  const Tables& tables = view.tables();
  GoalRights rights(context.caller->account, tables);
  std::vector<const GoalRecord*> goals;
  for (const GoalRecord& goal : tables.goals) {
    if (!goal.deleted && rights.Allows(goal, /*for_change=*/false)) goals.push_back(&goal);
  }
  std::sort(goals.begin(), goals.end(), [](const GoalRecord* a, const GoalRecord* b) {
    return std::tie(a->period, a->id) < std::tie(b->period, b->id);
  });
  json list = json::array();
  for (const GoalRecord* goal : goals) {
    json item = GoalJson(*goal);
    item["editable"] = rights.Allows(*goal, /*for_change=*/true);
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
    GoalRights rights(context.caller->account, tables);
    if (replace) {
      if (GoalToChange(context, tables, rights, id) == nullptr) return;
    } else if (int32_t row = tables.goal_ids.Find(id);
               row != kNone && !tables.goals[static_cast<size_t>(row)].deleted) {
      // A withdrawn goal's id may be set again. A live goal the caller does not see is refused
      // like any goal they may not set, so that the answer says nothing about it.
      if (!rights.Allows(tables.goals[static_cast<size_t>(row)], false)) {
        return SendError(context.response, 403, "not allowed to set this goal");
      }
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
    if (!rights.Allows(*scope, scope_id, /*for_change=*/true)) {
      return SendError(context.response, 403, "not allowed to set this goal");
    }
    if (GoalMetric(record.value("metric", "")) == nullptr) {
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
    if (GoalToChange(context, tables, GoalRights(context.caller->account, tables), id) == nullptr) {
      return;
    }
  }
  IngestOutcome outcome =
      runtime_.Ingest(context.workspace_id, json{{"type", "goal"}, {"id", id}, {"deleted", true}}.dump() + "\n");
  if (!outcome.ok()) return SendError(context.response, 500, "the goal could not be withdrawn");
  SendJson(context.response, 200, json{{"deleted", id}});
}

}  // namespace voronka
