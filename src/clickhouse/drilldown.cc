#include "clickhouse/drilldown.h"

#include <algorithm>
#include <unordered_map>

#include "clickhouse/activity_sql.h"
#include "clickhouse/compiler.h"
#include "clickhouse/deal_sql.h"
#include "clickhouse/fold_store.h"
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

// The condition that the cell's group keys hold: each key named has its text among the item's
// texts for it (`key_values`).
std::string KeysCondition(const CellTarget& target, const std::vector<std::string>& key_values) {
  std::string out;
  for (size_t k = 0; k < target.keys.size(); ++k) {
    if (target.keys[k]) out += " AND has(" + key_values[k] + ", " + Quote(*target.keys[k]) + ")";
  }
  return out;
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
  return out + KeysCondition(target, compiled.key_values);
}

// The same for an item of an item metric: every item counts in its row and in the total.
std::string ItemCellCondition(const CellTarget& target, const CompiledItems& compiled) {
  std::string out = "i_bucket >= 0";
  if (target.total) return out;
  if (target.bucket >= 0) out += " AND i_bucket = " + std::to_string(target.bucket);
  return out + KeysCondition(target, compiled.key_values);
}

// One item of the list as it is sorted: what it is, the id it is listed under, a stage change's
// time, the deal whose title it shows ('' none: it has its own), and its JSON.
struct Listed {
  ItemKind kind = ItemKind::kDeal;
  std::string id;
  int64_t changed = kNoTime;
  std::string titled_by;
  json item;
};

// A deal's state at T as the drill-down shows it.
struct DealState {
  std::string responsible;
  int64_t amount = 0;
  int64_t created_at = kNoTime;
  std::string stage;
  int64_t entered = kNoTime;
  int64_t close = kNoTime;
  int64_t touched = kNoTime;
};

// The aggregates reading a DealState from the deal columns of compiled contributions, the last
// touch before T (creation, stage changes, and with `touches` activities and tasks created or
// completed) last.
std::string DealStateColumns(int64_t horizon, bool touches) {
  std::string times = touches ? "arrayConcat(hist_at, touches)" : "hist_at";
  return "any(responsible), any(amount), any(created_at), any(T_stage), any(T_entered), "
         "any(T_close), any(arrayReduce('max', arrayPushBack(arrayFilter(x -> x < " +
         Int(horizon) + ", " + times + "), " + Int(kNoTime) + ")))";
}

DealState ReadDealState(const Rows& rows, size_t r, size_t first) {
  DealState state;
  state.responsible = rows.Text(r, first);
  state.amount = rows.Int(r, first + 1);
  state.created_at = rows.Int(r, first + 2);
  state.stage = rows.Text(r, first + 3);
  state.entered = rows.Int(r, first + 4);
  state.close = rows.Int(r, first + 5);
  state.touched = rows.Int(r, first + 6);
  return state;
}

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

// A deal, or a deal's stage change at `changed` by `by`, as the embedded drill-down lists it
// (its title is read later).
json DealItemJson(const Tables& tables, const std::string& id, const DealState& deal, int64_t as_of,
                  const std::string& deal_url, int64_t changed = kNoTime,
                  const std::string& by = "") {
  int32_t stage = tables.stages.ids.Find(deal.stage);
  double day = static_cast<double>(kMicrosPerDay);
  auto days_since = [&](int64_t t) {
    return t == kNoTime ? json(nullptr) : json(RoundTo(static_cast<double>(as_of - t) / day, 2));
  };
  bool stage_change = changed != kNoTime;
  json out = {{"type", stage_change ? "stage_change" : "deal"},
              {"id", id},
              {"title", ""},
              {"amount", FormatMoney(deal.amount)},
              {"stage", deal.stage},
              {"stage_name", stage == kNone ? "" : tables.stages.name[static_cast<size_t>(stage)]},
              {"responsible", deal.responsible},
              {"created_at", TimeOrNull(deal.created_at)},
              {"closed_at", TimeOrNull(deal.close)},
              {"days_on_stage", days_since(deal.entered)},
              {"days_since_touch", days_since(deal.touched)},
              {"url", DealUrl(deal_url, id)}};
  if (stage_change) {
    out["changed_at"] = TimeOrNull(changed);
    out["by"] = by;
  }
  return out;
}

// The deals (or a deal's stage changes) behind the cell of a metric counted over deals: one row
// per deal (per deal and stage change), its state at T and its last touch before T.
Result<std::vector<Listed>> ListDeals(const Client& client, const std::string& ws,
                                      const Tables& tables, const ReportRequest& request,
                                      const Visibility& visibility, const DealRewrites& reading,
                                      const ScanContext& plan, const Buckets& buckets,
                                      const CellTarget& target) {
  bool stage_change = request.metric->items == ItemKind::kStageChange;
  CompiledContributions compiled = CompileContributions(
      tables, client.endpoint().database, ws, request, visibility, buckets, plan, reading);
  Result<Rows> rows =
      client.Query("SELECT id, " + std::string(stage_change ? "c.7" : "toInt64(0)") +
                   " AS item_at, " + DealStateColumns(request.as_of.micros + 1, true) + " FROM (" +
                   compiled.sql + ") ARRAY JOIN contributions AS c WHERE c.1 >= 0 AND " +
                   CellCondition(target, compiled) + " GROUP BY id, item_at");
  if (!rows.ok()) return rows.status();
  std::vector<Listed> listed(rows->size());
  for (size_t r = 0; r < rows->size(); ++r) {
    Listed& item = listed[r];
    item.kind = request.metric->items;
    item.id = rows->Text(r, 0);
    item.titled_by = item.id;
    DealState deal = ReadDealState(rows.value(), r, 2);
    if (stage_change) item.changed = rows->Int(r, 1);
    // A stage change of a transition metric is the deal owner's, as in the engine.
    item.item = DealItemJson(tables, item.id, deal, request.as_of.micros, tables.settings.deal_url,
                             item.changed, deal.responsible);
  }
  return listed;
}

// The activities, tasks and stage changes behind the cell of an item metric: one row per item,
// with its deal's state at T for a stage change (activity_index).
Result<std::vector<Listed>> ListItems(const Client& client, const std::string& ws,
                                      const Tables& tables, const ReportRequest& request,
                                      const Visibility& visibility, const DealRewrites& reading,
                                      const ScanContext& plan, const Buckets& buckets,
                                      const CellTarget& target) {
  CompiledItems compiled = CompileItemContributions(
      tables, client.endpoint().database, ws, request, visibility, buckets, plan, reading);
  bool changes = request.metric->id == MetricId::kActivityIndex;
  constexpr size_t kDealColumns = 12;  // where a stage change's deal state starts
  Result<Rows> rows = client.Query(
      "SELECT i_type, i_item, i_change, any(id), any(i_user), any(i_at), any(i_kind), "
      "any(i_dir), any(i_title), any(i_created), any(i_deadline), any(i_completed)" +
      (changes ? ", " + DealStateColumns(request.as_of.micros + 1, true) : std::string()) +
      " FROM (" + compiled.sql + ") WHERE " + ItemCellCondition(target, compiled) +
      " GROUP BY i_type, i_item, i_change");
  if (!rows.ok()) return rows.status();
  const std::string& pattern = tables.settings.deal_url;
  std::vector<Listed> listed(rows->size());
  for (size_t r = 0; r < rows->size(); ++r) {
    Listed& item = listed[r];
    item.kind = static_cast<ItemKind>(rows->Int(r, 0));
    item.id = rows->Text(r, 1);
    std::string deal = rows->Text(r, 3);
    std::string user = rows->Text(r, 4);
    json url = deal.empty() ? json(nullptr) : DealUrl(pattern, deal);
    switch (item.kind) {
      case ItemKind::kActivity:
        item.titled_by = deal;
        item.item = {{"type", "activity"},
                     {"id", item.id},
                     {"kind", ActivityKindName(static_cast<ActivityKind>(rows->Int(r, 6)))},
                     {"direction", DirectionName(static_cast<Direction>(rows->Int(r, 7)))},
                     {"at", TimeOrNull(rows->Int(r, 5))},
                     {"responsible", user},
                     {"deal_id", deal},
                     {"title", ""},
                     {"url", url}};
        break;
      case ItemKind::kTask:
        item.item = {{"type", "task"},
                     {"id", item.id},
                     {"title", rows->Text(r, 8)},
                     {"responsible", user},
                     {"deal_id", deal},
                     {"created_at", TimeOrNull(rows->Int(r, 9))},
                     {"deadline", TimeOrNull(rows->Int(r, 10))},
                     {"completed_at", TimeOrNull(rows->Int(r, 11))},
                     {"url", url}};
        break;
      default:
        // A stage change counted for the user who made it (activity_index).
        item.kind = ItemKind::kStageChange;
        item.titled_by = item.id;
        item.changed = rows->Int(r, 2);
        item.item = DealItemJson(tables, item.id, ReadDealState(rows.value(), r, kDealColumns),
                                 request.as_of.micros, pattern, item.changed, user);
        break;
    }
  }
  return listed;
}

// Sets the title of the items `which` that show a deal's title.
Status ReadTitlesOf(const Client& client, const std::string& ws, std::vector<Listed>& listed,
                    const std::vector<size_t>& which) {
  std::vector<std::string> ids;
  for (size_t i : which) {
    if (!listed[i].titled_by.empty()) ids.push_back(listed[i].titled_by);
  }
  if (ids.empty()) return Status::Ok();
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  Result<std::unordered_map<std::string, std::string>> titles = ReadTitles(client, ws, ids);
  if (!titles.ok()) return titles.status();
  for (size_t i : which) {
    if (listed[i].titled_by.empty()) continue;
    auto found = titles->find(listed[i].titled_by);
    if (found != titles->end()) listed[i].item["title"] = found->second;
  }
  return Status::Ok();
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
  Result<DealRewrites> reading =
      DealReading(client, ws, tables, settings.price_field, settings.source_field);
  if (!reading.ok()) return reading.status();
  Result<ScanContext> plan = PlanScan(client, ws, tables, request, visibility, reading.value());
  if (!plan.ok()) return plan.status();
  Buckets buckets(request.period, request.granularity, tables.settings.time_zone);
  Result<CellTarget> target = TargetOf(tables, request, plan.value(), buckets);
  if (!target.ok()) return target.status();
  Result<std::vector<Listed>> found =
      IsItemMetric(request.metric->id)
          ? ListItems(client, ws, tables, request, visibility, reading.value(), plan.value(),
                      buckets, target.value())
          : ListDeals(client, ws, tables, request, visibility, reading.value(), plan.value(),
                      buckets, target.value());
  if (!found.ok()) return found.status();
  std::vector<Listed>& listed = found.value();

  std::string field = request.sort.empty() ? "id" : request.sort;
  bool descending = field[0] == '-';
  if (descending) field.erase(0, 1);
  std::vector<size_t> order(listed.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  if (field == "title") {
    Status read = ReadTitlesOf(client, ws, listed, order);
    if (!read.ok()) return read;
  }
  std::vector<json> keys;
  if (field != "id") {
    keys.reserve(listed.size());
    for (const Listed& item : listed) keys.push_back(ItemSortKey(item.item, field));
  }
  // As the embedded drill-down orders: by the field (null last ascending, first descending),
  // then by id, then by the time of a stage change (stage changes first), then by kind.
  auto before = [&](size_t a, size_t b) {
    if (field != "id" && keys[a] != keys[b]) {
      return descending ? ItemValueLess(keys[b], keys[a]) : ItemValueLess(keys[a], keys[b]);
    }
    const Listed& x = listed[a];
    const Listed& y = listed[b];
    if (x.id != y.id) return field == "id" && descending ? y.id < x.id : x.id < y.id;
    if (x.changed != y.changed) {
      if (x.changed == kNoTime || y.changed == kNoTime) return y.changed == kNoTime;
      return x.changed < y.changed;
    }
    if (x.kind != y.kind) return x.kind < y.kind;
    return a < b;
  };
  size_t first =
      static_cast<size_t>(std::min<int64_t>(request.offset, static_cast<int64_t>(listed.size())));
  size_t last = static_cast<size_t>(
      std::min<int64_t>(request.offset + request.limit, static_cast<int64_t>(listed.size())));
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(last), order.end(),
                    before);
  std::vector<size_t> page(order.begin() + static_cast<std::ptrdiff_t>(first),
                           order.begin() + static_cast<std::ptrdiff_t>(last));
  if (field != "title") {
    Status read = ReadTitlesOf(client, ws, listed, page);
    if (!read.ok()) return read;
  }
  json out_items = json::array();
  for (size_t i : page) out_items.push_back(std::move(listed[i].item));
  return json{{"metric", request.metric->name},
              {"total", static_cast<int64_t>(listed.size())},
              {"offset", request.offset},
              {"items", std::move(out_items)}};
}

}  // namespace voronka::clickhouse
