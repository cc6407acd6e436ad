// A deal's state at a moment, derived from its stage history (SPEC §4 definitions).
#pragma once

#include <cstdint>

#include "engine/tables.h"

namespace voronka {

// The deal's state from the history entries strictly before `limit` (an exclusive bound;
// pass T + 1 microsecond for "as of T"). Close time is the last entry into a won or lost
// stage when the current stage is won or lost; a lead whose `converted_to` was set before
// `limit` and is still open counts as won at the conversion.
DealMoment DealStateBefore(const Tables& tables, int32_t deal, int64_t limit);

// The same computed from the whole history, ignoring any limit (what `DealTable::latest` holds).
DealMoment DealStateLatest(const Tables& tables, int32_t deal);

// A deal's state at a series of non-decreasing limits: Advance(limit) answers exactly what
// DealStateBefore(tables, deal, limit) does, but the history is walked once for the whole
// series (a snapshot per bucket costs one pass per deal, not one per bucket).
class DealStateCursor {
 public:
  DealStateCursor(const Tables& tables, int32_t deal);
  DealMoment Advance(int64_t limit);

 private:
  const Tables* tables_;
  size_t row_;
  size_t next_ = 0;  // the first history entry not yet walked
  int32_t stage_ = kNone;
  int64_t entered_ = kNoTime;
  bool entered_any_ = false;
};

// A stay of a deal on one stage. Consecutive entries into the same stage extend one visit.
struct Visit {
  int32_t stage = kNone;
  int64_t start = 0;
  int64_t end = kNoTime;       // kNoTime: the visit has not ended before the limit
  int32_t next_stage = kNone;  // the stage entered at `end`
  int32_t by = kNone;          // the user who made the change at `end`
  bool created_here = false;   // the visit began with the deal's creation
};

// Calls fn(const Visit&) for each visit that started before `limit`, in time order; a visit
// whose end is at or after `limit` is reported as not ended.
template <typename Fn>
void ForEachVisit(const Tables& tables, int32_t deal, int64_t limit, Fn&& fn) {
  const auto& history = tables.deals.history[static_cast<size_t>(deal)];
  Visit visit;
  bool open = false;
  for (const StageEntry& entry : history) {
    if (entry.at >= limit) break;
    if (open && entry.stage == visit.stage) continue;  // a repeated entry: same visit
    if (open) {
      visit.end = entry.at;
      visit.next_stage = entry.stage;
      visit.by = entry.by;
      fn(static_cast<const Visit&>(visit));
    }
    visit = Visit{entry.stage, entry.at, kNoTime, kNone, kNone, entry.creation};
    open = true;
  }
  if (open) fn(static_cast<const Visit&>(visit));
}

// The pipeline per-stage reports use when the request names none: the deal pipeline with the
// most deals now (ties: the smaller id), or kNone when there are no pipelines.
int32_t DefaultPipeline(const Tables& tables);

}  // namespace voronka
