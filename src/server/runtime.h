// The running state of one data directory: the durable store and one in-memory engine per
// workspace, kept in step. Every way in (HTTP, CLI) ingests and reads through it.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "engine/engine.h"
#include "model/status.h"
#include "store/sqlite/account_store.h"
#include "store/sqlite/sqlite_store.h"

namespace voronka {

// The outcome of ingesting one NDJSON batch.
struct IngestOutcome {
  int64_t applied = 0;
  int64_t skipped = 0;
  std::vector<std::string> errors;  // non-empty: nothing was stored
  bool ok() const { return errors.empty(); }
};

class Runtime {
 public:
  // Opens the store under `data_dir` and loads every workspace into its engine.
  static Result<std::unique_ptr<Runtime>> Open(const std::string& data_dir);

  SqliteStore& store() { return *store_; }
  // Accounts, sessions, layouts, saved filters and token revocation, in the same database.
  AccountStore& accounts() { return *accounts_; }
  // The workspace created on first start (or the first one).
  int64_t default_workspace() const { return default_workspace_; }

  // Parses, validates and stores an NDJSON batch atomically, then applies what was stored to
  // the workspace's engine, so the next report sees it. Batches of one workspace are applied
  // one at a time, in the order they were committed.
  IngestOutcome Ingest(int64_t workspace_id, std::string_view ndjson);

  // The engine of a workspace, or null for an unknown one. Safe to read while others ingest.
  const Engine* engine(int64_t workspace_id) const;

  // A number that grows whenever the workspace's data changes (every batch that stored
  // something); 0 for an unknown workspace. Starts at the start time
  // in microseconds, so it also moves on across a restart.
  int64_t DataVersion(int64_t workspace_id) const;

 private:
  struct Workspace {
    std::mutex ingest_mutex;  // serialises store commit + engine apply for this workspace
    std::unique_ptr<Engine> engine;
    std::atomic<int64_t> data_version{0};
  };
  Workspace* Find(int64_t workspace_id) const;

  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<AccountStore> accounts_;
  int64_t default_workspace_ = 0;
  std::map<int64_t, std::unique_ptr<Workspace>> workspaces_;  // filled at Open, never shrinks
};

}  // namespace voronka
