// goal_progress (SPEC §4 "Plans and forecasts"): each goal whose period overlaps the
// request's, with its actual, target, percent, previous-period actual and run-rate projection.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>

#include "engine/tables.h"
#include "metrics/request.h"
#include "metrics/scan.h"
#include "metrics/visibility.h"
#include "model/status.h"

namespace voronka {

// The goal_progress answer: {"metric", "rows": [{"group": {"goal": id}, "value", "target",
// "percent", "previous", "projection", ...}], "total": null, "labels"}.
Result<nlohmann::json> GoalProgress(const Tables& tables, const ReportRequest& request,
                                    const Visibility& visibility);

// The same answer with each goal's totals taken from `total`: the total of a request (the
// goal's metric and scope over a period, no grouping, no granularity). The scale-out mode
// runs it as SQL.
using GoalTotal = std::function<Result<Cell>(const ReportRequest& request)>;
Result<nlohmann::json> GoalProgress(const Tables& tables, const ReportRequest& request,
                                    const GoalTotal& total);

// The metric of a goal, or null when `name` is not one a goal may have: won_amount, won_count
// or another count or amount metric with one row (not per stage).
const MetricInfo* GoalMetric(const std::string& name);

// "2024-03", "2024-Q1" or "2024" as a period of local dates.
Result<Period> GoalPeriod(const std::string& text);

}  // namespace voronka
