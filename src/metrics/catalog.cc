#include "metrics/catalog.h"

namespace voronka {

namespace {

using F = MetricFamily;
using K = ValueKind;
using R = StageRows;
using I = ItemKind;

}  // namespace

const std::vector<MetricInfo>& AllMetrics() {
  static const std::vector<MetricInfo> kMetrics = {
      {MetricId::kCreatedCount, "created_count", K::kCount, F::kOutcome, R::kNone, I::kDeal},
      {MetricId::kWonCount, "won_count", K::kCount, F::kOutcome, R::kNone, I::kDeal},
      {MetricId::kWonAmount, "won_amount", K::kMoney, F::kOutcome, R::kNone, I::kDeal},
      {MetricId::kLostCount, "lost_count", K::kCount, F::kOutcome, R::kNone, I::kDeal},
      {MetricId::kLostAmount, "lost_amount", K::kMoney, F::kOutcome, R::kNone, I::kDeal},
      {MetricId::kAvgCheck, "avg_check", K::kMoneyMean, F::kOutcome, R::kNone, I::kDeal},
      {MetricId::kAvgCycleDays, "avg_cycle_days", K::kDaysMean, F::kOutcome, R::kNone, I::kDeal},
      {MetricId::kConversionRate, "conversion_rate", K::kRatio, F::kOutcome, R::kNone, I::kDeal},
      {MetricId::kCohortWinRate, "cohort_win_rate", K::kRatio, F::kOutcome, R::kNone, I::kDeal},
      {MetricId::kLostShare, "lost_share", K::kRatio, F::kOutcome, R::kNone, I::kDeal},
      {MetricId::kRepeatWonCount, "repeat_won_count", K::kCount, F::kOutcome, R::kNone, I::kDeal},
      {MetricId::kNewWonCount, "new_won_count", K::kCount, F::kOutcome, R::kNone, I::kDeal},
      {MetricId::kRepeatShare, "repeat_share", K::kRatio, F::kOutcome, R::kNone, I::kDeal},
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
  };
  return kMetrics;
}

const MetricInfo* FindMetric(std::string_view name) {
  for (const MetricInfo& metric : AllMetrics()) {
    if (metric.name == name) return &metric;
  }
  return nullptr;
}

}  // namespace voronka
