// The list of workspaces (tenants): their ids, keys and starting settings. The embedded
// store keeps it in the data directory's SQLite database (SqliteStore); in the scale-out mode
// with metadata in PostgreSQL it is there (PgWorkspaceStore), so every server sees the same
// workspaces under the same ids.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/records.h"
#include "model/status.h"

namespace voronka {

struct WorkspaceInfo {
  int64_t id = 0;
  std::string name;          // the workspace's key, e.g. "default"
  WorkspaceRecord settings;  // time_zone, currency and locale always set; name = display name
};

// Thread-safe. Workspaces are never renamed nor removed.
class WorkspaceStore {
 public:
  virtual ~WorkspaceStore() = default;
  // The id of the first workspace, creating workspace "default" (UTC, RUB, ru) when none exists.
  virtual Result<int64_t> EnsureDefaultWorkspace() = 0;
  // A new workspace named `name` (unique); settings not given are UTC, RUB, ru.
  virtual Result<int64_t> CreateWorkspace(std::string_view name,
                                          const WorkspaceRecord& settings = {}) = 0;
  // Every workspace, by id.
  virtual std::vector<WorkspaceInfo> Workspaces() const = 0;
  virtual std::optional<WorkspaceInfo> FindWorkspace(int64_t workspace_id) const = 0;
};

// The workspace named `name`; the first one (created when none exists) when `name` is empty.
Result<int64_t> ChooseWorkspace(WorkspaceStore& store, const std::string& name);

}  // namespace voronka
