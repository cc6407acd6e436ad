// RunDrilldown: the same scan as the report, with a listing collector that keeps the items
// behind one row (or the total), so the list and the number can never disagree.
#include <algorithm>

#include "metrics/drilldown_items.h"
#include "metrics/format.h"
#include "metrics/report.h"
#include "metrics/scans.h"
#include "model/money.h"

namespace voronka {

namespace {

using nlohmann::json;

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

json DealUrl(const Tables& t, int32_t deal) {
  if (deal == kNone) return nullptr;
  return voronka::DealUrl(t.settings.deal_url, t.deals.ids.Text(deal));
}

json DealJson(const ScanContext& c, int32_t deal, LastTouchReader& last_touch) {
  const Tables& t = *c.tables;
  size_t row = Row(deal);
  const DealMoment& m = c.state[row];
  int64_t touched = last_touch.Get(deal);
  double day = static_cast<double>(kMicrosPerDay);
  return {{"type", "deal"},
          {"id", t.deals.ids.Text(deal)},
          {"title", t.titles.Text(t.deals.title.value[row])},
          {"amount", FormatMoney(t.deals.amount.value[row])},
          {"stage", t.stages.ids.Text(m.stage)},
          {"stage_name", m.stage == kNone ? "" : t.stages.name[Row(m.stage)]},
          {"responsible", t.users.ids.Text(t.deals.responsible.value[row])},
          {"created_at", TimeOrNull(t.deals.created_at[row])},
          {"closed_at", TimeOrNull(m.close)},
          {"days_on_stage", m.entered == kNoTime
                                ? json(nullptr)
                                : json(RoundTo(static_cast<double>(c.as_of - m.entered) / day, 2))},
          {"days_since_touch",
           touched == kNoTime ? json(nullptr)
                              : json(RoundTo(static_cast<double>(c.as_of - touched) / day, 2))},
          {"url", DealUrl(t, deal)}};
}

json ItemJson(const ScanContext& c, const Item& item, LastTouchReader& last_touch) {
  const Tables& t = *c.tables;
  size_t row = Row(item.row);
  switch (item.kind) {
    case ItemKind::kDeal:
      return DealJson(c, item.row, last_touch);
    case ItemKind::kStageChange: {
      json deal = DealJson(c, item.row, last_touch);
      deal["type"] = "stage_change";
      deal["changed_at"] = TimeOrNull(item.at);
      deal["by"] = t.users.ids.Text(item.user);
      return deal;
    }
    case ItemKind::kActivity: {
      const ActivityTable& a = t.activities;
      return {{"type", "activity"},
              {"id", a.ids.Text(item.row)},
              {"kind", ActivityKindName(a.kind[row])},
              {"direction", DirectionName(a.direction[row])},
              {"at", TimeOrNull(a.at[row])},
              {"responsible", t.users.ids.Text(a.user[row])},
              {"deal_id", t.deals.ids.Text(a.deal[row])},
              {"title", a.deal[row] == kNone ? std::string_view()
                                             : t.titles.Text(t.deals.title.value[Row(a.deal[row])])},
              {"url", DealUrl(t, a.deal[row])}};
    }
    case ItemKind::kTask: {
      const TaskTable& k = t.tasks;
      return {{"type", "task"},
              {"id", k.ids.Text(item.row)},
              {"title", t.titles.Text(k.title[row])},
              {"responsible", t.users.ids.Text(k.user.value[row])},
              {"deal_id", t.deals.ids.Text(k.deal[row])},
              {"created_at", TimeOrNull(k.created_at[row])},
              {"deadline", TimeOrNull(k.deadline.value[row])},
              {"completed_at", TimeOrNull(k.completed_at.value[row])},
              {"url", DealUrl(t, k.deal[row])}};
    }
  }
  return nullptr;
}

// The text id an item is listed under.
std::string_view ItemId(const Tables& t, const Item& item) {
  switch (item.kind) {
    case ItemKind::kDeal:
    case ItemKind::kStageChange:
      return t.deals.ids.Text(item.row);
    case ItemKind::kActivity:
      return t.activities.ids.Text(item.row);
    case ItemKind::kTask:
      return t.tasks.ids.Text(item.row);
  }
  return {};
}

json ChangedAt(const Item& item) {
  return item.kind == ItemKind::kStageChange ? TimeOrNull(item.at) : json(nullptr);
}

// What ItemSortKey(ItemJson(item), field) gives, without building the item's JSON when the field
// is the amount of a deal (the usual sort of a long list).
json SortKeyOf(const ScanContext& c, const Item& item, const std::string& field,
               LastTouchReader& last_touch) {
  bool deal_like = item.kind == ItemKind::kDeal || item.kind == ItemKind::kStageChange;
  if (field == "amount") {
    return deal_like ? json(c.tables->deals.amount.value[Row(item.row)]) : json(nullptr);
  }
  return ItemSortKey(ItemJson(c, item, last_touch), field);
}

}  // namespace

Result<json> RunDrilldown(const Engine& engine, const json& body, Instant now,
                          const Visibility& visibility, ScanStats* stats) {
  Engine::ReadView view = engine.Read();
  const Tables& tables = view.tables();
  Result<ReportRequest> parsed = ParseRequest(body, now, tables);
  if (!parsed.ok()) return parsed.status();
  ReportRequest& request = parsed.value();
  if (request.metric->family == MetricFamily::kGoal) {
    return Status::Error("goal_progress has no drill-down; drill into its metric instead");
  }
  if (request.metric->id == MetricId::kLoad && request.group_by.empty()) {
    request.group_by.push_back(DimensionRef{Dimension::kResponsible, kNone, "responsible"});
  }
  Result<ScanContext> made = ScanContext::Make(tables, request, visibility);
  if (!made.ok()) return made.status();
  ScanContext& c = made.value();
  Buckets buckets(request.period, request.granularity, tables.settings.time_zone);
  c.buckets = &buckets;

  GroupKey targets;
  targets.fill(Collector::kAny);
  for (const auto& [name, value] : request.drill_group.items()) {
    std::string text = value.is_string() ? value.get<std::string>() : "";
    if (!value.is_string() && !value.is_null()) {
      return Status::Error("group." + name + ": expected a string");
    }
    if (name == "stage" && !c.row_stage.empty()) {
      int32_t stage = tables.stages.ids.Find(text);
      auto row = std::find(c.row_stage.begin(), c.row_stage.end(), stage);
      if (stage == kNone || row == c.row_stage.end()) {
        return Status::Error("group.stage: '" + text + "' is not a row of " +
                             std::string(c.metric->name));
      }
      targets[0] = static_cast<int32_t>(row - c.row_stage.begin());
      continue;
    }
    auto key = std::find_if(request.group_by.begin(), request.group_by.end(),
                            [&](const DimensionRef& d) { return d.name == name; });
    if (key == request.group_by.end()) {
      return Status::Error("group." + name + ": not a group_by key of the request");
    }
    targets[static_cast<size_t>(key - request.group_by.begin()) + 1] =
        DimensionValueId(tables, *key, text);
  }
  int32_t bucket = -1;
  if (request.drill_bucket && request.granularity != Granularity::kNone) {
    for (int32_t b = 0; b < buckets.count(); ++b) {
      if (buckets.Label(b) == *request.drill_bucket) bucket = b;
    }
    if (bucket < 0)
      return Status::Error("bucket '" + *request.drill_bucket + "' is not in the period");
  }
  bool total = request.drill_group.empty() && bucket < 0;
  Collector collector(c, targets, bucket, total);
  RunScan(c, collector);

  LastTouchReader last_touch(tables, c.horizon);
  std::vector<Item> items = collector.TakeItems();
  std::string field = request.sort.empty() ? "id" : request.sort;
  bool descending = field[0] == '-';
  if (descending) field.erase(0, 1);
  // Sort keys are built natively for the usual fields (the id, the amount) and from the
  // item's JSON for any other; JSON of whole items is built for the page only.
  bool by_amount = field == "amount";
  std::vector<json> keys;
  std::vector<int64_t> amounts;  // by_amount: the deal's amount; kNoTime for "no amount" (null)
  if (by_amount) {
    amounts.reserve(items.size());
    for (const Item& item : items) {
      bool deal_like = item.kind == ItemKind::kDeal || item.kind == ItemKind::kStageChange;
      amounts.push_back(deal_like ? tables.deals.amount.value[Row(item.row)] : kNoTime);
    }
  } else if (field != "id") {
    keys.reserve(items.size());
    for (const Item& item : items) keys.push_back(SortKeyOf(c, item, field, last_touch));
  }
  // Null keys go last in ascending order and first in descending order, as ItemValueLess orders
  // them.
  auto amount_less = [](int64_t a, int64_t b) {
    if (a == kNoTime || b == kNoTime) return a != kNoTime && b == kNoTime;
    return a < b;
  };
  std::vector<uint32_t> order(items.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<uint32_t>(i);
  // Ties fall back to id, then the time of a stage change, then the listing order, so the
  // order never depends on the order records arrived in and is total: only the page's first
  // offset + limit positions need sorting (a partial sort, not a sort of every item).
  auto before = [&](uint32_t a, uint32_t b) {
    if (by_amount) {
      if (amounts[a] != amounts[b]) {
        return descending ? amount_less(amounts[b], amounts[a])
                          : amount_less(amounts[a], amounts[b]);
      }
    } else if (field != "id" && keys[a] != keys[b]) {
      return descending ? ItemValueLess(keys[b], keys[a]) : ItemValueLess(keys[a], keys[b]);
    }
    std::string_view id_a = ItemId(tables, items[a]), id_b = ItemId(tables, items[b]);
    if (id_a != id_b) {
      return field == "id" && descending ? id_b < id_a : id_a < id_b;
    }
    json changed_a = ChangedAt(items[a]), changed_b = ChangedAt(items[b]);
    if (changed_a != changed_b) return ItemValueLess(changed_a, changed_b);
    return a < b;
  };
  size_t sorted = static_cast<size_t>(
      std::clamp<int64_t>(request.offset + request.limit, 0, static_cast<int64_t>(items.size())));
  std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(sorted), order.end(),
                    before);
  if (stats != nullptr) stats->bytes_scanned = c.scanned_bytes;
  json page = json::array();
  size_t first =
      static_cast<size_t>(std::min<int64_t>(request.offset, static_cast<int64_t>(items.size())));
  size_t last = static_cast<size_t>(
      std::min<int64_t>(request.offset + request.limit, static_cast<int64_t>(items.size())));
  for (size_t i = first; i < last; ++i) page.push_back(ItemJson(c, items[order[i]], last_touch));
  return json{{"metric", c.metric->name},
              {"total", static_cast<int64_t>(items.size())},
              {"offset", request.offset},
              {"items", std::move(page)}};
}

}  // namespace voronka
