// State metrics: snapshots at M = min(end of the period or bucket, T) (SPEC §4). With a
// granularity every bucket is its own snapshot at its end; buckets starting after T are empty.
#include <algorithm>
#include <iterator>

#include "engine/deal_state.h"
#include "metrics/scans.h"

namespace voronka {

namespace {

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

// Per deal, the number of its tasks open at `limit` (created before it, not completed before it).
std::vector<int32_t> OpenTasksAt(const Tables& t, int64_t limit) {
  std::vector<int32_t> open(Row(t.deals.size()), 0);
  for (int32_t k = 0; k < t.tasks.size(); ++k) {
    size_t row = Row(k);
    int32_t deal = t.tasks.deal[row];
    if (!t.tasks.defined[row] || deal == kNone || t.tasks.created_at[row] >= limit) continue;
    int64_t completed = t.tasks.completed_at.value[row];
    if (completed == kNoTime || completed >= limit) ++open[Row(deal)];
  }
  return open;
}

// Per stage, won and lost counts of the deals closed at T that were ever on it: the
// probability of winning from a stage, measured on this workspace's own history.
struct StageOdds {
  std::vector<int64_t> won;
  std::vector<int64_t> lost;
};

StageOdds MeasureOdds(const ScanContext& c) {
  const Tables& t = *c.tables;
  StageOdds odds{std::vector<int64_t>(Row(t.stages.ids.size()), 0),
                 std::vector<int64_t>(Row(t.stages.ids.size()), 0)};
  std::vector<int32_t> seen;
  for (int32_t d = 0; d < t.deals.size(); ++d) {
    Outcome outcome = c.state[Row(d)].outcome;
    if (outcome != Outcome::kWon && outcome != Outcome::kLost) continue;
    seen.clear();
    for (const StageEntry& entry : t.deals.history[Row(d)]) {
      if (entry.at >= c.horizon) break;
      if (std::find(seen.begin(), seen.end(), entry.stage) != seen.end()) continue;
      seen.push_back(entry.stage);
      ++(outcome == Outcome::kWon ? odds.won : odds.lost)[Row(entry.stage)];
    }
  }
  return odds;
}

// amount * won / (won + lost), rounded half away from zero to whole minor units.
int64_t Weighted(int64_t amount, int64_t won, int64_t lost) {
  if (won + lost == 0) return 0;
  __int128 numerator = static_cast<__int128>(amount) * won * 2;
  __int128 denominator = static_cast<__int128>(won + lost) * 2;
  __int128 half = won + lost;
  return static_cast<int64_t>(numerator >= 0 ? (numerator + half) / denominator
                                             : (numerator - half) / denominator);
}

void ScanOverdueTasks(const ScanContext& c, Collector& out) {
  const TaskTable& tasks = c.tables->tasks;
  for (int32_t k = 0; k < tasks.size(); ++k) {
    size_t row = Row(k);
    int64_t deadline = tasks.deadline.value[row];
    if (!c.TaskPasses(k) || deadline == kNoTime || deadline >= c.as_of ||
        tasks.created_at[row] >= c.horizon) {
      continue;
    }
    int64_t completed = tasks.completed_at.value[row];
    if (completed != kNoTime && completed <= deadline) continue;  // done in time
    Item item{ItemKind::kTask, k, tasks.deal[row], tasks.user.value[row], kNoTime};
    out.Add(item, kNone, c.buckets->IndexOf(deadline), {1, 0, 0});
  }
}

}  // namespace

std::vector<int64_t> LastTouchBefore(const Tables& t, int64_t limit) {
  std::vector<int64_t> last(Row(t.deals.size()), kNoTime);
  auto touch = [&](int32_t deal, int64_t at) {
    if (deal != kNone && at != kNoTime && at < limit && at > last[Row(deal)]) last[Row(deal)] = at;
  };
  for (int32_t d = 0; d < t.deals.size(); ++d) {
    if (t.deals.defined[Row(d)]) touch(d, t.deals.created_at[Row(d)]);
    for (const StageEntry& entry : t.deals.history[Row(d)]) touch(d, entry.at);
  }
  for (int32_t a = 0; a < t.activities.size(); ++a)
    touch(t.activities.deal[Row(a)], t.activities.at[Row(a)]);
  for (int32_t k = 0; k < t.tasks.size(); ++k) {
    if (!t.tasks.defined[Row(k)]) continue;
    touch(t.tasks.deal[Row(k)], t.tasks.created_at[Row(k)]);
    touch(t.tasks.deal[Row(k)], t.tasks.completed_at.value[Row(k)]);
  }
  return last;
}

LastTouchReader::LastTouchReader(const Tables& tables, int64_t limit)
    : tables_(&tables), limit_(limit) {}

int64_t LastTouchReader::Get(int32_t deal) {
  const DealTable& deals = tables_->deals;
  int64_t last = deals.last_touch[Row(deal)];
  if (!deals.touch_stale[Row(deal)] && last < limit_) return last;
  if (computed_.empty()) computed_ = LastTouchBefore(*tables_, limit_);
  return computed_[Row(deal)];
}

namespace {

// Whether the deal was touched at some t with lo < t < hi through an activity or a task, for a
// window of a snapshot in the past: only the rows of the window's weeks are read, through the
// activity and task time indexes.
std::vector<uint8_t> TouchedByActivityOrTask(const ScanContext& c, int64_t lo, int64_t hi) {
  const Tables& t = *c.tables;
  std::vector<uint8_t> touched(Row(t.deals.size()), 0);
  if (hi - lo < 2) return touched;
  const ActivityTable& a = t.activities;
  c.Scanned(a.at_index.CandidateCount(lo + 1, hi), 4 + 8 + 4);
  a.at_index.ForEachCandidate(lo + 1, hi, [&](int32_t k) {
    int64_t at = a.at[Row(k)];
    if (at > lo && at < hi && a.deal[Row(k)] != kNone) touched[Row(a.deal[Row(k)])] = 1;
  });
  const TaskTable& tasks = t.tasks;
  auto touch_task = [&](int32_t k, int64_t at) {
    if (at > lo && at < hi && tasks.defined[Row(k)] && tasks.deal[Row(k)] != kNone) {
      touched[Row(tasks.deal[Row(k)])] = 1;
    }
  };
  c.Scanned(tasks.created_index.CandidateCount(lo + 1, hi) +
                tasks.completed_index.CandidateCount(lo + 1, hi),
            4 + 8 + 5);
  tasks.created_index.ForEachCandidate(lo + 1, hi,
                                       [&](int32_t k) { touch_task(k, tasks.created_at[Row(k)]); });
  tasks.completed_index.ForEachCandidate(
      lo + 1, hi, [&](int32_t k) { touch_task(k, tasks.completed_at.value[Row(k)]); });
  return touched;
}

// Whether the deal's own history (creation, stage changes) has a touch in (lo, hi).
bool HistoryTouchedIn(const Tables& t, int32_t deal, int64_t lo, int64_t hi) {
  int64_t created = t.deals.created_at[Row(deal)];
  if (t.deals.defined[Row(deal)] && created > lo && created < hi) return true;
  for (const StageEntry& entry : t.deals.history[Row(deal)]) {
    if (entry.at > lo && entry.at < hi) return true;
  }
  return false;
}

// Whether a deal has no touch in (lo, limit), read from its long gaps (DealTable::touch_gaps):
// exact when the deal is not touch_stale, has a touch at or after `limit`, and
// limit - lo >= kTouchGap (the gap between its last touch before `limit` and its next one is
// then stored whenever it covers the window). Gaps are disjoint and in time order, so only the
// last one starting at or before `lo` can reach `limit`.
bool UntouchedByGaps(const DealTable& deals, size_t row, int64_t lo, int64_t limit) {
  if (deals.first_touch[row] >= limit) return true;
  const PackedList<TouchGap>& gaps = deals.touch_gaps[row];
  auto after = std::upper_bound(gaps.begin(), gaps.end(), lo,
                                [](int64_t time, const TouchGap& gap) { return time < gap.from; });
  return after != gaps.begin() && std::prev(after)->to >= limit;
}

constexpr int64_t kAfterEveryDay = int64_t{1} << 62;

// The local days of the first `count` snapshot limits, each a local midnight or, when
// `horizon_too`, T's horizon (after everything filed: kAfterEveryDay). False when one is
// neither.
bool SnapshotDays(const ScanContext& c, const std::vector<int64_t>& limits, size_t count,
                  bool horizon_too, std::vector<int64_t>& days) {
  days.resize(count);
  for (size_t b = 0; b < count; ++b) {
    if (horizon_too && limits[b] == c.horizon) {
      days[b] = kAfterEveryDay;
    } else if (!MidnightDay(*c.tables, limits[b], days[b])) {
      return false;
    }
  }
  return true;
}

// Calls fn(b, slot, cell) for each snapshot day b of `days` (ascending, not empty) and user slot
// whose owner passes (`slot_passes`, RollupSlotsPassing), with the rollup's spans (Cell:
// DealDayCell's open spans or the forgotten SpanDayCell) begun before that day less those ended
// before it: the rollup's totals less the days from the snapshot's on. Snapshots are taken from the
// last back, so that each day from the first snapshot's on is read once.
template <typename Cell, typename Fn>
void ForEachSnapshotSlot(const ScanContext& c, const std::vector<int64_t>& days,
                         const std::vector<uint8_t>& slot_passes, Fn&& fn) {
  const DealRollup& rollup = c.tables->deals.rollup;
  // Per slot, the days from the current snapshot's on; days_part: those up to the one after.
  std::vector<Cell> after, days_part;
  c.Scanned(rollup.SumDays(days.back(), kAfterEveryDay, after), sizeof(Cell));
  const std::vector<Cell>& totals = rollup.TotalsOf(after);
  for (size_t b = days.size(); b-- > 0;) {
    if (b + 1 < days.size()) {
      c.Scanned(rollup.SumDays(days[b], days[b + 1], days_part), sizeof(Cell));
      for (size_t slot = 0; slot < after.size(); ++slot) after[slot] += days_part[slot];
    }
    for (size_t slot = 0; slot < after.size(); ++slot) {
      if (!slot_passes[slot]) continue;
      Cell spans = totals[slot];
      spans -= after[slot];
      fn(b, slot, spans);
    }
  }
}

Target TargetOf(size_t bucket, int32_t last_bucket) {
  return static_cast<int32_t>(bucket) == last_bucket ? Target::kRowAndTotal : Target::kRowOnly;
}

// in_work_count, in_work_amount and load from the rollup's open spans (DealDayCell::open_from,
// open_to) when RollupHolds and every snapshot limit is a local midnight or T's horizon (after
// everything filed, so every span has begun and every ended one has ended). False when the
// request does not qualify (the caller visits every deal).
bool InWorkFromRollup(const ScanContext& c, Collector& out, const std::vector<int64_t>& limits,
                      int32_t last_bucket) {
  MetricId metric = c.metric->id;
  std::vector<int64_t> days;
  if ((metric != MetricId::kInWorkCount && metric != MetricId::kInWorkAmount &&
       metric != MetricId::kLoad) ||
      !RollupHolds(c, out) || !SnapshotDays(c, limits, limits.size(), true, days)) {
    return false;
  }
  ForEachSnapshotSlot<DealDayCell>(
      c, days, RollupSlotsPassing(c), [&](size_t b, size_t slot, const DealDayCell& open) {
        int64_t count = open.open_from - open.open_to;
        if (count <= 0) return;
        int64_t value =
            metric == MetricId::kInWorkAmount ? open.open_from_amount - open.open_to_amount : count;
        out.Add(RollupSlotItem(slot), kNone, static_cast<int32_t>(b), {value, 0, 0},
                TargetOf(b, last_bucket));
      });
  return true;
}

// forgotten_count and forgotten_amount from the rollup when RollupHolds and it keeps the
// request's forgotten span: snapshots at local midnights from its forgotten spans
// (SpanDayCell), the one at T's horizon from the open deals' last touch (a span may begin
// after T: the last touch plus the span). Deals whose touches are not trusted
// (DealTable::touch_stale) are in neither; the caller visits them. False when the request does
// not qualify.
bool ForgottenFromRollup(const ScanContext& c, Collector& out, const std::vector<int64_t>& limits,
                         int32_t last_bucket) {
  MetricId metric = c.metric->id;
  const Tables& t = *c.tables;
  const DealTable& deals = t.deals;
  int64_t span = int64_t{c.request->forgotten_days} * kMicrosPerDay;
  bool at_horizon = limits.back() == c.horizon;
  size_t midnights = limits.size() - (at_horizon ? 1 : 0);
  std::vector<int64_t> days;
  if ((metric != MetricId::kForgottenCount && metric != MetricId::kForgottenAmount) ||
      !RollupHolds(c, out) || deals.rollup.forgotten_span() == 0 ||
      deals.rollup.forgotten_span() != span || !SnapshotDays(c, limits, midnights, false, days)) {
    return false;
  }
  bool amount = metric == MetricId::kForgottenAmount;
  std::vector<uint8_t> slot_passes = RollupSlotsPassing(c);
  if (!days.empty()) {
    ForEachSnapshotSlot<SpanDayCell>(
        c, days, slot_passes, [&](size_t b, size_t slot, const SpanDayCell& cell) {
          int64_t count = cell.from - cell.to;
          if (count <= 0) return;
          out.Add(RollupSlotItem(slot), kNone, static_cast<int32_t>(b),
                  {amount ? cell.from_amount - cell.to_amount : count, 0, 0},
                  TargetOf(b, last_bucket));
        });
  }
  if (!at_horizon) return true;
  // At T: open deals not touched in the span before T.
  std::vector<int64_t> counts(Row(deals.rollup.slots()), 0), amounts(counts.size(), 0);
  int64_t open = 0;
  deals.latest_outcome.ForEach([&](size_t row, Outcome outcome) {
    if (outcome != Outcome::kOpen) return;
    ++open;
    if (deals.entity[row] != Entity::kDeal || deals.touch_stale[row]) return;
    // As the scan reads it: a deal touched after T (a call planned ahead) is forgotten when a
    // gap spans the window.
    int64_t last = deals.last_touch[row];
    bool forgotten = last < c.horizon ? c.as_of - last >= span
                                      : UntouchedByGaps(deals, row, c.as_of - span, c.horizon);
    if (!forgotten) return;
    size_t slot = Row(deals.responsible.value[row] + 1);
    if (slot >= counts.size()) return;  // a manager past the slots: the rollup went stale
    ++counts[slot];
    amounts[slot] += deals.amount.value[row];
  });
  c.Scanned(deals.size(), 1);
  c.Scanned(open, 1 + 1 + 8 + 4 + 8);
  size_t b = midnights;
  for (size_t slot = 0; slot < counts.size(); ++slot) {
    if (!slot_passes[slot] || counts[slot] == 0) continue;
    out.Add(RollupSlotItem(slot), kNone, static_cast<int32_t>(b),
            {amount ? amounts[slot] : counts[slot], 0, 0}, TargetOf(b, last_bucket));
  }
  return true;
}

}  // namespace

void ScanState(const ScanContext& c, Collector& out) {
  const Tables& t = *c.tables;
  MetricId metric = c.metric->id;
  if (metric == MetricId::kOverdueTasks) {
    ScanOverdueTasks(c, out);
    return;
  }
  StageOdds odds;
  if (metric == MetricId::kForecast) odds = MeasureOdds(c);
  int64_t forgotten_span = int64_t{c.request->forgotten_days} * kMicrosPerDay;

  // Snapshots: bucket b at limit min(End(b), T + 1); buckets starting after T have none. The
  // total is the snapshot at M = min(end of period, T): the last bucket that has one.
  std::vector<int64_t> limits;
  std::vector<int64_t> moments;
  for (int32_t b = 0; b < c.buckets->count() && c.buckets->Begin(b) < c.horizon; ++b) {
    limits.push_back(std::min(c.buckets->End(b), c.horizon));
    moments.push_back(std::min(c.buckets->End(b), c.as_of));
  }
  if (limits.empty()) return;
  int32_t last_bucket = static_cast<int32_t>(limits.size()) - 1;
  if (InWorkFromRollup(c, out, limits, last_bucket)) return;  // every deal is in the rollup
  // Forgotten from the rollup: only deals whose touches are not trusted are visited.
  bool rolled_up = ForgottenFromRollup(c, out, limits, last_bucket);
  std::vector<std::vector<int32_t>> open_tasks(limits.size());
  if (metric == MetricId::kNoTaskCount) {
    for (size_t b = 0; b < limits.size(); ++b) open_tasks[b] = OpenTasksAt(t, limits[b]);
    c.Scanned(t.tasks.size() * static_cast<int64_t>(limits.size()), 21);
  }
  // Forgotten in a snapshot: no touch in (M - N days, limit). The last-touch column answers
  // for deals not touched since the limit; the others need the window's activities and tasks,
  // read once per snapshot and only when some deal needs them.
  std::vector<std::vector<uint8_t>> window_touched(limits.size());
  auto touched_in_window = [&](int32_t d, size_t b) {
    int64_t lo = moments[b] - forgotten_span;
    if (HistoryTouchedIn(t, d, lo, limits[b])) return true;
    if (window_touched[b].empty()) window_touched[b] = TouchedByActivityOrTask(c, lo, limits[b]);
    return window_touched[b][Row(d)] != 0;
  };

  const DealTable& deals = t.deals;
  // Metrics that only ask "open at the snapshot?" read it from the deal's open interval
  // (created_at, open_until] when its history never reopens: no history walk per snapshot,
  // and a count or an amount is added to all its snapshots at once.
  bool open_only = metric == MetricId::kInWorkCount || metric == MetricId::kInWorkAmount ||
                   metric == MetricId::kLoad || metric == MetricId::kForgottenCount ||
                   metric == MetricId::kForgottenAmount || metric == MetricId::kNoTaskCount;
  bool open_ranges = metric == MetricId::kInWorkCount || metric == MetricId::kInWorkAmount ||
                     metric == MetricId::kLoad;
  // The deal's snapshots: those it is open in add to the metric.
  auto visit = [&](int32_t d, size_t row, int64_t open_until) {
    if (!c.DealPasses(d)) return;
    int64_t created = deals.created_at[row];
    // Snapshots before the deal existed see nothing; the rest walk its history once.
    size_t first = static_cast<size_t>(std::upper_bound(limits.begin(), limits.end(), created) -
                                       limits.begin());
    if (first == limits.size()) return;
    int64_t amount = deals.amount.value[row];
    Item item = DealItem(c, d);
    size_t end = limits.size();  // snapshots [first, end) may see the deal open
    if (open_only && open_until != kReopens) {
      end = static_cast<size_t>(std::upper_bound(limits.begin(), limits.end(), open_until) -
                                limits.begin());
      if (end <= first) return;
      if (open_ranges) {
        int64_t value = metric == MetricId::kInWorkAmount ? amount : 1;
        out.AddRange(item, static_cast<int32_t>(first), static_cast<int32_t>(end) - 1,
                     {value, 0, 0}, last_bucket);
        return;
      }
    }
    DealStateCursor cursor(t, d);
    for (size_t b = first; b < end; ++b) {
      int64_t limit = limits[b];
      int64_t moment = moments[b];
      DealMoment m;
      if (open_only && open_until != kReopens) {
        m.outcome = Outcome::kOpen;  // inside the open interval: only "open" is read below
      } else if (limit == c.horizon) {
        m = c.state[row];
      } else if (deals.last_change_at[row] < limit) {
        m = deals.latest[row];  // nothing changed between the limit and now
      } else {
        m = cursor.Advance(limit);
      }
      if (m.outcome != Outcome::kOpen) continue;
      int32_t bucket = static_cast<int32_t>(b);
      Target target = bucket == last_bucket ? Target::kRowAndTotal : Target::kRowOnly;
      switch (metric) {
        case MetricId::kInWorkCount:
        case MetricId::kLoad:
          out.Add(item, kNone, bucket, {1, 0, 0}, target);
          break;
        case MetricId::kInWorkAmount:
          out.Add(item, kNone, bucket, {amount, 0, 0}, target);
          break;
        case MetricId::kStageCount:
        case MetricId::kStageAmount:
        case MetricId::kStageAgeDays: {
          int32_t stage_row = m.stage == kNone ? kNone : c.stage_row[Row(m.stage)];
          if (stage_row == kNone) break;
          if (metric == MetricId::kStageCount) {
            out.Add(item, stage_row, bucket, {1, 0, 0}, target);
          } else if (metric == MetricId::kStageAmount) {
            out.Add(item, stage_row, bucket, {amount, 0, 0}, target);
          } else {
            double days =
                static_cast<double>(moment - m.entered) / static_cast<double>(kMicrosPerDay);
            out.Add(item, stage_row, bucket, {0, 1, days}, target);
          }
          break;
        }
        case MetricId::kForgottenCount:
        case MetricId::kForgottenAmount: {
          int64_t last = deals.last_touch[row];
          bool fresh;
          if (deals.touch_stale[row]) {
            fresh = touched_in_window(d, b);
          } else if (last < limit) {
            fresh = moment - last < forgotten_span;
          } else if (forgotten_span >= kTouchGap) {
            fresh = !UntouchedByGaps(deals, row, moment - forgotten_span, limit);
          } else {
            fresh = touched_in_window(d, b);
          }
          if (!fresh) {
            out.Add(item, kNone, bucket, {metric == MetricId::kForgottenCount ? 1 : amount, 0, 0},
                    target);
          }
          break;
        }
        case MetricId::kNoTaskCount:
          if (open_tasks[b][row] == 0) out.Add(item, kNone, bucket, {1, 0, 0}, target);
          break;
        case MetricId::kForecast: {
          int64_t weighted =
              m.stage == kNone ? 0
                               : Weighted(amount, odds.won[Row(m.stage)], odds.lost[Row(m.stage)]);
          out.Add(item, kNone, bucket, {amount, weighted, 0}, target);
          break;
        }
        default:
          break;
      }
    }
  };
  if (rolled_up) {
    c.Scanned(deals.size(), 1);
    deals.touch_stale.ForEach([&](size_t row, uint8_t stale) {
      if (stale) visit(static_cast<int32_t>(row), row, deals.open_until[row]);
    });
    return;
  }
  c.Scanned(deals.size(), 1 + 1 + 8 + 8);
  int64_t first_limit = limits.front();
  deals.open_until.ForEach([&](size_t row, int64_t open_until) {
    // Closed before the first snapshot: nothing to add (the common case for old deals).
    if (open_only && open_until != kReopens && open_until < first_limit) return;
    visit(static_cast<int32_t>(row), row, open_until);
  });
}

}  // namespace voronka
