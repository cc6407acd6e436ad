#include "engine/activity_rollup.h"

#include <limits>

namespace voronka {

void ActivityRollup::Add(int32_t user, int64_t at, int32_t delta) {
  if (at == std::numeric_limits<int64_t>::min()) return;
  int64_t hour = FloorDiv(at, kMicrosPerHour);
  int64_t week = FloorDiv(hour, kHoursPerWeek);
  size_t slot = static_cast<size_t>(user + 1);
  uint32_t* cells = MutableWeek(week, slot + 1);
  cells[slot * kHoursPerWeek + static_cast<size_t>(hour - week * kHoursPerWeek)] +=
      static_cast<uint32_t>(delta);
}

uint32_t* ActivityRollup::MutableWeek(int64_t week, size_t slots) {
  std::vector<uint32_t>& cells = weeks_.Mut()[week].Mut();
  if (cells.size() < slots * kHoursPerWeek) cells.resize(slots * kHoursPerWeek, 0);
  return cells.data();
}

}  // namespace voronka
