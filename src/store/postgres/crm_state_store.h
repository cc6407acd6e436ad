// CrmStateStore over PostgreSQL (table crm_state), shared by the servers of a scale-out setup,
// so that any of them answers a workspace's CRM webhooks.
#pragma once

#include <memory>

#include "store/meta_store.h"
#include "store/postgres/connection.h"

namespace voronka {

// Thread-safe; each call is one statement on a connection of the shared pool.
class PgCrmStateStore final : public CrmStateStore {
 public:
  explicit PgCrmStateStore(std::shared_ptr<postgres::Pool> pool) : pool_(std::move(pool)) {}

  Result<std::optional<std::string>> Get(int64_t workspace_id, std::string_view crm,
                                         CrmStateKind kind) const override;
  Status Put(int64_t workspace_id, std::string_view crm, CrmStateKind kind, std::string_view body,
             int64_t at) override;

 private:
  std::shared_ptr<postgres::Pool> pool_;
};

}  // namespace voronka
