#include "store/meta_store.h"

#include "store/postgres/account_store.h"
#include "store/postgres/crm_state_store.h"
#include "store/postgres/saved_report_store.h"
#include "store/postgres/schema.h"
#include "store/postgres/workspace_store.h"
#include "store/sqlite/account_store.h"
#include "store/sqlite/crm_state_store.h"
#include "store/sqlite/saved_report_store.h"

namespace voronka {

std::string_view CrmStateKindName(CrmStateKind kind) {
  return kind == CrmStateKind::kHookCredentials ? "hook_credentials" : "sync_marks";
}

Result<MetaStore> OpenMetaStore(std::string_view meta_uri, const std::string& sqlite_path) {
  MetaStore meta;
  if (!meta_uri.empty()) {
    if (meta_uri.rfind("postgresql://", 0) != 0 && meta_uri.rfind("postgres://", 0) != 0) {
      return Status::Error("--meta: '" + std::string(meta_uri) +
                           "' is not a postgresql://USER@HOST:PORT/DB address");
    }
    auto pool = postgres::OpenMetaDatabase(std::string(meta_uri));
    if (!pool.ok()) return pool.status();
    meta.accounts = std::make_unique<PgAccountStore>(pool.value());
    meta.saved_reports = std::make_unique<PgSavedReportStore>(pool.value());
    meta.workspaces = std::make_unique<PgWorkspaceStore>(pool.value());
    meta.crm_state = std::make_unique<PgCrmStateStore>(pool.value());
    return meta;
  }
  auto accounts = SqliteAccountStore::Open(sqlite_path);
  if (!accounts.ok()) return accounts.status();
  auto saved_reports = SqliteSavedReportStore::Open(sqlite_path);
  if (!saved_reports.ok()) return saved_reports.status();
  auto crm_state = SqliteCrmStateStore::Open(sqlite_path);
  if (!crm_state.ok()) return crm_state.status();
  meta.accounts = std::move(accounts).value();
  meta.saved_reports = std::move(saved_reports).value();
  meta.crm_state = std::move(crm_state).value();
  return meta;
}

}  // namespace voronka
