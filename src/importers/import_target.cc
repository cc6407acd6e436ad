#include "importers/import_target.h"

#include "clickhouse/fact_import.h"
#include "clickhouse/stored_catalog.h"

namespace voronka {

ImportSummary SqliteImportTarget::Store(ImportBatch batch) {
  return StoreImportBatch(store_, workspace_id_, std::move(batch));
}

Result<std::unique_ptr<Catalog>> SqliteImportTarget::Known() {
  return std::unique_ptr<Catalog>(
      std::make_unique<SqliteStore::WorkspaceCatalog>(store_.CatalogOf(workspace_id_)));
}

ImportSummary FactsImportTarget::Store(ImportBatch batch) {
  ImportSummary summary;
  if (!batch.ok()) {
    summary.errors = std::move(batch.errors);
    return summary;
  }
  ParsedBatch parsed = TakeParsedBatch(batch);
  clickhouse::WriteResult written = clickhouse::ImportRecords(client_, ws_, parsed);
  summary.errors = NameOrigins(written.errors, batch.origins);
  if (!written.status.ok()) summary.errors.push_back(written.status.message());
  if (summary.ok()) {
    summary.applied = written.applied;
    summary.skipped = written.skipped;
  }
  return summary;
}

Result<std::unique_ptr<Catalog>> FactsImportTarget::Known() {
  Result<clickhouse::StoredCatalog> stored = clickhouse::StoredCatalog::LoadDeals(client_, ws_);
  if (!stored.ok()) return stored.status();
  return std::unique_ptr<Catalog>(
      std::make_unique<clickhouse::StoredCatalog>(std::move(stored).value()));
}

}  // namespace voronka
