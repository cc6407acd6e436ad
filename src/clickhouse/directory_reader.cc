#include "clickhouse/directory_reader.h"

#include <charconv>
#include <string>

#include "clickhouse/schema.h"

namespace voronka::clickhouse {

namespace {

// The latest committed version of each `key` of `table` in `ws`, ordered by key.
Result<Rows> Latest(const Client& client, std::string_view ws, const std::string& columns,
                    const std::string& table, const std::string& key) {
  return client.Query("SELECT " + columns + " FROM " + table + " WHERE ws = " + Quote(ws) +
                      " AND " + CommittedRows(client.endpoint().database, ws) + " ORDER BY " + key +
                      ", batch DESC, seq DESC LIMIT 1 BY " + key);
}

// An optional string column: '' stands for none.
std::optional<std::string> Optional(const Rows& rows, size_t row, size_t column) {
  std::string text = rows.Text(row, column);
  if (text.empty()) return std::nullopt;
  return text;
}

Status ReadSettings(const Client& client, std::string_view ws, WorkspaceRecord& settings) {
  Result<Rows> rows = Latest(client, ws, "name, value", "settings", "name");
  if (!rows.ok()) return rows.status();
  for (size_t row = 0; row < rows->size(); ++row) {
    std::string name = rows->Text(row, 0), value = rows->Text(row, 1);
    if (name == "name") settings.name = value;
    if (name == "time_zone") settings.time_zone = value;
    if (name == "currency") settings.currency = value;
    if (name == "locale") settings.locale = value;
    if (name == "deal_url") settings.deal_url = value;
    if (name == "forgotten_days") {
      int32_t days = 0;
      std::from_chars(value.data(), value.data() + value.size(), days);
      settings.forgotten_days = days;
    }
  }
  return Status::Ok();
}

Status ReadUsers(const Client& client, std::string_view ws, std::vector<UserRecord>& users) {
  Result<Rows> rows =
      Latest(client, ws, "id, name, department_id, active, capacity", "users", "id");
  if (!rows.ok()) return rows.status();
  for (size_t row = 0; row < rows->size(); ++row) {
    UserRecord& user = users.emplace_back();
    user.id = rows->Text(row, 0);
    user.name = rows->Text(row, 1);
    user.department_id = Optional(*rows, row, 2);
    user.active = rows->Int(row, 3) != 0;
    if (int64_t capacity = rows->Int(row, 4); capacity >= 0) {
      user.capacity = static_cast<int32_t>(capacity);
    }
  }
  return Status::Ok();
}

Status ReadDepartments(const Client& client, std::string_view ws,
                       std::vector<DepartmentRecord>& departments) {
  Result<Rows> rows = Latest(client, ws, "id, name, parent_id, head_id", "departments", "id");
  if (!rows.ok()) return rows.status();
  for (size_t row = 0; row < rows->size(); ++row) {
    DepartmentRecord& department = departments.emplace_back();
    department.id = rows->Text(row, 0);
    department.name = rows->Text(row, 1);
    department.parent_id = Optional(*rows, row, 2);
    department.head_id = Optional(*rows, row, 3);
  }
  return Status::Ok();
}

Status ReadPipelines(const Client& client, std::string_view ws,
                     std::vector<PipelineRecord>& pipelines) {
  Result<Rows> rows =
      Latest(client, ws, "id, name, entity, stage_ids, stage_names, stage_semantics",
             "pipelines", "id");
  if (!rows.ok()) return rows.status();
  for (size_t row = 0; row < rows->size(); ++row) {
    PipelineRecord& pipeline = pipelines.emplace_back();
    pipeline.id = rows->Text(row, 0);
    pipeline.name = rows->Text(row, 1);
    pipeline.entity = static_cast<Entity>(rows->Int(row, 2));
    std::vector<std::string> ids = rows->Array(row, 3), names = rows->Array(row, 4);
    // Array(UInt8) prints as [0,1,2]: the digits are the semantics.
    std::vector<StageSemantic> semantics;
    for (char c : rows->Raw(row, 5)) {
      if (c >= '0' && c <= '9') semantics.push_back(static_cast<StageSemantic>(c - '0'));
    }
    if (names.size() != ids.size() || semantics.size() != ids.size()) {
      return Status::Error(client.label() + ": pipeline '" + pipeline.id +
                           "' has stage lists of different lengths");
    }
    for (size_t i = 0; i < ids.size(); ++i) {
      pipeline.stages.push_back({std::move(ids[i]), std::move(names[i]), semantics[i]});
    }
  }
  return Status::Ok();
}

Status ReadCompanies(const Client& client, std::string_view ws,
                     std::vector<CompanyRecord>& companies) {
  Result<Rows> rows = Latest(client, ws, "id, name", "companies", "id");
  if (!rows.ok()) return rows.status();
  for (size_t row = 0; row < rows->size(); ++row) {
    companies.push_back({rows->Text(row, 0), rows->Text(row, 1)});
  }
  return Status::Ok();
}

Status ReadContacts(const Client& client, std::string_view ws,
                    std::vector<ContactRecord>& contacts) {
  Result<Rows> rows = Latest(client, ws, "id, name, company_id", "contacts", "id");
  if (!rows.ok()) return rows.status();
  for (size_t row = 0; row < rows->size(); ++row) {
    contacts.push_back({rows->Text(row, 0), rows->Text(row, 1), Optional(*rows, row, 2)});
  }
  return Status::Ok();
}

Status ReadGoals(const Client& client, std::string_view ws, std::vector<GoalRecord>& goals) {
  Result<Rows> rows = Latest(client, ws, "id, scope, scope_id, metric, period, target, deleted",
                             "goals", "id");
  if (!rows.ok()) return rows.status();
  for (size_t row = 0; row < rows->size(); ++row) {
    if (rows->Int(row, 6) != 0) continue;  // the latest version withdraws the goal
    GoalRecord& goal = goals.emplace_back();
    goal.id = rows->Text(row, 0);
    goal.scope = static_cast<GoalScope>(rows->Int(row, 1));
    goal.scope_id = Optional(*rows, row, 2);
    goal.metric = rows->Text(row, 3);
    goal.period = rows->Text(row, 4);
    goal.target = rows->Int(row, 5);
  }
  return Status::Ok();
}

}  // namespace

Result<Directory> ReadDirectory(const Client& client, std::string_view ws) {
  Directory directory;
  for (const Status& status : {
           ReadSettings(client, ws, directory.settings),
           ReadUsers(client, ws, directory.users),
           ReadDepartments(client, ws, directory.departments),
           ReadPipelines(client, ws, directory.pipelines),
           ReadCompanies(client, ws, directory.companies),
           ReadContacts(client, ws, directory.contacts),
           ReadGoals(client, ws, directory.goals),
       }) {
    if (!status.ok()) return status;
  }
  return directory;
}

}  // namespace voronka::clickhouse
