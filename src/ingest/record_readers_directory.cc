// Readers of the records that describe a workspace: settings, people, pipelines, goals,
// companies and contacts.
#include <string>
#include <unordered_set>

#include "ingest/record_readers.h"
#include "model/time.h"

namespace voronka::ingest {

using simdjson::SUCCESS;
using simdjson::dom::element;
using simdjson::dom::element_type;

namespace {

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "2024", "2024-03" (month 01..12) or "2024-Q1" (quarter 1..4).
bool IsGoalPeriod(std::string_view text) {
  if (text.size() < 4 || !IsDigits(text.substr(0, 4))) return false;
  if (text.size() == 4) return true;
  if (text.size() != 7 || text[4] != '-') return false;
  if (text[5] == 'Q') return text[6] >= '1' && text[6] <= '4';
  if (!IsDigits(text.substr(5, 2))) return false;
  int month = (text[5] - '0') * 10 + (text[6] - '0');
  return month >= 1 && month <= 12;
}

// Reads an object with a required "id" and "name" (a record, or a stage inside a pipeline,
// which has no envelope); every other member goes to `other(key, value)`, which returns false
// for a member it does not know.
template <typename Other>
void ReadNamed(MemberReader& in, JsonObject object, std::string& id, std::string& name, Other other,
               bool has_envelope = true) {
  bool has_id = false, has_name = false;
  for (auto [key, value] : object) {
    if (has_envelope && IsEnvelope(key)) continue;
    if (key == "id") {
      has_id = true;
      in.Id(value, key, id);
    } else if (key == "name") {
      has_name = true;
      in.String(value, key, name);
    } else if (!other(key, value)) {
      in.Unknown(key);
    }
  }
  in.Require(has_id, "id");
  in.Require(has_name, "name");
}

void ReadStage(MemberReader& in, element value, StageDef& stage) {
  JsonObject object;
  if (value.get_object().get(object) != SUCCESS) {
    in.FailRecord("a stage must be an object {\"id\", \"name\", \"semantic\"}");
    return;
  }
  bool has_semantic = false;
  ReadNamed(
      in, object, stage.id, stage.name,
      [&](std::string_view key, element member) {
        if (key != "semantic") return false;
        has_semantic = true;
        in.EnumName(member, key, &ParseStageSemantic, "open|won|lost", true, stage.semantic);
        return true;
      },
      /*has_envelope=*/false);
  in.Require(has_semantic, "semantic");
}

void ReadStages(MemberReader& in, element value, std::vector<StageDef>& stages) {
  simdjson::dom::array array;
  int errors_before = in.error_count();
  if (value.is_null()) return in.Fail("stages", "is required");
  if (value.get_array().get(array) != SUCCESS) return in.Fail("stages", "must be an array");
  stages.reserve(array.size());
  for (element item : array) {
    in.set_prefix("stages[" + std::to_string(stages.size()) + "].");
    ReadStage(in, item, stages.emplace_back());
  }
  in.set_prefix("");
  if (stages.empty()) return in.Fail("stages", "must not be empty");
  // Checked only when every stage read cleanly, so a bad stage is not reported twice.
  if (in.error_count() != errors_before) return;
  std::unordered_set<std::string_view> seen;
  bool has_open = false;
  for (const StageDef& stage : stages) {
    if (!seen.insert(stage.id).second) {
      in.Fail("stages", "list stage '" + stage.id + "' twice");
    }
    has_open = has_open || stage.semantic == StageSemantic::kOpen;
  }
  if (!has_open) in.Fail("stages", "must include at least one open stage");
}

}  // namespace

void ReadWorkspace(MemberReader& in, JsonObject object, WorkspaceRecord& out) {
  for (auto [key, value] : object) {
    if (IsEnvelope(key)) continue;
    if (key == "name") {
      in.OptionalString(value, key, out.name);
    } else if (key == "time_zone") {
      std::optional<std::string> zone;
      in.OptionalString(value, key, zone);
      if (!zone) continue;
      Result<TimeZone> found = TimeZone::Find(*zone);
      if (!found.ok()) {
        in.Fail(key, "'" + *zone + "' is not an IANA time zone (like Europe/Moscow)");
      } else {
        out.time_zone = std::move(zone);
      }
    } else if (key == "currency") {
      std::optional<std::string> code;
      in.OptionalString(value, key, code);
      if (code && !IsCurrencyCode(*code)) {
        in.Fail(key, "'" + *code + "' is not a 3-letter currency code (like RUB)");
      } else if (code) {
        out.currency = std::move(code);
      }
    } else if (key == "locale") {
      std::optional<std::string> locale;
      in.OptionalString(value, key, locale);
      if (locale && *locale != "ru" && *locale != "en" && *locale != "pl") {
        in.Fail(key, "'" + *locale + "' is not one of ru|en|pl");
      } else if (locale) {
        out.locale = std::move(locale);
      }
    } else if (key == "deal_url") {
      in.OptionalString(value, key, out.deal_url);
    } else if (key == "forgotten_days") {
      in.OptionalInteger(value, key, 1, INT32_MAX, out.forgotten_days);
    } else {
      in.Unknown(key);
    }
  }
}

void ReadUser(MemberReader& in, JsonObject object, UserRecord& out) {
  ReadNamed(in, object, out.id, out.name, [&](std::string_view key, element value) {
    if (key == "department_id") {
      in.OptionalId(value, key, out.department_id);
    } else if (key == "active") {
      in.Bool(value, key, out.active);
    } else if (key == "capacity") {
      in.OptionalInteger(value, key, 0, INT32_MAX, out.capacity);
    } else {
      return false;
    }
    return true;
  });
}

void ReadDepartment(MemberReader& in, JsonObject object, DepartmentRecord& out) {
  ReadNamed(in, object, out.id, out.name, [&](std::string_view key, element value) {
    if (key == "parent_id") {
      in.OptionalId(value, key, out.parent_id);
    } else if (key == "head_id") {
      in.OptionalId(value, key, out.head_id);
    } else {
      return false;
    }
    return true;
  });
}

void ReadPipeline(MemberReader& in, JsonObject object, PipelineRecord& out) {
  bool has_stages = false;
  ReadNamed(in, object, out.id, out.name, [&](std::string_view key, element value) {
    if (key == "entity") {
      in.EnumName(value, key, &ParseEntity, "deal|lead", false, out.entity);
    } else if (key == "stages") {
      has_stages = true;
      ReadStages(in, value, out.stages);
    } else {
      return false;
    }
    return true;
  });
  in.Require(has_stages, "stages");
}

void ReadGoal(MemberReader& in, JsonObject object, GoalRecord& out) {
  bool has_id = false, has_scope = false, has_metric = false, has_period = false;
  // The target's unit depends on the metric, which may come after it in the object.
  std::optional<element> target;
  for (auto [key, value] : object) {
    if (IsEnvelope(key)) continue;
    if (key == "id") {
      has_id = true;
      in.Id(value, key, out.id);
    } else if (key == "scope") {
      has_scope = true;
      in.EnumName(value, key, &ParseGoalScope, "workspace|department|user", true, out.scope);
    } else if (key == "scope_id") {
      in.OptionalId(value, key, out.scope_id);
    } else if (key == "metric") {
      has_metric = true;
      in.String(value, key, out.metric);
      if (has_metric && value.is_string() && out.metric.empty()) in.Fail(key, "must not be empty");
    } else if (key == "period") {
      has_period = true;
      in.String(value, key, out.period);
      if (value.is_string() && !IsGoalPeriod(out.period)) {
        in.Fail(key, "'" + out.period + "' is not a period (like 2024-03, 2024-Q1 or 2024)");
      }
    } else if (key == "target") {
      if (!value.is_null()) target = value;
    } else if (key == "deleted") {
      in.Bool(value, key, out.deleted);
    } else {
      in.Unknown(key);
    }
  }
  in.Require(has_id, "id");
  // A withdrawal names only the goal: {"type":"goal","id":"g1","deleted":true}.
  if (out.deleted) return;
  in.Require(has_scope, "scope");
  in.Require(has_metric, "metric");
  in.Require(has_period, "period");
  in.Require(target.has_value(), "target");
  if (has_scope && out.scope != GoalScope::kWorkspace && !out.scope_id) {
    in.Fail("scope_id", "is required for a " + std::string(GoalScopeName(out.scope)) + " goal");
  }
  if (out.scope == GoalScope::kWorkspace && out.scope_id) {
    in.Fail("scope_id", "must be absent for a workspace goal");
  }
  if (!target || out.metric.empty()) return;
  if (out.metric.ends_with("_amount")) {
    in.Amount(*target, "target", out.target);
    return;
  }
  // A count: a non-negative JSON integer, or the same digits as a string ("12").
  int64_t count = 0;
  std::string_view text;
  if (target->type() == element_type::INT64 && target->get_int64().get(count) == SUCCESS &&
      count >= 0) {
    out.target = count;
  } else if (target->get_string().get(text) == SUCCESS && IsDigits(text) && text.size() <= 18) {
    out.target = std::stoll(std::string(text));
  } else {
    in.Fail("target", "must be a non-negative integer count for metric '" + out.metric + "'");
  }
}

void ReadCompany(MemberReader& in, JsonObject object, CompanyRecord& out) {
  ReadNamed(in, object, out.id, out.name, [](std::string_view, element) { return false; });
}

void ReadContact(MemberReader& in, JsonObject object, ContactRecord& out) {
  ReadNamed(in, object, out.id, out.name, [&](std::string_view key, element value) {
    if (key != "company_id") return false;
    in.OptionalId(value, key, out.company_id);
    return true;
  });
}

}  // namespace voronka::ingest
