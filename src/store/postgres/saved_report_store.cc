#include "store/postgres/saved_report_store.h"

#include "store/json_list.h"

namespace voronka {

namespace {

using postgres::Param;
using postgres::Rows;
using postgres::Sql;

#define REPORT_COLUMNS                                                                 \
  "id, workspace_id, owner_account_id, name, body, shared_roles, shared_departments, " \
  "created_at, updated_at"

constexpr Sql kList{
    "reports", "SELECT " REPORT_COLUMNS " FROM saved_reports WHERE workspace_id = $1 ORDER BY id"};
constexpr Sql kFind{"report_find", "SELECT " REPORT_COLUMNS
                                   " FROM saved_reports WHERE workspace_id = $1 AND id = $2"};
constexpr Sql kAdd{"report_add",
                   "INSERT INTO saved_reports (workspace_id, owner_account_id, name, body, "
                   "shared_roles, shared_departments, created_at, updated_at) "
                   "VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id"};
constexpr Sql kUpdate{
    "report_update",
    "UPDATE saved_reports SET name = $3, body = $4, shared_roles = $5, "
    "shared_departments = $6, updated_at = $7 WHERE workspace_id = $1 AND id = $2"};
constexpr Sql kDelete{"report_delete",
                      "DELETE FROM saved_reports WHERE workspace_id = $1 AND id = $2"};

#undef REPORT_COLUMNS

SavedReport ReadRow(const Rows& rows, int row) {
  SavedReport report;
  report.id = rows.Int(row, 0);
  report.workspace_id = rows.Int(row, 1);
  report.owner_account_id = rows.Int(row, 2);
  report.name = rows.Text(row, 3);
  report.body = rows.Text(row, 4);
  report.shared_roles = ParseJsonList(rows.Text(row, 5));
  report.shared_departments = ParseJsonList(rows.Text(row, 6));
  report.created_at = rows.Int(row, 7);
  report.updated_at = rows.Int(row, 8);
  return report;
}

}  // namespace

std::vector<SavedReport> PgSavedReportStore::List(int64_t workspace_id) const {
  std::vector<SavedReport> reports;
  Result<Rows> rows = pool_->Run(kList, {workspace_id}, "saved reports", true);
  if (!rows.ok()) return reports;
  for (int row = 0; row < rows->size(); ++row) reports.push_back(ReadRow(*rows, row));
  return reports;
}

std::optional<SavedReport> PgSavedReportStore::Find(int64_t workspace_id, int64_t id) const {
  Result<Rows> rows = pool_->Run(kFind, {workspace_id, id}, "saved report", true);
  if (!rows.ok() || rows->size() == 0) return std::nullopt;
  return ReadRow(*rows, 0);
}

Result<int64_t> PgSavedReportStore::Add(const SavedReport& report, int64_t at) {
  Result<Rows> added =
      pool_->Run(kAdd,
                 {report.workspace_id, report.owner_account_id, report.name, report.body,
                  JsonList(report.shared_roles), JsonList(report.shared_departments), at},
                 "saved report", false);
  if (!added.ok()) return added.status();
  return added->Int(0, 0);
}

Result<bool> PgSavedReportStore::Update(const SavedReport& report, int64_t at) {
  Result<Rows> updated =
      pool_->Run(kUpdate,
                 {report.workspace_id, report.id, report.name, report.body,
                  JsonList(report.shared_roles), JsonList(report.shared_departments), at},
                 "saved report", false);
  if (!updated.ok()) return updated.status();
  return updated->Affected() > 0;
}

Result<bool> PgSavedReportStore::Delete(int64_t workspace_id, int64_t id) {
  Result<Rows> removed = pool_->Run(kDelete, {workspace_id, id}, "saved report", false);
  if (!removed.ok()) return removed.status();
  return removed->Affected() > 0;
}

}  // namespace voronka
