#include "engine/rollup_change.h"

#include <algorithm>
#include <limits>
#include <vector>

#include "engine/deal_state.h"
#include "engine/engine.h"

namespace voronka {

namespace {

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

// The limits L at which a deal is open (DealStateBefore(L) is open), as spans (from, to]. A deal
// that never reopens has one, (created, open_until]; one that does is walked once: its state
// changes only at its creation and its entries' instants, so between two such instants b < b'
// it is the state at b + 1 for every L in (b, b'].
void OpenSpansOf(const Tables& t, int32_t deal, std::vector<RollupSpan>& spans) {
  const DealTable& d = t.deals;
  size_t row = Row(deal);
  int64_t created = d.created_at[row];
  int64_t open_until = d.open_until[row];
  if (open_until != kReopens) {
    if (open_until > created) spans.push_back({created, open_until});
    return;
  }
  const PackedList<StageEntry>& history = d.history[row];
  DealStateCursor cursor(t, deal);
  bool open = false;
  int64_t from = 0;
  bool created_seen = false;
  size_t next = 0;
  while (next < history.size() || !created_seen) {
    // The next instant at which the state may change, in time order.
    int64_t at = next < history.size() ? history[next].at : created;
    if (!created_seen && created <= at) {
      at = created;
      created_seen = true;
    }
    while (next < history.size() && history[next].at == at) ++next;
    bool now_open = cursor.Advance(at + 1).outcome == Outcome::kOpen;
    if (now_open && !open) from = at;
    if (!now_open && open) spans.push_back({from, at});
    open = now_open;
  }
  if (open) spans.push_back({from, kOpenForever});
}

// The limits L at which a deal is open and forgotten: no touch in (L - span, L) (SPEC §4), i.e.
// L in [t + span, t'] for consecutive touches t < t' at least `span` apart (or t the last
// touch and t' none), and the deal open at L. A closed range [a, b] is the span (a - 1, b].
// Touch gaps of kTouchGap or more are kept (DealTable::touch_gaps), so `span` must be at least
// that; a deal whose touches are not trusted (touch_stale) has none here (readers visit it).
void ForgottenSpansOf(const Tables& t, int32_t deal, int64_t span,
                      const std::vector<RollupSpan>& open, std::vector<RollupSpan>& spans) {
  const DealTable& d = t.deals;
  size_t row = Row(deal);
  int64_t last = d.last_touch[row];
  if (d.touch_stale[row] || last == kNoTime) return;
  auto add = [&](int64_t from, int64_t to) {  // [from, to] within each open span
    for (const RollupSpan& o : open) {
      int64_t lo = std::max(from - 1, o.from), hi = std::min(to, o.to);
      if (lo < hi) spans.push_back({lo, hi});
    }
  };
  for (const TouchGap& gap : d.touch_gaps[row]) {
    if (gap.to - gap.from >= span) add(gap.from + span, gap.to);
  }
  add(last + span, kOpenForever);
}

}  // namespace

int64_t ForgottenSpanOf(const WorkspaceSettings& settings) {
  int64_t span = int64_t{settings.forgotten_days} * kMicrosPerDay;
  return span >= kTouchGap ? span : 0;
}

// What a deal adds to DealTable::rollup: its latest state, creation, amount and responsible,
// and its open and forgotten spans.
void RollupInputOf(const Tables& t, int32_t deal, DealRollupInput& in) {
  const DealTable& d = t.deals;
  size_t row = Row(deal);
  in.counted = in.won = in.lost = false;
  in.user = kNone;
  in.created = in.close = in.amount = 0;
  in.open.clear();
  in.forgotten.clear();
  if (Row(deal) >= d.latest.size()) return;
  const DealMoment& m = d.latest[row];
  in.counted = m.outcome != Outcome::kNotCreated && d.entity[row] == Entity::kDeal;
  if (!in.counted) return;
  in.won = m.outcome == Outcome::kWon;
  in.lost = m.outcome == Outcome::kLost;
  in.user = d.responsible.value[row];
  in.created = d.created_at[row];
  in.close = in.won || in.lost ? m.close : 0;
  in.amount = d.amount.value[row];
  OpenSpansOf(t, deal, in.open);
  int64_t span = d.rollup.forgotten_span();
  if (span > 0) ForgottenSpansOf(t, deal, span, in.open, in.forgotten);
}

void WillChangeRollup(Tables& t, int32_t deal) {
  DealRollup& rollup = t.deals.rollup;
  if (!rollup.live() || deal == kNone) return;
  if (DealRollupInput* before = rollup.pending().Note(deal)) RollupInputOf(t, deal, *before);
}

void SettleRollup(Tables& t) {
  DealRollup& rollup = t.deals.rollup;
  if (!rollup.live()) return;
  thread_local DealRollupInput after;
  rollup.pending().ForEach([&](int32_t deal, const DealRollupInput& before) {
    RollupInputOf(t, deal, after);
    // A change that makes the rollup stale (a day out of its range) leaves the rest to the
    // rebuild.
    if (after != before && rollup.live()) rollup.Change(before, after, t.settings.time_zone);
  });
  rollup.pending().Clear();
}

void RebuildDealRollup(Tables& t) {
  const TimeZone& zone = t.settings.time_zone;
  // The earliest and latest instant to file.
  int64_t first = std::numeric_limits<int64_t>::max(), last = std::numeric_limits<int64_t>::min();
  const DealTable& deals = t.deals;
  for (size_t row = 0; row < deals.latest.size(); ++row) {
    const DealMoment& m = deals.latest[row];
    if (m.outcome == Outcome::kNotCreated || deals.entity[row] != Entity::kDeal) continue;
    first = std::min(first, deals.created_at[row]);
    last = std::max(last, deals.created_at[row]);
    if (m.outcome == Outcome::kWon || m.outcome == Outcome::kLost) {
      first = std::min(first, m.close);
      last = std::max(last, m.close);
    }
  }
  DealRollup& rollup = t.deals.rollup;
  if (first > last) {  // no deal yet
    rollup.Reset(zone, t.users.ids.size(), 0, -1, ForgottenSpanOf(t.settings));
    return;
  }
  rollup.Reset(zone, t.users.ids.size(), zone.DateOf(Instant{first}).days,
               zone.DateOf(Instant{last}).days, ForgottenSpanOf(t.settings));
  DealRollupInput input;
  for (int32_t deal = 0; deal < t.deals.size() && rollup.live(); ++deal) {
    RollupInputOf(t, deal, input);
    rollup.Add(input, 1, zone);
  }
}

}  // namespace voronka
