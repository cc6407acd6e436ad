// RunDrilldown: the same scan as the report, with a listing collector that hands over the items
// behind one row (or the total), so the list and the number can never disagree; the page is
// chosen from them as the scan goes.
#include <algorithm>
#include <array>
#include <future>
#include <unordered_set>
#include <utility>

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

// A member's value as JSON, as the page prints it: times as RFC 3339 text, days rounded to
// two decimals, the deal's deep link (drilldown_items.h); null where there is none.
json JsonOf(const Tables&, TimeValue time) {
  return TimeOrNull(time.micros);
}
json JsonOf(const Tables&, DaysSince days) {
  if (days.since == kNoTime) return nullptr;
  return RoundTo(static_cast<double>(days.as_of - days.since) / static_cast<double>(kMicrosPerDay),
                 2);
}
json JsonOf(const Tables& tables, DealLink link) {
  if (link.deal == kNone) return nullptr;
  return DealUrl(tables.settings.deal_url, tables.deals.ids.Text(link.deal));
}

// Writes an item's members as JSON text.
struct ItemWriter {
  const Tables& tables;
  JsonWriter& out;

  void operator()(std::string_view name, std::string_view text) const { out.Member(name, text); }
  void operator()(std::string_view name, MoneyValue money) const {
    out.Member(name, FormatMoney(money.minor));
  }
  template <typename Value>
  void operator()(std::string_view name, const Value& value) const {
    out.Member(name, JsonOf(tables, value));
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
  template <typename Value>
  void operator()(std::string_view name, const Value& value) {
    if (name == field) key = JsonOf(tables, value);
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

// The page of a drill-down, chosen while the scan lists its items: each item is counted once
// (by kind, row and, for a stage change, its time) and only the first `keep` in the page's
// order are kept, in a heap. A drill-down of two years' won deals lists ~500 000 of them to
// show 1 000: storing, deduplicating and sorting them all was most of its time.
class PageSelector {
 public:
  PageSelector(const ScanContext& c, const std::string& sort, size_t keep,
               LastTouchReader& last_touch)
      : c_(c),
        tables_(*c.tables),
        descending_(!sort.empty() && sort[0] == '-'),
        field_(sort.empty() ? "id" : sort.substr(descending_ ? 1 : 0)),
        by_amount_(field_ == "amount"),
        by_id_(field_ == "id"),
        keep_(keep),
        last_touch_(last_touch) {}

  void Offer(const Item& item) {
    if (!FirstTime(item)) return;
    ++count_;
    if (keep_ == 0) return;
    Entry entry{item, kNoTime, 0};
    if (Keyed()) {
      Keep(entry, SortKeyOf(c_, item, field_, last_touch_));
      return;
    }
    bool deal_like = item.kind == ItemKind::kDeal || item.kind == ItemKind::kStageChange;
    if (by_amount_ && deal_like) entry.amount = tables_.deals.amount.value[Row(item.row)];
    Keep(entry, NullKey());
  }

  // Takes in the items another selector kept for other items (a part of the scan over other
  // deals): this selector then holds the page of both, and counts both.
  void Merge(const PageSelector& other) {
    count_ += other.count_;
    for (const Entry& entry : other.heap_) Keep(entry, other.KeyOf(entry));
  }

  // Every item listed, each once.
  int64_t count() const { return count_; }
  // The kept items in the page's order (the selector is left empty).
  std::vector<Item> TakeSorted() {
    std::sort_heap(heap_.begin(), heap_.end(),
                   [this](const Entry& a, const Entry& b) { return Before(a, b); });
    std::vector<Item> items;
    items.reserve(heap_.size());
    for (const Entry& entry : heap_) items.push_back(entry.item);
    heap_.clear();
    keys_.clear();
    return items;
  }

 private:
  // A kept item, plain data so that the heap moves it cheaply (a drill-down of two years'
  // won deals by amount replaces thousands of them).
  struct Entry {
    Item item;
    int64_t amount;  // by the amount: the deal's; kNoTime for "no amount" (null)
    uint32_t key;    // by another member than the id or the amount: its sort key in keys_
  };

  bool Keyed() const { return !by_amount_ && !by_id_; }
  static const json& NullKey() {
    static const json null;
    return null;
  }
  const json& KeyOf(const Entry& entry) const { return Keyed() ? keys_[entry.key] : NullKey(); }
  // Keeps `entry` (its sort key `key` when Keyed) if it is among the first `keep_` so far.
  void Keep(Entry entry, const json& key) {
    auto before = [this](const Entry& a, const Entry& b) { return Before(a, b); };
    if (heap_.size() < keep_) {
      if (Keyed()) {
        entry.key = static_cast<uint32_t>(keys_.size());
        keys_.push_back(key);
      }
      heap_.push_back(entry);
      std::push_heap(heap_.begin(), heap_.end(), before);
    } else if (Before(entry, key, heap_.front(), KeyOf(heap_.front()))) {
      std::pop_heap(heap_.begin(), heap_.end(), before);
      entry.key = heap_.back().key;  // the key slot of the item it replaces
      if (Keyed()) keys_[entry.key] = key;
      heap_.back() = entry;
      std::push_heap(heap_.begin(), heap_.end(), before);
    }
  }

  // Whether `item` is listed for the first time (an item may contribute several times).
  bool FirstTime(const Item& item) {
    if (item.kind == ItemKind::kStageChange) {
      return changes_.insert({item.row, item.at}).second;
    }
    std::vector<uint64_t>& seen = seen_[static_cast<size_t>(item.kind)];
    size_t row = Row(item.row);
    if (seen.size() <= row / 64) seen.resize(std::max(row, RowsOf(item.kind)) / 64 + 1, 0);
    uint64_t bit = uint64_t{1} << (row % 64);
    if (seen[row / 64] & bit) return false;
    seen[row / 64] |= bit;
    return true;
  }

  // The page's order: by the sort member (nulls last ascending, first descending, as
  // ItemValueLess orders them), then the id, then the time of a stage change. Items counted
  // once differ in id or time, so the order is total and never depends on the order records
  // arrived in.
  bool Before(const Entry& a, const Entry& b) const { return Before(a, KeyOf(a), b, KeyOf(b)); }
  // The same, with the entries' sort keys (an entry not kept yet has its key apart).
  bool Before(const Entry& a, const json& key_a, const Entry& b, const json& key_b) const {
    if (by_amount_) {
      if (a.amount != b.amount) {
        return descending_ ? AmountLess(b.amount, a.amount) : AmountLess(a.amount, b.amount);
      }
    } else if (!by_id_ && key_a != key_b) {
      return descending_ ? ItemValueLess(key_b, key_a) : ItemValueLess(key_a, key_b);
    }
    std::string_view id_a = ItemId(tables_, a.item), id_b = ItemId(tables_, b.item);
    if (id_a != id_b) return by_id_ && descending_ ? id_b < id_a : id_a < id_b;
    return ItemValueLess(ChangedAt(a.item), ChangedAt(b.item));
  }
  size_t RowsOf(ItemKind kind) const {
    switch (kind) {
      case ItemKind::kActivity:
        return static_cast<size_t>(tables_.activities.ids.size());
      case ItemKind::kTask:
        return static_cast<size_t>(tables_.tasks.ids.size());
      default:
        return static_cast<size_t>(tables_.deals.size());
    }
  }
  static bool AmountLess(int64_t a, int64_t b) {
    if (a == kNoTime || b == kNoTime) return a != kNoTime && b == kNoTime;
    return a < b;
  }

  struct ChangeHash {
    size_t operator()(const std::pair<int32_t, int64_t>& change) const {
      return std::hash<int64_t>()(change.second) * 31 + static_cast<size_t>(change.first);
    }
  };

  const ScanContext& c_;
  const Tables& tables_;
  bool descending_;
  std::string field_;
  bool by_amount_;
  bool by_id_;
  size_t keep_;
  LastTouchReader& last_touch_;
  int64_t count_ = 0;
  std::vector<Entry> heap_;                    // a max-heap by Before: its front is the last kept
  std::vector<json> keys_;                     // the kept entries' sort keys (Entry::key)
  std::array<std::vector<uint64_t>, 4> seen_;  // per item kind, a bit per row
  std::unordered_set<std::pair<int32_t, int64_t>, ChangeHash> changes_;
};

}  // namespace

Result<json> RunDrilldown(const Engine& engine, const json& body, Instant now,
                          const Visibility& visibility, ScanStats* stats,
                          const DrilldownOptions& options) {
  return ParsedAnswer(RunDrilldownText(engine, body, now, visibility, stats, options));
}

Result<std::string> RunDrilldownText(const Engine& engine, const json& body, Instant now,
                                     const Visibility& visibility, ScanStats* stats,
                                     const DrilldownOptions& options) {
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
  LastTouchReader last_touch(tables, c.horizon);
  size_t keep = static_cast<size_t>(std::max<int64_t>(0, request.offset + request.limit));
  PageSelector page(c, request.sort, keep, last_touch);
  auto list = [&](PageSelector& into) {
    return Collector(c, targets, bucket, total, [&into](const Item& item) { into.Offer(item); });
  };
  if (ScanSplitsByDeal(c) && tables.deals.size() >= std::max(options.split_deals, 2)) {
    // Two halves of the deals, each listed by its own thread into its own page, then merged:
    // a drill-down into two years' won deals offers ~500 000 of them for a page of 1 000.
    int32_t middle = tables.deals.size() / 2;
    LastTouchReader other_touch(tables, c.horizon);
    PageSelector other(c, request.sort, keep, other_touch);
    std::future<void> second = std::async(std::launch::async, [&] {
      Collector collector = list(other);
      RunScanPart(c, collector, DealRows{middle, INT32_MAX});
    });
    Collector collector = list(page);
    RunScanPart(c, collector, DealRows{0, middle});
    second.get();
    page.Merge(other);
  } else {
    Collector collector = list(page);
    RunScan(c, collector);
  }
  if (stats != nullptr) stats->bytes_scanned = c.scanned_bytes;

  std::vector<Item> kept = page.TakeSorted();
  size_t first = static_cast<size_t>(std::min<int64_t>(request.offset, page.count()));
  // The page is written as text: a tree of 1 000 items was a quarter of a long drill-down.
  std::string text;
  JsonWriter out(text);
  out.BeginObject()
      .Member("metric", c.metric->name)
      .Member("total", page.count())
      .Member("offset", request.offset)
      .Key("items")
      .BeginArray();
  for (size_t i = first; i < kept.size(); ++i) WriteItem(c, kept[i], last_touch, out);
  out.EndArray().EndObject();
  return text;
}

}  // namespace voronka
