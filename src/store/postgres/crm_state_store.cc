#include "store/postgres/crm_state_store.h"

namespace voronka {

namespace {

using postgres::Rows;
using postgres::Sql;

constexpr Sql kGet{"crm_state",
                   "SELECT body FROM crm_state WHERE workspace_id = $1 AND crm = $2 AND kind = $3"};
constexpr Sql kPut{"crm_state_put",
                   "INSERT INTO crm_state (workspace_id, crm, kind, body, updated_at) "
                   "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (workspace_id, crm, kind) DO UPDATE "
                   "SET body = excluded.body, updated_at = excluded.updated_at"};

}  // namespace

Result<std::optional<std::string>> PgCrmStateStore::Get(int64_t workspace_id, std::string_view crm,
                                                        CrmStateKind kind) const {
  Result<Rows> rows =
      pool_->Run(kGet, {workspace_id, crm, CrmStateKindName(kind)}, "crm state", true);
  if (!rows.ok()) return rows.status();
  if (rows->size() == 0) return std::optional<std::string>();
  return std::optional<std::string>(rows->Text(0, 0));
}

Status PgCrmStateStore::Put(int64_t workspace_id, std::string_view crm, CrmStateKind kind,
                            std::string_view body, int64_t at) {
  Result<Rows> put =
      pool_->Run(kPut, {workspace_id, crm, CrmStateKindName(kind), body, at}, "crm state", true);
  return put.ok() ? Status::Ok() : put.status();
}

}  // namespace voronka
