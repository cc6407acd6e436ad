// What ingest validation needs to know about a workspace's stored facts (ingest/catalog.h),
// read from ClickHouse for one batch: the workspace's pipelines with their stages, and which
// of the deals and tasks the batch refers to exist. Only committed batches count.
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "clickhouse/client.h"
#include "ingest/catalog.h"
#include "ingest/ndjson.h"

namespace voronka::clickhouse {

class StoredCatalog final : public Catalog {
 public:
  // Reads what `batch` needs from `ws`: ids the batch refers to but does not define (nor
  // `also_defined`) are looked up, in bounded IN lists.
  static Result<StoredCatalog> Load(const Client& client, std::string_view ws,
                                    const ParsedBatch& batch, const Catalog& also_defined);
  // Reads the pipelines and every deal id of `ws` (no tasks): what an incremental CRM sync
  // asks of a workspace (importers/import_target.h) before it knows which ids it will meet.
  static Result<StoredCatalog> LoadDeals(const Client& client, std::string_view ws);

  std::optional<std::string_view> PipelineOfStage(std::string_view stage_id) const override;
  bool HasPipeline(std::string_view pipeline_id) const override;
  bool HasDeal(std::string_view deal_id) const override;
  bool HasTask(std::string_view task_id) const override;

 private:
  // Reads the latest committed version of every pipeline of `ws`.
  Status LoadPipelines(const Client& client, std::string_view ws);

  std::unordered_map<std::string, std::string> pipeline_of_stage_;
  std::unordered_set<std::string> pipelines_, deals_, tasks_;
};

// The ids among `ids` that exist in `table`'s column `column` for `ws` (committed rows).
// Asks in chunks of a few thousand ids.
Result<std::unordered_set<std::string>> ExistingIds(const Client& client, std::string_view ws,
                                                    std::string_view table, std::string_view column,
                                                    const std::unordered_set<std::string>& ids);

}  // namespace voronka::clickhouse
