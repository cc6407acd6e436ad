#include "store/meta_store.h"

#include "store/postgres/account_store.h"
#include "store/postgres/saved_report_store.h"
#include "store/postgres/schema.h"
#include "store/postgres/workspace_store.h"
#include "store/sqlite/account_store.h"
#include "store/sqlite/saved_report_store.h"

namespace voronka {

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
    return meta;
  }
  auto accounts = SqliteAccountStore::Open(sqlite_path);
  if (!accounts.ok()) return accounts.status();
  auto saved_reports = SqliteSavedReportStore::Open(sqlite_path);
  if (!saved_reports.ok()) return saved_reports.status();
  meta.accounts = std::move(accounts).value();
  meta.saved_reports = std::move(saved_reports).value();
  return meta;
}

}  // namespace voronka
