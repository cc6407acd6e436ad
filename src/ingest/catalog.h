// What ingest validation needs to know about data already stored in a workspace.
// The store implements it; validation never writes through it.
#pragma once

#include <optional>
#include <string_view>

namespace voronka {

class Catalog {
 public:
  virtual ~Catalog() = default;
  // The pipeline a stored stage belongs to, or none when the stage is unknown.
  virtual std::optional<std::string_view> PipelineOfStage(std::string_view stage_id) const = 0;
  virtual bool HasPipeline(std::string_view pipeline_id) const = 0;
  virtual bool HasDeal(std::string_view deal_id) const = 0;
  virtual bool HasTask(std::string_view task_id) const = 0;
};

// A catalog with nothing stored: validation of a batch on its own.
class EmptyCatalog final : public Catalog {
 public:
  std::optional<std::string_view> PipelineOfStage(std::string_view) const override {
    return std::nullopt;
  }
  bool HasPipeline(std::string_view) const override { return false; }
  bool HasDeal(std::string_view) const override { return false; }
  bool HasTask(std::string_view) const override { return false; }
};

}  // namespace voronka
