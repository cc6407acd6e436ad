#include "engine/deal_rollup.h"

#include <algorithm>
#include <limits>

namespace voronka {

namespace {

// Room left when the rollup is laid out: users hired and deals dated before the first day
// land without a rebuild.
constexpr int32_t kSpareSlots = 64;
constexpr int64_t kSpareDaysBefore = 366;
constexpr int64_t kGrowDays = 32;  // days added at a time at the end

// A span's begin or end (sign) in either cell type.
void MarkBegun(DealDayCell& cell, int32_t sign, int64_t amount) {
  cell.open_from = sign;
  cell.open_from_amount = sign * amount;
}
void MarkEnded(DealDayCell& cell, int32_t sign, int64_t amount) {
  cell.open_to = sign;
  cell.open_to_amount = sign * amount;
}
void MarkBegun(SpanDayCell& cell, int32_t sign, int64_t amount) {
  cell.from = sign;
  cell.from_amount = sign * amount;
}
void MarkEnded(SpanDayCell& cell, int32_t sign, int64_t amount) {
  cell.to = sign;
  cell.to_amount = sign * amount;
}

}  // namespace

SpanDayCell& SpanDayCell::operator+=(const SpanDayCell& other) {
  from += other.from;
  to += other.to;
  from_amount += other.from_amount;
  to_amount += other.to_amount;
  return *this;
}

SpanDayCell& SpanDayCell::operator-=(const SpanDayCell& other) {
  from -= other.from;
  to -= other.to;
  from_amount -= other.from_amount;
  to_amount -= other.to_amount;
  return *this;
}

DealDayCell& DealDayCell::operator+=(const DealDayCell& other) {
  created += other.created;
  created_won += other.created_won;
  won += other.won;
  lost += other.lost;
  won_amount += other.won_amount;
  lost_amount += other.lost_amount;
  won_cycle += other.won_cycle;
  open_from += other.open_from;
  open_to += other.open_to;
  open_from_amount += other.open_from_amount;
  open_to_amount += other.open_to_amount;
  return *this;
}

DealDayCell& DealDayCell::operator-=(const DealDayCell& other) {
  created -= other.created;
  created_won -= other.created_won;
  won -= other.won;
  lost -= other.lost;
  won_amount -= other.won_amount;
  lost_amount -= other.lost_amount;
  won_cycle -= other.won_cycle;
  open_from -= other.open_from;
  open_to -= other.open_to;
  open_from_amount -= other.open_from_amount;
  open_to_amount -= other.open_to_amount;
  return *this;
}

DealRollupInput* PendingRollup::Note(int32_t deal) {
  if (!noted_.insert(deal).second) return nullptr;
  deals_.push_back(deal);
  if (before_.size() < deals_.size()) before_.emplace_back();
  return &before_[deals_.size() - 1];
}

void PendingRollup::Clear() {
  deals_.clear();
  noted_.clear();
}

void DealRollup::MarkStale() {
  pending_.Clear();
  wants_rebuild_ = true;
  if (!live_) return;
  live_ = false;
  cells_ = Cells<DealDayCell>();
  totals_.clear();
  forgotten_cells_ = Cells<SpanDayCell>();
  forgotten_totals_.clear();
  days_ = 0;
}

void DealRollup::Reset(const TimeZone& zone, int32_t users, int64_t first_day, int64_t last_day,
                       int64_t forgotten_span) {
  pending_.Clear();
  cells_ = Cells<DealDayCell>();
  forgotten_cells_ = Cells<SpanDayCell>();
  wants_rebuild_ = false;
  zone_name_ = zone.name();
  forgotten_span_ = forgotten_span;
  slots_ = users + 1 + kSpareSlots;
  totals_.assign(static_cast<size_t>(slots_), DealDayCell{});
  forgotten_totals_.assign(forgotten_span_ > 0 ? static_cast<size_t>(slots_) : 0, SpanDayCell{});
  first_day_ = first_day - kSpareDaysBefore;
  days_ = 0;
  live_ = last_day - first_day_ < kMaxDays;
  if (live_ && last_day >= first_day) Grow(last_day - first_day_ + 1);
}

void DealRollup::Grow(int64_t days) {
  days_ = days;
  cells_.resize(static_cast<size_t>(days_ * slots_));
  if (forgotten_span_ > 0) forgotten_cells_.resize(static_cast<size_t>(days_ * slots_));
}

template <typename Cell>
bool DealRollup::AddAt(int64_t day, int32_t slot, const Cell& delta) {
  if (days_ == 0) first_day_ = day - kSpareDaysBefore;  // no cells yet: laid out from this day
  int64_t index = day - first_day_;
  if (index < 0 || index >= kMaxDays || slot >= slots_) {
    MarkStale();
    return false;
  }
  if (index >= days_) Grow(std::min(index + kGrowDays, kMaxDays));
  CellsOf(delta)[static_cast<size_t>(index * slots_ + slot)] += delta;
  TotalsOf(delta)[static_cast<size_t>(slot)] += delta;
  return true;
}

namespace {

// Each span's begin and end (sign), as deltas of the cell type (Cell).
template <typename Cell, typename Delta>
void CollectSpans(const std::vector<RollupSpan>& spans, int32_t slot, int32_t sign, int64_t amount,
                  const TimeZone& zone, std::vector<Delta>& deltas) {
  for (const RollupSpan& span : spans) {
    Cell begun;
    MarkBegun(begun, sign, amount);
    deltas.push_back({zone.DateOf(Instant{span.from}).days, slot, begun});
    if (span.to == std::numeric_limits<int64_t>::max()) continue;  // not ended
    Cell ended;
    MarkEnded(ended, sign, amount);
    deltas.push_back({zone.DateOf(Instant{span.to}).days, slot, ended});
  }
}

// Sums the deltas of the same cell into its first one and drops those that sum to nothing.
// A deal's deltas are few (a dozen), so the search is linear.
template <typename Delta>
void MergeDeltas(std::vector<Delta>& deltas) {
  size_t kept = 0;
  for (size_t i = 0; i < deltas.size(); ++i) {
    bool merged = false;
    for (size_t j = 0; j < kept; ++j) {
      if (deltas[j].day == deltas[i].day && deltas[j].slot == deltas[i].slot) {
        deltas[j].cell += deltas[i].cell;
        merged = true;
        break;
      }
    }
    if (!merged) deltas[kept++] = deltas[i];
  }
  deltas.resize(kept);
  std::erase_if(deltas, [](const Delta& delta) { return delta.cell == decltype(delta.cell){}; });
}

}  // namespace

void DealRollup::CollectDeltas(const DealRollupInput& deal, int32_t sign, const TimeZone& zone,
                               Deltas& deltas) const {
  if (!deal.counted) return;
  int32_t slot = deal.user + 1;
  DealDayCell created;
  created.created = sign;
  if (deal.won) created.created_won = sign;
  deltas.deals.push_back({zone.DateOf(Instant{deal.created}).days, slot, created});
  CollectSpans<DealDayCell>(deal.open, slot, sign, deal.amount, zone, deltas.deals);
  if (forgotten_span_ > 0) {
    CollectSpans<SpanDayCell>(deal.forgotten, slot, sign, deal.amount, zone, deltas.spans);
  }
  if (!deal.won && !deal.lost) return;
  DealDayCell closed;
  if (deal.won) {
    closed.won = sign;
    closed.won_amount = sign * deal.amount;
    closed.won_cycle = sign * (deal.close - deal.created);
  } else {
    closed.lost = sign;
    closed.lost_amount = sign * deal.amount;
  }
  deltas.deals.push_back({zone.DateOf(Instant{deal.close}).days, slot, closed});
}

template <typename Cell>
bool DealRollup::AddDeltas(const std::vector<Delta<Cell>>& deltas) {
  for (const Delta<Cell>& delta : deltas) {
    if (!AddAt(delta.day, delta.slot, delta.cell)) return false;
  }
  return true;
}

// Deltas kept between calls, so that neither a batch nor a rebuild allocates per deal.
DealRollup::Deltas& DealRollup::EmptyDeltas() {
  thread_local Deltas deltas;
  deltas.deals.clear();
  deltas.spans.clear();
  return deltas;
}

void DealRollup::Add(const DealRollupInput& deal, int32_t sign, const TimeZone& zone) {
  if (!live_) return;
  Deltas& deltas = EmptyDeltas();
  CollectDeltas(deal, sign, zone, deltas);
  if (AddDeltas(deltas.deals)) AddDeltas(deltas.spans);
}

void DealRollup::Change(const DealRollupInput& before, const DealRollupInput& after,
                        const TimeZone& zone) {
  if (!live_) return;
  Deltas& deltas = EmptyDeltas();
  CollectDeltas(before, -1, zone, deltas);
  CollectDeltas(after, 1, zone, deltas);
  MergeDeltas(deltas.deals);
  MergeDeltas(deltas.spans);
  if (AddDeltas(deltas.deals)) AddDeltas(deltas.spans);
}

int64_t DealRollup::SumDays(int64_t from, int64_t to, std::vector<DealDayCell>& sums) const {
  return Sum(cells_, from, to, sums);
}

int64_t DealRollup::SumDays(int64_t from, int64_t to, std::vector<SpanDayCell>& sums) const {
  return Sum(forgotten_cells_, from, to, sums);
}

template <typename Cell>
int64_t DealRollup::Sum(const Cells<Cell>& cells, int64_t from, int64_t to,
                        std::vector<Cell>& sums) const {
  sums.assign(static_cast<size_t>(slots_), Cell{});
  if (cells.size() == 0) return 0;
  int64_t lo = std::max<int64_t>(from - first_day_, 0);
  int64_t hi = std::min<int64_t>(to - first_day_, days_);
  if (hi <= lo) return 0;
  size_t slot = 0;  // the cells are day after day, slot after slot
  cells.ForEachIn(static_cast<size_t>(lo * slots_), static_cast<size_t>(hi * slots_),
                  [&](size_t /*row*/, const Cell& cell) {
                    sums[slot] += cell;
                    if (++slot == sums.size()) slot = 0;
                  });
  return (hi - lo) * slots_;
}

}  // namespace voronka
