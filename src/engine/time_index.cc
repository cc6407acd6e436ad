#include "engine/time_index.h"

#include <algorithm>
#include <limits>

namespace voronka {

namespace {

constexpr int64_t kNoTimeValue = std::numeric_limits<int64_t>::min();
constexpr int64_t kMicrosPerWeek = int64_t{7} * 24 * 3600 * 1000000;

}  // namespace

int64_t TimeIndex::WeekOf(int64_t at) {
  // Floor division, so that times before 1970 fall in their own (negative) weeks.
  int64_t week = at / kMicrosPerWeek;
  return (at % kMicrosPerWeek < 0) ? week - 1 : week;
}

void TimeIndex::Add(int32_t row, int64_t at) {
  if (at == kNoTimeValue) return;
  std::vector<int32_t>& rows = weeks_[WeekOf(at)].Mut();
  // Grown by an eighth, not doubled: a week of a large table holds hundreds of thousands of
  // rows, and doubling left a third of the index unused on average.
  if (rows.size() == rows.capacity()) rows.reserve(rows.size() + rows.size() / 8 + 16);
  rows.push_back(row);
  ++size_;
}

void TimeIndex::Remove(int32_t row, int64_t at) {
  if (at == kNoTimeValue) return;
  auto week = weeks_.find(WeekOf(at));
  if (week == weeks_.end()) return;
  const std::vector<int32_t>& filed = *week->second;
  // Searched from the back: a row that moves usually was filed recently.
  auto found = std::find(filed.rbegin(), filed.rend(), row);
  if (found == filed.rend()) return;
  auto position = std::prev(found.base()) - filed.begin();
  std::vector<int32_t>& rows = week->second.Mut();
  rows.erase(rows.begin() + position);
  --size_;
  if (rows.empty()) weeks_.erase(week);
}

void TimeIndex::Move(int32_t row, int64_t old_at, int64_t new_at) {
  if (old_at != kNoTimeValue && new_at != kNoTimeValue && WeekOf(old_at) == WeekOf(new_at)) {
    return;
  }
  Remove(row, old_at);
  Add(row, new_at);
}

int64_t TimeIndex::CandidateCount(int64_t lo, int64_t hi) const {
  if (lo >= hi) return 0;
  int64_t count = 0;
  auto end = weeks_.upper_bound(WeekOf(hi - 1));
  for (auto week = weeks_.lower_bound(WeekOf(lo)); week != end; ++week) {
    count += static_cast<int64_t>(week->second->size());
  }
  return count;
}

}  // namespace voronka
