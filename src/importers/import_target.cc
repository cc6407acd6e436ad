#include "importers/import_target.h"


namespace voronka {

ImportSummary SqliteImportTarget::Store(ImportBatch batch) {
  return StoreImportBatch(store_, workspace_id_, std::move(batch));
}

Result<std::unique_ptr<Catalog>> SqliteImportTarget::Known() {
  return std::unique_ptr<Catalog>(
      std::make_unique<SqliteStore::WorkspaceCatalog>(store_.CatalogOf(workspace_id_)));
}

}  // namespace voronka
