#include "store/workspace_store.h"

namespace voronka {

Result<int64_t> ChooseWorkspace(WorkspaceStore& store, const std::string& name) {
  if (name.empty()) return store.EnsureDefaultWorkspace();
  for (const WorkspaceInfo& info : store.Workspaces()) {
    if (info.name == name) return info.id;
  }
  return Status::Error("no workspace named " + name);
}

}  // namespace voronka
