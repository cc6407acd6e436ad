// A report request of SPEC §3, parsed and resolved against a workspace's tables.
#pragma once

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

struct ReportRequest {
  const MetricInfo* metric = nullptr;
  Period period;
  Instant as_of;
  Granularity granularity = Granularity::kNone;
  std::vector<DimensionRef> group_by;
  std::vector<Filter> filters;
  std::string compare;  // "", "previous_period" or "previous_year"
  int32_t forgotten_days = 14;
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

// The name of a dimension as written in requests ("responsible", "fields.delivery").
Result<DimensionRef> ParseDimension(const std::string& name, const Tables& tables);

}  // namespace voronka
