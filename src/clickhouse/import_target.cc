#include "clickhouse/import_target.h"

#include "clickhouse/fact_import.h"
#include "clickhouse/stored_catalog.h"

namespace voronka::clickhouse {

ImportSummary FactsImportTarget::Store(ImportBatch batch) {
  ImportSummary summary;
  if (!batch.ok()) {
    summary.errors = std::move(batch.errors);
    return summary;
  }
  ParsedBatch parsed = TakeParsedBatch(batch);
  WriteResult written = ImportRecords(client_, ws_, parsed);
  summary.errors = NameOrigins(written.errors, batch.origins);
  if (!written.status.ok()) summary.errors.push_back(written.status.message());
  if (summary.ok()) {
    summary.applied = written.applied;
    summary.skipped = written.skipped;
  }
  return summary;
}

Result<std::unique_ptr<Catalog>> FactsImportTarget::Known() {
  Result<StoredCatalog> stored = StoredCatalog::LoadDeals(client_, ws_);
  if (!stored.ok()) return stored.status();
  return std::unique_ptr<Catalog>(
      std::make_unique<StoredCatalog>(std::move(stored).value()));
}

}  // namespace voronka::clickhouse
