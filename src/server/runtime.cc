#include "server/runtime.h"

#include <chrono>
#include <cstdio>
#include <filesystem>

#include "clickhouse/desk.h"
#include "clickhouse/directory_reader.h"
#include "clickhouse/drilldown.h"
#include "clickhouse/fact_writer.h"
#include "clickhouse/report.h"
#include "ingest/ndjson.h"
#include "metrics/report.h"
#include "server/engine_loader.h"
#include "server/feed.h"

namespace voronka {

namespace {

// The latest batch committed for workspace `name` in the fact store (0 when none).
Result<uint64_t> LatestBatch(const clickhouse::Client& facts, const std::string& name) {
  Result<clickhouse::Rows> rows =
      facts.Query("SELECT max(batch) FROM batches WHERE ws = " + clickhouse::Quote(name));
  if (!rows.ok()) return rows.status();
  return rows->empty() ? uint64_t{0} : rows->UInt(0, 0);
}

int64_t SteadyMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t StartVersion() {
  // The start time in microseconds: larger than any version of an earlier run (which grew
  // by one per batch), so a dashboard polling across a restart sees the number move on.
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The stored settings of a workspace; defaults when none were saved (or they no longer parse,
// which only a hand-edited database can cause).
AdminSettings SettingsOfBody(const std::optional<std::string>& body, int64_t workspace_id) {
  if (!body) return AdminSettings{};
  nlohmann::json json = nlohmann::json::parse(*body, nullptr, /*allow_exceptions=*/false);
  Result<AdminSettings> parsed = ParseAdminSettings(json);
  if (!parsed.ok()) {
    std::fprintf(stderr, "workspace %lld: stored settings ignored: %s\n",
                 static_cast<long long>(workspace_id), parsed.message().c_str());
    return AdminSettings{};
  }
  return parsed.value();
}

AdminSettings StoredSettings(const AccountStore& accounts, int64_t workspace_id) {
  return SettingsOfBody(accounts.WorkspaceSettings(workspace_id), workspace_id);
}

}  // namespace

Result<std::unique_ptr<Runtime>> Runtime::Open(const std::string& data_dir,
                                               std::string_view meta_uri,
                                               std::string_view facts_uri) {
  auto runtime = std::unique_ptr<Runtime>(new Runtime());
  // Scale-out with both shared stores needs no data directory: nothing of a server's own
  // matters then.
  if (data_dir.empty() && (meta_uri.empty() || facts_uri.empty())) {
    return Status::Error("--data is required (or --meta with --facts in the scale-out mode)");
  }
  if (!data_dir.empty()) {
    auto store = SqliteStore::Open(data_dir);
    if (!store.ok()) return store.status();
    runtime->store_ = std::move(store.value());
  }
  auto meta = OpenMetaStore(meta_uri, runtime->store_ ? runtime->store_->path() : "");
  if (!meta.ok()) return meta.status();
  runtime->accounts_ = std::move(meta->accounts);
  runtime->shared_meta_ = !meta_uri.empty();
  runtime->saved_reports_ = std::move(meta->saved_reports);
  runtime->crm_state_ = std::move(meta->crm_state);
  // Scale-out with shared metadata: the workspaces are listed beside it, so every server has
  // the same ones; otherwise the data directory lists them, next to their records.
  runtime->workspace_store_ = runtime->store_.get();
  if (!facts_uri.empty() && meta->workspaces) {
    runtime->shared_workspaces_ = std::move(meta->workspaces);
    runtime->workspace_store_ = runtime->shared_workspaces_.get();
  }
  auto default_workspace = runtime->workspace_store_->EnsureDefaultWorkspace();
  if (!default_workspace.ok()) return default_workspace.status();
  runtime->default_workspace_ = default_workspace.value();
  if (!facts_uri.empty()) {
    Result<clickhouse::Client> facts = clickhouse::Client::Open(facts_uri);
    if (!facts.ok()) return facts.status();
    runtime->facts_.emplace(std::move(facts).value());
    // Workspaces are read from ClickHouse on first use: a fact store that is down at start
    // makes their requests answer 503 until it is back, not the server refuse to start.
    return runtime;
  }

  for (const WorkspaceInfo& info : runtime->store_->Workspaces()) {
    auto workspace = std::make_unique<Workspace>();
    auto settings =
        std::make_shared<const AdminSettings>(StoredSettings(*runtime->accounts_, info.id));
    Result<std::shared_ptr<Engine>> engine = runtime->BuildEngine(info.id, *settings);
    if (!engine.ok()) return engine.status();
    workspace->engine = std::move(engine).value();
    workspace->settings = std::move(settings);
    workspace->data_version.store(StartVersion());
    runtime->workspaces_.emplace(info.id, std::move(workspace));
  }
  // The loads above read the whole file: the store's ids now come from memory, not the disk.
  runtime->store_->LoadCatalogsInBackground();
  return runtime;
}

std::string Runtime::data_dir() const {
  return store_ ? std::filesystem::path(store_->path()).parent_path().string() : std::string();
}

Runtime::~Runtime() {
  WaitForRebuilds();
}

Result<std::shared_ptr<Engine>> Runtime::BuildEngine(int64_t workspace_id,
                                                     const AdminSettings& settings) const {
  if (facts_) return BuildDirectoryEngine(workspace_id, settings);
  return LoadWorkspaceEngine(*store_, workspace_id, settings);
}

Runtime::Workspace* Runtime::Find(int64_t workspace_id) const {
  {
    std::shared_lock lock(workspaces_mutex_);
    auto it = workspaces_.find(workspace_id);
    if (it != workspaces_.end()) return it->second.get();
  }
  return Load(workspace_id);
}

Runtime::Workspace* Runtime::Load(int64_t workspace_id) const {
  if (workspace_id <= 0) return nullptr;
  std::lock_guard loading(load_mutex_);
  {
    std::shared_lock lock(workspaces_mutex_);
    auto it = workspaces_.find(workspace_id);
    if (it != workspaces_.end()) return it->second.get();
  }
  // A workspace added by another process (`voronka workspace add` while serving) is not in
  // the store's memory yet: opening a write turn makes the store catch up with the file; the
  // empty bulk load is rolled back at once.
  if (!workspace_store_->FindWorkspace(workspace_id)) {
    if (shared_workspaces_) return nullptr;
    (void)store_->BeginBulk(workspace_id);
    if (!store_->FindWorkspace(workspace_id)) return nullptr;
  }
  auto workspace = std::make_unique<Workspace>();
  workspace->name = WorkspaceName(workspace_id);
  if (facts_) {
    // Read before the directory: a batch committed in between is read again, never missed.
    Result<uint64_t> latest = LatestBatch(*facts_, workspace->name);
    if (!latest.ok()) {
      std::fprintf(stderr, "workspace %s: %s\n", workspace->name.c_str(), latest.message().c_str());
      return nullptr;
    }
    workspace->facts_batch.store(latest.value());
  }
  auto settings = std::make_shared<const AdminSettings>(StoredSettings(*accounts_, workspace_id));
  Result<std::shared_ptr<Engine>> engine = BuildEngine(workspace_id, *settings);
  if (!engine.ok()) {
    std::fprintf(stderr, "workspace %lld: %s\n", static_cast<long long>(workspace_id),
                 engine.message().c_str());
    return nullptr;
  }
  workspace->engine = std::move(engine).value();
  workspace->settings = std::move(settings);
  workspace->data_version.store(StartVersion());
  std::unique_lock lock(workspaces_mutex_);
  return workspaces_.emplace(workspace_id, std::move(workspace)).first->second.get();
}

std::shared_ptr<const Engine> Runtime::engine(int64_t workspace_id) const {
  Workspace* workspace = Find(workspace_id);
  if (workspace == nullptr) return nullptr;
  FollowStoredSettings(workspace_id, *workspace);
  FollowFacts(workspace_id, *workspace);
  std::lock_guard lock(workspace->state_mutex);
  return workspace->engine;
}

std::shared_ptr<const AdminSettings> Runtime::settings(int64_t workspace_id) const {
  Workspace* workspace = Find(workspace_id);
  if (workspace == nullptr) return nullptr;
  FollowStoredSettings(workspace_id, *workspace);
  std::lock_guard lock(workspace->state_mutex);
  return workspace->settings;
}

AdminSettings Runtime::SettingsOrDefaults(int64_t workspace_id) const {
  std::shared_ptr<const AdminSettings> stored = settings(workspace_id);
  return stored ? *stored : AdminSettings{};
}

int64_t Runtime::DataVersion(int64_t workspace_id) const {
  Workspace* workspace = Find(workspace_id);
  if (workspace == nullptr) return 0;
  FollowFacts(workspace_id, *workspace);
  return workspace->data_version.load();
}

std::string Runtime::WorkspaceName(int64_t workspace_id) const {
  std::optional<WorkspaceInfo> info = workspace_store_->FindWorkspace(workspace_id);
  return info ? info->name : std::string();
}

Result<std::shared_ptr<Engine>> Runtime::BuildDirectoryEngine(int64_t workspace_id,
                                                              const AdminSettings& settings) const {
  std::optional<WorkspaceInfo> info = workspace_store_->FindWorkspace(workspace_id);
  if (!info) return Status::Error("unknown workspace " + std::to_string(workspace_id));
  Result<clickhouse::Directory> directory = clickhouse::ReadDirectory(*facts_, info->name);
  if (!directory.ok()) return directory.status();
  auto engine = std::make_shared<Engine>();
  engine->Apply(clickhouse::DirectoryRecords(directory.value(), settings, info->settings));
  return engine;
}

void Runtime::FollowFacts(int64_t workspace_id, Workspace& workspace, bool now_too) const {
  if (!facts_) return;
  int64_t now = SteadyMicros();
  int64_t seen = workspace.facts_seen_at.load();
  if (!now_too && now - seen < kSettingsRecheck) return;
  if (!workspace.facts_seen_at.compare_exchange_strong(seen, now) && !now_too) return;
  Result<uint64_t> latest = LatestBatch(*facts_, workspace.name);
  if (!latest.ok() || latest.value() == workspace.facts_batch.load()) return;
  std::lock_guard ingest(workspace.ingest_mutex);
  if (latest.value() == workspace.facts_batch.load()) return;
  int64_t version = workspace.data_version.load();
  Rebuild(workspace_id, workspace);
  // A failed read keeps the old directory and is tried again at the next look.
  if (workspace.data_version.load() != version) workspace.facts_batch.store(latest.value());
}

Result<std::string> Runtime::Report(int64_t workspace_id, const Engine& engine,
                                    const nlohmann::json& request, Instant now,
                                    const Visibility& visibility) const {
  if (!facts_) return RunReportText(engine.Read(), request, now, visibility);
  // The directory engine already holds what the compiler resolves the request against; the
  // admin's price and source fields rewrite the deals the SQL reads.
  Engine::ReadView view = engine.Read();
  return clickhouse::RunReportText(*facts_, WorkspaceName(workspace_id), view.tables(), request,
                                   now, visibility, SettingsOrDefaults(workspace_id));
}

Result<std::string> Runtime::Drilldown(int64_t workspace_id, const Engine& engine,
                                       const nlohmann::json& request, Instant now,
                                       const Visibility& visibility) const {
  if (!facts_) return RunDrilldownText(engine, request, now, visibility);
  // The directory as the server holds it: the admin's settings (the deep link among them)
  // apply.
  Engine::ReadView view = engine.Read();
  Result<nlohmann::json> answer =
      clickhouse::RunDrilldown(*facts_, WorkspaceName(workspace_id), view.tables(), request, now,
                               visibility, SettingsOrDefaults(workspace_id));
  if (!answer.ok()) return answer.status();
  return answer.value().dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<nlohmann::json> Runtime::Feed(int64_t workspace_id, const Engine& engine,
                                     const Visibility& visibility, const FeedWindow& window) const {
  if (!facts_) return BuildFeed(engine.Read().tables(), visibility, window);
  Engine::ReadView view = engine.Read();
  return clickhouse::Feed(*facts_, WorkspaceName(workspace_id), view.tables(), visibility, window,
                          SettingsOrDefaults(workspace_id));
}

Result<nlohmann::json> Runtime::NewClients(int64_t workspace_id, const Engine& engine,
                                           const nlohmann::json& request, Instant now,
                                           const Visibility& visibility) const {
  if (!facts_) return voronka::NewClients(engine.Read().tables(), request, now, visibility);
  Engine::ReadView view = engine.Read();
  return clickhouse::NewClients(*facts_, WorkspaceName(workspace_id), view.tables(), request, now,
                                visibility, SettingsOrDefaults(workspace_id));
}

Result<nlohmann::json> Runtime::ActivitySources(int64_t workspace_id, const Engine& engine,
                                                const nlohmann::json& request, Instant now,
                                                const Visibility& visibility) const {
  if (!facts_) return voronka::ActivitySources(engine.Read().tables(), request, now, visibility);
  Engine::ReadView view = engine.Read();
  return clickhouse::ActivitySources(*facts_, WorkspaceName(workspace_id), view.tables(), request,
                                     now, visibility, SettingsOrDefaults(workspace_id));
}

Result<bool> Runtime::SaveSettings(int64_t workspace_id, const AdminSettings& settings,
                                   int64_t now) {
  Workspace* workspace = Find(workspace_id);
  if (workspace == nullptr)
    return Status::Error("unknown workspace " + std::to_string(workspace_id));
  Status stored =
      accounts_->PutWorkspaceSettings(workspace_id, AdminSettingsJson(settings).dump(), now);
  if (!stored.ok()) return stored;
  return Adopt(workspace_id, *workspace, settings);
}

bool Runtime::Adopt(int64_t workspace_id, Workspace& workspace,
                    const AdminSettings& settings) const {
  auto fresh = std::make_shared<const AdminSettings>(settings);
  std::shared_ptr<const AdminSettings> before;
  {
    std::lock_guard ingest(workspace.ingest_mutex);
    std::shared_ptr<Engine> engine;
    {
      std::lock_guard lock(workspace.state_mutex);
      before = workspace.settings;
      if (AdminSettingsJson(*before) == AdminSettingsJson(settings)) return false;
      workspace.settings = fresh;
      engine = workspace.engine;
    }
    // The deep link and the threshold are plain settings of the engine: applied in place.
    if (std::optional<Record> record = SettingsRecord(settings)) engine->Apply({*record});
    workspace.data_version.fetch_add(1);
  }
  if (!NeedsRebuild(*before, settings)) return false;
  std::lock_guard lock(rebuilds_mutex_);
  Workspace* target = &workspace;
  rebuilds_.emplace_back([this, workspace_id, target] {
    std::lock_guard ingest(target->ingest_mutex);
    Rebuild(workspace_id, *target);
  });
  return true;
}

void Runtime::FollowStoredSettings(int64_t workspace_id, Workspace& workspace) const {
  if (!shared_meta_) return;
  int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::steady_clock::now().time_since_epoch())
                    .count();
  int64_t seen = workspace.settings_seen_at.load();
  if (now - seen < kSettingsRecheck) return;
  // One thread looks; the others go on with the settings they have.
  if (!workspace.settings_seen_at.compare_exchange_strong(seen, now)) return;
  std::optional<std::string> body = accounts_->WorkspaceSettings(workspace_id);
  // "Not there" from a store that cannot be reached is not "back to the defaults".
  if (!body && !accounts_->Health().ok()) return;
  (void)Adopt(workspace_id, workspace, SettingsOfBody(body, workspace_id));
}

void Runtime::Rebuild(int64_t workspace_id, Workspace& workspace) const {
  std::shared_ptr<const AdminSettings> settings;
  {
    std::lock_guard lock(workspace.state_mutex);
    settings = workspace.settings;
  }
  Result<std::shared_ptr<Engine>> engine = BuildEngine(workspace_id, *settings);
  if (!engine.ok()) {
    std::fprintf(stderr, "workspace %lld: rebuild failed, the old numbers stay: %s\n",
                 static_cast<long long>(workspace_id), engine.message().c_str());
    return;
  }
  {
    std::lock_guard lock(workspace.state_mutex);
    workspace.engine = std::move(engine).value();
  }
  workspace.data_version.fetch_add(1);
}

void Runtime::WaitForRebuilds() {
  std::vector<std::thread> running;
  {
    std::lock_guard lock(rebuilds_mutex_);
    running.swap(rebuilds_);
  }
  for (std::thread& thread : running) thread.join();
}

IngestOutcome Runtime::Ingest(int64_t workspace_id, std::string_view ndjson) {
  // Even with syntax errors the batch goes to the store, which checks its references too and
  // refuses it with every error listed.
  ParsedBatch batch = ParseNdjson(ndjson);
  return Ingest(workspace_id, batch);
}

IngestOutcome Runtime::Ingest(int64_t workspace_id, ParsedBatch& batch) {
  IngestOutcome outcome;
  if (facts_) {
    // Scale-out: the batch goes to ClickHouse as it came (as the embedded store keeps the
    // CRM's records); the directory engine here catches up at once, others within a second.
    std::string name = WorkspaceName(workspace_id);
    if (name.empty()) {
      outcome.errors.push_back("unknown workspace " + std::to_string(workspace_id));
      return outcome;
    }
    clickhouse::WriteResult written = clickhouse::WriteBatch(*facts_, name, batch);
    if (!written.ok()) {
      outcome.errors = std::move(written.errors);
      if (!written.status.ok()) outcome.errors.push_back(written.status.message());
      outcome.unavailable = written.status.unavailable();
      return outcome;
    }
    outcome.applied = written.applied;
    outcome.skipped = written.skipped;
    if (Workspace* workspace = Find(workspace_id)) FollowFacts(workspace_id, *workspace, true);
    return outcome;
  }
  Workspace* workspace = Find(workspace_id);
  if (workspace == nullptr) {
    outcome.errors.push_back("unknown workspace " + std::to_string(workspace_id));
    return outcome;
  }
  std::lock_guard lock(workspace->ingest_mutex);
  ApplyResult applied = store_->Apply(workspace_id, batch);
  if (!applied.ok()) {
    outcome.errors = std::move(applied.errors);
    return outcome;
  }
  outcome.applied = applied.applied;
  outcome.skipped = applied.skipped;
  std::shared_ptr<Engine> engine;
  std::shared_ptr<const AdminSettings> settings;
  {
    std::lock_guard state(workspace->state_mutex);
    engine = workspace->engine;
    settings = workspace->settings;
  }
  // The store keeps the records as the CRM sent them; the engine sees them as the admin's
  // settings say (a later change of settings rebuilds from the originals).
  std::vector<Record> stored;
  stored.reserve(applied.applied_indices.size());
  for (uint32_t index : applied.applied_indices) {
    stored.push_back(std::move(batch.records[index]));
    RewriteRecord(*settings, stored.back().body);
  }
  if (!stored.empty()) {
    engine->Apply(stored);
    workspace->data_version.fetch_add(1);
  }
  return outcome;
}

}  // namespace voronka
