// amoCRM leads (deals) with their history from events, activities from events, and tasks.
#include <algorithm>
#include <map>

#include "importers/amocrm_internal.h"
#include "importers/dump_pages.h"
#include "importers/item_reader.h"

namespace voronka::amocrm {

namespace {

struct Event {
  std::string id;
  std::string type;
  std::string entity_type;  // "lead", "contact", "company"
  std::string entity_id;
  Instant at;
  std::optional<std::string> by;  // 0 is the system (robots, integrations)
  const nlohmann::json* before;
  const nlohmann::json* after;
  std::string origin;
};

// value_after / value_before are lists of one-member objects: [{"lead_status": {...}}].
const nlohmann::json* Member(const nlohmann::json* values, const char* key) {
  if (values == nullptr || !values->is_array()) return nullptr;
  for (const nlohmann::json& value : *values) {
    if (value.is_object() && value.contains(key) && value[key].is_object()) return &value[key];
  }
  return nullptr;
}

std::optional<std::string> StageOf(const nlohmann::json* values) {
  const nlohmann::json* status = Member(values, "lead_status");
  if (status == nullptr) return std::nullopt;
  auto id = JsonText(status->value("id", nlohmann::json()));
  auto pipeline = JsonText(status->value("pipeline_id", nlohmann::json()));
  if (!id || !pipeline) return std::nullopt;
  return StageId(*pipeline, *id);
}

std::optional<std::string> ResponsibleOf(const nlohmann::json* values) {
  const nlohmann::json* user = Member(values, "responsible_user");
  if (user == nullptr) return std::nullopt;
  return JsonText(user->value("id", nlohmann::json()));
}

// Activities among the event types; none for the others.
std::optional<std::pair<ActivityKind, Direction>> ActivityOf(const std::string& type) {
  using Kind = ActivityKind;
  if (type == "incoming_call") return std::pair(Kind::kCall, Direction::kIn);
  if (type == "outgoing_call") return std::pair(Kind::kCall, Direction::kOut);
  if (type == "incoming_chat_message") return std::pair(Kind::kChat, Direction::kIn);
  if (type == "outgoing_chat_message") return std::pair(Kind::kChat, Direction::kOut);
  if (type == "incoming_sms") return std::pair(Kind::kSms, Direction::kIn);
  if (type == "outgoing_sms") return std::pair(Kind::kSms, Direction::kOut);
  if (type == "common_note_added") return std::pair(Kind::kComment, Direction::kNone);
  return std::nullopt;
}

std::vector<Event> ReadEvents(const DumpFolder& folder, ImportBatch& batch) {
  std::vector<Event> events;
  for (const DumpItem& entry : folder.items) {
    ItemReader item(*entry.item, *entry.page_name, entry.index, "id", batch.errors);
    Event event;
    event.id = item.RequiredText("id");
    event.type = item.RequiredText("type");
    event.entity_type = item.Text("entity_type").value_or("");
    event.entity_id = item.Text("entity_id").value_or("");
    event.at = item.UnixTime("created_at").value_or(Instant{});
    if (item.Raw("created_at").is_null()) item.Error("created_at", "missing");
    event.by = item.Text("created_by");
    if (event.by == "0") event.by.reset();
    event.before = &item.Raw("value_before");
    event.after = &item.Raw("value_after");
    event.origin = item.origin();
    if (event.type == "lead_status_changed" && !StageOf(event.after)) {
      item.Error("value_after", "no lead_status with id and pipeline_id");
    }
    if (event.type == "entity_responsible_changed" && !ResponsibleOf(event.after)) {
      item.Error("value_after", "no responsible_user with an id");
    }
    if (item.ok()) events.push_back(std::move(event));
  }
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.at != b.at ? a.at < b.at : a.id < b.id;
  });
  return events;
}

std::optional<std::string> FirstEmbeddedId(const nlohmann::json& embedded, const char* key,
                                           bool prefer_main) {
  if (!embedded.is_object() || !embedded.contains(key) || !embedded[key].is_array()) {
    return std::nullopt;
  }
  const nlohmann::json* chosen = nullptr;
  for (const nlohmann::json& element : embedded[key]) {
    if (!element.is_object()) continue;
    if (chosen == nullptr) chosen = &element;
    if (prefer_main && element.value("is_main", false)) {
      chosen = &element;
      break;
    }
  }
  if (chosen == nullptr) return std::nullopt;
  return JsonText(chosen->value("id", nlohmann::json()));
}

// custom_fields_values: one value is a string, number or bool; several are a list.
void ReadCustomFields(ItemReader& item, DealRecord& deal) {
  const nlohmann::json& fields = item.Raw("custom_fields_values");
  if (!fields.is_array()) return;
  for (const nlohmann::json& field : fields) {
    if (!field.is_object() || !field.contains("values") || !field["values"].is_array()) continue;
    std::string name =
        JsonText(field.value("field_name", nlohmann::json()))
            .value_or(JsonText(field.value("field_id", nlohmann::json())).value_or(""));
    if (name.empty()) continue;
    std::vector<const nlohmann::json*> values;
    for (const nlohmann::json& value : field["values"]) {
      if (value.is_object() && value.contains("value") && !value["value"].is_null()) {
        values.push_back(&value["value"]);
      }
    }
    if (values.empty()) continue;
    FieldValue result;
    if (values.size() > 1) {
      result.kind = FieldValue::Kind::kList;
      for (const nlohmann::json* value : values) {
        result.items.push_back(value->is_string() ? value->get<std::string>() : value->dump());
      }
    } else if (values[0]->is_boolean()) {
      result.kind = FieldValue::Kind::kBool;
      result.boolean = values[0]->get<bool>();
    } else if (values[0]->is_number()) {
      result.kind = FieldValue::Kind::kNumber;
      result.number = values[0]->get<double>();
      result.text = values[0]->dump();
    } else if (values[0]->is_string()) {
      result.kind = FieldValue::Kind::kString;
      result.text = values[0]->get<std::string>();
    } else {
      continue;
    }
    deal.fields.push_back({name, std::move(result)});
  }
}

}  // namespace

void ReadLeadsAndEvents(Context& context, ImportBatch& batch) {
  DumpFolder event_folder =
      ReadDumpFolder(context.dump_dir, "events", {"_embedded/events"}, "id", batch.errors);
  std::vector<Event> events = ReadEvents(event_folder, batch);
  std::map<std::string, std::vector<const Event*>> history;  // lead id -> its changes in time
  for (const Event& event : events) {
    if (event.entity_type == "lead" &&
        (event.type == "lead_status_changed" || event.type == "entity_responsible_changed")) {
      history[event.entity_id].push_back(&event);
    }
  }

  DumpFolder leads =
      ReadDumpFolder(context.dump_dir, "leads", {"_embedded/leads"}, "id", batch.errors);
  for (const DumpItem& entry : leads.items) {
    ItemReader item(*entry.item, *entry.page_name, entry.index, "id", batch.errors);
    DealRecord deal;
    deal.id = item.RequiredText("id");
    deal.entity = Entity::kDeal;
    deal.title = item.Text("name").value_or("Сделка #" + deal.id);
    deal.pipeline_id = item.RequiredText("pipeline_id");
    std::string current_stage = StageId(deal.pipeline_id, item.RequiredText("status_id"));
    deal.amount = item.Money("price");
    std::optional<std::string> current_responsible = item.Text("responsible_user_id");
    if (current_responsible == "0") current_responsible.reset();
    deal.created_at = item.UnixTime("created_at").value_or(Instant{});
    if (item.Raw("created_at").is_null()) item.Error("created_at", "missing");
    Instant updated_at = item.UnixTime("updated_at").value_or(deal.created_at);
    const nlohmann::json& embedded = item.Raw("_embedded");
    deal.contact_id = FirstEmbeddedId(embedded, "contacts", true);
    deal.company_id = FirstEmbeddedId(embedded, "companies", false);
    if (embedded.is_object() && embedded.contains("loss_reason") &&
        embedded["loss_reason"].is_array() && !embedded["loss_reason"].empty() &&
        embedded["loss_reason"][0].is_object()) {
      deal.loss_reason = JsonText(embedded["loss_reason"][0].value("name", nlohmann::json()));
    }
    if (!deal.loss_reason) deal.loss_reason = item.Text("loss_reason_id");
    if (deal.loss_reason == "0") deal.loss_reason.reset();
    ReadCustomFields(item, deal);
    if (!item.ok()) continue;
    if (!context.stage_ids.contains(current_stage)) {
      item.Error("status_id", "'" + current_stage + "' is not a status of leads/pipelines");
      continue;
    }
    // A lead the workspace already has, in an incremental dump: its state at creation is
    // not here, so what it is now is a deal update, and its history only what is new.
    bool update_only = context.known != nullptr && context.known->HasDeal(deal.id);
    context.deal_ids.insert(deal.id);

    // The state at creation is the "before" of the first change of each kind.
    const std::vector<const Event*>* changes = nullptr;
    if (auto found = history.find(deal.id); found != history.end()) changes = &found->second;
    static const std::vector<const Event*> kNoChanges;
    if (changes == nullptr) changes = &kNoChanges;
    std::optional<std::string> stage;
    std::optional<std::string> responsible = current_responsible;
    bool responsible_known = !update_only;
    if (!update_only) stage = current_stage;
    bool stage_seen = false;
    bool responsible_seen = false;
    for (const Event* event : *changes) {
      if (event->type == "lead_status_changed" && !stage_seen) {
        stage_seen = true;
        if (auto before = StageOf(event->before)) stage = *before;
      }
      if (event->type == "entity_responsible_changed" && !responsible_seen) {
        responsible_seen = true;
        responsible = ResponsibleOf(event->before);
        responsible_known = true;
      }
    }
    std::string origin = item.origin();
    std::string deal_id = deal.id;
    Instant last_at = deal.created_at;
    if (update_only) {
      DealUpdateRecord update;
      update.id = deal.id;
      update.at = updated_at;
      update.title = deal.title;
      update.amount = deal.amount;
      update.company_id = deal.company_id;
      update.contact_id = deal.contact_id;
      update.loss_reason = deal.loss_reason;
      update.fields = std::move(deal.fields);
      batch.Add(std::move(update), origin,
                "amo:lead-update:" + deal_id + ":" +
                    std::to_string(updated_at.micros / kMicrosPerSecond));
    } else {
      deal.stage_id = *stage;
      deal.responsible_id = responsible;
      batch.Add(std::move(deal), origin);
    }
    for (const Event* event : *changes) {
      last_at = std::max(last_at, event->at);
      if (event->type == "lead_status_changed") {
        StageChangeRecord change;
        change.deal_id = deal_id;
        change.from = stage;
        change.to = *StageOf(event->after);
        change.at = event->at;
        change.by = event->by;
        stage = change.to;
        batch.Add(std::move(change), event->origin, "amo:event:" + event->id);
      } else {
        DealUpdateRecord update;
        update.id = deal_id;
        update.at = event->at;
        responsible = ResponsibleOf(event->after);
        update.responsible_id = responsible;
        batch.Add(std::move(update), event->origin, "amo:event:" + event->id);
      }
    }
    // The dump may have been taken between a change and its event; the lead itself is right.
    // (A known lead with no change in the dump is where the workspace has it already.)
    Instant now_at = std::max(last_at, updated_at);
    std::string now_key = ":" + std::to_string(now_at.micros / kMicrosPerSecond);
    if (stage && stage != current_stage) {
      StageChangeRecord change;
      change.deal_id = deal_id;
      change.from = stage;
      change.to = current_stage;
      change.at = now_at;
      batch.Add(std::move(change), origin,
                "amo:lead-stage:" + deal_id + ":" + current_stage + now_key);
    }
    if (responsible_known && responsible != current_responsible) {
      DealUpdateRecord update;
      update.id = deal_id;
      update.at = now_at;
      update.responsible_id = current_responsible;
      batch.Add(
          std::move(update), origin,
          "amo:lead-responsible:" + deal_id + ":" + current_responsible.value_or("") + now_key);
    }
  }

  for (const Event& event : events) {
    auto activity_kind = ActivityOf(event.type);
    if (!activity_kind) continue;
    ActivityRecord activity;
    activity.id = event.id;
    activity.kind = activity_kind->first;
    activity.direction = activity_kind->second;
    activity.at = event.at;
    activity.user_id = event.by;
    activity.source = event.type;
    if (event.entity_type == "lead") {
      if (!context.HasDeal(event.entity_id)) {
        batch.warnings.push_back(event.origin + ": belongs to lead " + event.entity_id +
                                 ", which is not in the dump (deleted?), left out");
        continue;
      }
      activity.deal_id = event.entity_id;
    } else if (event.entity_type == "contact") {
      activity.contact_id = event.entity_id;
    } else if (event.entity_type == "company") {
      activity.company_id = event.entity_id;
    } else {
      continue;
    }
    batch.Add(std::move(activity), event.origin, "amo:event:" + event.id);
  }
}

void ReadTasks(const Context& context, ImportBatch& batch) {
  DumpFolder folder =
      ReadDumpFolder(context.dump_dir, "tasks", {"_embedded/tasks"}, "id", batch.errors);
  for (const DumpItem& entry : folder.items) {
    ItemReader item(*entry.item, *entry.page_name, entry.index, "id", batch.errors);
    TaskRecord task;
    task.id = item.RequiredText("id");
    task.title = item.Text("text");
    task.user_id = item.Text("responsible_user_id");
    task.created_at = item.UnixTime("created_at").value_or(Instant{});
    if (item.Raw("created_at").is_null()) item.Error("created_at", "missing");
    task.deadline = item.UnixTime("complete_till");
    // The API has no completion time: a completed task was completed at its last update.
    if (item.Flag("is_completed", false)) task.completed_at = item.UnixTime("updated_at");
    if (item.Text("entity_type") == "leads") task.deal_id = item.Text("entity_id");
    if (!item.ok()) continue;
    if (task.deal_id && !context.HasDeal(*task.deal_id)) {
      batch.warnings.push_back(item.origin() + ": belongs to lead " + *task.deal_id +
                               ", which is not in the dump (deleted?), left out");
      continue;
    }
    batch.Add(std::move(task), item.origin());
  }
}

}  // namespace voronka::amocrm
