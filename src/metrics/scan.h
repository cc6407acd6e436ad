// The scan machinery shared by every metric: per-request filter bitmaps and deal states
// (ScanContext), and the Collector that metric scans feed with contributions, which either
// aggregates them into (group, bucket) cells or lists the items behind one cell.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "engine/tables.h"
#include "metrics/catalog.h"
#include "metrics/period.h"
#include "metrics/request.h"
#include "metrics/visibility.h"
#include "model/status.h"

namespace voronka {

// One thing behind a number: a deal, an activity, a task, or a deal's stage change.
struct Item {
  ItemKind kind = ItemKind::kDeal;
  int32_t row = kNone;   // deal, activity or task row (the deal for a stage change)
  int32_t deal = kNone;  // the deal it belongs to, if any
  int32_t user = kNone;  // the user `responsible` and `department` mean for it
  int64_t at = kNoTime;  // a stage change's time
};

// What one item adds to a cell; the metric's ValueKind says how a, b and x are read.
struct Contribution {
  int64_t a = 0;
  int64_t b = 0;
  double x = 0;
};

// Whether a contribution counts in its row, in the request's total, or both.
enum class Target : uint8_t { kRowAndTotal, kRowOnly, kTotalOnly };

struct Cell {
  int64_t a = 0;
  int64_t b = 0;
  double x = 0;
  std::vector<double> samples;  // response_time keeps its values for the median
};

// A filter on one dimension, as a bitmap over that dimension's ids.
struct DimensionFilter {
  bool active = false;
  std::vector<uint8_t> accepts;  // by id
  bool accepts_none = false;     // "" was listed
  bool Accepts(int32_t id) const {
    if (!active) return true;
    if (id == kNone) return accepts_none;
    return static_cast<size_t>(id) < accepts.size() && accepts[static_cast<size_t>(id)];
  }
};

// Every deal's state at a request's T: the engine's `latest` column itself when T is after
// every change (the usual "now": nothing is copied), else a column built for T. The outcome is
// also kept as a narrow column, for scans that only ask "open, won or lost?".
class DealStates {
 public:
  void Borrow(const LiveColumn<DealMoment>& states, const LiveColumn<Outcome>& outcomes) {
    own_.clear();
    own_outcome_.clear();
    states_ = &states;
    outcomes_ = &outcomes;
  }
  // Fills the own column with fill(row) for every row.
  template <typename Fill>
  void Own(size_t rows, Fill&& fill) {
    own_.resize(rows);
    own_outcome_.resize(rows);
    for (size_t row = 0; row < rows; ++row) {
      own_[row] = fill(row);
      own_outcome_[row] = own_[row].outcome;
    }
    states_ = nullptr;
    outcomes_ = nullptr;
  }
  bool borrowed() const { return states_ != nullptr; }
  const DealMoment& operator[](size_t row) const {
    return states_ != nullptr ? (*states_)[row] : own_[row];
  }
  Outcome outcome(size_t row) const {
    return outcomes_ != nullptr ? (*outcomes_)[row] : own_outcome_[row];
  }
  // Asks for the cache line of a row's state, to be read soon.
  void Prefetch(size_t row) const { __builtin_prefetch(&(*this)[row]); }
  // Calls fn(size_t row, Outcome outcome) for every deal of the rows [begin, end) in row order,
  // in a tight loop.
  template <typename Fn>
  void ForEachOutcome(size_t begin, size_t end, Fn&& fn) const {
    if (outcomes_ != nullptr) return outcomes_->ForEachIn(begin, end, fn);
    end = std::min(end, own_outcome_.size());
    for (size_t row = begin; row < end; ++row) fn(row, own_outcome_[row]);
  }

 private:
  std::vector<DealMoment> own_;
  std::vector<Outcome> own_outcome_;
  const LiveColumn<DealMoment>* states_ = nullptr;  // borrowed from the tables, or null: own_
  const LiveColumn<Outcome>* outcomes_ = nullptr;
};

class ScanContext {
 public:
  // Resolves filters, visibility, the pipeline of per-stage metrics and every deal's state at
  // the request's as_of. Errors: a per-stage metric given several pipelines, an unknown one.
  static Result<ScanContext> Make(const Tables& tables, const ReportRequest& request,
                                  const Visibility& visibility);

  const Tables* tables = nullptr;
  const ReportRequest* request = nullptr;
  const MetricInfo* metric = nullptr;
  int64_t as_of = 0;                 // T
  int64_t horizon = 0;               // T + 1 µs: history at or after it is ignored
  const Buckets* buckets = nullptr;  // the period being scanned (main or compared)

  DealStates state;  // each deal at T
  // Whether the deal exists at T, is visible and passes all filters. Unfiltered requests (the
  // dashboard's usual ones) build no bitmap: the answer is read from the state and entity
  // columns, so a scan of one month's deals does not pay a pass over every deal first.
  bool DealPasses(int32_t deal) const {
    size_t row = static_cast<size_t>(deal);
    if (!pass_bitmap) {
      return state.outcome(row) != Outcome::kNotCreated &&
             (!deals_only || tables->deals.entity[row] == Entity::kDeal);
    }
    return deal_pass[row] != 0;
  }
  bool deals_only = false;  // leads are left out (no entity chosen, not per-stage)
  // The bitmaps of a filtered or restricted request, by deal. Built once per version of the
  // tables for each combination of filters, visibility and state (Tables::cache): the reports
  // of one dashboard under one filter share them.
  struct PassBitmaps {
    std::vector<uint8_t> attrs;  // the deal-attribute filters pass
    std::vector<uint8_t> pass;   // DealPasses
  };
  bool pass_bitmap = false;                    // deal_pass is set
  std::shared_ptr<const PassBitmaps> bitmaps;  // owns what deal_pass and deal_attrs point to
  const uint8_t* deal_pass = nullptr;          // with pass_bitmap: DealPasses by deal
  const uint8_t* deal_attrs = nullptr;  // with deal_attr_filtered: the deal-attribute filters pass
  bool deal_attr_filtered = false;      // some deal-attribute filter is set
  std::vector<uint8_t> user_pass;   // a user passes the responsible/department filters
  bool user_filtered = false;
  bool none_user_passes = true;  // a deal with no responsible passes them
  std::vector<uint8_t> user_visible;
  bool all_visible = true;
  DimensionFilter kind_filter;
  DimensionFilter direction_filter;

  // Per-stage metrics: the pipeline, its rows, and each stage's row (kNone when not a row).
  int32_t pipeline = kNone;
  std::vector<int32_t> row_stage;
  std::vector<int32_t> stage_row;

  // Bytes of columns the scans read (ScanStats); scans add rows x row width once per column.
  // Parts of a scan on other threads (RunScanPart) add to it too.
  mutable int64_t scanned_bytes = 0;
  void Scanned(int64_t rows, size_t row_bytes) const {
    std::atomic_ref<int64_t>(scanned_bytes)
        .fetch_add(rows * static_cast<int64_t>(row_bytes), std::memory_order_relaxed);
  }

  // Whether an activity, a task, or a thing done by `user` on `deal` exists for the request
  // (own-user filters, deal-attribute filters through the deal, visibility).
  bool ActivityPasses(int32_t activity) const;
  // Whether a deal whose responsible is `owner` (kNone: none) passes the responsible and
  // department filters and the caller's visibility.
  bool OwnerPasses(int32_t owner) const;
  bool TaskPasses(int32_t task) const;
  bool UserThingPasses(int32_t user, int32_t deal) const;
  // The deal's position on the request's pipeline, or kNone (lost, another pipeline).
  int32_t Position(int32_t stage) const;
  bool DealVisible(int32_t deal) const;
};

// A combination of group-key values: [0] is the stage row of per-stage metrics, then one id
// per group_by key, kNone for "".
using GroupKey = std::array<int32_t, 5>;
struct GroupKeyHash {
  size_t operator()(const GroupKey& key) const {
    size_t h = 0;
    for (int32_t v : key) h = h * 1000003u ^ static_cast<uint32_t>(v);
    return h;
  }
};

class Collector {
 public:
  // An aggregating collector: cells per group key and bucket, and the total.
  explicit Collector(const ScanContext& context);
  // A listing collector: hands `list` each contribution of an item behind the row matching
  // `key_targets` (per key index, the id wanted, or kAny) and `bucket` (-1 any); with `total`,
  // behind the total. An item that contributes several times is handed over each time. One
  // call per contribution listed, so a drill-down keeps only its page as the scan goes.
  static constexpr int32_t kAny = -3;
  Collector(const ScanContext& context, const GroupKey& key_targets, int32_t bucket, bool total,
            std::function<void(const Item&)> list);

  // Adds a contribution of `item` to stage row `stage_row` (kNone when not per-stage) and
  // bucket `bucket` (-1: outside the period, ignored).
  void Add(const Item& item, int32_t stage_row, int32_t bucket, const Contribution& value,
           Target target = Target::kRowAndTotal);

  // Adds the same contribution to buckets first..last (a state counted in consecutive
  // snapshots): as Add per bucket, with the total taking only `total_bucket`'s one.
  void AddRange(const Item& item, int32_t first, int32_t last, const Contribution& value,
                int32_t total_bucket);

  // One aggregated row: its group key and a cell per bucket.
  struct GroupRow {
    GroupKey key;
    std::vector<Cell> cells;
  };
  // The rows in order of first contribution, and the row of a key (null when none).
  const std::vector<GroupRow>& rows() const { return rows_; }
  const std::vector<Cell>* Find(const GroupKey& key) const;
  const Cell& total() const { return total_; }
  // True for a listing collector (a drill-down), which needs every item.
  bool listing() const { return listing_; }

 private:
  void ResolveKeys(const Item& item);
  void AddToRows(const GroupKey& key, int32_t bucket, const Contribution& value);
  int32_t RowIndex(const GroupKey& key);
  void PlanDenseIndex();

  const ScanContext* context_;
  bool listing_ = false;
  bool listing_total_ = false;
  GroupKey targets_{};
  int32_t target_bucket_ = -1;
  bool keep_samples_ = false;
  std::vector<GroupRow> rows_;
  // Row lookup. Group keys are dense interned ids, so while the product of the keys' id spaces
  // is small the row of a key is found in a flat array (no hashing per contribution); wider
  // keys (companies, custom fields) fall back to a hash map.
  bool dense_ = false;
  std::array<int64_t, 5> dense_space_{};
  std::vector<int32_t> dense_rows_;  // kNone: no row yet
  std::unordered_map<GroupKey, int32_t, GroupKeyHash> hashed_rows_;
  Cell total_;
  std::function<void(const Item&)> list_;
  std::array<std::vector<int32_t>, 4> resolved_;  // per group key, reused between calls
};

// Whether the per-day, per-manager rollup (DealTable::rollup) can answer for the request's
// deals: not a drill-down, the rollup built and for the workspace's zone, T after every change
// (latest states), deals only, no deal-attribute filter, grouped by nothing, responsible or
// department. The metric and the bucket bounds are the caller's to check.
bool RollupHolds(const ScanContext& context, const Collector& out);
// Per rollup slot (user id + 1, 0 for no responsible): OwnerPasses of its manager.
std::vector<uint8_t> RollupSlotsPassing(const ScanContext& context);
// The item a rollup slot's cells count under: its manager's deals, no deal in particular.
inline Item RollupSlotItem(size_t slot) {
  return Item{ItemKind::kDeal, kNone, kNone, static_cast<int32_t>(slot) - 1, kNoTime};
}
// The local day (LocalDate::days) that begins at `instant` in the workspace zone; false when
// `instant` is not a local midnight.
bool MidnightDay(const Tables& tables, int64_t instant, int64_t& day);

// The values of one dimension for an item (several for a multi-list field, kNone for none).
void ResolveDimension(const ScanContext& context, const DimensionRef& dimension, const Item& item,
                      std::vector<int32_t>& out);
// The instant a custom-field value stands for: a date "YYYY-MM-DD" is its local midnight in the
// workspace zone, an RFC 3339 timestamp itself; kNoTime when it is neither.
int64_t FieldValueInstant(const Tables& tables, std::string_view text);
// The request text of a dimension value id ("" for kNone), and its display label.
std::string DimensionValueText(const Tables& tables, const DimensionRef& dimension, int32_t id);
std::string DimensionValueLabel(const Tables& tables, const DimensionRef& dimension, int32_t id);
// The id of a request text in a dimension, kNone for "", kUnknownValue when there is none.
inline constexpr int32_t kUnknownValue = -2;
int32_t DimensionValueId(const Tables& tables, const DimensionRef& dimension,
                         const std::string& text);

}  // namespace voronka
