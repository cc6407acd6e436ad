// ActivityRollup: the number of activities per user and UTC hour, kept on apply, so that
// unfiltered activity counts over long periods are sums of a few cells per user and hour
// instead of a pass over every activity.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <vector>

#include "engine/column.h"

namespace voronka {

class ActivityRollup {
 public:
  static constexpr int64_t kMicrosPerHour = int64_t{3600} * 1000000;
  static constexpr int64_t kHoursPerWeek = 7 * 24;

  // Counts `delta` activities of `user` (kNone: no user) at `at` (kNoTime: not counted).
  void Add(int32_t user, int64_t at, int32_t delta);

  // The counts of UTC week `week` (hours since the epoch / kHoursPerWeek) for changing, with
  // room for user slots (user id + 1) below `slots`: cell [slot * kHoursPerWeek + hour of the
  // week]. For a bulk load counting a week's activities at once.
  uint32_t* MutableWeek(int64_t week, size_t slots);

  // Calls fn(int32_t user, int64_t count) for each user (kNone included) with activities in
  // [lo, hi), both whole UTC hours (lo % kMicrosPerHour == 0); users in id order, kNone first,
  // only non-zero counts. Returns the number of cells read (for scan statistics).
  template <typename Fn>
  int64_t ForEachUserCount(int64_t lo, int64_t hi, Fn&& fn) const {
    int64_t first_hour = FloorDiv(lo, kMicrosPerHour), end_hour = FloorDiv(hi, kMicrosPerHour);
    if (first_hour >= end_hour) return 0;
    std::vector<int64_t> counts;  // per user slot
    int64_t cells = 0;
    auto end = weeks_->upper_bound(FloorDiv(end_hour - 1, kHoursPerWeek));
    for (auto week = weeks_->lower_bound(FloorDiv(first_hour, kHoursPerWeek)); week != end;
         ++week) {
      const std::vector<uint32_t>& cellsOfWeek = *week->second;
      int64_t week_hour = week->first * kHoursPerWeek;
      int64_t from = std::max<int64_t>(first_hour - week_hour, 0);
      int64_t to = std::min<int64_t>(end_hour - week_hour, kHoursPerWeek);
      size_t slots = cellsOfWeek.size() / kHoursPerWeek;
      if (counts.size() < slots) counts.resize(slots, 0);
      for (size_t slot = 0; slot < slots; ++slot) {
        const uint32_t* hours = cellsOfWeek.data() + slot * kHoursPerWeek;
        int64_t sum = 0;
        for (int64_t h = from; h < to; ++h) sum += hours[h];
        counts[slot] += sum;
      }
      cells += static_cast<int64_t>(slots) * (to - from);
    }
    for (size_t slot = 0; slot < counts.size(); ++slot) {
      if (counts[slot] != 0) fn(static_cast<int32_t>(slot) - 1, counts[slot]);
    }
    return cells;
  }

  // Bytes of the week map and cells (with 16 bytes of malloc header per allocation).
  size_t allocated_bytes() const {
    size_t bytes = 0;
    for (const auto& week : *weeks_) bytes += 64 + 32 + week.second->capacity() * sizeof(uint32_t);
    return bytes;
  }

  static int64_t FloorDiv(int64_t a, int64_t b) {
    int64_t q = a / b;
    return (a % b < 0) ? q - 1 : q;
  }

 private:
  // Per UTC week (hours since the epoch / 168), one count per user slot (user id + 1) and
  // hour of the week: [slot * 168 + hour]. Shared between engine versions like TimeIndex weeks
  // (the map too).
  using Weeks = std::map<int64_t, CowPtr<std::vector<uint32_t>>>;
  CowPtr<Weeks> weeks_{Weeks{}};
};

}  // namespace voronka
