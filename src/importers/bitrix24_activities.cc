// Bitrix24 activities (calls, e-mails, meetings, web forms, open-line chats, SMS), timeline
// comments and tasks.
#include "importers/bitrix24_internal.h"
#include "importers/dump_pages.h"
#include "importers/item_reader.h"

namespace voronka::bitrix24 {

namespace {

const std::vector<std::string> kListPaths = {"result", "result/items"};

// Bitrix24 owner types: 1 lead, 2 deal, 3 contact, 4 company.
struct Owner {
  std::optional<std::string> deal_id;
  std::optional<std::string> contact_id;
  std::optional<std::string> company_id;
};

Owner OwnerOf(int64_t type, const std::string& id) {
  Owner owner;
  if (type == 1) owner.deal_id = LeadId(id);
  if (type == 2) owner.deal_id = id;
  if (type == 3) owner.contact_id = id;
  if (type == 4) owner.company_id = id;
  return owner;
}

// The kind of a crm.activity.list row; none for rows that are tasks (read from
// tasks.task.list instead).
std::optional<ActivityKind> KindOf(int64_t type, const std::string& provider) {
  if (provider == "CRM_WEBFORM") return ActivityKind::kWebform;
  if (provider == "IMOPENLINES_SESSION") return ActivityKind::kChat;
  if (provider == "CRM_SMS" || provider == "SMS") return ActivityKind::kSms;
  if (provider == "VOXIMPLANT_CALL" || provider == "CRM_CALL_LIST") return ActivityKind::kCall;
  if (provider == "CRM_TASKS_TASK" || provider == "TASKS_TASK" || provider == "TASKS") {
    return std::nullopt;
  }
  switch (type) {
    case 1:
      return ActivityKind::kMeeting;
    case 2:
      return ActivityKind::kCall;
    case 3:
      return std::nullopt;  // a task
    case 4:
      return ActivityKind::kEmail;
    default:
      return ActivityKind::kOther;
  }
}

// Whether the activity's deal is in the dump; a row on a deleted deal is left out, said once.
bool DealKnown(const Context& context, const std::optional<std::string>& deal_id,
               const std::string& origin, ImportBatch& batch) {
  if (!deal_id || context.HasDeal(*deal_id)) return true;
  batch.warnings.push_back(origin + ": belongs to " + *deal_id +
                           ", which is not in the dump (deleted?), left out");
  return false;
}

// A record as read, with where it came from; kept only when its deal is known.
template <typename T>
struct Read {
  T record;
  std::optional<std::string> deal_id;
  std::string origin;
};

// Adds the records whose deal is in the dump (or, incremental, in the workspace).
template <typename T>
void AddKnown(const Context& context, std::vector<Read<T>> items, ImportBatch& batch) {
  for (Read<T>& read : items) {
    if (!DealKnown(context, read.deal_id, read.origin, batch)) continue;
    batch.Add(std::move(read.record), std::move(read.origin));
  }
}

}  // namespace

void ReadActivities(const Context& context, ImportBatch& batch) {
  using ReadActivity = Read<ActivityRecord>;
  std::vector<ReadActivity> activities = ConvertDumpFolder<ReadActivity>(
      context.dump_dir, "crm.activity.list", kListPaths, "ID", batch.errors,
      [](ItemReader& item) -> std::optional<ReadActivity> {
        ActivityRecord activity;
        activity.id = "A" + item.RequiredText("ID");
        int64_t type = item.Integer("TYPE_ID").value_or(0);
        std::string provider = item.Text("PROVIDER_ID").value_or("");
        int64_t owner_type = item.Integer("OWNER_TYPE_ID").value_or(0);
        Owner owner = OwnerOf(owner_type, item.Text("OWNER_ID").value_or(""));
        std::optional<Instant> start = item.Time("START_TIME");
        std::optional<Instant> end = item.Time("END_TIME");
        std::optional<Instant> created = item.Time("CREATED");
        int64_t direction = item.Integer("DIRECTION").value_or(0);
        activity.user_id = Link(item.Text("RESPONSIBLE_ID"));
        if (!activity.user_id) activity.user_id = Link(item.Text("AUTHOR_ID"));
        if (!start && !created) item.Error("START_TIME", "missing, and so is CREATED");
        std::optional<ActivityKind> kind = KindOf(type, provider);
        if (!item.ok() || !kind) return std::nullopt;
        activity.kind = *kind;
        activity.direction = direction == 1   ? Direction::kIn
                             : direction == 2 ? Direction::kOut
                                              : Direction::kNone;
        activity.deal_id = owner.deal_id;
        activity.contact_id = owner.contact_id;
        activity.company_id = owner.company_id;
        activity.at = start ? *start : *created;
        if (activity.kind == ActivityKind::kCall && start && end && *end >= *start) {
          activity.duration_s =
              static_cast<int32_t>((end->micros - start->micros) / kMicrosPerSecond);
        }
        if (!provider.empty()) activity.source = provider;
        return ReadActivity{std::move(activity), owner.deal_id, item.origin()};
      });
  AddKnown(context, std::move(activities), batch);
}

void ReadComments(const Context& context, ImportBatch& batch) {
  using ReadComment = Read<ActivityRecord>;
  std::vector<ReadComment> comments = ConvertDumpFolder<ReadComment>(
      context.dump_dir, "crm.timeline.comment.list", kListPaths, "ID", batch.errors,
      [](ItemReader& item) -> std::optional<ReadComment> {
        ActivityRecord comment;
        comment.id = "CM" + item.RequiredText("ID");
        comment.kind = ActivityKind::kComment;
        comment.direction = Direction::kNone;
        std::string entity_type = item.RequiredText("ENTITY_TYPE");
        std::string entity_id = item.RequiredText("ENTITY_ID");
        comment.at = item.RequiredTime("CREATED");
        comment.user_id = Link(item.Text("AUTHOR_ID"));
        int64_t owner_type = entity_type == "lead"      ? 1
                             : entity_type == "deal"    ? 2
                             : entity_type == "contact" ? 3
                             : entity_type == "company" ? 4
                                                        : 0;
        // Comments on other entities (quotes, invoices) are not Voronka's.
        if (!item.ok() || owner_type == 0) return std::nullopt;
        Owner owner = OwnerOf(owner_type, entity_id);
        comment.deal_id = owner.deal_id;
        comment.contact_id = owner.contact_id;
        comment.company_id = owner.company_id;
        return ReadComment{std::move(comment), owner.deal_id, item.origin()};
      });
  AddKnown(context, std::move(comments), batch);
}

void ReadTasks(const Context& context, ImportBatch& batch) {
  // tasks.task.list answers {"result": {"tasks": [...]}} with camelCase members.
  using ReadTask = Read<TaskRecord>;
  std::vector<ReadTask> tasks = ConvertDumpFolder<ReadTask>(
      context.dump_dir, "tasks.task.list", {"result/tasks", "result"}, "id", batch.errors,
      [](ItemReader& item) -> std::optional<ReadTask> {
        TaskRecord task;
        task.id = item.RequiredText("id");
        task.title = item.Text("title");
        task.user_id = Link(item.Text("responsibleId"));
        task.created_at = item.RequiredTime("createdDate");
        task.deadline = item.Time("deadline");
        task.completed_at = item.Time("closedDate");
        // ufCrmTask binds a task to CRM items: "D_17" a deal, "L_5" a lead, "C_3" a contact.
        const nlohmann::json& bindings = item.Raw("ufCrmTask");
        if (bindings.is_array()) {
          for (const nlohmann::json& binding : bindings) {
            std::string text = JsonText(binding).value_or("");
            if (text.rfind("D_", 0) == 0) task.deal_id = text.substr(2);
            if (text.rfind("L_", 0) == 0 && !task.deal_id) task.deal_id = LeadId(text.substr(2));
          }
        }
        std::optional<std::string> deal_id = task.deal_id;
        return ReadTask{std::move(task), std::move(deal_id), item.origin()};
      });
  AddKnown(context, std::move(tasks), batch);
}

}  // namespace voronka::bitrix24
