// The metric catalogue: every metric of SPEC §4 with how its value is printed and which
// scan computes it. One definition per metric; reports, drill-down and goals all use it.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace voronka {

// How a metric's cells become numbers (SPEC §3 formats).
enum class ValueKind : uint8_t {
  kCount,         // integer: a
  kMoney,         // "123.00": a minor units
  kRatio,         // a / b, 4 decimals, null for 0/0
  kMoneyMean,     // a / b minor units, "123.00", null for 0/0
  kDaysMean,      // x / b days, 2 decimals, null when b = 0
  kMinutesMean,   // x / b minutes, 2 decimals, with the median beside it
  kHalfPoints,    // a / 2, 2 decimals (activity index weights are multiples of 0.5)
  kPercentScore,  // 100 a / b, 2 decimals, null for 0/0 (NPS)
  kForecast,      // a amount and b weighted amount, both money
  kGoals,         // goal_progress rows (built by their own code)
};

// kMembership: the report builder's counts, by the membership date the request chooses.
enum class MetricFamily : uint8_t { kOutcome, kState, kMovement, kActivity, kGoal, kMembership };

enum class MetricId : uint8_t {
  kCreatedCount,
  kWonCount,
  kWonAmount,
  kLostCount,
  kLostAmount,
  kAvgCheck,
  kAvgCycleDays,
  kConversionRate,
  kCohortWinRate,
  kLostShare,
  kRepeatWonCount,
  kNewWonCount,
  kRepeatShare,
  kNewClientCount,
  kInWorkCount,
  kInWorkAmount,
  kStageCount,
  kStageAmount,
  kStageAgeDays,
  kForgottenCount,
  kForgottenAmount,
  kNoTaskCount,
  kOverdueTasks,
  kLoad,
  kForecast,
  kFunnel,
  kFunnelConversion,
  kStageMovement,
  kLostFromStage,
  kStageTimeDays,
  kStageConversion,
  kActivityCount,
  kActivityIndex,
  kResponseTime,
  kNps,
  kGoalProgress,
  kDealCount,
  kDealAmount,
  kDealAvgAmount,
  kTaskCount
};

// Which rows a per-stage metric has.
enum class StageRows : uint8_t { kNone, kOpen, kOpenThenWon, kPositions };

// What a drill-down lists.
enum class ItemKind : uint8_t { kDeal, kActivity, kTask, kStageChange };

struct MetricInfo {
  MetricId id;
  std::string_view name;
  ValueKind kind;
  MetricFamily family;
  StageRows stage_rows;
  ItemKind items;  // the main kind of item behind the number
  // The membership dates a request's "date" may name (bits of MembershipDate in request.h:
  // created 1, modified 2, closed 4, fields.<name> 8, deadline 16, completed 32), the first
  // set bit being the default; 0: the metric takes no "date".
  uint8_t dates = 0;
};

inline constexpr uint8_t kDateCreated = 1, kDateModified = 2, kDateClosed = 4, kDateField = 8,
                         kDateDeadline = 16, kDateCompleted = 32;

// "count", "money", "ratio", "money_mean", "days", "minutes", "points", "percent",
// "forecast", "goals": how the UI formats the value.
std::string_view ValueKindName(ValueKind kind);
// The builder's objects a metric applies to: "deals", "leads", "activities", "tasks".
std::vector<std::string_view> MetricObjects(const MetricInfo& metric);
// The names of the dates the metric's "date" may take ("created", "modified", "closed",
// "fields.<name>", "deadline", "completed"), the default first; empty when it takes none.
std::vector<std::string_view> MetricDateNames(const MetricInfo& metric);

// The metric of that name, or null.
const MetricInfo* FindMetric(std::string_view name);
// Every metric, in catalogue order.
const std::vector<MetricInfo>& AllMetrics();

}  // namespace voronka
