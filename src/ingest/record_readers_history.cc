// Readers of the records that make up the history of deals and tasks: creation, updates,
// stage changes, activities.
#include <string>

#include "ingest/record_readers.h"

namespace voronka::ingest {

using simdjson::SUCCESS;
using simdjson::dom::element;

namespace {

constexpr std::string_view kActivityKinds =
    "call|email|meeting|sms|chat|webform|comment|file|nps|other";

// The "set" object of an update: present and non-empty. Reports and returns false otherwise.
bool GetSet(MemberReader& in, element value, JsonObject& set) {
  if (value.is_null()) {
    in.Fail("set", "is required");
    return false;
  }
  if (value.get_object().get(set) != SUCCESS) {
    in.Fail("set", "must be an object");
    return false;
  }
  if (set.size() == 0) {
    in.Fail("set", "must name at least one member to set");
    return false;
  }
  return true;
}

void ReadDealSet(MemberReader& in, JsonObject set, DealUpdateRecord& out) {
  in.set_prefix("set.");
  for (auto [key, value] : set) {
    if (key == "title") {
      // A cleared title is an empty one: a deal always has a (possibly empty) title.
      if (value.is_null()) {
        out.title.emplace();
      } else {
        in.OptionalString(value, key, out.title);
      }
    } else if (key == "amount") {
      // A cleared amount is zero, as CRMs show a deal without a price.
      if (value.is_null()) {
        out.amount = 0;
      } else {
        in.OptionalAmount(value, key, out.amount);
      }
    } else if (key == "responsible_id") {
      in.ClearableId(value, key, out.responsible_id);
    } else if (key == "company_id") {
      in.ClearableId(value, key, out.company_id);
    } else if (key == "contact_id") {
      in.ClearableId(value, key, out.contact_id);
    } else if (key == "source") {
      in.ClearableString(value, key, out.source);
    } else if (key == "deal_type") {
      in.ClearableString(value, key, out.deal_type);
    } else if (key == "loss_reason") {
      in.ClearableString(value, key, out.loss_reason);
    } else if (key == "converted_to") {
      in.ClearableId(value, key, out.converted_to);
    } else if (key == "fields") {
      if (value.is_null()) {
        in.Fail(key, "cannot be null; set one field to null to clear it");
      } else {
        in.Fields(value, key, out.fields);
      }
    } else if (key == "stage_id" || key == "pipeline_id") {
      in.Fail(key, "cannot be set here: stage changes are stage_change records");
    } else {
      in.Unknown(key);
    }
  }
  in.set_prefix("");
}

void ReadTaskSet(MemberReader& in, JsonObject set, TaskUpdateRecord& out) {
  in.set_prefix("set.");
  for (auto [key, value] : set) {
    if (key == "completed_at") {
      in.ClearableTime(value, key, out.completed_at);
    } else if (key == "deadline") {
      in.ClearableTime(value, key, out.deadline);
    } else if (key == "user_id") {
      in.ClearableId(value, key, out.user_id);
    } else {
      in.Unknown(key);
    }
  }
  in.set_prefix("");
}

// deal_update and task_update share their envelope: id, at and a `set` read by `read_set`.
template <typename Update>
void ReadUpdate(MemberReader& in, JsonObject object, Update& out,
                void (*read_set)(MemberReader&, JsonObject, Update&)) {
  bool has_id = false, has_at = false, has_set = false;
  for (auto [key, value] : object) {
    if (IsEnvelope(key)) continue;
    if (key == "id") {
      has_id = true;
      in.Id(value, key, out.id);
    } else if (key == "at") {
      has_at = true;
      in.Time(value, key, out.at);
    } else if (key == "set") {
      has_set = true;
      JsonObject set;
      if (GetSet(in, value, set)) read_set(in, set, out);
    } else {
      in.Unknown(key);
    }
  }
  in.Require(has_id, "id");
  in.Require(has_at, "at");
  in.Require(has_set, "set");
}

}  // namespace

void ReadDealUpdate(MemberReader& in, JsonObject object, DealUpdateRecord& out) {
  ReadUpdate(in, object, out, &ReadDealSet);
}

void ReadDeal(MemberReader& in, JsonObject object, DealRecord& out) {
  bool has_id = false, has_pipeline = false, has_stage = false, has_created = false;
  for (auto [key, value] : object) {
    if (IsEnvelope(key)) continue;
    if (key == "id") {
      has_id = true;
      in.Id(value, key, out.id);
    } else if (key == "pipeline_id") {
      has_pipeline = true;
      in.Id(value, key, out.pipeline_id);
    } else if (key == "stage_id") {
      has_stage = true;
      in.Id(value, key, out.stage_id);
    } else if (key == "created_at") {
      has_created = true;
      in.Time(value, key, out.created_at);
    } else if (key == "entity") {
      in.EnumName(value, key, &ParseEntity, "deal|lead", false, out.entity);
    } else if (key == "title") {
      if (!value.is_null()) in.String(value, key, out.title);
    } else if (key == "amount") {
      if (!value.is_null()) in.Amount(value, key, out.amount);
    } else if (key == "original_amount") {
      in.OptionalAmount(value, key, out.original_amount);
    } else if (key == "currency") {
      std::optional<std::string> code;
      in.OptionalString(value, key, code);
      if (code && !IsCurrencyCode(*code)) {
        in.Fail(key, "'" + *code + "' is not a 3-letter currency code (like USD)");
      } else if (code) {
        out.original_currency = std::move(code);
      }
    } else if (key == "responsible_id") {
      in.OptionalId(value, key, out.responsible_id);
    } else if (key == "company_id") {
      in.OptionalId(value, key, out.company_id);
    } else if (key == "contact_id") {
      in.OptionalId(value, key, out.contact_id);
    } else if (key == "source") {
      in.OptionalString(value, key, out.source);
    } else if (key == "deal_type") {
      in.OptionalString(value, key, out.deal_type);
    } else if (key == "loss_reason") {
      in.OptionalString(value, key, out.loss_reason);
    } else if (key == "converted_to") {
      in.OptionalId(value, key, out.converted_to);
    } else if (key == "fields") {
      in.Fields(value, key, out.fields);
    } else {
      in.Unknown(key);
    }
  }
  in.Require(has_id, "id");
  in.Require(has_pipeline, "pipeline_id");
  in.Require(has_stage, "stage_id");
  in.Require(has_created, "created_at");
}


void ReadStageChange(MemberReader& in, JsonObject object, StageChangeRecord& out) {
  bool has_deal = false, has_to = false, has_at = false;
  for (auto [key, value] : object) {
    if (IsEnvelope(key)) continue;
    if (key == "deal_id") {
      has_deal = true;
      in.Id(value, key, out.deal_id);
    } else if (key == "to") {
      has_to = true;
      in.Id(value, key, out.to);
    } else if (key == "at") {
      has_at = true;
      in.Time(value, key, out.at);
    } else if (key == "from") {
      in.OptionalId(value, key, out.from);
    } else if (key == "by") {
      in.OptionalId(value, key, out.by);
    } else {
      in.Unknown(key);
    }
  }
  in.Require(has_deal, "deal_id");
  in.Require(has_to, "to");
  in.Require(has_at, "at");
}

void ReadActivity(MemberReader& in, JsonObject object, ActivityRecord& out) {
  bool has_id = false, has_kind = false, has_at = false;
  for (auto [key, value] : object) {
    if (IsEnvelope(key)) continue;
    if (key == "id") {
      has_id = true;
      in.Id(value, key, out.id);
    } else if (key == "kind") {
      has_kind = true;
      in.EnumName(value, key, &ParseActivityKind, kActivityKinds, true, out.kind);
    } else if (key == "at") {
      has_at = true;
      in.Time(value, key, out.at);
    } else if (key == "direction") {
      in.EnumName(value, key, &ParseDirection, "in|out|none", false, out.direction);
    } else if (key == "deal_id") {
      in.OptionalId(value, key, out.deal_id);
    } else if (key == "contact_id") {
      in.OptionalId(value, key, out.contact_id);
    } else if (key == "company_id") {
      in.OptionalId(value, key, out.company_id);
    } else if (key == "user_id") {
      in.OptionalId(value, key, out.user_id);
    } else if (key == "duration_s") {
      in.OptionalInteger(value, key, 0, INT32_MAX, out.duration_s);
    } else if (key == "source") {
      in.OptionalString(value, key, out.source);
    } else if (key == "score") {
      in.OptionalInteger(value, key, 0, 10, out.score);
    } else {
      in.Unknown(key);
    }
  }
  in.Require(has_id, "id");
  in.Require(has_kind, "kind");
  in.Require(has_at, "at");
  // A bad score has been reported already; "required" is for a score that is not there.
  if (has_kind && out.kind == ActivityKind::kNps && !out.score) {
    simdjson::dom::element score;
    if (object.at_key("score").get(score) != SUCCESS || score.is_null()) {
      in.Fail("score", "is required for an nps activity");
    }
  }
}

void ReadTask(MemberReader& in, JsonObject object, TaskRecord& out) {
  bool has_id = false, has_created = false;
  for (auto [key, value] : object) {
    if (IsEnvelope(key)) continue;
    if (key == "id") {
      has_id = true;
      in.Id(value, key, out.id);
    } else if (key == "created_at") {
      has_created = true;
      in.Time(value, key, out.created_at);
    } else if (key == "deal_id") {
      in.OptionalId(value, key, out.deal_id);
    } else if (key == "user_id") {
      in.OptionalId(value, key, out.user_id);
    } else if (key == "title") {
      in.OptionalString(value, key, out.title);
    } else if (key == "deadline") {
      in.OptionalTime(value, key, out.deadline);
    } else if (key == "completed_at") {
      in.OptionalTime(value, key, out.completed_at);
    } else {
      in.Unknown(key);
    }
  }
  in.Require(has_id, "id");
  in.Require(has_created, "created_at");
}

void ReadTaskUpdate(MemberReader& in, JsonObject object, TaskUpdateRecord& out) {
  ReadUpdate(in, object, out, &ReadTaskSet);
}

}  // namespace voronka::ingest
