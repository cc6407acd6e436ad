// Reports saved from the report builder: a name, the body (the report request of SPEC §3 and
// how to chart it, as JSON), the owner, and the roles and departments the owner shares them
// with. Who may open one is decided by the caller (server/api_reports.cc) from the account and
// the CRM department tree; this store only keeps rows, always within one workspace.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "model/status.h"

namespace voronka {

namespace sqlite {
class Connection;
}

struct SavedReport {
  int64_t id = 0;
  int64_t workspace_id = 0;
  int64_t owner_account_id = 0;
  std::string name;
  std::string body;                             // JSON object
  std::vector<std::string> shared_roles;        // "admin", "head", "manager"
  std::vector<std::string> shared_departments;  // CRM department ids (sub-departments included)
  int64_t created_at = 0;                       // micros UTC
  int64_t updated_at = 0;
};

// Thread-safe; every call is one short statement on the store's own connection.
class SavedReportStore {
 public:
  ~SavedReportStore();
  // Opens the migrated database at `db_path`.
  static Result<std::unique_ptr<SavedReportStore>> Open(const std::string& db_path);

  // Every saved report of the workspace, by id.
  std::vector<SavedReport> List(int64_t workspace_id) const;
  // The report `id` when it belongs to `workspace_id`.
  std::optional<SavedReport> Find(int64_t workspace_id, int64_t id) const;
  // Stores a new report (id, created_at and updated_at are assigned from `at`).
  Result<int64_t> Add(const SavedReport& report, int64_t at);
  // Replaces name, body and sharing of report.id in report.workspace_id; false when none.
  Result<bool> Update(const SavedReport& report, int64_t at);
  // False when the workspace has no report `id`.
  Result<bool> Delete(int64_t workspace_id, int64_t id);

 private:
  SavedReportStore() = default;
  mutable std::mutex mutex_;  // guards db_
  std::unique_ptr<sqlite::Connection> db_;
};

}  // namespace voronka
