// A workspace's directory read back from the scale-out fact store: settings, users,
// departments, pipelines with their stages, companies, contacts and goals, each as its latest
// committed version (a later arrival replaces an earlier one, as the embedded engine applies
// them). What report requests are resolved against: names, stages, the org chart, goals.
#pragma once

#include <string_view>
#include <vector>

#include "clickhouse/client.h"
#include "model/records.h"
#include "model/status.h"

namespace voronka::clickhouse {

struct Directory {
  // Each member holds its latest value; a member never set stays absent.
  WorkspaceRecord settings;
  // Each list is ordered by id.
  std::vector<UserRecord> users;
  std::vector<DepartmentRecord> departments;
  std::vector<PipelineRecord> pipelines;
  std::vector<CompanyRecord> companies;
  std::vector<ContactRecord> contacts;
  std::vector<GoalRecord> goals;  // withdrawn goals (deleted) left out
};

// Reads the directory of workspace `ws` (empty lists when it has none).
Result<Directory> ReadDirectory(const Client& client, std::string_view ws);

}  // namespace voronka::clickhouse
