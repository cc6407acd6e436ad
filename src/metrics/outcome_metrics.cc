// Outcome metrics: by each deal's state at T and its close time (SPEC §4).
#include <algorithm>
#include <array>
#include <bit>
#include <unordered_map>

#include "metrics/scans.h"

namespace voronka {

namespace {

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

// The customer a deal belongs to for repeat/new: its company, else its contact, else none.
// Companies and contacts share one key space: contacts come after companies.
int64_t CustomerKey(const Tables& t, int32_t deal) {
  int32_t company = t.deals.company.value[Row(deal)];
  if (company != kNone) return company;
  int32_t contact = t.deals.contact.value[Row(deal)];
  if (contact != kNone) return int64_t{t.companies.ids.size()} + contact;
  return kNone;
}

// Per customer and entity, the earliest won close time at T over all deals (filters do not
// apply: being a repeat customer is a fact about the customer). A won deal is repeat when
// that minimum is strictly earlier than its own close time.
std::vector<int64_t> EarliestWinByCustomer(const ScanContext& c) {
  const Tables& t = *c.tables;
  size_t keys = Row(t.companies.ids.size() + t.contacts.ids.size());
  std::vector<int64_t> earliest(keys * 2, kNoTime);
  for (int32_t d = 0; d < t.deals.size(); ++d) {
    const DealMoment& m = c.state[Row(d)];
    int64_t key = CustomerKey(t, d);
    if (m.outcome != Outcome::kWon || key == kNone) continue;
    int64_t& slot =
        earliest[static_cast<size_t>(key) * 2 + static_cast<size_t>(t.deals.entity[Row(d)])];
    if (slot == kNoTime || m.close < slot) slot = m.close;
  }
  return earliest;
}

}  // namespace

std::vector<int32_t> FirstDealOfCustomer(const Tables& t, int64_t horizon) {
  size_t keys = Row(t.companies.ids.size() + t.contacts.ids.size());
  std::vector<int32_t> first(keys * 2, kNone);
  const DealTable& deals = t.deals;
  for (int32_t d = 0; d < deals.size(); ++d) {
    size_t row = Row(d);
    int64_t key = CustomerKey(t, d);
    if (key == kNone || !deals.defined[row] || deals.created_at[row] >= horizon) continue;
    int32_t& slot = first[static_cast<size_t>(key) * 2 + static_cast<size_t>(deals.entity[row])];
    if (slot == kNone || deals.created_at[row] < deals.created_at[Row(slot)]) slot = d;
  }
  return first;
}

Item DealItem(const ScanContext& c, int32_t deal) {
  return Item{ItemKind::kDeal, deal, deal, c.tables->deals.responsible.value[Row(deal)], kNoTime};
}

namespace {

// Which contributions of a deal a pass adds: those bucketed by its creation, by its close, or
// both. The indexed scan reads the two halves from two time indexes.
enum Part : uint8_t { kByCreation = 1, kByClose = 2, kBoth = 3 };

struct OutcomeScan {
  const ScanContext& c;
  Collector& out;
  MetricId metric;
  const std::vector<int64_t>& earliest_win;
  const std::vector<int32_t>& first_deal;

  void Deal(int32_t d, uint8_t part) const {
    const Tables& t = *c.tables;
    const Buckets& buckets = *c.buckets;
    size_t row = Row(d);
    const DealMoment& m = c.state[row];
    bool won = m.outcome == Outcome::kWon;
    bool lost = m.outcome == Outcome::kLost;
    // The creation is read only when it buckets the deal or measures its cycle, the amount
    // only once the deal is in the period.
    bool need_created = (part & kByCreation) || metric == MetricId::kAvgCycleDays;
    int64_t created = need_created ? t.deals.created_at[row] : 0;
    int32_t created_bucket = (part & kByCreation) ? buckets.IndexOf(created) : -1;
    int32_t close_bucket = (part & kByClose) && (won || lost) ? buckets.IndexOf(m.close) : -1;
    if (created_bucket < 0 && close_bucket < 0) return;
    int64_t amount = t.deals.amount.value[row];
    Item item = DealItem(c, d);
    switch (metric) {
      case MetricId::kCreatedCount:
        out.Add(item, kNone, created_bucket, {1, 0, 0});
        break;
      case MetricId::kWonCount:
        if (won) out.Add(item, kNone, close_bucket, {1, 0, 0});
        break;
      case MetricId::kWonAmount:
        if (won) out.Add(item, kNone, close_bucket, {amount, 0, 0});
        break;
      case MetricId::kLostCount:
        if (lost) out.Add(item, kNone, close_bucket, {1, 0, 0});
        break;
      case MetricId::kLostAmount:
        if (lost) out.Add(item, kNone, close_bucket, {amount, 0, 0});
        break;
      case MetricId::kAvgCheck:
        if (won) out.Add(item, kNone, close_bucket, {amount, 1, 0});
        break;
      case MetricId::kAvgCycleDays:
        if (won) {
          double days = static_cast<double>(m.close - created) / static_cast<double>(kMicrosPerDay);
          out.Add(item, kNone, close_bucket, {0, 1, days});
        }
        break;
      case MetricId::kConversionRate:
        // won_count / created_count of the same period: two contributions, each in its bucket.
        if (won) out.Add(item, kNone, close_bucket, {1, 0, 0});
        out.Add(item, kNone, created_bucket, {0, 1, 0});
        break;
      case MetricId::kCohortWinRate:
        out.Add(item, kNone, created_bucket, {won ? 1 : 0, 1, 0});
        break;
      case MetricId::kLostShare:
        if (won || lost) out.Add(item, kNone, close_bucket, {lost ? 1 : 0, 1, 0});
        break;
      case MetricId::kRepeatWonCount:
      case MetricId::kNewWonCount:
      case MetricId::kRepeatShare: {
        if (!won) break;
        int64_t key = CustomerKey(t, d);
        bool repeat =
            key != kNone &&
            earliest_win[static_cast<size_t>(key) * 2 + static_cast<size_t>(t.deals.entity[row])] <
                m.close;
        if (metric == MetricId::kRepeatShare) {
          out.Add(item, kNone, close_bucket, {repeat ? 1 : 0, 1, 0});
        } else if (repeat == (metric == MetricId::kRepeatWonCount)) {
          out.Add(item, kNone, close_bucket, {1, 0, 0});
        }
        break;
      }
      case MetricId::kNewClientCount: {
        int64_t key = CustomerKey(t, d);
        if (key != kNone &&
            first_deal[static_cast<size_t>(key) * 2 + static_cast<size_t>(t.deals.entity[row])] == d) {
          out.Add(item, kNone, created_bucket, {1, 0, 0});
        }
        break;
      }
      default:
        break;
    }
  }
};

// The parts a metric has: by creation (created, cohort), by close (won, lost, ...), or both.
uint8_t PartsOf(MetricId metric) {
  switch (metric) {
    case MetricId::kCreatedCount:
    case MetricId::kCohortWinRate:
    case MetricId::kNewClientCount:
      return kByCreation;
    case MetricId::kConversionRate:
      return kBoth;
    default:
      return kByClose;
  }
}

// The outcome metrics the rollup holds (DealDayCell): all but repeat/new customers.
bool RolledUp(MetricId metric) {
  switch (metric) {
    case MetricId::kCreatedCount:
    case MetricId::kWonCount:
    case MetricId::kWonAmount:
    case MetricId::kLostCount:
    case MetricId::kLostAmount:
    case MetricId::kAvgCheck:
    case MetricId::kAvgCycleDays:
    case MetricId::kConversionRate:
    case MetricId::kCohortWinRate:
    case MetricId::kLostShare:
      return true;
    default:
      return false;
  }
}

// A day's (or a bucket's) cell of one manager, added as OutcomeScan adds its deals: the same
// contributions summed, a row only where some deal contributed.
void AddRolledUp(MetricId metric, const DealDayCell& s, const Item& item, int32_t bucket,
                 Collector& out) {
  switch (metric) {
    case MetricId::kCreatedCount:
      if (s.created > 0) out.Add(item, kNone, bucket, {s.created, 0, 0});
      break;
    case MetricId::kWonCount:
      if (s.won > 0) out.Add(item, kNone, bucket, {s.won, 0, 0});
      break;
    case MetricId::kWonAmount:
      if (s.won > 0) out.Add(item, kNone, bucket, {s.won_amount, 0, 0});
      break;
    case MetricId::kLostCount:
      if (s.lost > 0) out.Add(item, kNone, bucket, {s.lost, 0, 0});
      break;
    case MetricId::kLostAmount:
      if (s.lost > 0) out.Add(item, kNone, bucket, {s.lost_amount, 0, 0});
      break;
    case MetricId::kAvgCheck:
      if (s.won > 0) out.Add(item, kNone, bucket, {s.won_amount, s.won, 0});
      break;
    case MetricId::kAvgCycleDays:
      if (s.won > 0) {
        double days = static_cast<double>(s.won_cycle) / static_cast<double>(kMicrosPerDay);
        out.Add(item, kNone, bucket, {0, s.won, days});
      }
      break;
    case MetricId::kConversionRate:
      if (s.won > 0) out.Add(item, kNone, bucket, {s.won, 0, 0});
      if (s.created > 0) out.Add(item, kNone, bucket, {0, s.created, 0});
      break;
    case MetricId::kCohortWinRate:
      if (s.created > 0) out.Add(item, kNone, bucket, {s.created_won, s.created, 0});
      break;
    case MetricId::kLostShare:
      if (s.won + s.lost > 0) out.Add(item, kNone, bucket, {s.lost, s.won + s.lost, 0});
      break;
    default:
      break;
  }
}

// An outcome metric from the per-day, per-manager rollup (DealTable::rollup) instead of a pass
// over the period's deals, when the answer depends only on each deal's responsible and days:
// a metric the rollup holds, T after every change (the latest states), deals only, no
// deal-attribute filter (responsible, department and visibility are per manager), grouped by
// nothing, responsible or department, every bucket bound a local midnight. False when the
// request does not qualify (the caller scans).
bool OutcomeFromRollup(const ScanContext& c, Collector& out) {
  MetricId metric = c.metric->id;
  if (!RolledUp(metric) || !RollupHolds(c, out)) return false;
  const Buckets& buckets = *c.buckets;
  std::vector<int64_t> days(Row(buckets.count() + 1));  // bucket b: days [days[b], days[b + 1])
  for (int32_t b = 0; b <= buckets.count(); ++b) {
    if (!MidnightDay(*c.tables, b < buckets.count() ? buckets.Begin(b) : buckets.end(),
                     days[Row(b)])) {
      return false;
    }
  }
  std::vector<uint8_t> slot_passes = RollupSlotsPassing(c);
  std::vector<DealDayCell> sums;
  for (int32_t b = 0; b < buckets.count(); ++b) {
    c.Scanned(c.tables->deals.rollup.SumDays(days[Row(b)], days[Row(b + 1)], sums),
              sizeof(DealDayCell));
    for (size_t slot = 0; slot < sums.size(); ++slot) {
      if (!slot_passes[slot]) continue;
      AddRolledUp(metric, sums[slot], RollupSlotItem(slot), b, out);
    }
  }
  return true;
}

// Metrics that tell repeat customers' wins from new ones (EarliestWinByCustomer).
bool ByRepeatCustomer(MetricId metric) {
  return metric == MetricId::kRepeatWonCount || metric == MetricId::kNewWonCount ||
         metric == MetricId::kRepeatShare;
}

// The time indexes hold creation and the latest close: they answer when the state is the
// latest one (T after every change) and the period's weeks hold a minority of the deals;
// otherwise one sequential pass is cheaper than random reads through an index. The number of
// deals the indexes list for the period, or -1 when a pass over every deal is cheaper.
int64_t IndexCandidates(const ScanContext& c, uint8_t parts) {
  const DealTable& deals = c.tables->deals;
  const Buckets& buckets = *c.buckets;
  bool index_holds = c.state.borrowed() || !(parts & kByClose);  // creation never changes with T
  if (!index_holds) return -1;
  int64_t candidates = 0;
  if (parts & kByCreation)
    candidates += deals.created_index.CandidateCount(buckets.start(), buckets.end());
  if (parts & kByClose)
    candidates += deals.close_index.CandidateCount(buckets.start(), buckets.end());
  return candidates < deals.size() / 4 ? candidates : -1;
}

}  // namespace

bool OutcomeSplitsByDeal(const ScanContext& c) {
  MetricId metric = c.metric->id;
  // Repeat and new customers first pass over every deal for the customers' tables: each part
  // would build them again.
  bool per_customer = ByRepeatCustomer(metric) || metric == MetricId::kNewClientCount;
  // Through the time indexes each part would walk the period's whole index for its half.
  return !per_customer && IndexCandidates(c, PartsOf(metric)) < 0;
}

void ScanOutcome(const ScanContext& c, Collector& out, DealRows rows) {
  const Tables& t = *c.tables;
  const DealTable& deals = t.deals;
  rows.end = std::min(rows.end, deals.size());
  bool every_deal = rows.begin == 0 && rows.end == deals.size();
  if (every_deal && OutcomeFromRollup(c, out)) return;
  const Buckets& buckets = *c.buckets;
  MetricId metric = c.metric->id;
  std::vector<int64_t> earliest_win;
  if (ByRepeatCustomer(metric)) earliest_win = EarliestWinByCustomer(c);
  std::vector<int32_t> first_deal;
  if (metric == MetricId::kNewClientCount) first_deal = FirstDealOfCustomer(t, c.horizon);
  OutcomeScan scan{c, out, metric, earliest_win, first_deal};
  uint8_t parts = PartsOf(metric);

  int64_t candidates = IndexCandidates(c, parts);
  if (candidates >= 0) {
    c.Scanned(candidates, 4 + 53);
    if (parts & kByCreation) {
      deals.created_index.ForEachCandidate(buckets.start(), buckets.end(), [&](int32_t d) {
        if (rows.Holds(d) && c.DealPasses(d)) scan.Deal(d, kByCreation);
      });
    }
    if (parts & kByClose) {
      deals.close_index.ForEachCandidate(buckets.start(), buckets.end(), [&](int32_t d) {
        if (rows.Holds(d) && c.DealPasses(d)) scan.Deal(d, kByClose);
      });
    }
    return;
  }
  // Metrics counted only by close skip deals by the 1-byte outcome column before reading more.
  bool need_won = true, need_lost = true;
  if (parts == kByClose) {
    need_lost = metric == MetricId::kLostCount || metric == MetricId::kLostAmount ||
                metric == MetricId::kLostShare;
    need_won = !need_lost || metric == MetricId::kLostShare;
  }
  c.Scanned(rows.end - rows.begin, 1);
  int64_t read = 0;
  // The deals to read are gathered a batch at a time and read with their state and amount
  // asked for kAhead deals early: one in three deals is won, and read as they come each one
  // waited for its state's cache line (half of a two-year drill-down's time).
  constexpr size_t kBatch = 256, kAhead = 8;
  std::array<int32_t, kBatch> batch;
  size_t batched = 0;
  auto flush = [&] {
    for (size_t i = 0; i < batched; ++i) {
      if (i + kAhead < batched) {
        size_t ahead = Row(batch[i + kAhead]);
        c.state.Prefetch(ahead);
        __builtin_prefetch(&deals.amount.value[ahead]);
      }
      scan.Deal(batch[i], parts);
    }
    batched = 0;
  };
  auto take = [&](size_t row) {
    ++read;
    int32_t d = static_cast<int32_t>(row);
    if (!c.DealPasses(d)) return;
    batch[batched++] = d;
    if (batched == kBatch) flush();
  };
  // Which deals to read is decided 64 at a time into a bit mask, without a branch per deal:
  // a third of them are won, in no pattern a branch predictor could learn.
  bool all = parts != kByClose;
  uint64_t mask = 0;
  auto drain = [&](size_t base) {
    for (; mask != 0; mask &= mask - 1) take(base + static_cast<size_t>(std::countr_zero(mask)));
  };
  c.state.ForEachOutcome(Row(rows.begin), Row(rows.end), [&](size_t row, Outcome outcome) {
    bool wanted =
        all | (need_won & (outcome == Outcome::kWon)) | (need_lost & (outcome == Outcome::kLost));
    mask |= uint64_t{wanted} << (row & 63);
    if ((row & 63) == 63) drain(row - 63);
  });
  drain(Row(rows.end) & ~size_t{63});
  flush();
  c.Scanned(read, 53);
}

}  // namespace voronka
