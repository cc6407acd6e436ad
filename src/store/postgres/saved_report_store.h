// SavedReportStore over PostgreSQL, shared by several servers. The same promises as
// SqliteSavedReportStore; the sharing lists are kept as JSON text as there.
#pragma once

#include <memory>

#include "store/meta_store.h"
#include "store/postgres/connection.h"

namespace voronka {

// Thread-safe; each call is one statement on a connection of the shared pool.
class PgSavedReportStore final : public SavedReportStore {
 public:
  explicit PgSavedReportStore(std::shared_ptr<postgres::Pool> pool) : pool_(std::move(pool)) {}

  std::vector<SavedReport> List(int64_t workspace_id) const override;
  std::optional<SavedReport> Find(int64_t workspace_id, int64_t id) const override;
  Result<int64_t> Add(const SavedReport& report, int64_t at) override;
  Result<bool> Update(const SavedReport& report, int64_t at) override;
  Result<bool> Delete(int64_t workspace_id, int64_t id) override;

 private:
  std::shared_ptr<postgres::Pool> pool_;
};

}  // namespace voronka
