// WorkspaceStore over PostgreSQL (scale-out with --meta): the workspaces every server shares.
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include "store/postgres/connection.h"
#include "store/workspace_store.h"

namespace voronka {

// Thread-safe; each call is one statement on a connection of the shared pool. Workspaces are
// never renamed nor removed, so one once found is remembered.
class PgWorkspaceStore final : public WorkspaceStore {
 public:
  explicit PgWorkspaceStore(std::shared_ptr<postgres::Pool> pool) : pool_(std::move(pool)) {}

  Result<int64_t> EnsureDefaultWorkspace() override;
  Result<int64_t> CreateWorkspace(std::string_view name,
                                  const WorkspaceRecord& settings = {}) override;
  std::vector<WorkspaceInfo> Workspaces() const override;
  std::optional<WorkspaceInfo> FindWorkspace(int64_t workspace_id) const override;

 private:
  std::shared_ptr<postgres::Pool> pool_;
  mutable std::mutex mutex_;
  mutable std::map<int64_t, WorkspaceInfo> known_;
};

}  // namespace voronka
