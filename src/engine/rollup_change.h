// Keeping DealTable::rollup in step with the records applied (engine/apply.cc): what a deal
// adds to it (its latest outcome, amount, responsible, and the spans in which it is open and
// forgotten), and the guard that withdraws it before a record and adds it again after.
#pragma once

#include <cstdint>

#include "engine/deal_rollup.h"
#include "engine/tables.h"

namespace voronka {

// What `deal` adds to the rollup now (nothing when it is not a created deal).
DealRollupInput RollupInputOf(const Tables& t, int32_t deal);

// The forgotten span the rollup keeps spans of for these settings: the workspace's, when touch
// gaps that long are kept (DealTable::touch_gaps); else 0 (none).
int64_t ForgottenSpanOf(const WorkspaceSettings& settings);

// Keeps the rollup in step with one record's change of a deal: what the deal added before the
// record is withdrawn and what it adds after is added, when the two differ.
class RollupChange {
 public:
  // kNone: no deal, nothing kept.
  RollupChange(Tables& t, int32_t deal)
      : t_(t),
        deal_(deal),
        before_(t.deals.rollup.live() && deal != kNone ? RollupInputOf(t, deal)
                                                       : DealRollupInput{}) {}
  RollupChange(const RollupChange&) = delete;
  RollupChange& operator=(const RollupChange&) = delete;
  ~RollupChange() {
    DealRollup& rollup = t_.deals.rollup;
    if (!rollup.live() || deal_ == kNone) return;
    DealRollupInput after = RollupInputOf(t_, deal_);
    if (after == before_) return;
    rollup.Change(before_, after, t_.settings.time_zone);
  }

 private:
  Tables& t_;
  int32_t deal_;
  DealRollupInput before_;
};

}  // namespace voronka
