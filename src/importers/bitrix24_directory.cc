// Bitrix24 directories: departments, users, pipelines and stages, companies, contacts.
#include <algorithm>
#include <map>

#include "importers/bitrix24_internal.h"
#include "importers/dump_pages.h"
#include "importers/item_reader.h"

namespace voronka::bitrix24 {

namespace {

// Lists answer {"result": [...]}; the newer methods {"result": {"items": [...]}}.
const std::vector<std::string> kListPaths = {"result", "result/items"};

std::string JoinName(std::initializer_list<std::optional<std::string>> parts) {
  std::string name;
  for (const std::optional<std::string>& part : parts) {
    if (!part || part->empty()) continue;
    if (!name.empty()) name += ' ';
    name += *part;
  }
  return name;
}

}  // namespace

std::optional<std::string> Link(std::optional<std::string> id) {
  if (!id || *id == "0") return std::nullopt;
  return id;
}

void ReadDepartments(const Context& context, ImportBatch& batch) {
  DumpFolder folder =
      ReadDumpFolder(context.dump_dir, "department.get", kListPaths, "ID", batch.errors);
  for (const DumpItem& entry : folder.items) {
    ItemReader item(*entry.item, *entry.page_name, entry.index, "ID", batch.errors);
    DepartmentRecord department;
    department.id = item.RequiredText("ID");
    department.name = item.Text("NAME").value_or(department.id);
    department.parent_id = Link(item.Text("PARENT"));
    department.head_id = Link(item.Text("UF_HEAD"));
    if (item.ok()) batch.Add(std::move(department), item.origin());
  }
}

void ReadUsers(const Context& context, ImportBatch& batch) {
  DumpFolder folder = ReadDumpFolder(context.dump_dir, "user.get", kListPaths, "ID", batch.errors);
  for (const DumpItem& entry : folder.items) {
    ItemReader item(*entry.item, *entry.page_name, entry.index, "ID", batch.errors);
    UserRecord user;
    user.id = item.RequiredText("ID");
    user.name = JoinName({item.Text("NAME"), item.Text("LAST_NAME")});
    if (user.name.empty()) user.name = item.Text("EMAIL").value_or("Пользователь " + user.id);
    user.active = item.Flag("ACTIVE", true);
    // A user may sit in several departments; the first listed is the one reports use.
    const nlohmann::json& departments = item.Raw("UF_DEPARTMENT");
    if (departments.is_array() && !departments.empty()) {
      user.department_id = Link(JsonText(departments[0]));
    } else if (!departments.is_null() && !departments.is_array()) {
      item.Error("UF_DEPARTMENT", "is not a list of department ids");
    }
    if (item.ok()) batch.Add(std::move(user), item.origin());
  }
}

void ReadPipelines(Context& context, ImportBatch& batch) {
  // Category names (crm.category.list, entityTypeId 2); category 0 may be absent there.
  std::map<std::string, std::string> category_names;
  DumpFolder categories = ReadDumpFolder(context.dump_dir, "crm.category.list",
                                         {"result/categories", "result"}, "id", batch.errors);
  for (const DumpItem& entry : categories.items) {
    ItemReader item(*entry.item, *entry.page_name, entry.index, "id", batch.errors);
    std::string id = item.RequiredText("id");
    category_names[id] = item.Text("name").value_or("Воронка " + id);
  }

  // Stages: crm.status.list items with ENTITY_ID "DEAL_STAGE" (category 0), "DEAL_STAGE_<N>"
  // (category N) and "STATUS" (lead statuses); SOURCE and DEAL_TYPE name sources and types.
  struct Stage {
    int64_t sort;
    StageDef definition;
    std::string origin;
  };
  std::map<std::string, std::vector<Stage>> stages_of_pipeline;
  std::map<std::string, std::string> origin_of_pipeline;
  DumpFolder statuses =
      ReadDumpFolder(context.dump_dir, "crm.status.list", kListPaths, "ID", batch.errors);
  for (const DumpItem& entry : statuses.items) {
    ItemReader item(*entry.item, *entry.page_name, entry.index, "ID", batch.errors);
    std::string entity = item.RequiredText("ENTITY_ID");
    std::string status_id = item.RequiredText("STATUS_ID");
    std::string name = item.Text("NAME").value_or(status_id);
    if (!item.ok()) continue;
    if (entity == "SOURCE") {
      context.source_names[status_id] = name;
      continue;
    }
    if (entity == "DEAL_TYPE") {
      context.deal_type_names[status_id] = name;
      continue;
    }
    std::string pipeline;
    std::string stage_id = status_id;
    if (entity == "STATUS") {
      pipeline = kLeadPipeline;
      stage_id = LeadStageId(status_id);
    } else if (entity == "DEAL_STAGE") {
      pipeline = DealPipelineId("0");
    } else if (entity.rfind("DEAL_STAGE_", 0) == 0) {
      pipeline = DealPipelineId(entity.substr(11));
    } else {
      continue;  // other reference lists (INDUSTRY, ...) name nothing Voronka reports on
    }
    Stage stage;
    stage.sort = item.Integer("SORT").value_or(0);
    stage.definition.id = stage_id;
    stage.definition.name = name;
    std::string semantics = item.Text("SEMANTICS").value_or("");
    if (semantics == "S") {
      stage.definition.semantic = StageSemantic::kWon;
    } else if (semantics == "F") {
      stage.definition.semantic = StageSemantic::kLost;
    } else if (!semantics.empty() && semantics != "P") {
      item.Error("SEMANTICS", "'" + semantics + "' is not S, F or empty");
      continue;
    }
    stage.origin = item.origin();
    origin_of_pipeline.emplace(pipeline, item.origin());
    stages_of_pipeline[pipeline].push_back(std::move(stage));
  }

  for (auto& [pipeline_id, stages] : stages_of_pipeline) {
    std::stable_sort(stages.begin(), stages.end(),
                     [](const Stage& a, const Stage& b) { return a.sort < b.sort; });
    PipelineRecord pipeline;
    pipeline.id = pipeline_id;
    if (pipeline_id == kLeadPipeline) {
      pipeline.entity = Entity::kLead;
      pipeline.name = "Лиды";
    } else {
      std::string category = pipeline_id.substr(1);
      auto name = category_names.find(category);
      pipeline.name = name != category_names.end() ? name->second
                      : category == "0"            ? "Общая"
                                                   : "Воронка " + category;
    }
    for (Stage& stage : stages) {
      context.pipeline_of_stage[stage.definition.id] = pipeline_id;
      pipeline.stages.push_back(std::move(stage.definition));
    }
    context.first_stage_of_pipeline[pipeline_id] = pipeline.stages.front().id;
    batch.Add(std::move(pipeline), origin_of_pipeline[pipeline_id]);
  }
}

void ReadDealFieldLists(Context& context, ImportBatch& batch) {
  DumpFolder fields = ReadDumpFolder(context.dump_dir, "crm.deal.userfield.list", kListPaths,
                                     "FIELD_NAME", batch.errors);
  for (const DumpItem& entry : fields.items) {
    ItemReader item(*entry.item, *entry.page_name, entry.index, "FIELD_NAME", batch.errors);
    std::string field = item.RequiredText("FIELD_NAME");
    const nlohmann::json& list = item.Raw("LIST");
    if (!list.is_array()) continue;
    for (const nlohmann::json& value : list) {
      if (!value.is_object()) continue;
      auto id = JsonText(value.value("ID", nlohmann::json()));
      auto text = JsonText(value.value("VALUE", nlohmann::json()));
      if (id && text) context.list_values[field][*id] = *text;
    }
  }
}

void ReadCompanies(const Context& context, ImportBatch& batch) {
  DumpFolder folder =
      ReadDumpFolder(context.dump_dir, "crm.company.list", kListPaths, "ID", batch.errors);
  for (const DumpItem& entry : folder.items) {
    ItemReader item(*entry.item, *entry.page_name, entry.index, "ID", batch.errors);
    CompanyRecord company;
    company.id = item.RequiredText("ID");
    company.name = item.Text("TITLE").value_or("Компания " + company.id);
    if (item.ok()) batch.Add(std::move(company), item.origin());
  }
}

void ReadContacts(const Context& context, ImportBatch& batch) {
  DumpFolder folder =
      ReadDumpFolder(context.dump_dir, "crm.contact.list", kListPaths, "ID", batch.errors);
  for (const DumpItem& entry : folder.items) {
    ItemReader item(*entry.item, *entry.page_name, entry.index, "ID", batch.errors);
    ContactRecord contact;
    contact.id = item.RequiredText("ID");
    contact.name = JoinName({item.Text("NAME"), item.Text("SECOND_NAME"), item.Text("LAST_NAME")});
    if (contact.name.empty()) contact.name = "Контакт " + contact.id;
    contact.company_id = Link(item.Text("COMPANY_ID"));
    if (item.ok()) batch.Add(std::move(contact), item.origin());
  }
}

}  // namespace voronka::bitrix24
