// A report request of SPEC §3, parsed and resolved against a workspace's tables.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
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
  kDirection,
  // Filters only (not group keys): the deal's amount, title, creation and close time.
  kAmount,
  kTitle,
  kCreatedAt,
  kClosedAt
};

struct DimensionRef {
  Dimension dimension = Dimension::kResponsible;
  int32_t field = kNone;  // kField: the field-name id (kNone when no deal has it)
  std::string name;       // as written: "responsible", "fields.delivery"
};

// How a filter tests its dimension (docs/api.md, "Filters").
enum class FilterOp : uint8_t {
  kIn,        // the value is one of `values` ("" = none); a plain list means this
  kNotIn,     // none of the values is listed
  kEmpty,     // the value is missing (`empty`) or present (!`empty`)
  kRange,     // a number in [min, max], either bound optional
  kDates,     // a date in [from, to) of the workspace zone, either bound optional
  kContains,  // text containing `contains`, case-insensitively
};

// An exact decimal (a number custom field, an amount bound): units of 10^-9.
using Decimal = __int128;
inline constexpr int kDecimalScale = 9;
// Parses "-12", "1000.5", "1000.00" (at most 9 fractional digits); nullopt when not a number.
std::optional<Decimal> ParseDecimal(std::string_view text);

struct Filter {
  DimensionRef on;
  FilterOp op = FilterOp::kIn;
  std::vector<std::string> values;  // kIn, kNotIn
  bool empty = true;                // kEmpty
  std::optional<Decimal> min, max;  // kRange
  std::optional<LocalDate> from, to;  // kDates
  std::string contains;             // kContains, lowercased
};

// The date that decides which deals or tasks a metric counts in P and in which bucket
// (the request's "date"): created_at, the latest change, the close time, a date custom field,
// or for tasks their deadline or completion.
enum class MembershipDate : uint8_t { kCreated, kModified, kClosed, kField, kDeadline, kCompleted };

struct DateRef {
  MembershipDate date = MembershipDate::kCreated;
  int32_t field = kNone;  // kField: the field-name id (kNone when no deal has it)
  std::string name;       // as written: "created", "fields.contract_date"
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
  DateRef date;                // "date": the membership date of deal_* and task_count
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

// LowercaseText (Latin and Cyrillic letters of UTF-8) is in engine/dictionary.h: titles are
// kept lowercased on apply.

// The name of a dimension as written in requests ("responsible", "fields.delivery").
Result<DimensionRef> ParseDimension(const std::string& name, const Tables& tables);

}  // namespace voronka
