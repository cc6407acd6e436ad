// Each deal's folded history kept in ClickHouse (deal_folds), so that a report reads one row
// per deal instead of folding the workspace's facts in every statement.
//
// A fold belongs to one set of committed batches (its key: their count and sum). It is derived
// and never changed: a report asks for the fold of the batches committed now, and a server
// builds it when there is none (INSERT ... SELECT of the fold every statement would compute),
// in parts of deals by a hash of their id (each statement within a query's memory), then marks
// it complete in deal_fold_marks. A batch committed while it was built leaves it
// unmarked, so no reader uses a fold of another set of batches than its key says. Two servers
// building the same fold write two copies; readers take the marked copy of the smallest
// builder id. Folds older than the newest two of a workspace are dropped (a partition each),
// and so are builds never marked that began over six hours before (a server killed while
// building).
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
// `deals_per_part`: a fold is built in parts of about this many deals.
Result<StoredFold> CurrentFold(const Client& client, const std::string& ws, const Tables& directory,
                               uint64_t deals_per_part = 150000);

// How `ws`'s deal records are read for a request: the admin's rewrites (price and source
// fields), and with the default ones the current stored fold (CurrentFold).
Result<DealRewrites> DealReading(const Client& client, const std::string& ws,
                                 const Tables& directory, const std::string& price_field,
                                 const std::string& source_field);

}  // namespace voronka::clickhouse
