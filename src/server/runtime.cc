#include "server/runtime.h"

#include <chrono>

#include "ingest/ndjson.h"

namespace voronka {

Result<std::unique_ptr<Runtime>> Runtime::Open(const std::string& data_dir) {
  auto store = SqliteStore::Open(data_dir);
  if (!store.ok()) return store.status();
  auto runtime = std::unique_ptr<Runtime>(new Runtime());
  runtime->store_ = std::move(store.value());
  auto accounts = AccountStore::Open(runtime->store_->path());
  if (!accounts.ok()) return accounts.status();
  runtime->accounts_ = std::move(accounts.value());
  auto default_workspace = runtime->store_->EnsureDefaultWorkspace();
  if (!default_workspace.ok()) return default_workspace.status();
  runtime->default_workspace_ = default_workspace.value();

  for (const WorkspaceInfo& info : runtime->store_->Workspaces()) {
    auto workspace = std::make_unique<Workspace>();
    workspace->engine = std::make_unique<Engine>();
    // Replayed in chunks so that a large history never sits in memory twice.
    constexpr size_t kChunk = 65536;
    std::vector<Record> chunk;
    chunk.reserve(kChunk);
    Status loaded = runtime->store_->Load(info.id, [&](const Record& record) {
      chunk.push_back(record);
      if (chunk.size() == kChunk) {
        workspace->engine->Apply(chunk);
        chunk.clear();
      }
    });
    if (!loaded.ok()) return loaded;
    if (!chunk.empty()) workspace->engine->Apply(chunk);
    // The start time in microseconds: larger than any version of an earlier run (which grew
    // by one per batch), so a dashboard polling across a restart sees the number move on.
    workspace->data_version.store(std::chrono::duration_cast<std::chrono::microseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
    runtime->workspaces_.emplace(info.id, std::move(workspace));
  }
  return runtime;
}

Runtime::Workspace* Runtime::Find(int64_t workspace_id) const {
  auto it = workspaces_.find(workspace_id);
  return it == workspaces_.end() ? nullptr : it->second.get();
}

const Engine* Runtime::engine(int64_t workspace_id) const {
  Workspace* workspace = Find(workspace_id);
  return workspace == nullptr ? nullptr : workspace->engine.get();
}

int64_t Runtime::DataVersion(int64_t workspace_id) const {
  Workspace* workspace = Find(workspace_id);
  return workspace == nullptr ? 0 : workspace->data_version.load();
}

IngestOutcome Runtime::Ingest(int64_t workspace_id, std::string_view ndjson) {
  IngestOutcome outcome;
  Workspace* workspace = Find(workspace_id);
  if (workspace == nullptr) {
    outcome.errors.push_back("unknown workspace " + std::to_string(workspace_id));
    return outcome;
  }
  // Even with syntax errors the batch goes to the store, which checks its references too and
  // refuses it with every error listed.
  ParsedBatch batch = ParseNdjson(ndjson);
  std::lock_guard lock(workspace->ingest_mutex);
  ApplyResult applied = store_->Apply(workspace_id, batch);
  if (!applied.ok()) {
    outcome.errors = std::move(applied.errors);
    return outcome;
  }
  outcome.applied = applied.applied;
  outcome.skipped = applied.skipped;
  std::vector<Record> stored;
  stored.reserve(applied.applied_indices.size());
  for (uint32_t index : applied.applied_indices) stored.push_back(std::move(batch.records[index]));
  if (!stored.empty()) {
    workspace->engine->Apply(stored);
    workspace->data_version.fetch_add(1);
  }
  return outcome;
}

}  // namespace voronka
