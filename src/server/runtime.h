// The running state of one data directory: the durable store and one in-memory engine per
// workspace, kept in step. Every way in (HTTP, CLI) ingests and reads through it.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "access/workspace_settings.h"
#include "clickhouse/client.h"
#include "engine/engine.h"
#include "metrics/desk_answer.h"
#include "metrics/visibility.h"
#include "model/status.h"
#include "store/meta_store.h"
#include "store/sqlite/sqlite_store.h"

namespace voronka {

// The outcome of ingesting one NDJSON batch.
struct IngestOutcome {
  int64_t applied = 0;
  int64_t skipped = 0;
  std::vector<std::string> errors;  // non-empty: nothing was stored
  bool unavailable = false;         // the fact store could not be reached (try again later)
  bool ok() const { return errors.empty(); }
};

class Runtime {
 public:
  ~Runtime();
  // Opens the store under `data_dir` and loads every workspace into its engine, its records
  // rewritten by the workspace's admin settings. Metadata is in the same SQLite database, or
  // in the PostgreSQL database `meta_uri` names (see OpenMetaStore).
  // With `facts_uri` ("clickhouse://HOST:PORT/DB", serve --facts) the records of every
  // workspace are in that ClickHouse database (scale-out, docs/scale-out.md): batches are
  // written there, reports are compiled to its SQL, and the in-process engine of a workspace
  // holds only its directory (settings, users, departments, pipelines, companies, contacts,
  // goals), read back from ClickHouse and renewed when a batch commits. The data directory
  // then keeps only the list of workspaces, unless the metadata is in PostgreSQL: then the
  // workspaces are listed there too, and `data_dir` may be empty (no data directory at all).
  static Result<std::unique_ptr<Runtime>> Open(const std::string& data_dir,
                                               std::string_view meta_uri = {},
                                               std::string_view facts_uri = {});

  // True in scale-out mode (facts in ClickHouse).
  bool scale_out() const { return facts_.has_value(); }
  // Whether the fact store answers (always in the embedded mode); unavailable() when not.
  Status FactsHealth() const { return facts_ ? facts_->Health() : Status::Ok(); }

  // A report (SPEC §3) or drill-down of a workspace, answered from where its facts are: the
  // engine (the one engine(workspace_id) gave) or, in scale-out mode, ClickHouse. An error
  // with unavailable() set means the fact store cannot be reached (503). The answer is its JSON
  // text, as sent (ParsedAnswer reads it).
  Result<std::string> Report(int64_t workspace_id, const Engine& engine,
                             const nlohmann::json& request, Instant now,
                             const Visibility& visibility) const;
  Result<std::string> Drilldown(int64_t workspace_id, const Engine& engine,
                                const nlohmann::json& request, Instant now,
                                const Visibility& visibility) const;
  // The desktop's event feed, new clients and activities by source (server/feed.h), answered
  // the same way: from the engine, or in scale-out mode from ClickHouse (clickhouse/desk.h).
  Result<nlohmann::json> Feed(int64_t workspace_id, const Engine& engine,
                              const Visibility& visibility, const FeedWindow& window) const;
  Result<nlohmann::json> NewClients(int64_t workspace_id, const Engine& engine,
                                    const nlohmann::json& request, Instant now,
                                    const Visibility& visibility) const;
  Result<nlohmann::json> ActivitySources(int64_t workspace_id, const Engine& engine,
                                         const nlohmann::json& request, Instant now,
                                         const Visibility& visibility) const;

  // The data directory's store; only when there is one (always in the embedded mode).
  SqliteStore& store() { return *store_; }
  // Where the workspaces are listed: the data directory, or in scale-out mode with metadata in
  // PostgreSQL, that database (shared by every server).
  const WorkspaceStore& workspace_store() const { return *workspace_store_; }
  // Accounts, sessions, layouts, settings, saved filters and ingest tokens.
  AccountStore& accounts() { return *accounts_; }
  // Reports saved from the report builder.
  SavedReportStore& saved_reports() { return *saved_reports_; }
  // What each workspace keeps of its CRM connection (hook credentials, sync marks).
  CrmStateStore& crm_state() { return *crm_state_; }
  // The data directory ("" when there is none).
  std::string data_dir() const;
  // The workspace created on first start (or the first one).
  int64_t default_workspace() const { return default_workspace_; }

  // Parses, validates and stores an NDJSON batch atomically, then applies what was stored to
  // the workspace's engine, so the next report sees it. Batches of one workspace are applied
  // one at a time, in the order they were committed.
  IngestOutcome Ingest(int64_t workspace_id, std::string_view ndjson);
  // The same for records already parsed (e.g. by an importer).
  IngestOutcome Ingest(int64_t workspace_id, ParsedBatch& batch);

  // The engine of a workspace, or null for an unknown one. Safe to read while others ingest;
  // the pointer keeps that engine alive even when a rebuild swaps in a new one. A workspace
  // added to the store after Open (also by another process) is loaded on first use.
  std::shared_ptr<const Engine> engine(int64_t workspace_id) const;

  // The admin settings of a workspace (defaults when never saved), or null for an unknown one.
  std::shared_ptr<const AdminSettings> settings(int64_t workspace_id) const;
  // The same as a value: the defaults also for an unknown workspace.
  AdminSettings SettingsOrDefaults(int64_t workspace_id) const;
  // Stores new settings and makes them take effect: the deep link and forgotten threshold at
  // once; when stage semantics, price, source or capacities change, the workspace's engine is
  // rebuilt from the store in the background (reports meanwhile answer from the old one, and
  // ingest into that workspace waits) and swapped in. True when a rebuild was started.
  // With a shared metadata store (several servers on one PostgreSQL), settings another server
  // saved take effect here the same way, at most kSettingsRecheck after they were saved: the
  // stored settings are read again when a workspace is used and the last look is older.
  Result<bool> SaveSettings(int64_t workspace_id, const AdminSettings& settings, int64_t now);
  static constexpr int64_t kSettingsRecheck = 1'000'000;  // microseconds
  // Waits until every rebuild started so far has been swapped in.
  void WaitForRebuilds();

  // A number that grows whenever the workspace's data changes (every batch that stored
  // something); 0 for an unknown workspace. Starts at the start time
  // in microseconds, so it also moves on across a restart.
  int64_t DataVersion(int64_t workspace_id) const;

 private:
  struct Workspace {
    std::mutex ingest_mutex;         // serialises store commit + engine apply (and rebuilds)
    mutable std::mutex state_mutex;  // guards the two pointers below (swapped, never edited)
    std::shared_ptr<Engine> engine;
    std::shared_ptr<const AdminSettings> settings;
    std::atomic<int64_t> data_version{0};
    std::atomic<int64_t> settings_seen_at{0};  // steady-clock micros of the last look
    std::string name;                          // the workspace's name (its key in ClickHouse)
    std::atomic<uint64_t> facts_batch{0};      // scale-out: the latest batch the engine has
    std::atomic<int64_t> facts_seen_at{0};     // scale-out: steady-clock micros of the last look
  };
  Workspace* Find(int64_t workspace_id) const;
  // Loads a workspace of the store into `workspaces_` (no-op when loaded); null when unknown.
  Workspace* Load(int64_t workspace_id) const;
  // A new engine with every stored record of the workspace, rewritten by `settings`.
  Result<std::shared_ptr<Engine>> BuildEngine(int64_t workspace_id,
                                              const AdminSettings& settings) const;
  // With the workspace's ingest mutex held: rebuilds its engine and swaps it in.
  void Rebuild(int64_t workspace_id, Workspace& workspace) const;
  // Makes `settings` the workspace's (no-op when they already are); true when a rebuild of
  // its engine was started.
  bool Adopt(int64_t workspace_id, Workspace& workspace, const AdminSettings& settings) const;
  // With a shared metadata store: adopts settings another server saved (see SaveSettings).
  void FollowStoredSettings(int64_t workspace_id, Workspace& workspace) const;
  // Scale-out: a directory-only engine of the workspace read from ClickHouse.
  Result<std::shared_ptr<Engine>> BuildDirectoryEngine(int64_t workspace_id,
                                                       const AdminSettings& settings) const;
  // Scale-out: renews the workspace's directory engine when a batch was committed since it
  // was read (looked at most once per kSettingsRecheck; `now_too` looks at once).
  void FollowFacts(int64_t workspace_id, Workspace& workspace, bool now_too = false) const;
  // The name of a known workspace ("" when unknown).
  std::string WorkspaceName(int64_t workspace_id) const;

  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<AccountStore> accounts_;
  std::unique_ptr<SavedReportStore> saved_reports_;
  std::unique_ptr<CrmStateStore> crm_state_;
  std::unique_ptr<WorkspaceStore> shared_workspaces_;  // scale-out with --meta: in PostgreSQL
  WorkspaceStore* workspace_store_ = nullptr;          // store_ or shared_workspaces_
  int64_t default_workspace_ = 0;
  mutable std::shared_mutex workspaces_mutex_;  // guards the map; entries are never removed
  mutable std::mutex load_mutex_;               // one workspace loaded at a time
  mutable std::map<int64_t, std::unique_ptr<Workspace>> workspaces_;
  bool shared_meta_ = false;                 // metadata in PostgreSQL, shared with other servers
  std::optional<clickhouse::Client> facts_;  // scale-out: the fact store
  mutable std::mutex rebuilds_mutex_;
  mutable std::vector<std::thread> rebuilds_;  // joined by WaitForRebuilds and the destructor
};

}  // namespace voronka
