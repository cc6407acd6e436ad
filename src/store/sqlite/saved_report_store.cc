#include "store/sqlite/saved_report_store.h"

#include "store/json_list.h"
#include "store/sqlite/statement.h"

namespace voronka {

using sqlite::Connection;
using sqlite::Statement;

namespace {

constexpr const char* kColumns =
    "id, workspace_id, owner_account_id, name, body, shared_roles, shared_departments, "
    "created_at, updated_at";

SavedReport ReadRow(const Statement& row) {
  SavedReport report;
  report.id = row.Int(0);
  report.workspace_id = row.Int(1);
  report.owner_account_id = row.Int(2);
  report.name = row.String(3);
  report.body = row.String(4);
  report.shared_roles = ParseJsonList(row.Text(5));
  report.shared_departments = ParseJsonList(row.Text(6));
  report.created_at = row.Int(7);
  report.updated_at = row.Int(8);
  return report;
}

}  // namespace

SqliteSavedReportStore::~SqliteSavedReportStore() = default;

Result<std::unique_ptr<SqliteSavedReportStore>> SqliteSavedReportStore::Open(const std::string& db_path) {
  Result<std::unique_ptr<Connection>> db = Connection::OpenDurable(db_path);
  if (!db.ok()) return db.status();
  std::unique_ptr<SqliteSavedReportStore> store(new SqliteSavedReportStore());
  store->db_ = std::move(db).value();
  return store;
}

std::vector<SavedReport> SqliteSavedReportStore::List(int64_t workspace_id) const {
  std::lock_guard lock(mutex_);
  std::vector<SavedReport> reports;
  Result<Statement> query = Statement::Prepare(
      db_->get(), std::string("SELECT ") + kColumns +
                      " FROM saved_reports WHERE workspace_id = ?1 ORDER BY id");
  if (!query.ok()) return reports;
  query->Bind(1, workspace_id);
  while (query->Step() == SQLITE_ROW) reports.push_back(ReadRow(*query));
  return reports;
}

std::optional<SavedReport> SqliteSavedReportStore::Find(int64_t workspace_id, int64_t id) const {
  std::lock_guard lock(mutex_);
  Result<Statement> query = Statement::Prepare(
      db_->get(), std::string("SELECT ") + kColumns +
                      " FROM saved_reports WHERE workspace_id = ?1 AND id = ?2");
  if (!query.ok()) return std::nullopt;
  query->BindAll(workspace_id, id);
  if (query->Step() != SQLITE_ROW) return std::nullopt;
  return ReadRow(*query);
}

Result<int64_t> SqliteSavedReportStore::Add(const SavedReport& report, int64_t at) {
  std::lock_guard lock(mutex_);
  Result<Statement> insert = Statement::Prepare(
      db_->get(),
      "INSERT INTO saved_reports (workspace_id, owner_account_id, name, body, shared_roles, "
      "shared_departments, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)");
  if (!insert.ok()) return insert.status();
  std::string roles = JsonList(report.shared_roles);
  std::string departments = JsonList(report.shared_departments);
  insert->BindAll(report.workspace_id, report.owner_account_id, report.name, report.body, roles,
                  departments, at);
  if (insert->Step() != SQLITE_DONE) return db_->Error("saved report");
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_->get()));
}

Result<bool> SqliteSavedReportStore::Update(const SavedReport& report, int64_t at) {
  std::lock_guard lock(mutex_);
  Result<Statement> update = Statement::Prepare(
      db_->get(),
      "UPDATE saved_reports SET name = ?3, body = ?4, shared_roles = ?5, shared_departments = ?6, "
      "updated_at = ?7 WHERE workspace_id = ?1 AND id = ?2");
  if (!update.ok()) return update.status();
  std::string roles = JsonList(report.shared_roles);
  std::string departments = JsonList(report.shared_departments);
  update->BindAll(report.workspace_id, report.id, report.name, report.body, roles, departments,
                  at);
  if (update->Step() != SQLITE_DONE) return db_->Error("saved report");
  return sqlite3_changes(db_->get()) > 0;
}

Result<bool> SqliteSavedReportStore::Delete(int64_t workspace_id, int64_t id) {
  std::lock_guard lock(mutex_);
  Result<Statement> remove =
      Statement::Prepare(db_->get(), "DELETE FROM saved_reports WHERE workspace_id = ?1 AND id = ?2");
  if (!remove.ok()) return remove.status();
  remove->BindAll(workspace_id, id);
  if (remove->Step() != SQLITE_DONE) return db_->Error("saved report");
  return sqlite3_changes(db_->get()) > 0;
}

}  // namespace voronka
