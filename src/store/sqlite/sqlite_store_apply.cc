// SqliteStore: applying batches (Apply, BulkLoad) and replaying them (Load).
#include <string>

#include "ingest/defined_ids.h"
#include "store/sqlite/file_prefetch.h"
#include "store/sqlite/id_catalog.h"
#include "store/sqlite/record_reader.h"
#include "store/sqlite/record_writer.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/statement.h"

namespace voronka {

namespace {

ApplyResult Failed(std::vector<std::string> errors) {
  ApplyResult result;
  result.errors = std::move(errors);
  return result;
}

ApplyResult Failed(std::string error) {
  return Failed(std::vector<std::string>{std::move(error)});
}

std::string LineOf(const ParsedBatch& batch, size_t index) {
  int64_t line = index < batch.lines.size() ? batch.lines[index] : static_cast<int64_t>(index) + 1;
  return "line " + std::to_string(line);
}

}  // namespace

ApplyResult SqliteStore::WriteBatch(int64_t workspace_id, ParsedBatch& batch,
                                    bool& workspace_changed, const Catalog* defined_later) {
  // A batch with syntax errors is still checked for references, so that one answer lists
  // every error of the batch.
  std::lock_guard lock(catalog_mutex_);
  Result<sqlite::IdCatalog*> found = CatalogLocked(workspace_id);
  if (!found.ok()) return Failed(found.message());
  sqlite::IdCatalog& catalog = *found.value();

  if (defined_later != nullptr) {
    ValidateReferences(batch, EitherCatalog(*defined_later, catalog));
  } else {
    ValidateReferences(batch, catalog);
  }
  if (!batch.ok()) return Failed(batch.errors);

  ApplyResult result;
  result.applied_indices.reserve(batch.records.size());
  writer_->BeginCounts();
  for (size_t index = 0; index < batch.records.size(); ++index) {
    const Record& record = batch.records[index];
    Result<bool> stored = writer_->Write(workspace_id, record, catalog);
    if (!stored.ok()) {
      return Failed(LineOf(batch, index) + ": " + RecordTypeName(record.body) + ": " +
                    stored.message());
    }
    if (*stored) {
      ++result.applied;
      result.applied_indices.push_back(static_cast<uint32_t>(index));
      if (std::holds_alternative<WorkspaceRecord>(record.body)) workspace_changed = true;
    } else {
      ++result.skipped;
    }
  }
  if (Status status = writer_->StoreCounts(workspace_id); !status.ok()) {
    return Failed(status.message());
  }
  return result;
}

void SqliteStore::RollBack(int64_t workspace_id) {
  writer_db_->Exec("ROLLBACK");
  // The catalog learnt the ids of the rolled-back records as they were written; reading it
  // again from what is committed (on its next use) is simpler than undoing, and this is the
  // rare path.
  std::lock_guard lock(catalog_mutex_);
  catalogs_.erase(workspace_id);
}

Status SqliteStore::Commit(int64_t workspace_id, bool workspace_changed) {
  if (Status status = writer_db_->Exec("COMMIT"); !status.ok()) {
    RollBack(workspace_id);
    return status;
  }
  if (workspace_changed) return ReloadWorkspaces();
  return Status::Ok();
}

Status SqliteStore::BeginWrite(int64_t workspace_id) {
  // IMMEDIATE takes the file's write lock now, so a batch never fails half-way because
  // another process is writing; it waits (busy timeout) instead.
  if (Status status = writer_db_->Exec("BEGIN IMMEDIATE"); !status.ok()) return status;
  Status status = CatchUpWithOtherWriters();
  if (status.ok() && !WorkspaceExists(workspace_id)) {
    status = Status::Error(UnknownWorkspace(workspace_id));
  }
  if (!status.ok()) RollBack(workspace_id);
  return status;
}

ApplyResult SqliteStore::Apply(int64_t workspace_id, ParsedBatch& batch) {
  std::lock_guard turn(write_mutex_);
  if (Status status = BeginWrite(workspace_id); !status.ok()) return Failed(status.message());
  bool workspace_changed = false;
  ApplyResult result = WriteBatch(workspace_id, batch, workspace_changed);
  if (!result.ok()) {
    RollBack(workspace_id);
    return result;
  }
  if (Status status = Commit(workspace_id, workspace_changed); !status.ok()) {
    return Failed(status.message());
  }
  return result;
}

Result<std::unique_ptr<SqliteStore::BulkLoad>> SqliteStore::BeginBulk(int64_t workspace_id) {
  std::unique_lock turn(write_mutex_);
  if (Status status = BeginWrite(workspace_id); !status.ok()) return status;
  return std::unique_ptr<BulkLoad>(new BulkLoad(this, workspace_id, std::move(turn)));
}

SqliteStore::BulkLoad::~BulkLoad() {
  if (open_) store_->RollBack(workspace_id_);
}

ApplyResult SqliteStore::BulkLoad::Add(ParsedBatch& batch, const Catalog* defined_later) {
  if (!open_) {
    return Failed(failed_ ? "bulk load: rolled back after an earlier error"
                          : "bulk load: committed already");
  }
  ApplyResult result = store_->WriteBatch(workspace_id_, batch, workspace_changed_, defined_later);
  if (!result.ok()) {
    store_->RollBack(workspace_id_);
    open_ = false;
    failed_ = true;
    turn_.unlock();
  }
  return result;
}

Status SqliteStore::BulkLoad::Commit() {
  if (!open_) {
    return Status::Error(failed_ ? "bulk load: rolled back after an earlier error"
                                 : "bulk load: committed already");
  }
  open_ = false;
  Status status = store_->Commit(workspace_id_, workspace_changed_);
  failed_ = !status.ok();
  turn_.unlock();
  return status;
}

Status SqliteStore::ReadWithOwnConnection(int64_t workspace_id,
                                          const std::function<Status(sqlite::Connection&)>& read,
                                          bool whole_file) const {
  if (!WorkspaceExists(workspace_id)) return Status::Error(UnknownWorkspace(workspace_id));
  // A connection of its own: the read runs on a WAL snapshot beside any writer, and a long
  // replay at start-up holds no lock that Apply or a token check waits for.
  Result<std::unique_ptr<sqlite::Connection>> db =
      sqlite::Connection::Open(db_path_, /*read_only=*/false);
  if (!db.ok()) return db.status();
  if (!whole_file) return read(**db);
  // The read visits most pages of the file, in key order: fetch them in file order meanwhile.
  sqlite::FilePrefetch prefetch({db_path_, db_path_ + "-wal"});
  return read(**db);
}

Result<std::unique_ptr<SqliteStore::SplitRead>> SqliteStore::BeginSplitRead(
    int64_t workspace_id) const {
  if (!WorkspaceExists(workspace_id)) return Status::Error(UnknownWorkspace(workspace_id));
  std::unique_ptr<SplitRead> read(new SplitRead());
  read->workspace_id_ = workspace_id;
  for (std::unique_ptr<sqlite::Connection>& reader : read->readers_) {
    Result<std::unique_ptr<sqlite::Connection>> db =
        sqlite::Connection::Open(db_path_, /*read_only=*/false);
    if (!db.ok()) return db.status();
    reader = std::move(db).value();
  }
  // One snapshot for both: no commit may land between the starts of their read
  // transactions, so the file's write lock is held meanwhile (a moment).
  Result<std::unique_ptr<sqlite::Connection>> lock =
      sqlite::Connection::Open(db_path_, /*read_only=*/false);
  if (!lock.ok()) return lock.status();
  sqlite3_busy_timeout(lock.value()->get(), 1000);
  if (lock.value()->Exec("BEGIN IMMEDIATE").ok()) {
    bool pinned = true;
    for (std::unique_ptr<sqlite::Connection>& reader : read->readers_) {
      // A read transaction takes its snapshot at its first read.
      pinned = pinned && reader->Exec("BEGIN; SELECT 1 FROM workspaces LIMIT 1;").ok();
    }
    (void)lock.value()->Exec("ROLLBACK");
    read->split_ = pinned;
    if (!pinned) {
      for (std::unique_ptr<sqlite::Connection>& reader : read->readers_) {
        (void)reader->Exec("ROLLBACK");
      }
    }
  }
  // Both parts visit most pages of the file, in key order: fetch them in file order meanwhile.
  read->prefetch_ =
      std::make_unique<sqlite::FilePrefetch>(std::vector<std::string>{db_path_, db_path_ + "-wal"});
  return read;
}

SqliteStore::SplitRead::~SplitRead() = default;

Status SqliteStore::SplitRead::Read(int part, RecordSlots& slots) {
  if (!split_) {
    if (part != 0) return Status::Ok();
    return sqlite::ReadRecords(readers_[0]->get(), workspace_id_, slots);
  }
  Status status = sqlite::ReadRecordsPart(readers_[part]->get(), workspace_id_, part, slots);
  (void)readers_[part]->Exec("COMMIT");  // ends the read transaction
  return status;
}

Status SqliteStore::Load(int64_t workspace_id, const std::function<void(Record&)>& visit) const {
  return ReadWithOwnConnection(workspace_id, [&](sqlite::Connection& db) {
    return sqlite::ReadRecords(db.get(), workspace_id, visit);
  });
}

Status SqliteStore::Load(int64_t workspace_id, RecordSlots& slots) const {
  return ReadWithOwnConnection(workspace_id, [&](sqlite::Connection& db) {
    return sqlite::ReadRecords(db.get(), workspace_id, slots);
  });
}

Result<int64_t> SqliteStore::ReadNumber(
    int64_t workspace_id, const std::function<Result<int64_t>(sqlite::Connection&)>& read,
    bool whole_file) const {
  int64_t number = 0;
  Status status = ReadWithOwnConnection(
      workspace_id,
      [&](sqlite::Connection& db) {
        Result<int64_t> got = read(db);
        if (!got.ok()) return got.status();
        number = got.value();
        return Status::Ok();
      },
      whole_file);
  if (!status.ok()) return status;
  return number;
}

Result<int64_t> SqliteStore::ActivityCount(int64_t workspace_id) const {
  return ReadNumber(
      workspace_id,
      [&](sqlite::Connection& db) { return sqlite::StoredActivityCount(db.get(), workspace_id); },
      /*whole_file=*/false);
}

Result<int64_t> SqliteStore::StepRows(int64_t workspace_id) const {
  return ReadNumber(
      workspace_id,
      [&](sqlite::Connection& db) { return sqlite::StepRows(db.get(), workspace_id); },
      /*whole_file=*/true);
}

}  // namespace voronka
