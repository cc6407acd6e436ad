// CrmStateStore in the data directory's SQLite database (table crm_state), for the embedded mode.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "store/meta_store.h"

namespace voronka {

namespace sqlite {
class Connection;
}

// Thread-safe; every call is one short statement on the store's own connection.
class SqliteCrmStateStore final : public CrmStateStore {
 public:
  ~SqliteCrmStateStore() override;
  // Opens the migrated database at `db_path`.
  static Result<std::unique_ptr<SqliteCrmStateStore>> Open(const std::string& db_path);

  Result<std::optional<std::string>> Get(int64_t workspace_id, std::string_view crm,
                                         CrmStateKind kind) const override;
  Status Put(int64_t workspace_id, std::string_view crm, CrmStateKind kind, std::string_view body,
             int64_t at) override;

 private:
  SqliteCrmStateStore() = default;
  mutable std::mutex mutex_;  // guards db_
  std::unique_ptr<sqlite::Connection> db_;
};

}  // namespace voronka
