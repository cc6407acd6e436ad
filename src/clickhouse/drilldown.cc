#include "clickhouse/drilldown.h"

#include <algorithm>
#include <unordered_map>

#include "clickhouse/compiler.h"
#include "clickhouse/deal_sql.h"
#include "clickhouse/report.h"
#include "clickhouse/schema.h"
#include "metrics/drilldown_items.h"
#include "metrics/format.h"
#include "model/money.h"

namespace voronka::clickhouse {

namespace {

using nlohmann::json;

// Above this many bytes of quoted ids the titles are read for the whole workspace rather than
// for a list of ids written into the query (twice; ClickHouse's max_query_size is 256 KiB by
// default).
constexpr size_t kMaxIdListBytes = 100'000;

// The cell a drill-down names: the total, or a row's group texts, stage row and bucket.
struct CellTarget {
  bool total = false;
  int32_t bucket = -1;                           // -1: every bucket
  int32_t stage_row = -1;                        // -1: every row
  std::vector<std::optional<std::string>> keys;  // per group key; none: every value
};

// Resolves "group" and "bucket" against the request as the embedded drill-down does, with the
// same errors.
Result<CellTarget> TargetOf(const Tables& tables, const ReportRequest& request,
                            const ScanContext& plan, const Buckets& buckets) {
  CellTarget target;
  target.keys.resize(request.group_by.size());
  for (const auto& [name, value] : request.drill_group.items()) {
    if (!value.is_string() && !value.is_null()) {
      return Status::Error("group." + name + ": expected a string");
    }
    std::string text = value.is_string() ? value.get<std::string>() : "";
    if (name == "stage" && !plan.row_stage.empty()) {
      int32_t stage = tables.stages.ids.Find(text);
      auto row = std::find(plan.row_stage.begin(), plan.row_stage.end(), stage);
      if (stage == kNone || row == plan.row_stage.end()) {
        return Status::Error("group.stage: '" + text + "' is not a row of " +
                             std::string(request.metric->name));
      }
      target.stage_row = static_cast<int32_t>(row - plan.row_stage.begin());
      continue;
    }
    auto key = std::find_if(request.group_by.begin(), request.group_by.end(),
                            [&](const DimensionRef& d) { return d.name == name; });
    if (key == request.group_by.end()) {
      return Status::Error("group." + name + ": not a group_by key of the request");
    }
    target.keys[static_cast<size_t>(key - request.group_by.begin())] = text;
  }
  if (request.drill_bucket && request.granularity != Granularity::kNone) {
    for (int32_t b = 0; b < buckets.count(); ++b) {
      if (buckets.Label(b) == *request.drill_bucket) target.bucket = b;
    }
    if (target.bucket < 0) {
      return Status::Error("bucket '" + *request.drill_bucket + "' is not in the period");
    }
  }
  target.total = request.drill_group.empty() && target.bucket < 0;
  return target;
}

// The condition on a contribution `c` (and the deal's key texts) of belonging to the cell.
std::string CellCondition(const CellTarget& target, const CompiledContributions& compiled) {
  if (target.total) {
    std::string out = "c.6 != 1";
    if (compiled.total_bucket >= 0) out += " AND c.1 = " + std::to_string(compiled.total_bucket);
    return out;
  }
  std::string out = "c.6 != 2";
  if (target.bucket >= 0) out += " AND c.1 = " + std::to_string(target.bucket);
  if (target.stage_row >= 0) out += " AND c.5 = " + std::to_string(target.stage_row);
  for (size_t k = 0; k < target.keys.size(); ++k) {
    if (target.keys[k])
      out += " AND has(" + compiled.key_values[k] + ", " + Quote(*target.keys[k]) + ")";
  }
  return out;
}

// One item of the list: a deal, or a deal's stage change at `at`, with the deal's state at T.
struct Listed {
  std::string id;
  int64_t at = 0;
  std::string responsible;
  int64_t amount = 0;
  int64_t created_at = kNoTime;
  std::string stage;
  int64_t entered = kNoTime;
  int64_t close = kNoTime;
  int64_t touched = kNoTime;
};

// The titles of the deals `ids` (of every deal when the list is too long to name them), as
// the engine keeps them: the latest by order key (2 × created_at for the deal record,
// 2 × at + 1 for an update), ties to the later arrival.
Result<std::unordered_map<std::string, std::string>> ReadTitles(
    const Client& client, const std::string& ws, const std::vector<std::string>& ids) {
  std::string committed =
      "ws = " + Quote(ws) + " AND " + CommittedRows(client.endpoint().database, ws);
  std::string list;
  for (const std::string& id : ids) list += (list.empty() ? "" : ",") + Quote(id);
  bool named = list.size() <= kMaxIdListBytes;
  std::string of_deal = named ? " AND id IN (" + list + ")" : "";
  std::string of_update = named ? " AND deal_id IN (" + list + ")" : "";
  Result<Rows> rows = client.Query(
      "SELECT d, argMax(title, (k, b, s)) FROM (SELECT id AS d, title, toInt64(2 * created_at) "
      "AS k, toUInt64(batch) AS b, toUInt32(seq) AS s FROM deals WHERE " +
      committed + of_deal +
      " UNION ALL SELECT deal_id, value, toInt64(2 * at + 1), toUInt64(batch), toUInt32(seq) "
      "FROM deal_updates WHERE " +
      committed + " AND name = 'title'" + of_update + ") GROUP BY d");
  if (!rows.ok()) return rows.status();
  std::unordered_map<std::string, std::string> titles;
  for (size_t r = 0; r < rows->size(); ++r) titles[rows->Text(r, 0)] = rows->Text(r, 1);
  return titles;
}

json ItemJson(const Tables& tables, const Listed& item, bool stage_change, int64_t as_of,
              const std::string& deal_url) {
  int32_t stage = tables.stages.ids.Find(item.stage);
  double day = static_cast<double>(kMicrosPerDay);
  auto days_since = [&](int64_t t) {
    return t == kNoTime ? json(nullptr) : json(RoundTo(static_cast<double>(as_of - t) / day, 2));
  };
  json out = {{"type", stage_change ? "stage_change" : "deal"},
              {"id", item.id},
              {"title", ""},
              {"amount", FormatMoney(item.amount)},
              {"stage", item.stage},
              {"stage_name", stage == kNone ? "" : tables.stages.name[static_cast<size_t>(stage)]},
              {"responsible", item.responsible},
              {"created_at", TimeOrNull(item.created_at)},
              {"closed_at", TimeOrNull(item.close)},
              {"days_on_stage", days_since(item.entered)},
              {"days_since_touch", days_since(item.touched)},
              {"url", DealUrl(deal_url, item.id)}};
  if (stage_change) {
    out["changed_at"] = TimeOrNull(item.at);
    out["by"] = item.responsible;  // the stage change is the deal owner's, as in the engine
  }
  return out;
}

}  // namespace

Result<json> RunDrilldown(const Client& client, const std::string& ws, const json& body,
                          Instant now, const Visibility& visibility,
                          const std::optional<std::string>& deal_url) {
  Result<Tables> directory = ReadReportDirectory(client, ws);
  if (!directory.ok()) return directory.status();
  if (deal_url) directory->settings.deal_url = *deal_url;
  return RunDrilldown(client, ws, directory.value(), body, now, visibility);
}

Result<json> RunDrilldown(const Client& client, const std::string& ws, const Tables& directory,
                          const json& body, Instant now, const Visibility& visibility,
                          const AdminSettings& settings) {
  // A copy: per-stage metrics count each pipeline's deals into it.
  Tables tables = directory;
  Result<ReportRequest> parsed = ParseRequest(body, now, tables);
  if (!parsed.ok()) return parsed.status();
  const ReportRequest& request = parsed.value();
  if (request.metric->family == MetricFamily::kGoal) {
    return Status::Error("goal_progress has no drill-down; drill into its metric instead");
  }
  Status compilable = CheckCompilable(request);
  if (!compilable.ok()) return compilable;
  bool stage_change = request.metric->items == ItemKind::kStageChange;
  if (!stage_change && request.metric->items != ItemKind::kDeal) {
    return Status::Error("drill-down of '" + std::string(request.metric->name) +
                         "' is not yet available in scale-out mode");
  }
  Result<ScanContext> plan = PlanScan(client, ws, tables, request, visibility);
  if (!plan.ok()) return plan.status();
  Buckets buckets(request.period, request.granularity, tables.settings.time_zone);
  Result<CellTarget> target = TargetOf(tables, request, plan.value(), buckets);
  if (!target.ok()) return target.status();

  // The cell's items: one row per deal (per deal and stage change), its state at T and its
  // last touch before T (creation, stage changes, activities, tasks created or completed).
  const std::string& database = client.endpoint().database;
  CompiledContributions compiled =
      CompileContributions(tables, database, ws, request, visibility, buckets, plan.value(),
                           DealRewrites{settings.price_field, settings.source_field});
  int64_t horizon = request.as_of.micros + 1;
  Result<Rows> rows = client.Query(
      "SELECT id, " + std::string(stage_change ? "c.7" : "toInt64(0)") +
      " AS item_at, any(responsible), any(amount), any(created_at), any(T_stage), "
      "any(T_entered), any(T_close), any(arrayReduce('max', arrayPushBack(arrayFilter(x -> x < " +
      Int(horizon) + ", arrayConcat(hist_at, touches)), " + Int(kNoTime) + "))) FROM (" +
      compiled.sql + ") ARRAY JOIN contributions AS c WHERE c.1 >= 0 AND " +
      CellCondition(target.value(), compiled) + " GROUP BY id, item_at");
  if (!rows.ok()) return rows.status();
  std::vector<Listed> listed(rows->size());
  for (size_t r = 0; r < rows->size(); ++r) {
    Listed& item = listed[r];
    item.id = rows->Text(r, 0);
    item.at = rows->Int(r, 1);
    item.responsible = rows->Text(r, 2);
    item.amount = rows->Int(r, 3);
    item.created_at = rows->Int(r, 4);
    item.stage = rows->Text(r, 5);
    item.entered = rows->Int(r, 6);
    item.close = rows->Int(r, 7);
    item.touched = rows->Int(r, 8);
  }

  const std::string& pattern = tables.settings.deal_url;
  std::vector<json> items;
  items.reserve(listed.size());
  for (const Listed& item : listed) {
    items.push_back(ItemJson(tables, item, stage_change, request.as_of.micros, pattern));
  }
  std::string field = request.sort.empty() ? "id" : request.sort;
  bool descending = field[0] == '-';
  if (descending) field.erase(0, 1);
  auto titles_of = [&](const std::vector<size_t>& which) -> Status {
    if (which.empty()) return Status::Ok();
    std::vector<std::string> ids;
    for (size_t i : which) ids.push_back(listed[i].id);
    Result<std::unordered_map<std::string, std::string>> titles = ReadTitles(client, ws, ids);
    if (!titles.ok()) return titles.status();
    for (size_t i : which) {
      auto found = titles->find(listed[i].id);
      if (found != titles->end()) items[i]["title"] = found->second;
    }
    return Status::Ok();
  };
  std::vector<size_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (field == "title") {
    Status read = titles_of(order);
    if (!read.ok()) return read;
  }
  std::vector<json> keys;
  if (field != "id") {
    keys.reserve(items.size());
    for (const json& item : items) keys.push_back(ItemSortKey(item, field));
  }
  // As the embedded drill-down orders: by the field (null last ascending, first descending),
  // then by id, then by the time of a stage change.
  auto before = [&](size_t a, size_t b) {
    if (field != "id" && keys[a] != keys[b]) {
      return descending ? ItemValueLess(keys[b], keys[a]) : ItemValueLess(keys[a], keys[b]);
    }
    const std::string& id_a = listed[a].id;
    const std::string& id_b = listed[b].id;
    if (id_a != id_b) return field == "id" && descending ? id_b < id_a : id_a < id_b;
    if (listed[a].at != listed[b].at) return listed[a].at < listed[b].at;
    return a < b;
  };
  size_t first =
      static_cast<size_t>(std::min<int64_t>(request.offset, static_cast<int64_t>(items.size())));
  size_t last = static_cast<size_t>(
      std::min<int64_t>(request.offset + request.limit, static_cast<int64_t>(items.size())));
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(last), order.end(),
                    before);
  std::vector<size_t> page(order.begin() + static_cast<std::ptrdiff_t>(first),
                           order.begin() + static_cast<std::ptrdiff_t>(last));
  if (field != "title") {
    Status read = titles_of(page);
    if (!read.ok()) return read;
  }
  json out_items = json::array();
  for (size_t i : page) out_items.push_back(std::move(items[i]));
  return json{{"metric", request.metric->name},
              {"total", static_cast<int64_t>(items.size())},
              {"offset", request.offset},
              {"items", std::move(out_items)}};
}

}  // namespace voronka::clickhouse
