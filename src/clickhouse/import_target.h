// A CRM importer's batches into the scale-out fact store (importers/import_target.h), through
// the same atomic, idempotent writer as `voronka import --facts` (fact_import.h).
#pragma once

#include <memory>
#include <string>

#include "clickhouse/client.h"
#include "importers/import_target.h"

namespace voronka::clickhouse {

// The fact store's workspace named `ws` (its key in ClickHouse). Written in chunks under one
// batch id and committed once, so a failed batch leaves nothing visible.
class FactsImportTarget final : public ImportTarget {
 public:
  FactsImportTarget(Client client, std::string ws)
      : client_(std::move(client)), ws_(std::move(ws)) {}
  ImportSummary Store(ImportBatch batch) override;
  Result<std::unique_ptr<Catalog>> Known() override;

 private:
  Client client_;
  std::string ws_;
};

}  // namespace voronka::clickhouse
