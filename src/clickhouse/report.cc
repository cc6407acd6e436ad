#include "clickhouse/report.h"

#include <charconv>
#include <optional>

#include "clickhouse/compiler.h"
#include "clickhouse/directory_reader.h"
#include "clickhouse/fold_store.h"
#include "engine/engine.h"
#include "metrics/answer.h"
#include "metrics/goals.h"
#include "metrics/report.h"
#include "metrics/scan.h"

namespace voronka::clickhouse {

namespace {

using nlohmann::json;

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

// Runs a compiled scan into cells keyed by group texts. Columns: the group keys, the stage
// row, the bucket, a, b, x.
Result<AnswerCells> RunScanSql(const Client& client, const ReportRequest& request,
                               const CompiledScan& grouped, const CompiledScan& total,
                               const Buckets& buckets) {
  AnswerCells cells;
  auto cell_of = [&](const Rows& rows, size_t r, size_t first) {
    Cell cell;
    cell.a = rows.Int(r, first + 1);
    cell.b = rows.Int(r, first + 2);
    cell.x = static_cast<double>(rows.Int(r, first + 3)) / static_cast<double>(kMicrosPerDay);
    if (grouped.samples) {
      // Waits in microseconds: minutes each, summed as the engine sums them.
      cell.x = 0;
      for (const std::string& sample : rows.Array(r, first + 4)) {
        cell.samples.push_back(static_cast<double>(std::stoll(sample)) /
                               static_cast<double>(kMicrosPerMinute));
        cell.x += cell.samples.back();
      }
    }
    return cell;
  };
  Result<Rows> rows = client.Query(grouped.sql);
  if (!rows.ok()) return rows.status();
  size_t keys = request.group_by.size();
  for (size_t r = 0; r < rows->size(); ++r) {
    AnswerKey key;
    for (size_t k = 0; k < keys; ++k) key.keys.push_back(rows->Text(r, k));
    key.stage_row = static_cast<int32_t>(rows->Int(r, keys));
    std::vector<Cell>& row_cells = cells.rows[key];
    row_cells.resize(static_cast<size_t>(buckets.count()));
    row_cells[static_cast<size_t>(rows->Int(r, keys + 1))] = cell_of(*rows, r, keys + 1);
  }
  auto add_to_total = [&](const Cell& cell) {
    cells.total.a += cell.a;
    cells.total.b += cell.b;
    cells.total.x += cell.x;
    cells.total.samples.insert(cells.total.samples.end(), cell.samples.begin(), cell.samples.end());
  };
  if (total.sql.empty()) {
    // Every item in exactly one row: the total is the rows' sum, with no second query.
    for (const auto& [key, row_cells] : cells.rows) {
      for (const Cell& cell : row_cells) add_to_total(cell);
    }
    return cells;
  }
  Result<Rows> totals = client.Query(total.sql);
  if (!totals.ok()) return totals.status();
  for (size_t r = 0; r < totals->size(); ++r) {
    int64_t bucket = totals->Int(r, 1);
    if (total.total_bucket >= 0 && bucket != total.total_bucket) continue;
    add_to_total(cell_of(*totals, r, 1));
  }
  return cells;
}

Result<AnswerCells> ScanPeriod(const Client& client, const std::string& database,
                               const Tables& directory, const std::string& ws,
                               const ReportRequest& request, const Visibility& visibility,
                               const Buckets& buckets, const ScanContext& plan,
                               const DealRewrites& rewrites) {
  CompiledScan grouped =
      CompileScan(directory, database, ws, request, visibility, buckets, plan, true, rewrites);
  CompiledScan total =
      CompileScan(directory, database, ws, request, visibility, buckets, plan, false, rewrites);
  return RunScanSql(client, request, grouped, total, buckets);
}

// The total of an ungrouped request (goals' actuals).
Result<Cell> Total(const Client& client, const Tables& directory, const std::string& ws,
                   const ReportRequest& request, const Visibility& visibility,
                   const DealRewrites& rewrites) {
  Status compilable = CheckCompilable(request);
  if (!compilable.ok()) return compilable;
  Result<ScanContext> plan = ScanContext::Make(directory, request, visibility);
  if (!plan.ok()) return plan.status();
  Buckets buckets(request.period, Granularity::kNone, directory.settings.time_zone);
  CompiledScan total = CompileScan(directory, client.endpoint().database, ws, request, visibility,
                                   buckets, plan.value(), false, rewrites);
  Result<Rows> rows = client.Query(total.sql);
  if (!rows.ok()) return rows.status();
  Cell cell;
  for (size_t r = 0; r < rows->size(); ++r) {
    if (total.total_bucket >= 0 && rows->Int(r, 1) != total.total_bucket) continue;
    cell.a += rows->Int(r, 2);
    cell.b += rows->Int(r, 3);
  }
  return cell;
}

}  // namespace

std::vector<Record> DirectoryRecords(const Directory& directory, const AdminSettings& settings,
                                     const WorkspaceRecord& added) {
  std::vector<Record> records;
  auto add = [&](RecordBody body) {
    RewriteRecord(settings, body);
    records.push_back(Record{std::nullopt, std::move(body)});
  };
  add(added);
  add(directory.settings);
  for (const DepartmentRecord& record : directory.departments) add(record);
  for (const UserRecord& record : directory.users) add(record);
  for (const PipelineRecord& record : directory.pipelines) add(record);
  for (const CompanyRecord& record : directory.companies) add(record);
  for (const ContactRecord& record : directory.contacts) add(record);
  for (const GoalRecord& record : directory.goals) add(record);
  if (std::optional<Record> record = SettingsRecord(settings)) records.push_back(*record);
  return records;
}

Result<Tables> ReadReportDirectory(const Client& client, const std::string& ws,
                                   const AdminSettings& settings) {
  Result<Directory> directory = ReadDirectory(client, ws);
  if (!directory.ok()) return directory.status();
  Tables tables;
  for (const Record& record : DirectoryRecords(directory.value(), settings)) {
    ApplyRecord(tables, record.body);
  }
  return tables;
}

Result<ScanContext> PlanScan(const Client& client, const std::string& ws, Tables& directory,
                             const ReportRequest& request, const Visibility& visibility,
                             const DealRewrites& reading) {
  if (request.metric->stage_rows != StageRows::kNone) {
    // The default pipeline is the one holding the most deals now: count them.
    Result<Rows> counts =
        client.Query(CompileLatestPipelineCounts(directory, client.endpoint().database, ws, reading));
    if (!counts.ok()) return counts.status();
    directory.deals.pipeline_deals.assign(static_cast<size_t>(directory.pipelines.ids.size()), 0);
    for (size_t r = 0; r < counts->size(); ++r) {
      int32_t pipeline = directory.pipelines.ids.Find(counts->Text(r, 0));
      if (pipeline != kNone) directory.deals.pipeline_deals[Row(pipeline)] = counts->Int(r, 1);
    }
  }
  // The pipeline and stage rows of per-stage metrics, resolved as the engine resolves them.
  return ScanContext::Make(directory, request, visibility);
}

Result<json> RunReport(const Client& client, const std::string& ws, const json& body, Instant now,
                       const Visibility& visibility, const AdminSettings& settings) {
  Result<Tables> directory = ReadReportDirectory(client, ws, settings);
  if (!directory.ok()) return directory.status();
  return RunReport(client, ws, directory.value(), body, now, visibility, settings);
}

Result<json> RunReport(const Client& client, const std::string& ws, const Tables& directory,
                       const json& body, Instant now, const Visibility& visibility,
                       const AdminSettings& settings) {
  return ParsedAnswer(RunReportText(client, ws, directory, body, now, visibility, settings));
}

Result<std::string> RunReportText(const Client& client, const std::string& ws,
                                  const Tables& directory, const json& body, Instant now,
                                  const Visibility& visibility, const AdminSettings& settings) {
  Result<ReportRequest> parsed = ParseRequest(body, now, directory);
  if (!parsed.ok()) return parsed.status();
  ReportRequest& request = parsed.value();
  // load is per user: grouped by responsible when no key is given (as metrics/report.cc).
  if (request.metric->id == MetricId::kLoad && request.group_by.empty()) {
    request.group_by.push_back(DimensionRef{Dimension::kResponsible, kNone, "responsible"});
  }
  Status compilable = CheckCompilable(request);
  if (!compilable.ok()) return compilable;
  const TimeZone& zone = directory.settings.time_zone;
  const std::string& database = client.endpoint().database;
  // A copy: per-stage metrics count each pipeline's deals into it.
  Tables tables = directory;
  Result<DealRewrites> reading =
      DealReading(client, ws, tables, settings.price_field, settings.source_field);
  if (!reading.ok()) return reading.status();
  const DealRewrites& rewrites = reading.value();
  if (request.metric->family == MetricFamily::kGoal) {
    Result<json> goals = GoalProgress(tables, request, [&](const ReportRequest& total) {
      return Total(client, tables, ws, total, visibility, rewrites);
    });
    if (!goals.ok()) return goals.status();
    return PrintGoalAnswer(std::move(goals).value(), request);
  }
  Result<ScanContext> plan = PlanScan(client, ws, tables, request, visibility, rewrites);
  if (!plan.ok()) return plan.status();

  Buckets buckets(request.period, request.granularity, zone);
  Result<AnswerCells> main = ScanPeriod(client, database, tables, ws, request, visibility, buckets,
                                        plan.value(), rewrites);
  if (!main.ok()) return main.status();
  AnswerSource source;
  source.request = &request;
  source.main = &main.value();
  source.buckets = &buckets;
  Buckets compared_buckets;
  Result<AnswerCells> compared = AnswerCells{};
  if (!request.compare.empty()) {
    source.compared_period = ComparedPeriod(request.period, request.compare).value();
    compared_buckets = Buckets(*source.compared_period, request.granularity, zone);
    compared = ScanPeriod(client, database, tables, ws, request, visibility, compared_buckets,
                          plan.value(), rewrites);
    if (!compared.ok()) return compared.status();
    source.compared = &compared.value();
    source.compared_buckets = &compared_buckets;
  }
  for (int32_t stage : plan.value().row_stage) {
    source.stage_rows.emplace_back(tables.stages.ids.Text(stage), tables.stages.name[Row(stage)]);
  }
  if (plan.value().pipeline != kNone) {
    source.pipeline = tables.pipelines.ids.Text(plan.value().pipeline);
  }
  source.label = [&](size_t k, const std::string& text) {
    const DimensionRef& dimension = request.group_by[k];
    int32_t id = DimensionValueId(tables, dimension, text);
    // Users and companies known only from deals are labelled by their id, as the engine does.
    if (id == kUnknownValue) return text;
    return DimensionValueLabel(tables, dimension, id);
  };
  source.capacity = [&](const std::string& user) {
    int32_t u = tables.users.ids.Find(user);
    return u == kNone ? kNone : tables.users.capacity[Row(u)];
  };
  return PrintAnswer(source);
}

}  // namespace voronka::clickhouse
