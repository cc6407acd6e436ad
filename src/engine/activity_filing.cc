// FileNewActivities: a bulk load's new activities filed in their time index and hourly counts
// at once, week by week (declared in engine/engine.h).
#include <algorithm>
#include <cstdint>
#include <limits>
#include <utility>
#include <vector>

#include "engine/engine.h"

namespace voronka {

void FileNewActivities(Tables& t) {
  ActivityTable& a = t.activities;
  const size_t from = static_cast<size_t>(a.unfiled_from), to = a.kind.size();
  a.unfiled_from = std::numeric_limits<int32_t>::max();
  if (from >= to) return;
  constexpr int64_t kWeekHours = ActivityRollup::kHoursPerWeek;
  const Column<int64_t>& at = std::as_const(a.at);
  const Column<int32_t>& user = std::as_const(a.user);
  // The range of weeks and user slots (user id + 1) of the rows.
  int64_t first_week = std::numeric_limits<int64_t>::max();
  int64_t last_week = std::numeric_limits<int64_t>::min();
  int32_t slots = 1;
  for (size_t row = from; row < to; ++row) {
    if (at[row] == kNoTime) continue;
    int64_t week = TimeIndex::WeekOf(at[row]);
    first_week = std::min(first_week, week);
    last_week = std::max(last_week, week);
    slots = std::max(slots, user[row] + 2);
  }
  if (first_week > last_week) return;  // no row has a time
  // Rows are grouped by week with a counting sort, in one buffer of (row, hour, user slot)
  // entries; weeks spanning more than 20 000 years, or more than 2^24 users, are filed row by
  // row instead (times are any int64).
  constexpr int64_t kMaxWeeks = int64_t{1} << 20;
  if (last_week - first_week >= kMaxWeeks || slots >= (1 << 24)) {
    for (size_t row = from; row < to; ++row) {
      a.at_index.Add(static_cast<int32_t>(row), at[row]);
      a.hourly.Add(user[row], at[row], 1);
    }
    return;
  }
  const size_t weeks = static_cast<size_t>(last_week - first_week) + 1;
  std::vector<size_t> count(weeks, 0);
  for (size_t row = from; row < to; ++row) {
    if (at[row] != kNoTime) {
      ++count[static_cast<size_t>(TimeIndex::WeekOf(at[row]) - first_week)];
    }
  }
  // Weeks in groups of at most kGroupRows rows (a bigger week alone), one pass over the rows
  // per group, so that the buffer stays small next to the table.
  constexpr size_t kGroupRows = size_t{1} << 23;
  std::vector<uint64_t> entries;
  std::vector<size_t> next;
  std::vector<int32_t> week_rows;
  for (size_t w0 = 0; w0 < weeks;) {
    size_t w1 = w0, rows = 0;
    while (w1 < weeks && (w1 == w0 || rows + count[w1] <= kGroupRows)) rows += count[w1++];
    next.assign(w1 - w0, 0);
    for (size_t w = w0 + 1; w < w1; ++w) next[w - w0] = next[w - w0 - 1] + count[w - 1];
    entries.resize(rows);
    for (size_t row = from; row < to; ++row) {
      if (at[row] == kNoTime) continue;
      int64_t hour = ActivityRollup::FloorDiv(at[row], ActivityRollup::kMicrosPerHour);
      int64_t week = ActivityRollup::FloorDiv(hour, kWeekHours);  // TimeIndex::WeekOf(at[row])
      size_t w = static_cast<size_t>(week - first_week);
      if (w < w0 || w >= w1) continue;
      entries[next[w - w0]++] = static_cast<uint64_t>(row) |
                                static_cast<uint64_t>(hour - week * kWeekHours) << 32 |
                                static_cast<uint64_t>(user[row] + 1) << 40;
    }
    // Each week's entries are in row order (the sort is stable), above every row it holds.
    size_t begin = 0;
    for (size_t w = w0; w < w1; begin += count[w], ++w) {
      if (count[w] == 0) continue;
      int64_t week = first_week + static_cast<int64_t>(w);
      uint32_t* cells = a.hourly.MutableWeek(week, static_cast<size_t>(slots));
      week_rows.resize(count[w]);
      for (size_t e = 0; e < count[w]; ++e) {
        uint64_t entry = entries[begin + e];
        week_rows[e] = static_cast<int32_t>(entry & 0xFFFFFFFF);
        ++cells[(entry >> 40) * kWeekHours + ((entry >> 32) & 0xFF)];
      }
      a.at_index.AppendToWeek(week, week_rows.data(), week_rows.size());
    }
    w0 = w1;
  }
}

}  // namespace voronka
