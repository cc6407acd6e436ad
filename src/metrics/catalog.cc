#include "metrics/catalog.h"

#include <utility>

namespace voronka {

namespace {

using F = MetricFamily;
using K = ValueKind;
using R = StageRows;
using I = ItemKind;

}  // namespace

const std::vector<MetricInfo>& AllMetrics() {
  static const std::vector<MetricInfo> kMetrics = {
      {MetricId::kCreatedCount, "created_count", K::kCount, F::kOutcome, R::kNone, I::kDeal,
       kDateCreated},
      {MetricId::kWonCount, "won_count", K::kCount, F::kOutcome, R::kNone, I::kDeal,
       kDateClosed},
      {MetricId::kWonAmount, "won_amount", K::kMoney, F::kOutcome, R::kNone, I::kDeal,
       kDateClosed},
      {MetricId::kLostCount, "lost_count", K::kCount, F::kOutcome, R::kNone, I::kDeal,
       kDateClosed},
      {MetricId::kLostAmount, "lost_amount", K::kMoney, F::kOutcome, R::kNone, I::kDeal,
       kDateClosed},
      {MetricId::kAvgCheck, "avg_check", K::kMoneyMean, F::kOutcome, R::kNone, I::kDeal,
       kDateClosed},
      {MetricId::kAvgCycleDays, "avg_cycle_days", K::kDaysMean, F::kOutcome, R::kNone, I::kDeal,
       kDateClosed},
      {MetricId::kConversionRate, "conversion_rate", K::kRatio, F::kOutcome, R::kNone, I::kDeal},
      {MetricId::kCohortWinRate, "cohort_win_rate", K::kRatio, F::kOutcome, R::kNone, I::kDeal,
       kDateCreated},
      {MetricId::kLostShare, "lost_share", K::kRatio, F::kOutcome, R::kNone, I::kDeal,
       kDateClosed},
      {MetricId::kRepeatWonCount, "repeat_won_count", K::kCount, F::kOutcome, R::kNone, I::kDeal,
       kDateClosed},
      {MetricId::kNewWonCount, "new_won_count", K::kCount, F::kOutcome, R::kNone, I::kDeal,
       kDateClosed},
      {MetricId::kRepeatShare, "repeat_share", K::kRatio, F::kOutcome, R::kNone, I::kDeal,
       kDateClosed},
      {MetricId::kNewClientCount, "new_client_count", K::kCount, F::kOutcome, R::kNone, I::kDeal},
      {MetricId::kInWorkCount, "in_work_count", K::kCount, F::kState, R::kNone, I::kDeal},
      {MetricId::kInWorkAmount, "in_work_amount", K::kMoney, F::kState, R::kNone, I::kDeal},
      {MetricId::kStageCount, "stage_count", K::kCount, F::kState, R::kOpen, I::kDeal},
      {MetricId::kStageAmount, "stage_amount", K::kMoney, F::kState, R::kOpen, I::kDeal},
      {MetricId::kStageAgeDays, "stage_age_days", K::kDaysMean, F::kState, R::kOpen, I::kDeal},
      {MetricId::kForgottenCount, "forgotten_count", K::kCount, F::kState, R::kNone, I::kDeal},
      {MetricId::kForgottenAmount, "forgotten_amount", K::kMoney, F::kState, R::kNone, I::kDeal},
      {MetricId::kNoTaskCount, "no_task_count", K::kCount, F::kState, R::kNone, I::kDeal},
      {MetricId::kOverdueTasks, "overdue_tasks", K::kCount, F::kState, R::kNone, I::kTask},
      {MetricId::kLoad, "load", K::kCount, F::kState, R::kNone, I::kDeal},
      {MetricId::kForecast, "forecast", K::kForecast, F::kState, R::kNone, I::kDeal},
      {MetricId::kFunnel, "funnel", K::kCount, F::kMovement, R::kOpenThenWon, I::kDeal},
      {MetricId::kFunnelConversion, "funnel_conversion", K::kRatio, F::kMovement, R::kOpenThenWon,
       I::kDeal},
      {MetricId::kStageMovement, "stage_movement", K::kCount, F::kMovement, R::kPositions,
       I::kStageChange},
      {MetricId::kLostFromStage, "lost_from_stage", K::kCount, F::kMovement, R::kOpen,
       I::kStageChange},
      {MetricId::kStageTimeDays, "stage_time_days", K::kDaysMean, F::kMovement, R::kOpen, I::kDeal},
      {MetricId::kStageConversion, "stage_conversion", K::kRatio, F::kMovement, R::kOpen, I::kDeal},
      {MetricId::kActivityCount, "activity_count", K::kCount, F::kActivity, R::kNone, I::kActivity},
      {MetricId::kActivityIndex, "activity_index", K::kHalfPoints, F::kActivity, R::kNone,
       I::kActivity},
      {MetricId::kResponseTime, "response_time", K::kMinutesMean, F::kActivity, R::kNone,
       I::kActivity},
      {MetricId::kNps, "nps", K::kPercentScore, F::kActivity, R::kNone, I::kActivity},
      {MetricId::kGoalProgress, "goal_progress", K::kGoals, F::kGoal, R::kNone, I::kDeal},
      {MetricId::kDealCount, "deal_count", K::kCount, F::kMembership, R::kNone, I::kDeal,
       kDateCreated | kDateModified | kDateClosed | kDateField},
      {MetricId::kDealAmount, "deal_amount", K::kMoney, F::kMembership, R::kNone, I::kDeal,
       kDateCreated | kDateModified | kDateClosed | kDateField},
      {MetricId::kDealAvgAmount, "deal_avg_amount", K::kMoneyMean, F::kMembership, R::kNone,
       I::kDeal, kDateCreated | kDateModified | kDateClosed | kDateField},
      {MetricId::kTaskCount, "task_count", K::kCount, F::kMembership, R::kNone, I::kTask,
       kDateCreated | kDateDeadline | kDateCompleted},
  };
  return kMetrics;
}

const MetricInfo* FindMetric(std::string_view name) {
  for (const MetricInfo& metric : AllMetrics()) {
    if (metric.name == name) return &metric;
  }
  return nullptr;
}

std::string_view ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kCount:
      return "count";
    case ValueKind::kMoney:
      return "money";
    case ValueKind::kRatio:
      return "ratio";
    case ValueKind::kMoneyMean:
      return "money_mean";
    case ValueKind::kDaysMean:
      return "days";
    case ValueKind::kMinutesMean:
      return "minutes";
    case ValueKind::kHalfPoints:
      return "points";
    case ValueKind::kPercentScore:
      return "percent";
    case ValueKind::kForecast:
      return "forecast";
    case ValueKind::kGoals:
      return "goals";
  }
  return "count";
}

std::vector<std::string_view> MetricObjects(const MetricInfo& metric) {
  if (metric.items == ItemKind::kTask) return {"tasks"};
  if (metric.family == MetricFamily::kActivity) return {"activities"};
  // Deal metrics answer for leads too: a lead is a deal with entity "lead".
  return {"deals", "leads"};
}

std::vector<std::string_view> MetricDateNames(const MetricInfo& metric) {
  static const std::pair<uint8_t, std::string_view> kNames[] = {
      {kDateCreated, "created"},       {kDateModified, "modified"},
      {kDateClosed, "closed"},         {kDateField, "fields.<name>"},
      {kDateDeadline, "deadline"},     {kDateCompleted, "completed"}};
  std::vector<std::string_view> names;
  for (const auto& [bit, name] : kNames) {
    if (metric.dates & bit) names.push_back(name);
  }
  return names;
}

}  // namespace voronka
