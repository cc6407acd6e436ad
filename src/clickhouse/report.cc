#include "clickhouse/report.h"

#include <charconv>

#include "clickhouse/compiler.h"
#include "engine/engine.h"
#include "metrics/answer.h"
#include "metrics/scan.h"

namespace voronka {

namespace {

using nlohmann::json;

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

// The rows of a JSONCompact answer ({"data": [[...], ...]}).
Result<json> QueryRows(const ClickHouseQuery& query, const std::string& sql) {
  Result<std::string> text = query(sql);
  if (!text.ok()) return text.status();
  json parsed = json::parse(text.value(), nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("data")) {
    return Status::Error("facts store: unreadable answer to a report query");
  }
  return parsed["data"];
}

int64_t ToInt(const json& value) {
  if (value.is_number()) return value.get<int64_t>();
  int64_t out = 0;
  const std::string& text = value.get_ref<const std::string&>();
  std::from_chars(text.data(), text.data() + text.size(), out);
  return out;
}

std::optional<std::string> Optional(const json& value) {
  std::string text = value.get<std::string>();
  if (text.empty()) return std::nullopt;
  return text;
}

std::string Committed(const std::string& ws) {
  return " WHERE ws = " + SqlString(ws) +
         " AND batch GLOBAL IN (SELECT batch FROM batches WHERE ws = " + SqlString(ws) + ")";
}

// Runs a compiled scan into cells keyed by group texts.
Result<AnswerCells> RunScanSql(const ClickHouseQuery& query, const ReportRequest& request,
                               const CompiledScan& grouped, const CompiledScan& total,
                               const Buckets& buckets) {
  AnswerCells cells;
  Result<json> rows = QueryRows(query, grouped.sql);
  if (!rows.ok()) return rows.status();
  size_t keys = request.group_by.size();
  auto cell_of = [&](const json& row, size_t first) {
    Cell cell;
    cell.a = ToInt(row[first + 1]);
    cell.b = ToInt(row[first + 2]);
    int64_t micros = ToInt(row[first + 3]);
    cell.x = static_cast<double>(micros) / static_cast<double>(kMicrosPerDay);
    return cell;
  };
  // Columns: the group keys, the stage row, the bucket, a, b, x.
  for (const json& row : rows.value()) {
    AnswerKey key;
    for (size_t k = 0; k < keys; ++k) key.keys.push_back(row[k].get<std::string>());
    key.stage_row = static_cast<int32_t>(ToInt(row[keys]));
    std::vector<Cell>& row_cells = cells.rows[key];
    row_cells.resize(static_cast<size_t>(buckets.count()));
    row_cells[static_cast<size_t>(ToInt(row[keys + 1]))] = cell_of(row, keys + 1);
  }
  Result<json> totals = QueryRows(query, total.sql);
  if (!totals.ok()) return totals.status();
  for (const json& row : totals.value()) {
    int64_t bucket = ToInt(row[1]);
    if (total.total_bucket >= 0 && bucket != total.total_bucket) continue;
    Cell cell = cell_of(row, 1);
    cells.total.a += cell.a;
    cells.total.b += cell.b;
    cells.total.x += cell.x;
  }
  return cells;
}

Result<AnswerCells> ScanPeriod(const ClickHouseQuery& query, const Tables& directory,
                               const std::string& ws, const ReportRequest& request,
                               const Visibility& visibility, const Buckets& buckets,
                               const ScanContext& plan) {
  CompiledScan grouped = CompileScan(directory, ws, request, visibility, buckets, plan, true);
  CompiledScan total = CompileScan(directory, ws, request, visibility, buckets, plan, false);
  return RunScanSql(query, request, grouped, total, buckets);
}

}  // namespace

Result<Tables> ReadReportDirectory(const ClickHouseQuery& query, const std::string& ws) {
  Tables tables;
  std::string where = Committed(ws);
  Result<json> settings =
      QueryRows(query, "SELECT name, argMax(value, (batch, seq)) FROM settings" + where +
                           " GROUP BY name FORMAT JSONCompact");
  if (!settings.ok()) return settings.status();
  WorkspaceRecord workspace;
  for (const json& row : settings.value()) {
    std::string name = row[0].get<std::string>(), value = row[1].get<std::string>();
    if (name == "name") workspace.name = value;
    if (name == "time_zone") workspace.time_zone = value;
    if (name == "currency") workspace.currency = value;
    if (name == "locale") workspace.locale = value;
    if (name == "deal_url") workspace.deal_url = value;
    if (name == "forgotten_days") workspace.forgotten_days = static_cast<int32_t>(ToInt(value));
  }
  ApplyRecord(tables, workspace);

  Result<json> departments =
      QueryRows(query, "SELECT id, name, parent_id, head_id FROM departments" + where +
                           " ORDER BY batch, seq FORMAT JSONCompact");
  if (!departments.ok()) return departments.status();
  for (const json& row : departments.value()) {
    ApplyRecord(tables, DepartmentRecord{row[0], row[1], Optional(row[2]), Optional(row[3])});
  }
  Result<json> users = QueryRows(
      query, "SELECT id, name, department_id, toString(active), toString(capacity) FROM users" +
                 where + " ORDER BY batch, seq FORMAT JSONCompact");
  if (!users.ok()) return users.status();
  for (const json& row : users.value()) {
    int64_t capacity = ToInt(row[4]);
    ApplyRecord(tables, UserRecord{row[0], row[1], Optional(row[2]), ToInt(row[3]) != 0,
                                   capacity < 0 ? std::nullopt : std::optional<int32_t>(capacity)});
  }
  Result<json> pipelines = QueryRows(query,
                                     "SELECT id, name, toString(entity), stage_ids, stage_names, "
                                     "arrayMap(x -> toString(x), stage_semantics) FROM pipelines" +
                                         where + " ORDER BY batch, seq FORMAT JSONCompact");
  if (!pipelines.ok()) return pipelines.status();
  for (const json& row : pipelines.value()) {
    PipelineRecord pipeline{row[0], row[1], static_cast<Entity>(ToInt(row[2])), {}};
    for (size_t s = 0; s < row[3].size(); ++s) {
      pipeline.stages.push_back(
          StageDef{row[3][s], row[4][s], static_cast<StageSemantic>(ToInt(row[5][s]))});
    }
    ApplyRecord(tables, pipeline);
  }
  Result<json> companies = QueryRows(
      query, "SELECT id, name FROM companies" + where + " ORDER BY batch, seq FORMAT JSONCompact");
  if (!companies.ok()) return companies.status();
  for (const json& row : companies.value()) ApplyRecord(tables, CompanyRecord{row[0], row[1]});
  return tables;
}

Result<json> RunClickHouseReport(const ClickHouseQuery& query, const std::string& ws,
                                 const json& body, Instant now, const Visibility& visibility) {
  Result<Tables> directory = ReadReportDirectory(query, ws);
  if (!directory.ok()) return directory.status();
  Tables& tables = directory.value();
  Result<ReportRequest> parsed = ParseRequest(body, now, tables);
  if (!parsed.ok()) return parsed.status();
  const ReportRequest& request = parsed.value();
  Status compilable = CheckCompilable(request);
  if (!compilable.ok()) return compilable;
  const TimeZone& zone = tables.settings.time_zone;
  bool per_stage = request.metric->stage_rows != StageRows::kNone;
  if (per_stage) {
    // The default pipeline is the one holding the most deals now: count them.
    Result<json> counts = QueryRows(query, CompileLatestPipelineCounts(tables, ws));
    if (!counts.ok()) return counts.status();
    tables.deals.pipeline_deals.assign(static_cast<size_t>(tables.pipelines.ids.size()), 0);
    for (const json& row : counts.value()) {
      int32_t pipeline = tables.pipelines.ids.Find(row[0].get<std::string>());
      if (pipeline != kNone) tables.deals.pipeline_deals[Row(pipeline)] = ToInt(row[1]);
    }
  }
  // The pipeline and stage rows of per-stage metrics, resolved as the engine resolves them.
  Result<ScanContext> plan = ScanContext::Make(tables, request, visibility);
  if (!plan.ok()) return plan.status();

  Buckets buckets(request.period, request.granularity, zone);
  Result<AnswerCells> main =
      ScanPeriod(query, tables, ws, request, visibility, buckets, plan.value());
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
    compared = ScanPeriod(query, tables, ws, request, visibility, compared_buckets, plan.value());
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

}  // namespace voronka
