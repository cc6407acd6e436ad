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

}  // namespace

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

void DealRollup::MarkStale() {
  wants_rebuild_ = true;
  if (!live_) return;
  live_ = false;
  cells_ = Column<DealDayCell>();
  totals_.clear();
  days_ = 0;
}

void DealRollup::Reset(const TimeZone& zone, int32_t users, int64_t first_day, int64_t last_day) {
  cells_ = Column<DealDayCell>();
  wants_rebuild_ = false;
  zone_name_ = zone.name();
  slots_ = users + 1 + kSpareSlots;
  totals_.assign(static_cast<size_t>(slots_), DealDayCell{});
  first_day_ = first_day - kSpareDaysBefore;
  days_ = 0;
  live_ = last_day - first_day_ < kMaxDays;
  if (live_ && last_day >= first_day) {
    days_ = last_day - first_day_ + 1;
    cells_.resize(static_cast<size_t>(days_ * slots_));
  }
}

bool DealRollup::AddAt(int64_t day, int32_t slot, const DealDayCell& delta) {
  if (days_ == 0) first_day_ = day - kSpareDaysBefore;  // no cells yet: laid out from this day
  int64_t index = day - first_day_;
  if (index < 0 || index >= kMaxDays || slot >= slots_) {
    MarkStale();
    return false;
  }
  if (index >= days_) {
    days_ = std::min(index + kGrowDays, kMaxDays);
    cells_.resize(static_cast<size_t>(days_ * slots_));
  }
  cells_[static_cast<size_t>(index * slots_ + slot)] += delta;
  totals_[static_cast<size_t>(slot)] += delta;
  return true;
}

void DealRollup::Add(const DealRollupInput& deal, int32_t sign, const TimeZone& zone) {
  if (!live_ || !deal.counted) return;
  int32_t slot = deal.user + 1;
  DealDayCell created;
  created.created = sign;
  if (deal.won) created.created_won = sign;
  // An interval (created, open_until] that is empty (closed at its creation or before) is
  // never open at any limit.
  bool open_interval = !deal.reopens && deal.open_until > deal.created;
  if (open_interval) {
    created.open_from = sign;
    created.open_from_amount = sign * deal.amount;
  }
  if (!AddAt(zone.DateOf(Instant{deal.created}).days, slot, created)) return;
  if (open_interval && deal.open_until != std::numeric_limits<int64_t>::max()) {
    DealDayCell ended;
    ended.open_to = sign;
    ended.open_to_amount = sign * deal.amount;
    if (!AddAt(zone.DateOf(Instant{deal.open_until}).days, slot, ended)) return;
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
  AddAt(zone.DateOf(Instant{deal.close}).days, slot, closed);
}

int64_t DealRollup::SumDays(int64_t from, int64_t to, std::vector<DealDayCell>& sums) const {
  sums.assign(static_cast<size_t>(slots_), DealDayCell{});
  int64_t lo = std::max<int64_t>(from - first_day_, 0);
  int64_t hi = std::min<int64_t>(to - first_day_, days_);
  if (hi <= lo) return 0;
  size_t slot = 0;  // the cells are day after day, slot after slot
  cells_.ForEachIn(static_cast<size_t>(lo * slots_), static_cast<size_t>(hi * slots_),
                   [&](size_t /*row*/, const DealDayCell& cell) {
                     sums[slot] += cell;
                     if (++slot == sums.size()) slot = 0;
                   });
  return (hi - lo) * slots_;
}

}  // namespace voronka
