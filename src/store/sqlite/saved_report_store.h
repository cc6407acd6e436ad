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
#include "store/meta_store.h"

namespace voronka {

namespace sqlite {
class Connection;
}

// Thread-safe; every call is one short statement on the store's own connection.
class SqliteSavedReportStore final : public SavedReportStore {
 public:
  ~SqliteSavedReportStore() override;
  // Opens the migrated database at `db_path`.
  static Result<std::unique_ptr<SqliteSavedReportStore>> Open(const std::string& db_path);

  std::vector<SavedReport> List(int64_t workspace_id) const override;
  std::optional<SavedReport> Find(int64_t workspace_id, int64_t id) const override;
  Result<int64_t> Add(const SavedReport& report, int64_t at) override;
  Result<bool> Update(const SavedReport& report, int64_t at) override;
  Result<bool> Delete(int64_t workspace_id, int64_t id) override;

 private:
  SqliteSavedReportStore() = default;
  mutable std::mutex mutex_;  // guards db_
  std::unique_ptr<sqlite::Connection> db_;
};

}  // namespace voronka
