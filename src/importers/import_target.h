// Where a CRM importer's batch goes: the data directory's SQLite store (embedded), or the
// scale-out fact store in ClickHouse (clickhouse/import_target.h). The importers and syncs only
// see this; the command that runs them picks one (cli/import_crm.h).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "importers/import_batch.h"
#include "ingest/catalog.h"

namespace voronka {

class ImportTarget {
 public:
  virtual ~ImportTarget() = default;
  // Stores the batch in the workspace, all of it or nothing, as StoreImportBatch does: a batch
  // with source errors is refused as it is, the store's errors name the records' origins, a
  // record whose event_id was applied before is skipped.
  virtual ImportSummary Store(ImportBatch batch) = 0;
  // The workspace's pipelines and deals so far, for an incremental sync (a deal already known
  // becomes an update); an error when the store cannot be read.
  virtual Result<std::unique_ptr<Catalog>> Known() = 0;
};

// The embedded store's workspace `workspace_id`.
class SqliteImportTarget final : public ImportTarget {
 public:
  SqliteImportTarget(SqliteStore& store, int64_t workspace_id)
      : store_(store), workspace_id_(workspace_id) {}
  ImportSummary Store(ImportBatch batch) override;
  Result<std::unique_ptr<Catalog>> Known() override;

 private:
  SqliteStore& store_;
  int64_t workspace_id_;
};

}  // namespace voronka
