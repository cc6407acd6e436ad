#include "metrics/goals.h"

#include <algorithm>

#include "metrics/format.h"
#include "metrics/scans.h"

namespace voronka {

namespace {

using nlohmann::json;

// `request` over `period` with no grouping and no granularity: its total.
ReportRequest TotalRequest(ReportRequest request, const Period& period) {
  request.period = period;
  request.granularity = Granularity::kNone;
  request.group_by.clear();
  return request;
}

// The total of a TotalRequest.
Result<Cell> Total(const Tables& tables, const ReportRequest& request,
                   const Visibility& visibility) {
  Result<ScanContext> context = ScanContext::Make(tables, request, visibility);
  if (!context.ok()) return context.status();
  Buckets buckets(request.period, Granularity::kNone, tables.settings.time_zone);
  context->buckets = &buckets;
  Collector collector(context.value());
  RunScan(context.value(), collector);
  return collector.total();
}

}  // namespace

Result<Period> GoalPeriod(const std::string& text) {
  auto bad = [&] {
    return Status::Error("goal period '" + text + "' is not YYYY-MM, YYYY-Qn or YYYY");
  };
  if (text.size() < 4) return bad();
  for (int i = 0; i < 4; ++i) {
    if (text[static_cast<size_t>(i)] < '0' || text[static_cast<size_t>(i)] > '9') return bad();
  }
  int32_t year = std::stoi(text.substr(0, 4));
  LocalDate start = DateFromCivil({year, 1, 1});
  if (text.size() == 4) return Period{start, AddMonths(start, 12)};
  if (text.size() == 7 && text[4] == '-' && text[5] == 'Q' && text[6] >= '1' && text[6] <= '4') {
    LocalDate from = AddMonths(start, (text[6] - '1') * 3);
    return Period{from, AddMonths(from, 3)};
  }
  Result<LocalDate> month = ParseDate(text + "-01");
  if (text.size() == 7 && month.ok()) return Period{month.value(), AddMonths(month.value(), 1)};
  return bad();
}

const MetricInfo* GoalMetric(const std::string& name) {
  const MetricInfo* metric = FindMetric(name);
  if (metric == nullptr || metric->stage_rows != StageRows::kNone ||
      (metric->kind != ValueKind::kCount && metric->kind != ValueKind::kMoney)) {
    return nullptr;
  }
  return metric;
}

Result<json> GoalProgress(const Tables& tables, const ReportRequest& request,
                          const Visibility& visibility) {
  return GoalProgress(tables, request,
                      [&](const ReportRequest& total) { return Total(tables, total, visibility); });
}

Result<json> GoalProgress(const Tables& tables, const ReportRequest& request,
                          const GoalTotal& total) {
  json rows = json::array();
  json labels = json::object();
  const TimeZone& zone = tables.settings.time_zone;
  std::vector<size_t> order(tables.goals.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return tables.goals[a].id < tables.goals[b].id; });
  for (size_t index : order) {
    const GoalRecord& goal = tables.goals[index];
    if (goal.deleted) continue;
    Result<Period> period = GoalPeriod(goal.period);
    if (!period.ok()) continue;
    if (!(period->from < request.period.to && request.period.from < period->to)) continue;
    const MetricInfo* metric = GoalMetric(goal.metric);
    if (metric == nullptr) continue;
    ReportRequest sub = request;
    sub.metric = metric;
    if (goal.scope != GoalScope::kWorkspace) {
      DimensionRef on{
          goal.scope == GoalScope::kUser ? Dimension::kResponsible : Dimension::kDepartment, kNone,
          goal.scope == GoalScope::kUser ? "responsible" : "department"};
      Filter scope;
      scope.on = on;
      scope.values = {goal.scope_id.value_or("")};
      sub.filters.push_back(std::move(scope));
    }
    Result<Cell> actual = total(TotalRequest(sub, period.value()));
    if (!actual.ok()) return actual.status();
    Result<Period> previous_period = ComparedPeriod(period.value(), "previous_period");
    Result<Cell> previous = total(TotalRequest(sub, previous_period.value()));
    if (!previous.ok()) return previous.status();

    // Run rate: the actual so far stretched over the whole goal period.
    int64_t start = zone.StartOf(period->from).micros;
    int64_t end = zone.StartOf(period->to).micros;
    int64_t as_of = request.as_of.micros;
    json projection = nullptr;
    if (as_of >= end) {
      projection = FormatValue(actual.value(), metric->kind);
    } else if (as_of > start) {
      Cell projected;
      projected.a =
          static_cast<int64_t>(static_cast<__int128>(actual->a) * (end - start) / (as_of - start));
      projection = FormatValue(projected, metric->kind);
    }
    Cell target;
    target.a = goal.target;
    json row = {{"group", {{"goal", goal.id}}},
                {"metric", goal.metric},
                {"scope", GoalScopeName(goal.scope)},
                {"scope_id", goal.scope_id ? json(*goal.scope_id) : json(nullptr)},
                {"period", goal.period},
                {"value", FormatValue(actual.value(), metric->kind)},
                {"target", FormatValue(target, metric->kind)},
                {"percent", goal.target == 0 ? json(nullptr)
                                             : json(RoundTo(100.0 * static_cast<double>(actual->a) /
                                                                static_cast<double>(goal.target),
                                                            2))},
                {"previous", FormatValue(previous.value(), metric->kind)},
                {"projection", projection}};
    rows.push_back(std::move(row));
    labels["goal"][goal.id] = goal.metric + " " + goal.scope_id.value_or("") + " " + goal.period;
  }
  return json{{"metric", "goal_progress"}, {"rows", rows}, {"total", nullptr}, {"labels", labels}};
}

}  // namespace voronka
