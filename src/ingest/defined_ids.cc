#include "ingest/defined_ids.h"

#include <variant>

namespace voronka {

void DefinedIds::Add(const ParsedBatch& batch) {
  for (const Record& record : batch.records) {
    if (const auto* pipeline = std::get_if<PipelineRecord>(&record.body)) {
      pipelines_.insert(pipeline->id);
      for (const StageDef& stage : pipeline->stages) {
        pipeline_of_stage_.insert_or_assign(stage.id, pipeline->id);
      }
    } else if (const auto* deal = std::get_if<DealRecord>(&record.body)) {
      deals_.insert(deal->id);
    } else if (const auto* task = std::get_if<TaskRecord>(&record.body)) {
      tasks_.insert(task->id);
    }
  }
}

std::optional<std::string_view> DefinedIds::PipelineOfStage(std::string_view stage_id) const {
  auto found = pipeline_of_stage_.find(std::string(stage_id));
  if (found == pipeline_of_stage_.end()) return std::nullopt;
  return found->second;
}

bool DefinedIds::HasPipeline(std::string_view pipeline_id) const {
  return pipelines_.contains(std::string(pipeline_id));
}

bool DefinedIds::HasDeal(std::string_view deal_id) const {
  return deals_.contains(std::string(deal_id));
}

bool DefinedIds::HasTask(std::string_view task_id) const {
  return tasks_.contains(std::string(task_id));
}

}  // namespace voronka
