// The metric scans: each walks the columns its metric needs once and feeds a Collector.
#pragma once

#include "metrics/scan.h"

namespace voronka {

// A range of deal rows [begin, end): the part of a scan one thread takes when a drill-down is
// shared between threads. Each deal is in one part, and so is everything listed for it.
struct DealRows {
  int32_t begin = 0;
  int32_t end = INT32_MAX;
  bool Holds(int32_t deal) const { return deal >= begin && deal < end; }
};

// Outcome metrics: created, won, lost, averages, conversion, repeat/new (SPEC §4). With `rows`,
// only the deals in them.
void ScanOutcome(const ScanContext& context, Collector& out, DealRows rows = {});
// Whether parts of an outcome scan over deal rows (ScanOutcome's `rows`) together do no more
// than the whole: a pass over every deal that builds nothing from all deals first.
bool OutcomeSplitsByDeal(const ScanContext& context);
// State metrics: in work, per stage, forgotten, no task, overdue tasks, load, forecast.
void ScanState(const ScanContext& context, Collector& out);
// Movement metrics: funnel, funnel_conversion, stage_movement, lost_from_stage, stage time
// and stage conversion.
void ScanMovement(const ScanContext& context, Collector& out);
// Activity metrics: activity_count, activity_index, response_time, nps.
void ScanActivity(const ScanContext& context, Collector& out);

// The builder's counts by the request's membership date: deal_count, deal_amount,
// deal_avg_amount (deals) and task_count (tasks).
void ScanMembership(const ScanContext& context, Collector& out);

// The scan of the context's metric.
void RunScan(const ScanContext& context, Collector& out);
// Whether the scan of the context's metric can be run as parts over deal rows (RunScanPart).
bool ScanSplitsByDeal(const ScanContext& context);
// The part of the scan for the deals in `rows` (ScanSplitsByDeal): parts over rows that cover
// every deal once, each with its own collector, list every item once in all.
void RunScanPart(const ScanContext& context, Collector& out, DealRows rows);

// Each deal's last touch strictly before `limit` (kNoTime when none): its creation, stage
// changes, activities on it, its tasks created or completed. One pass over the touch columns,
// because it depends on the moment asked about.
std::vector<int64_t> LastTouchBefore(const Tables& tables, int64_t limit);

// Each deal's last touch strictly before `limit`, one deal at a time: the engine's last-touch
// column when it holds (nothing touched the deal since `limit` and no touch was withdrawn),
// else LastTouchBefore, computed once on first need.
class LastTouchReader {
 public:
  LastTouchReader(const Tables& tables, int64_t limit);
  int64_t Get(int32_t deal);

 private:
  const Tables* tables_;
  int64_t limit_;
  std::vector<int64_t> computed_;
};

// Per customer (its company, else its contact; contacts after companies) and entity, at key
// * 2 + entity: the customer's first deal created before `horizon` (earliest created_at, the
// lower row on a tie), kNone when it has none. A customer is new in P when that deal was
// created in P (new_client_count).
std::vector<int32_t> FirstDealOfCustomer(const Tables& tables, int64_t horizon);

// A deal as an item, its responsible as its user.
Item DealItem(const ScanContext& context, int32_t deal);

}  // namespace voronka
