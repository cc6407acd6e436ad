// The embedded durable store: canonical records in normalized SQLite tables under DIR, one
// database for every workspace. Acknowledged means durable: Apply and BulkLoad::Commit return
// only after the transaction is synced to disk (WAL, synchronous=FULL).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "ingest/catalog.h"
#include "ingest/ndjson.h"
#include "model/record_slots.h"
#include "model/records.h"
#include "model/status.h"
#include "store/workspace_store.h"

namespace voronka {

namespace sqlite {
class Checkpointer;
class Connection;
class FilePrefetch;
class IdCatalog;
class RecordWriter;
}  // namespace sqlite

struct ApplyResult {
  int64_t applied = 0;  // records stored
  int64_t skipped = 0;  // records skipped as already applied (event_id, exact repeats)
  std::vector<uint32_t> applied_indices;  // indices into batch.records that were stored, in order
  std::vector<std::string> errors;        // non-empty: nothing of the batch was stored
  bool ok() const { return errors.empty(); }
};

// Thread-safe: writers (Apply, a BulkLoad for its whole life, workspace and token changes)
// take turns; Load, Workspaces and token checks run beside them and never wait for a commit.
// Another process may write to the same directory (`voronka import` beside `voronka serve`):
// its tokens are found at once, its other changes once this store next writes.
class SqliteStore final : public WorkspaceStore {
 public:
  class BulkLoad;
  class SplitRead;
  class WorkspaceCatalog;

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // Opens (creating the directory and DIR/voronka.db when missing) and migrates the schema.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& data_dir);
  // The path of the database file.
  const std::string& path() const { return db_path_; }

  // The workspaces of this data directory (WorkspaceStore).
  Result<int64_t> EnsureDefaultWorkspace() override;
  Result<int64_t> CreateWorkspace(std::string_view name,
                                  const WorkspaceRecord& settings = {}) override;
  std::vector<WorkspaceInfo> Workspaces() const override;
  std::optional<WorkspaceInfo> FindWorkspace(int64_t workspace_id) const override;

  // A new random ingest token for the workspace; only its hash is stored; returned once.
  Result<std::string> CreateIngestToken(int64_t workspace_id);
  // The workspace a token belongs to, or none for a token never issued.
  std::optional<int64_t> WorkspaceOfToken(std::string_view token) const;
  bool HasIngestToken(int64_t workspace_id) const;

  // Validates with ValidateReferences against this workspace's stored data, then stores the
  // batch in one transaction, synced to disk before returning (acknowledged = durable).
  // A batch with parse errors (batch.errors) is refused as it is. Errors name the line.
  // Users, departments, pipelines (with their stages), companies, contacts, deals (with their
  // fields), activities, tasks and goals with a stored id replace it; deal and task updates
  // and stage changes are appended, except an exact repeat (same id or deal, same `at`, same
  // content; for a stage change the same stage entered), which is skipped, as is any record
  // whose event_id this workspace has applied before. Workspace records merge into settings.
  ApplyResult Apply(int64_t workspace_id, ParsedBatch& batch);

  // A transaction spanning several chunks, for importing a large file as one atomic batch.
  // It holds the writer's turn until committed or destroyed: do not call Apply on the same
  // thread meanwhile.
  Result<std::unique_ptr<BulkLoad>> BeginBulk(int64_t workspace_id);

  // Replays every stored record of the workspace, definitions before their use
  // (workspace settings, departments, users, pipelines, companies, contacts, deals, then
  // deal_updates, stage_changes, activities, tasks, task_updates, goals). Within a kind:
  // records with an id by id, updates in the order stored, stage changes by deal and time.
  // The first record is the workspace's full settings. Reads one consistent snapshot. `visit`
  // may move from the record it is given.
  Status Load(int64_t workspace_id, const std::function<void(Record&)>& visit) const;
  // The same, each record built in place in `slots` (see model/record_slots.h).
  Status Load(int64_t workspace_id, RecordSlots& slots) const;
  // What Load reads, in two parts (sqlite::ReadRecordsPart: definitions, deals and their
  // history; activities and tasks) that two threads read at once from one snapshot, each on
  // a connection of its own: the start-up's reading is then two threads' work beside the one
  // applying. When another writer holds the file for longer than a moment (an import's bulk
  // load), one snapshot cannot be pinned for both: part 0 then reads everything, part 1
  // nothing.
  Result<std::unique_ptr<SplitRead>> BeginSplitRead(int64_t workspace_id) const;
  // How many activities the workspace holds (kept as batches add them): what a start-up sizes
  // the engine for before Load.
  Result<int64_t> ActivityCount(int64_t workspace_id) const;
  // Reads every row Load would read without building records; the number of rows (the
  // start-up benchmark's figure for reading alone).
  Result<int64_t> StepRows(int64_t workspace_id) const;

  // What is stored in one workspace, as ValidateReferences asks it (see ingest/catalog.h).
  // A view rather than SqliteStore being a Catalog itself, because one store holds many
  // workspaces. Answers from memory, waiting at most for the chunk being written; it already
  // knows the ids of an open BulkLoad's chunks (forgotten again if the load rolls back).
  // A workspace's ids are read from the database the first time they are needed (Open does
  // not: at 1M deals that read is 12 s from a cold disk, before a server could start loading).
  WorkspaceCatalog CatalogOf(int64_t workspace_id) const;
  // Reads every workspace's catalog not read yet, on a thread of the store's own, so that the
  // first batch after a start does not wait for it: called once the start-up has read the
  // whole file (its pages are then in memory). A batch arriving meanwhile waits for its
  // workspace's read.
  void LoadCatalogsInBackground();

 private:
  SqliteStore() = default;
  Status Initialize(const std::string& data_dir);
  Status ReloadWorkspaces();
  Status ReloadTokens();
  // With catalog_mutex_ held: the workspace's catalog, read on first use (see CatalogOf);
  // an error when the workspace does not exist or the read failed.
  Result<sqlite::IdCatalog*> CatalogLocked(int64_t workspace_id) const;
  // Reads the workspace's stored ids on a connection of its own (what is committed).
  Result<std::unique_ptr<sqlite::IdCatalog>> ReadCatalog(int64_t workspace_id) const;
  bool WorkspaceExists(int64_t workspace_id) const;
  static std::string UnknownWorkspace(int64_t workspace_id);
  // Runs `read` on a connection of its own to the database (Load, StepRows, ActivityCount);
  // `whole_file`: the read visits most of the file, which is read ahead meanwhile.
  Status ReadWithOwnConnection(int64_t workspace_id,
                               const std::function<Status(sqlite::Connection&)>& read,
                               bool whole_file = true) const;
  // The number `read` reads on such a connection (ActivityCount, StepRows).
  Result<int64_t> ReadNumber(int64_t workspace_id,
                             const std::function<Result<int64_t>(sqlite::Connection&)>& read,
                             bool whole_file) const;
  // With the writer's turn held and a write transaction open: if another process committed
  // to the file since this store last looked, reloads workspaces, tokens and catalogs.
  Status CatchUpWithOtherWriters();
  // With the writer's turn held: opens the write transaction for a batch into the workspace.
  Status BeginWrite(int64_t workspace_id);
  // With the writer's turn held: validates and writes `batch` inside the open transaction.
  ApplyResult WriteBatch(int64_t workspace_id, ParsedBatch& batch, bool& workspace_changed,
                         const Catalog* defined_later = nullptr);
  // With the writer's turn held: undoes the open transaction and forgets its ids.
  void RollBack(int64_t workspace_id);
  Status Commit(int64_t workspace_id, bool workspace_changed);

  std::string data_dir_;
  std::string db_path_;

  // The writer's turn. Guards writer_db_ and writer_.
  mutable std::mutex write_mutex_;
  std::unique_ptr<sqlite::Connection> writer_db_;
  std::unique_ptr<sqlite::RecordWriter> writer_;
  std::unique_ptr<sqlite::Checkpointer> checkpointer_;  // declared last of the three: stops first
  int64_t data_version_ = 0;  // PRAGMA data_version of writer_db_ when last caught up

  // For lookups that miss the in-memory state: a token issued by another process.
  mutable std::mutex lookup_mutex_;
  std::unique_ptr<sqlite::Connection> lookup_db_;

  // Guards catalogs_ (taken after write_mutex_ when both are held). A workspace without an
  // entry has not been read yet; forgetting an entry makes the next use read it again.
  mutable std::mutex catalog_mutex_;
  mutable std::unordered_map<int64_t, std::unique_ptr<sqlite::IdCatalog>> catalogs_;
  std::atomic<bool> stopping_{false};
  std::thread catalog_loader_;  // LoadCatalogsInBackground; joined by the destructor

  // Guards workspaces_ and token_hashes_ (taken last).
  mutable std::shared_mutex meta_mutex_;
  std::vector<WorkspaceInfo> workspaces_;
  std::unordered_map<std::string, int64_t> token_hashes_;  // hash bytes -> workspace
};

// See SqliteStore::BeginBulk. Each chunk is validated against what is stored plus the
// earlier chunks; Commit makes all of it durable at once; destroying it uncommitted (or any
// chunk error) stores nothing.
class SqliteStore::BulkLoad {
 public:
  ~BulkLoad();
  BulkLoad(const BulkLoad&) = delete;
  BulkLoad& operator=(const BulkLoad&) = delete;

  // Validates and writes one chunk. After an error the whole load is rolled back and every
  // later Add or Commit fails. `defined_later`, when given, holds what later chunks of the same
  // load define: a reference to it is not an error.
  ApplyResult Add(ParsedBatch& batch, const Catalog* defined_later = nullptr);
  // Makes every chunk durable. The load is finished either way.
  Status Commit();

 private:
  friend class SqliteStore;
  BulkLoad(SqliteStore* store, int64_t workspace_id, std::unique_lock<std::mutex> turn)
      : store_(store), workspace_id_(workspace_id), turn_(std::move(turn)) {}

  SqliteStore* store_;
  int64_t workspace_id_;
  std::unique_lock<std::mutex> turn_;
  bool open_ = true;
  bool failed_ = false;
  bool workspace_changed_ = false;
};

// See SqliteStore::BeginSplitRead. The whole file is read ahead while it lives.
class SqliteStore::SplitRead {
 public:
  static constexpr int kParts = 2;
  ~SplitRead();
  SplitRead(const SplitRead&) = delete;
  SplitRead& operator=(const SplitRead&) = delete;

  // Reads part `part` (0 or 1) into `slots`, each part once, the two on different threads.
  Status Read(int part, RecordSlots& slots);

 private:
  friend class SqliteStore;
  SplitRead() = default;

  int64_t workspace_id_ = 0;
  bool split_ = false;  // both connections in a read transaction on the same snapshot
  std::unique_ptr<sqlite::Connection> readers_[kParts];
  std::unique_ptr<sqlite::FilePrefetch> prefetch_;
};

// A Catalog view of one workspace; each call takes the store's catalog lock briefly.
// An unknown workspace has nothing stored.
class SqliteStore::WorkspaceCatalog final : public Catalog {
 public:
  WorkspaceCatalog(const SqliteStore* store, int64_t workspace_id)
      : store_(store), workspace_id_(workspace_id) {}
  std::optional<std::string_view> PipelineOfStage(std::string_view stage_id) const override;
  bool HasPipeline(std::string_view pipeline_id) const override;
  bool HasDeal(std::string_view deal_id) const override;
  bool HasTask(std::string_view task_id) const override;

 private:
  template <typename Fn>
  auto Ask(Fn fn, decltype(fn(std::declval<const Catalog&>())) none) const;
  const SqliteStore* store_;
  int64_t workspace_id_;
};

}  // namespace voronka
