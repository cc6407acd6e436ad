// Keeping DealTable::rollup in step with the records applied (engine/apply.cc): what a deal
// adds to it (its latest outcome, amount, responsible, and the spans in which it is open and
// forgotten), withdrawn before a batch's records on the deal and added again after them.
#pragma once

#include <cstdint>

#include "engine/deal_rollup.h"
#include "engine/tables.h"

namespace voronka {

// What `deal` adds to the rollup now (nothing when it is not a created deal), into `in` (its
// vectors' capacity reused).
void RollupInputOf(const Tables& t, int32_t deal, DealRollupInput& in);

// The forgotten span the rollup keeps spans of for these settings: the workspace's, when touch
// gaps that long are kept (DealTable::touch_gaps); else 0 (none).
int64_t ForgottenSpanOf(const WorkspaceSettings& settings);

// Keeping the rollup in step with the records applied: before a record changes `deal` (kNone:
// no deal), WillChangeRollup notes what the deal adds to the rollup, once per batch (the
// first record's); SettleRollup then withdraws that and adds what each noted deal adds now,
// when the two differ. The rollup is right again after SettleRollup, which ApplyRecord calls
// after every record and the engine after every batch.
void WillChangeRollup(Tables& t, int32_t deal);
void SettleRollup(Tables& t);

}  // namespace voronka
