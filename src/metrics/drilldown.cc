// RunDrilldown: the same scan as the report, with a listing collector that keeps the items
// behind one row (or the total), so the list and the number can never disagree.
#include <algorithm>

#include "metrics/drilldown_items.h"
#include "metrics/format.h"
#include "metrics/report.h"
#include "metrics/scans.h"
#include "model/json_writer.h"
#include "model/money.h"

namespace voronka {

namespace {

using nlohmann::json;

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

// The values of an item's members that are not plain text, so that one list of members
// (ItemMembers) serves both the written page and the sort keys.
struct MoneyValue {
  int64_t minor;
};
struct TimeValue {
  int64_t micros;  // kNoTime: null
};
struct DaysSince {
  int64_t since;  // kNoTime: null
  int64_t as_of;
};
struct DealLink {
  int32_t deal;  // kNone: null
};

// Calls member(name, value) for each member of the item's JSON.
template <typename Member>
void DealMembers(const ScanContext& c, int32_t deal, LastTouchReader& last_touch, Member&& member) {
  const Tables& t = *c.tables;
  size_t row = Row(deal);
  const DealMoment& m = c.state[row];
  member("id", t.deals.ids.Text(deal));
  member("title", t.titles.Text(t.deals.title.value[row]));
  member("amount", MoneyValue{t.deals.amount.value[row]});
  member("stage", t.stages.ids.Text(m.stage));
  member("stage_name", m.stage == kNone ? std::string_view() : t.stages.name[Row(m.stage)]);
  member("responsible", t.users.ids.Text(t.deals.responsible.value[row]));
  member("created_at", TimeValue{t.deals.created_at[row]});
  member("closed_at", TimeValue{m.close});
  member("days_on_stage", DaysSince{m.entered, c.as_of});
  member("days_since_touch", DaysSince{last_touch.Get(deal), c.as_of});
  member("url", DealLink{deal});
}

template <typename Member>
void ItemMembers(const ScanContext& c, const Item& item, LastTouchReader& last_touch,
                 Member&& member) {
  const Tables& t = *c.tables;
  size_t row = Row(item.row);
  switch (item.kind) {
    case ItemKind::kDeal:
      member("type", std::string_view("deal"));
      return DealMembers(c, item.row, last_touch, member);
    case ItemKind::kStageChange:
      member("type", std::string_view("stage_change"));
      DealMembers(c, item.row, last_touch, member);
      member("changed_at", TimeValue{item.at});
      member("by", t.users.ids.Text(item.user));
      return;
    case ItemKind::kActivity: {
      const ActivityTable& a = t.activities;
      int32_t deal = a.deal[row];
      member("type", std::string_view("activity"));
      member("id", a.ids.Text(item.row));
      member("kind", std::string_view(ActivityKindName(a.kind[row])));
      member("direction", std::string_view(DirectionName(a.direction[row])));
      member("at", TimeValue{a.at[row]});
      member("responsible", t.users.ids.Text(a.user[row]));
      member("deal_id", t.deals.ids.Text(deal));
      member("title",
             deal == kNone ? std::string_view() : t.titles.Text(t.deals.title.value[Row(deal)]));
      member("url", DealLink{deal});
      return;
    }
    case ItemKind::kTask: {
      const TaskTable& k = t.tasks;
      member("type", std::string_view("task"));
      member("id", k.ids.Text(item.row));
      member("title", t.titles.Text(k.title[row]));
      member("responsible", t.users.ids.Text(k.user.value[row]));
      member("deal_id", t.deals.ids.Text(k.deal[row]));
      member("created_at", TimeValue{k.created_at[row]});
      member("deadline", TimeValue{k.deadline.value[row]});
      member("completed_at", TimeValue{k.completed_at.value[row]});
      member("url", DealLink{k.deal[row]});
      return;
    }
  }
}

double DaysOf(const DaysSince& days) {
  return RoundTo(static_cast<double>(days.as_of - days.since) / static_cast<double>(kMicrosPerDay),
                 2);
}

// Writes an item's members as JSON text.
struct ItemWriter {
  const Tables& tables;
  JsonWriter& out;

  void operator()(std::string_view name, std::string_view text) const { out.Member(name, text); }
  void operator()(std::string_view name, MoneyValue money) const {
    out.Member(name, FormatMoney(money.minor));
  }
  void operator()(std::string_view name, TimeValue time) const {
    out.Key(name);
    time.micros == kNoTime ? out.Null() : out.String(FormatInstant(Instant{time.micros}));
  }
  void operator()(std::string_view name, DaysSince days) const {
    out.Key(name);
    days.since == kNoTime ? out.Null() : out.Double(DaysOf(days));
  }
  void operator()(std::string_view name, DealLink link) const {
    out.Key(name);
    const std::string& pattern = tables.settings.deal_url;
    if (link.deal == kNone || pattern.empty()) {
      out.Null();
      return;
    }
    std::string_view id = tables.deals.ids.Text(link.deal);
    size_t at = pattern.find("{id}");
    if (at == std::string::npos) {
      out.String(pattern);
      return;
    }
    std::string url;
    url.reserve(pattern.size() + id.size());
    url.append(pattern, 0, at).append(id).append(pattern, at + 4);
    out.String(url);
  }
};

// The sort key of one member (ItemSortKey's: money as minor units), null when the item has no
// member of that name.
struct ItemKeyPicker {
  const Tables& tables;
  const std::string& field;
  json key = nullptr;

  void operator()(std::string_view name, std::string_view text) {
    if (name == field) key = text;
  }
  void operator()(std::string_view name, MoneyValue money) {
    if (name == field) key = money.minor;
  }
  void operator()(std::string_view name, TimeValue time) {
    if (name == field) key = TimeOrNull(time.micros);
  }
  void operator()(std::string_view name, DaysSince days) {
    if (name == field) key = days.since == kNoTime ? json(nullptr) : json(DaysOf(days));
  }
  void operator()(std::string_view name, DealLink link) {
    if (name == field) {
      key = link.deal == kNone
                ? json(nullptr)
                : DealUrl(tables.settings.deal_url, tables.deals.ids.Text(link.deal));
    }
  }
};

void WriteItem(const ScanContext& c, const Item& item, LastTouchReader& last_touch,
               JsonWriter& out) {
  out.BeginObject();
  ItemMembers(c, item, last_touch, ItemWriter{*c.tables, out});
  out.EndObject();
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

// The item's sort key for `field`, read without writing the item.
json SortKeyOf(const ScanContext& c, const Item& item, const std::string& field,
               LastTouchReader& last_touch) {
  ItemKeyPicker picker{*c.tables, field};
  ItemMembers(c, item, last_touch, picker);
  return std::move(picker.key);
}

}  // namespace

Result<json> RunDrilldown(const Engine& engine, const json& body, Instant now,
                          const Visibility& visibility, ScanStats* stats) {
  return ParsedAnswer(RunDrilldownText(engine, body, now, visibility, stats));
}

Result<std::string> RunDrilldownText(const Engine& engine, const json& body, Instant now,
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
  size_t first =
      static_cast<size_t>(std::min<int64_t>(request.offset, static_cast<int64_t>(items.size())));
  size_t last = static_cast<size_t>(
      std::min<int64_t>(request.offset + request.limit, static_cast<int64_t>(items.size())));
  // The page is written as text: a tree of 1 000 items was a quarter of a long drill-down.
  std::string text;
  JsonWriter out(text);
  out.BeginObject()
      .Member("metric", c.metric->name)
      .Member("total", static_cast<int64_t>(items.size()))
      .Member("offset", request.offset)
      .Key("items")
      .BeginArray();
  for (size_t i = first; i < last; ++i) WriteItem(c, items[order[i]], last_touch, out);
  out.EndArray().EndObject();
  return text;
}

}  // namespace voronka
