// The ids that records define, as a Catalog: what the later chunks of one big import will add,
// so that a reference to a deal, task, pipeline or stage defined further down the same file is
// not an error (a batch is checked as a whole, wherever in it a definition stands).
#pragma once

#include <string>
#include <unordered_map>
#include <unordered_set>

#include "ingest/catalog.h"
#include "ingest/ndjson.h"

namespace voronka {

class DefinedIds final : public Catalog {
 public:
  // Remembers the pipelines (with their stages), deals and tasks that `batch` defines.
  void Add(const ParsedBatch& batch);

  std::optional<std::string_view> PipelineOfStage(std::string_view stage_id) const override;
  bool HasPipeline(std::string_view pipeline_id) const override;
  bool HasDeal(std::string_view deal_id) const override;
  bool HasTask(std::string_view task_id) const override;

 private:
  std::unordered_map<std::string, std::string> pipeline_of_stage_;
  std::unordered_set<std::string> pipelines_, deals_, tasks_;
};

// Looks in `first`, then in `second`: a pipeline defined in `first` wins over `second`'s.
class EitherCatalog final : public Catalog {
 public:
  EitherCatalog(const Catalog& first, const Catalog& second) : first_(first), second_(second) {}

  std::optional<std::string_view> PipelineOfStage(std::string_view stage_id) const override {
    std::optional<std::string_view> pipeline = first_.PipelineOfStage(stage_id);
    return pipeline ? pipeline : second_.PipelineOfStage(stage_id);
  }
  bool HasPipeline(std::string_view id) const override {
    return first_.HasPipeline(id) || second_.HasPipeline(id);
  }
  bool HasDeal(std::string_view id) const override {
    return first_.HasDeal(id) || second_.HasDeal(id);
  }
  bool HasTask(std::string_view id) const override {
    return first_.HasTask(id) || second_.HasTask(id);
  }

 private:
  const Catalog& first_;
  const Catalog& second_;
};

}  // namespace voronka
