// RunReport: parse, scan the period (and the compared one), then print the cells (answer.h).
#include "metrics/report.h"

#include "metrics/answer.h"
#include "metrics/goals.h"
#include "metrics/scans.h"

namespace voronka {

namespace {

using nlohmann::json;

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

// A collector's rows keyed by their texts, for the printer.
AnswerCells CellsOf(const ScanContext& c, const Collector& collector) {
  AnswerCells out;
  const auto& group_by = c.request->group_by;
  for (const Collector::GroupRow& row : collector.rows()) {
    AnswerKey key;
    key.stage_row = row.key[0];
    for (size_t k = 0; k < group_by.size(); ++k) {
      key.keys.push_back(DimensionValueText(*c.tables, group_by[k], row.key[k + 1]));
    }
    out.rows.emplace(std::move(key), row.cells);
  }
  out.total = collector.total();
  return out;
}

}  // namespace

Result<json> RunReport(const Engine& engine, const json& body, Instant now,
                       const Visibility& visibility, ScanStats* stats) {
  return RunReport(engine.Read(), body, now, visibility, stats);
}

Result<json> RunReport(const Engine::ReadView& view, const json& body, Instant now,
                       const Visibility& visibility, ScanStats* stats) {
  return ParsedAnswer(RunReportText(view, body, now, visibility, stats));
}

Result<json> ParsedAnswer(Result<std::string> text) {
  if (!text.ok()) return text.status();
  return json::parse(text.value());
}

Result<std::string> RunReportText(const Engine::ReadView& view, const json& body, Instant now,
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
    if (!goals.ok()) return goals.status();
    return PrintGoalAnswer(std::move(goals).value(), request);
  }
  Result<ScanContext> made = ScanContext::Make(tables, request, visibility);
  if (!made.ok()) return made.status();
  ScanContext& c = made.value();
  const TimeZone& zone = tables.settings.time_zone;

  Buckets buckets(request.period, request.granularity, zone);
  c.buckets = &buckets;
  Collector main(c);
  RunScan(c, main);
  AnswerCells main_cells = CellsOf(c, main);

  AnswerSource source;
  source.request = &request;
  for (int32_t stage : c.row_stage) {
    source.stage_rows.emplace_back(tables.stages.ids.Text(stage), tables.stages.name[Row(stage)]);
  }
  source.main = &main_cells;
  source.buckets = &buckets;
  Buckets compared_buckets;
  AnswerCells compared_cells;
  if (!request.compare.empty()) {
    source.compared_period = ComparedPeriod(request.period, request.compare).value();
    compared_buckets = Buckets(*source.compared_period, request.granularity, zone);
    c.buckets = &compared_buckets;
    Collector compared(c);
    RunScan(c, compared);
    c.buckets = &buckets;
    compared_cells = CellsOf(c, compared);
    source.compared = &compared_cells;
    source.compared_buckets = &compared_buckets;
  }
  source.label = [&](size_t k, const std::string& text) {
    const DimensionRef& dimension = request.group_by[k];
    return DimensionValueLabel(tables, dimension, DimensionValueId(tables, dimension, text));
  };
  source.capacity = [&](const std::string& user) {
    int32_t u = tables.users.ids.Find(user);
    return u == kNone ? kNone : tables.users.capacity[Row(u)];
  };
  if (c.pipeline != kNone) source.pipeline = tables.pipelines.ids.Text(c.pipeline);

  if (stats != nullptr) stats->bytes_scanned = c.scanned_bytes;
  return PrintAnswer(source);
}

}  // namespace voronka
