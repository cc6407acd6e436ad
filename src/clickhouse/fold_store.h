// Each deal's folded history kept in ClickHouse (deal_folds), so that a report reads one row
// per deal instead of folding the workspace's facts in every statement.
//
// A fold belongs to one set of committed batches (its key: their count and sum). It is derived
// and never changed: a report asks for the fold of the batches committed now, and when there is
// none a server builds it. A build first records the batches committed then (deal_fold_batches)
// and folds exactly those, so its key is theirs whatever commits meanwhile. It is
// - an overlay on the newest fold: only the deals the batches since changed (their rows, and
//   every deal a re-sent activity or task of theirs named) are folded again, the other deals of
//   an overlay under it are copied, and every other deal is read from the whole fold beneath;
// - or whole (the first one, or when the overlay would hold too many deals): every deal, by an
//   INSERT ... SELECT of the fold every statement would compute, in parts by a hash of the deal
//   id (each within a query's memory).
// A build is marked complete in deal_fold_marks after all its rows; readers use marked builds
// only. Two servers building the same fold write two copies; readers take the smallest builder
// id. Every table of a build is partitioned by builder: folds out of a workspace's newest two
// for half an hour are dropped with the whole folds under them, and so are builds never marked
// that began over six hours before (a server killed while building).
#pragma once

#include <string>

#include "clickhouse/client.h"
#include "clickhouse/deal_sql.h"
#include "engine/tables.h"
#include "model/status.h"

namespace voronka::clickhouse {

// The fold of the batches of `ws` committed now, built if needed; `directory` is the
// workspace's directory (its stages). fold = 0 when there is none to read (the schema predates
// deal_folds, batches were committed while it was built, a statement failed): the caller folds
// the facts itself; `missing` says why. An error only when ClickHouse is unavailable.
// How folds are built and kept: in parts of about deals_per_part deals; as an overlay on the
// newest fold while the overlay holds at most max(overlay_floor, overlay_share x the deals of the
// whole fold under it), else whole; a fold out of the newest two is kept superseded_kept
// microseconds more (a reader or an overlay build that began on it has ended by then).
struct FoldPolicy {
  uint64_t deals_per_part = 150000;
  uint64_t overlay_floor = 10000;
  double overlay_share = 0.25;
  int64_t superseded_kept = 30LL * 60 * 1000 * 1000;
};
Result<StoredFold> CurrentFold(const Client& client, const std::string& ws, const Tables& directory,
                               const FoldPolicy& policy = {});

// How `ws`'s deal records are read for a request: the admin's rewrites (price and source
// fields), and with the default ones the current stored fold (CurrentFold).
Result<DealRewrites> DealReading(const Client& client, const std::string& ws,
                                 const Tables& directory, const std::string& price_field,
                                 const std::string& source_field);

}  // namespace voronka::clickhouse
