#include "store/sqlite/crm_state_store.h"

#include "store/sqlite/statement.h"

namespace voronka {

using sqlite::Connection;
using sqlite::Statement;

SqliteCrmStateStore::~SqliteCrmStateStore() = default;

Result<std::unique_ptr<SqliteCrmStateStore>> SqliteCrmStateStore::Open(const std::string& db_path) {
  Result<std::unique_ptr<Connection>> db = Connection::OpenDurable(db_path);
  if (!db.ok()) return db.status();
  std::unique_ptr<SqliteCrmStateStore> store(new SqliteCrmStateStore());
  store->db_ = std::move(db).value();
  return store;
}

Result<std::optional<std::string>> SqliteCrmStateStore::Get(int64_t workspace_id,
                                                            std::string_view crm,
                                                            CrmStateKind kind) const {
  std::lock_guard lock(mutex_);
  Result<Statement> query = Statement::Prepare(
      db_->get(), "SELECT body FROM crm_state WHERE workspace_id = ?1 AND crm = ?2 AND kind = ?3");
  if (!query.ok()) return query.status();
  query->BindAll(workspace_id, crm, CrmStateKindName(kind));
  int step = query->Step();
  if (step == SQLITE_DONE) return std::optional<std::string>();
  if (step != SQLITE_ROW) return db_->Error("crm state");
  return std::optional<std::string>(query->String(0));
}

Status SqliteCrmStateStore::Put(int64_t workspace_id, std::string_view crm, CrmStateKind kind,
                                std::string_view body, int64_t at) {
  std::lock_guard lock(mutex_);
  Result<Statement> upsert = Statement::Prepare(
      db_->get(),
      "INSERT INTO crm_state (workspace_id, crm, kind, body, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (workspace_id, crm, kind) DO UPDATE SET "
      "body = excluded.body, updated_at = excluded.updated_at");
  if (!upsert.ok()) return upsert.status();
  upsert->BindAll(workspace_id, crm, CrmStateKindName(kind), body, at);
  if (upsert->Step() != SQLITE_DONE) return db_->Error("crm state");
  return Status::Ok();
}

}  // namespace voronka
