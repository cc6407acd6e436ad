// DealRollup: per local day (in the workspace's time zone) and responsible, the deals created,
// won and lost that day with their amounts and cycle times, and the spans in which deals are
// open and forgotten begun and ended that day, kept on apply. Outcome metrics of whole local
// days and in-work and forgotten snapshots at local midnights, grouped by nothing, responsible
// or department, are then sums of a few cells per manager and day instead of a pass over every
// deal: a month of a 1M-deal workspace (509 managers) is ~18 000 cells, 24 months by manager
// ~420 000.
//
// What a deal adds is read from its latest state (DealTable::latest) and its columns, so the
// rollup answers only for a T after every change (the usual "now"); a past as_of scans.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/column.h"
#include "model/time.h"

namespace voronka {

// One manager's deals on one local day (not leads). 64 bytes.
struct DealDayCell {
  int32_t created = 0;      // created that day
  int32_t created_won = 0;  // of those, won now
  int32_t won = 0;          // won, with their latest close that day
  int32_t lost = 0;         // lost, likewise
  int64_t won_amount = 0;
  int64_t lost_amount = 0;
  int64_t won_cycle = 0;  // sum of (close - created) of the won ones, micros
  // In work: the deals' open spans (DealRollupInput::open) begun on this day, and those ended
  // on it, with their amounts. Open at a local midnight L: begun before L's day less ended
  // before it.
  int32_t open_from = 0;
  int32_t open_to = 0;
  int64_t open_from_amount = 0;
  int64_t open_to_amount = 0;

  DealDayCell& operator+=(const DealDayCell& other);
  DealDayCell& operator-=(const DealDayCell& other);
  bool operator==(const DealDayCell&) const = default;
};

// The spans of a deal's forgotten snapshots, likewise: 24 bytes a day and user slot.
struct SpanDayCell {
  int32_t from = 0;
  int32_t to = 0;
  int64_t from_amount = 0;
  int64_t to_amount = 0;

  SpanDayCell& operator+=(const SpanDayCell& other);
  SpanDayCell& operator-=(const SpanDayCell& other);
  bool operator==(const SpanDayCell&) const = default;
};

// A span of snapshot limits: it holds at L iff from < L <= to (to: INT64_MAX for "still").
struct RollupSpan {
  int64_t from = 0;
  int64_t to = 0;
  bool operator==(const RollupSpan&) const = default;
};

// What one deal adds to the rollup, read from its row (engine/apply.cc).
struct DealRollupInput {
  bool counted = false;  // a created deal (entity "deal"); nothing else is read when false
  bool won = false;
  bool lost = false;
  int32_t user = -1;  // responsible, kNone (-1) for none
  int64_t created = 0;
  int64_t close = 0;  // when won or lost
  int64_t amount = 0;
  // The limits at which it is open (in work), and those at which it is open and forgotten
  // (no touch in the forgotten span before the limit; empty when the rollup keeps no forgotten
  // spans or the deal's touches are not trusted, DealTable::touch_stale).
  std::vector<RollupSpan> open;
  std::vector<RollupSpan> forgotten;

  bool operator==(const DealRollupInput&) const = default;
};

// The deals whose share of the rollup the records of a batch change, each with what it added
// before the batch's first record on it (engine/rollup_change.h): the batch's change is then
// withdrawn and added once per deal when the batch ends, not once per record (a CRM sends a
// deal's update, its stage change and its calls together). The writer's alone: a copy of it
// (the version the engine publishes) starts empty.
class PendingRollup {
 public:
  PendingRollup() = default;
  PendingRollup(const PendingRollup& /*other*/) {}
  PendingRollup& operator=(const PendingRollup& other) {
    if (this != &other) Clear();
    return *this;
  }

  // The entry to fill with what `deal` adds now, or null when the batch has noted it already.
  DealRollupInput* Note(int32_t deal);
  // Calls fn(int32_t deal, const DealRollupInput& before) for each deal noted, in the order
  // noted.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t i = 0; i < deals_.size(); ++i) fn(deals_[i], before_[i]);
  }
  void Clear();

 private:
  std::vector<int32_t> deals_;
  std::unordered_set<int32_t> noted_;  // deals_, for the lookup
  // before_[i] for deals_[i]; entries past deals_.size() are kept for their vectors' capacity.
  std::vector<DealRollupInput> before_;
};

class DealRollup {
 public:
  // Cells are laid out day after day, each day one cell per user slot (user id + 1), over a
  // range of days that grows forward as deals arrive; days without deals share one zeroed
  // segment (Column fill segments), so a sparse history costs pointers, not cells. A day past
  // kMaxDays from the first, before it, or a user past the slots makes the rollup stale: it is
  // then not kept nor read until the next Rebuild (the engine rebuilds at publish).
  static constexpr int64_t kMaxDays = 100 * 366;

  // False until built and after it goes stale; readers then scan the deals instead.
  bool live() const { return live_; }
  // The deals the records applied since the last SettleRollup (engine/rollup_change.h)
  // changed: emptied when the rollup goes stale.
  PendingRollup& pending() { return pending_; }
  // Stops keeping it and asks for a rebuild.
  void MarkStale();
  // Whether a rebuild was asked for since the last one. A rebuild that could not lay the
  // rollup out (a history longer than kMaxDays) leaves it not live and asks for none: the next
  // MarkStale (a bulk load, a time-zone change, a pipeline record) tries again, not every
  // publish.
  bool wants_rebuild() const { return wants_rebuild_; }
  // The zone its days are local to.
  const std::string& zone_name() const { return zone_name_; }

  // The forgotten span (SPEC §4, micros) whose spans it keeps; 0 when it keeps none.
  int64_t forgotten_span() const { return forgotten_span_; }

  // Starts an empty rollup for `users` users over days [first_day, last_day] of `zone`, with
  // room to grow (new users, days before the first), keeping forgotten spans of
  // `forgotten_span` micros (0: none).
  void Reset(const TimeZone& zone, int32_t users, int64_t first_day, int64_t last_day,
             int64_t forgotten_span);
  // Adds (sign 1) or withdraws (sign -1) a deal; the zone is the one of Reset.
  void Add(const DealRollupInput& deal, int32_t sign, const TimeZone& zone);
  // Withdraws `before` and adds `after` (one deal changed by a record), writing only the cells
  // whose sum changes: a record that moves a deal's last touch, or its amount, leaves the
  // cells of its creation and close days as they were, and their segments shared with the
  // published version.
  void Change(const DealRollupInput& before, const DealRollupInput& after, const TimeZone& zone);

  // Sums the cells of local days [from, to) per user slot into `sums` (resized to slots(),
  // zeroed first). Returns the number of cells read.
  int64_t SumDays(int64_t from, int64_t to, std::vector<DealDayCell>& sums) const;
  int64_t SumDays(int64_t from, int64_t to, std::vector<SpanDayCell>& sums) const;
  // Per user slot, the sum of every day's cell: what SumDays over all days gives, kept as
  // cells change, so that a sum up to a recent day is this less the days after it.
  const std::vector<DealDayCell>& totals() const { return totals_; }
  const std::vector<SpanDayCell>& forgotten_totals() const { return forgotten_totals_; }
  // The one matching the cells of `sums` (for code written for both).
  const std::vector<DealDayCell>& TotalsOf(const std::vector<DealDayCell>&) const {
    return totals_;
  }
  const std::vector<SpanDayCell>& TotalsOf(const std::vector<SpanDayCell>&) const {
    return forgotten_totals_;
  }
  int32_t slots() const { return slots_; }

  size_t allocated_bytes() const {
    return cells_.allocated_bytes() + forgotten_cells_.allocated_bytes();
  }

 private:
  // The cells' columns: a batch spread over the workspace writes cells of many days, each
  // write copying its segment, so these are ~1 KiB (16 and 32 cells) rather than 4.
  template <typename Cell>
  using Cells = Column<Cell, SegmentShiftFor<Cell>(1024)>;
  // Adds `delta` to the cell of `day` and `slot` of `cells` (growing the days of both columns
  // forward) and to the slot's total; false (and stale) when the day or slot is out of range.
  template <typename Cell>
  bool AddAt(int64_t day, int32_t slot, const Cell& delta);
  // The column and totals of a cell type.
  Cells<DealDayCell>& CellsOf(const DealDayCell&) { return cells_; }
  Cells<SpanDayCell>& CellsOf(const SpanDayCell&) { return forgotten_cells_; }
  std::vector<DealDayCell>& TotalsOf(const DealDayCell&) { return totals_; }
  std::vector<SpanDayCell>& TotalsOf(const SpanDayCell&) { return forgotten_totals_; }
  template <typename Cell>
  int64_t Sum(const Cells<Cell>& cells, int64_t from, int64_t to, std::vector<Cell>& sums) const;
  // The cells a deal adds to (sign 1) or withdraws from (-1), each as a day, a slot and the
  // amount added to the cell, in the order Add writes them.
  template <typename Cell>
  struct Delta {
    int64_t day;
    int32_t slot;
    Cell cell;
  };
  struct Deltas {
    std::vector<Delta<DealDayCell>> deals;
    std::vector<Delta<SpanDayCell>> spans;
  };
  static Deltas& EmptyDeltas();
  void CollectDeltas(const DealRollupInput& deal, int32_t sign, const TimeZone& zone,
                     Deltas& deltas) const;
  // Adds the deltas to the cells; false (and stale) when one was out of range.
  template <typename Cell>
  bool AddDeltas(const std::vector<Delta<Cell>>& deltas);
  void Grow(int64_t days);

  bool live_ = false;
  bool wants_rebuild_ = true;
  std::string zone_name_;
  int64_t first_day_ = 0;  // LocalDate::days of the first row's day
  int64_t days_ = 0;
  int32_t slots_ = 0;
  int64_t forgotten_span_ = 0;
  Cells<DealDayCell> cells_;             // [(day - first_day_) * slots_ + slot]
  std::vector<DealDayCell> totals_;      // per slot
  Cells<SpanDayCell> forgotten_cells_;   // likewise; empty when forgotten_span_ is 0
  std::vector<SpanDayCell> forgotten_totals_;
  PendingRollup pending_;
};

}  // namespace voronka
