// amoCRM directories: groups (departments), users, pipelines with statuses, companies,
// contacts.
#include <algorithm>

#include "importers/amocrm_internal.h"
#include "importers/dump_pages.h"
#include "importers/item_reader.h"

namespace voronka::amocrm {

void ReadGroupsAndUsers(const Context& context, ImportBatch& batch) {
  // GET /api/v4/account?with=users_groups: the groups are departments, without a tree.
  DumpFolder account =
      ReadDumpFolder(context.dump_dir, "account", {"_embedded/users_groups"}, "id", batch.errors);
  for (const DumpItem& entry : account.items) {
    ItemReader item(*entry.item, *entry.page_name, entry.index, "id", batch.errors);
    DepartmentRecord department;
    department.id = item.RequiredText("id");
    department.name = item.Text("name").value_or("Отдел " + department.id);
    if (item.ok()) batch.Add(std::move(department), item.origin());
  }
  DumpFolder users =
      ReadDumpFolder(context.dump_dir, "users", {"_embedded/users"}, "id", batch.errors);
  for (const DumpItem& entry : users.items) {
    ItemReader item(*entry.item, *entry.page_name, entry.index, "id", batch.errors);
    UserRecord user;
    user.id = item.RequiredText("id");
    user.name = item.Text("name").value_or(item.Text("email").value_or("Пользователь " + user.id));
    const nlohmann::json& rights = item.Raw("rights");
    if (rights.is_object()) {
      if (rights.contains("group_id") && !account.items.empty()) {
        user.department_id = JsonText(rights["group_id"]);
      }
      if (rights.contains("is_active") && rights["is_active"].is_boolean()) {
        user.active = rights["is_active"].get<bool>();
      }
    }
    if (item.ok()) batch.Add(std::move(user), item.origin());
  }
}

void ReadPipelines(Context& context, ImportBatch& batch) {
  DumpFolder pipelines = ReadDumpFolder(context.dump_dir, "leads/pipelines",
                                        {"_embedded/pipelines"}, "id", batch.errors);
  for (const DumpItem& entry : pipelines.items) {
    ItemReader item(*entry.item, *entry.page_name, entry.index, "id", batch.errors);
    PipelineRecord pipeline;
    pipeline.id = item.RequiredText("id");
    pipeline.name = item.Text("name").value_or("Воронка " + pipeline.id);
    pipeline.entity = Entity::kDeal;
    const nlohmann::json& embedded = item.Raw("_embedded");
    if (!embedded.is_object() || !embedded.contains("statuses") ||
        !embedded["statuses"].is_array() || embedded["statuses"].empty()) {
      item.Error("_embedded.statuses", "missing: a pipeline needs its statuses");
      continue;
    }
    std::vector<std::pair<int64_t, StageDef>> stages;
    const nlohmann::json& statuses = embedded["statuses"];
    for (size_t i = 0; i < statuses.size(); ++i) {
      ItemReader status(statuses[i], item.origin() + ": status", i, "id", batch.errors);
      std::string status_id = status.RequiredText("id");
      StageDef stage;
      stage.id = StageId(pipeline.id, status_id);
      stage.name = status.Text("name").value_or(status_id);
      // amoCRM's fixed closing statuses: 142 "Успешно реализовано", 143 "Закрыто и не реализовано".
      stage.semantic = status_id == "142"   ? StageSemantic::kWon
                       : status_id == "143" ? StageSemantic::kLost
                                            : StageSemantic::kOpen;
      if (status.ok()) stages.emplace_back(status.Integer("sort").value_or(0), std::move(stage));
    }
    std::stable_sort(stages.begin(), stages.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [sort, stage] : stages) {
      context.stage_ids.insert(stage.id);
      pipeline.stages.push_back(std::move(stage));
    }
    if (item.ok()) batch.Add(std::move(pipeline), item.origin());
  }
}

void ReadCompanies(const Context& context, ImportBatch& batch) {
  DumpFolder folder =
      ReadDumpFolder(context.dump_dir, "companies", {"_embedded/companies"}, "id", batch.errors);
  for (const DumpItem& entry : folder.items) {
    ItemReader item(*entry.item, *entry.page_name, entry.index, "id", batch.errors);
    CompanyRecord company;
    company.id = item.RequiredText("id");
    company.name = item.Text("name").value_or("Компания " + company.id);
    if (item.ok()) batch.Add(std::move(company), item.origin());
  }
}

void ReadContacts(const Context& context, ImportBatch& batch) {
  DumpFolder folder =
      ReadDumpFolder(context.dump_dir, "contacts", {"_embedded/contacts"}, "id", batch.errors);
  for (const DumpItem& entry : folder.items) {
    ItemReader item(*entry.item, *entry.page_name, entry.index, "id", batch.errors);
    ContactRecord contact;
    contact.id = item.RequiredText("id");
    contact.name = item.Text("name").value_or("Контакт " + contact.id);
    const nlohmann::json& embedded = item.Raw("_embedded");
    if (embedded.is_object() && embedded.contains("companies") &&
        embedded["companies"].is_array() && !embedded["companies"].empty() &&
        embedded["companies"][0].is_object()) {
      contact.company_id = JsonText(embedded["companies"][0].value("id", nlohmann::json()));
    }
    if (item.ok()) batch.Add(std::move(contact), item.origin());
  }
}

}  // namespace voronka::amocrm
