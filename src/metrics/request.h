// A report request of SPEC §3, parsed and resolved against a workspace's tables.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "engine/tables.h"
#include "metrics/catalog.h"
#include "metrics/period.h"
#include "model/status.h"
#include "model/time.h"

namespace voronka {

// A group key or a filter dimension.
enum class Dimension : uint8_t {
  kResponsible,
  kDepartment,
  kPipeline,
  kStage,
  kSource,
  kDealType,
  kCompany,
  kLossReason,
  kEntity,
  kField,
  kKind,
  kDirection
};

struct DimensionRef {
  Dimension dimension = Dimension::kResponsible;
  int32_t field = kNone;  // kField: the field-name id (kNone when no deal has it)
  std::string name;       // as written: "responsible", "fields.delivery"
};

struct Filter {
  DimensionRef on;
  std::vector<std::string> values;
};

// Activity-index weights in half points (weights are multiples of 0.5): one per ActivityKind
// in its order, then a completed task, then a stage change.
inline constexpr size_t kWeightOfTask = 10;
inline constexpr size_t kWeightOfStageChange = 11;
using ActivityWeights = std::array<int64_t, 12>;
// SPEC §4 defaults: call 1, email 1, meeting 3, task completed 1, stage change 1, others 0.5.
inline constexpr ActivityWeights kDefaultActivityWeights = {2, 2, 6, 1, 1, 1, 1, 1, 1, 1, 2, 2};

struct ReportRequest {
  const MetricInfo* metric = nullptr;
  Period period;
  Instant as_of;
  Granularity granularity = Granularity::kNone;
  std::vector<DimensionRef> group_by;
  std::vector<Filter> filters;
  std::string compare;  // "", "previous_period" or "previous_year"
  int32_t forgotten_days = 14;
  ActivityWeights activity_weights = kDefaultActivityWeights;
  bool entity_chosen = false;  // an entity filter or group key was given
  // Drill-down only: the row to expand.
  nlohmann::json drill_group = nlohmann::json::object();
  std::optional<std::string> drill_bucket;
  int64_t offset = 0;
  int64_t limit = 100;
  std::string sort;  // a drill-down item field, "-" in front for descending
};

// Parses a request. `now` is used when there is no as_of; presets are relative to the as_of
// date in the workspace time zone; with no period the month of as_of is used.
Result<ReportRequest> ParseRequest(const nlohmann::json& json, Instant now, const Tables& tables);

// Parses {"call": 1, "meeting": 3, "comment": 0.5, "task": 1, "stage_change": 1, ...} over
// `base`: names are activity kinds, "task" and "stage_change"; weights 0..1000 in steps of 0.5.
Result<ActivityWeights> ParseActivityWeights(const nlohmann::json& json, ActivityWeights base);

// The name of a dimension as written in requests ("responsible", "fields.delivery").
Result<DimensionRef> ParseDimension(const std::string& name, const Tables& tables);

}  // namespace voronka
