// RunReport: parse, scan the period (and the compared one), then print rows in a stable order
// with every bucket filled, the total and the labels.
#include "metrics/report.h"

#include <algorithm>
#include <map>
#include <set>

#include "metrics/format.h"
#include "metrics/goals.h"
#include "metrics/scans.h"
#include "model/money.h"

namespace voronka {

namespace {

using nlohmann::json;

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

// Row keys in answer order: stage row first (stage order), then each key's text.
std::vector<GroupKey> OrderedKeys(const ScanContext& c, const Collector& main,
                                  const Collector* compared) {
  std::set<GroupKey> keys;
  std::set<GroupKey> groups;  // the keys without their stage row
  auto take = [&](const Collector& collector) {
    for (const Collector::GroupRow& row : collector.rows()) {
      const GroupKey& key = row.key;
      keys.insert(key);
      GroupKey group = key;
      group[0] = kNone;
      groups.insert(group);
    }
  };
  take(main);
  if (compared != nullptr) take(*compared);
  if (c.request->group_by.empty()) {
    GroupKey none;
    none.fill(kNone);
    groups.insert(none);
    if (c.row_stage.empty()) keys.insert(none);
  }
  // Per-stage metrics answer one row per stage for every group seen.
  for (GroupKey group : groups) {
    for (size_t r = 0; r < c.row_stage.size(); ++r) {
      group[0] = static_cast<int32_t>(r);
      keys.insert(group);
    }
  }
  std::vector<GroupKey> ordered(keys.begin(), keys.end());
  const auto& group_by = c.request->group_by;
  auto text_of = [&](const GroupKey& key, size_t k) {
    return DimensionValueText(*c.tables, group_by[k], key[k + 1]);
  };
  std::stable_sort(ordered.begin(), ordered.end(), [&](const GroupKey& x, const GroupKey& y) {
    if (x[0] != y[0]) return x[0] < y[0];
    for (size_t k = 0; k < group_by.size(); ++k) {
      std::string a = text_of(x, k), b = text_of(y, k);
      if (a != b) return a < b;
    }
    return false;
  });
  return ordered;
}

// The extra members a row carries for some metrics (median, weighted amount, capacity).
void AddExtras(const ScanContext& c, const Cell& cell, const GroupKey& key, json& row) {
  switch (c.metric->kind) {
    case ValueKind::kMinutesMean:
      row["median"] = Median(cell);
      break;
    case ValueKind::kForecast:
      row["weighted"] = FormatMoney(cell.b);
      break;
    default:
      break;
  }
  if (c.metric->id == MetricId::kLoad) {
    const auto& group_by = c.request->group_by;
    for (size_t k = 0; k < group_by.size(); ++k) {
      if (group_by[k].dimension != Dimension::kResponsible) continue;
      int32_t user = key[k + 1];
      int32_t capacity = user == kNone ? kNone : c.tables->users.capacity[Row(user)];
      row["capacity"] = capacity == kNone ? json(nullptr) : json(capacity);
      row["load"] =
          capacity <= 0 ? json(nullptr) : json(RoundTo(static_cast<double>(cell.a) / capacity, 4));
    }
  }
}

json PeriodJson(const Period& period) {
  return {{"from", FormatDate(period.from)}, {"to", FormatDate(period.to)}};
}

}  // namespace

Result<json> RunReport(const Engine& engine, const json& body, Instant now,
                       const Visibility& visibility, ScanStats* stats) {
  return RunReport(engine.Read(), body, now, visibility, stats);
}

Result<json> RunReport(const Engine::ReadView& view, const json& body, Instant now,
                       const Visibility& visibility, ScanStats* stats) {
  const Tables& tables = view.tables();
  Result<ReportRequest> parsed = ParseRequest(body, now, tables);
  if (!parsed.ok()) return parsed.status();
  ReportRequest& request = parsed.value();
  if (request.metric->id == MetricId::kLoad && request.group_by.empty()) {
    request.group_by.push_back(DimensionRef{Dimension::kResponsible, kNone, "responsible"});
  }
  if (request.metric->family == MetricFamily::kGoal) {
    Result<json> goals = GoalProgress(tables, request, visibility);
    if (goals.ok()) {
      goals.value()["period"] = PeriodJson(request.period);
      goals.value()["as_of"] = FormatInstant(request.as_of);
    }
    return goals;
  }
  Result<ScanContext> made = ScanContext::Make(tables, request, visibility);
  if (!made.ok()) return made.status();
  ScanContext& c = made.value();
  const TimeZone& zone = tables.settings.time_zone;

  Buckets buckets(request.period, request.granularity, zone);
  c.buckets = &buckets;
  Collector main(c);
  RunScan(c, main);

  std::optional<Period> compared_period;
  Buckets compared_buckets;
  std::optional<Collector> compared;
  if (!request.compare.empty()) {
    compared_period = ComparedPeriod(request.period, request.compare).value();
    compared_buckets = Buckets(*compared_period, request.granularity, zone);
    c.buckets = &compared_buckets;
    compared.emplace(c);
    RunScan(c, *compared);
    c.buckets = &buckets;
  }

  const auto& group_by = request.group_by;
  ValueKind kind = c.metric->kind;
  json rows = json::array();
  std::map<std::string, std::map<std::string, std::string>> labels;
  static const Cell kEmpty;
  for (const GroupKey& key : OrderedKeys(c, main, compared ? &*compared : nullptr)) {
    json group = json::object();
    if (key[0] != kNone) {
      int32_t stage = c.row_stage[Row(key[0])];
      group["stage"] = tables.stages.ids.Text(stage);
      labels["stage"][std::string(tables.stages.ids.Text(stage))] = tables.stages.name[Row(stage)];
    }
    for (size_t k = 0; k < group_by.size(); ++k) {
      std::string text = DimensionValueText(tables, group_by[k], key[k + 1]);
      labels[group_by[k].name][text] = DimensionValueLabel(tables, group_by[k], key[k + 1]);
      group[group_by[k].name] = std::move(text);
    }
    const std::vector<Cell>* cells = main.Find(key);
    const std::vector<Cell>* compared_cells = compared ? compared->Find(key) : nullptr;
    for (int32_t b = 0; b < buckets.count(); ++b) {
      const Cell& cell = cells ? (*cells)[Row(b)] : kEmpty;
      json row = {{"group", group}};
      if (request.granularity != Granularity::kNone) row["bucket"] = buckets.Label(b);
      row["value"] = FormatValue(cell, kind);
      AddExtras(c, cell, key, row);
      if (compared) {
        const Cell& other =
            compared_cells && b < compared_buckets.count() ? (*compared_cells)[Row(b)] : kEmpty;
        row["compare"] = b < compared_buckets.count() ? FormatValue(other, kind) : json(nullptr);
      }
      rows.push_back(std::move(row));
    }
  }

  if (stats != nullptr) stats->bytes_scanned = c.scanned_bytes;
  json answer = {{"metric", c.metric->name},
                 {"period", PeriodJson(request.period)},
                 {"as_of", FormatInstant(request.as_of)},
                 {"rows", std::move(rows)},
                 {"total", FormatValue(main.total(), kind)},
                 {"labels", labels}};
  if (kind == ValueKind::kForecast) answer["total_weighted"] = FormatMoney(main.total().b);
  if (kind == ValueKind::kMinutesMean) answer["total_median"] = Median(main.total());
  if (c.pipeline != kNone) answer["pipeline"] = tables.pipelines.ids.Text(c.pipeline);
  if (compared) {
    answer["compare_period"] = PeriodJson(*compared_period);
    answer["total_compare"] = FormatValue(compared->total(), kind);
  }
  return answer;
}

}  // namespace voronka
