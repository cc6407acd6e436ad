// Each deal's state derived from a workspace's committed facts, in SQL that runs on ClickHouse
// 18.16 and on current releases: one row per deal folded from its deal records, attribute
// versions, stage changes, custom fields and touches (Deals), its state before a limit
// (WithState, as the engine's DealStateBefore) and its ended visits (WithVisits, as
// ForEachVisit), at query time or read from a stored fold (fold_store.h). Answers do not
// depend on the order records arrived in. The report compiler (compiler.h) builds every metric
// on these rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/tables.h"

namespace voronka::clickhouse {

// SQL pieces: an Int64 literal (kNoTime included), array literals, a string map
// (transform(expr, from, to, fallback); the fallback alone when the map is empty), and
// "SELECT *, columns FROM (inner)".
std::string Int(int64_t value);
std::string StringArray(const std::vector<std::string>& texts);
std::string IntArray(const std::vector<int64_t>& values);
std::string MapText(const std::string& expr, const std::vector<std::string>& from,
                    const std::vector<std::string>& to, const std::string& fallback);
std::string Wrap(const std::string& inner, const std::string& columns);
// "(left) AS left_name ANY LEFT JOIN (right) AS right_name USING key": current releases want
// every subquery of a JOIN named (18.16 takes the names too).
std::string AnyLeftJoin(const std::string& left, const std::string& left_name,
                        const std::string& right, const std::string& right_name,
                        const std::string& key);

// A fold of every deal of a workspace kept in deal_folds (fold_store.h) for one set of
// committed batches: what DealSql reads instead of folding the facts again. A fold is whole
// (base = 0: the rows of `builder`) or an overlay on a whole one: the rows of `builder` for the
// deals it refolded (deal_fold_deals), the base's rows for every other deal.
struct StoredFold {
  std::string database, ws;
  uint64_t fold = 0;  // 0: none
  uint64_t builder = 0;
  uint64_t base = 0, base_fold = 0;
  int64_t max_change = 0;  // the latest instant any deal's state depends on
  std::string missing;     // fold = 0: why there is none to read
};

// How deal records are read. The admin's rewrites (RewriteRecord, access/workspace_settings.h),
// applied as the facts are read: the amount from a custom field, the source from deal_type or
// a custom field. Defaults: the records as sent. A stored fold (it holds the records as sent)
// is read in their place when the rewrites are the defaults.
struct DealRewrites {
  std::string price_field = "amount";   // "amount" or "fields.<name>"
  std::string source_field = "source";  // "source", "deal_type" or "fields.<name>"
  StoredFold stored;
  bool defaults() const { return price_field == "amount" && source_field == "source"; }
};

class DealSql {
 public:
  // `directory` gives the stages and their semantics; `committed` is the condition keeping the
  // workspace's committed rows; `fields` the custom fields to fold (columns field0, field1, ...);
  // `touches`: fold the touches too (what forgotten metrics need).
  DealSql(const Tables& directory, std::string committed, std::vector<std::string> fields,
          bool touches);

  // One row per deal whose deal record arrived: its record as last sent, its attributes now,
  // its stage history sorted (time, the creation first, arrival) as hist_at / hist_stage, its
  // fields and touches.
  std::string Deals() const;
  // Adds to the rows of `inner` the deal's state before `limit`, columns prefixed `p`: outcome
  // (0 not created, 1 open, 2 won, 3 lost), stage, entered (start of its visit), close.
  std::string WithState(const std::string& inner, const std::string& p,
                        const std::string& limit) const;
  // The same before the instant `limit`; over a stored fold, after every change it depends on,
  // the latest state the fold holds (no arithmetic over the history).
  std::string WithStateAt(const std::string& inner, const std::string& p, int64_t limit) const;
  // Adds the visits before T (state prefix T_) that ended: v_stage, v_start, v_end, v_next.
  static std::string WithVisits(const std::string& inner);

  bool touches() const { return touches_; }
  // Also fold the title (column title).
  void AddTitle() { titles_ = true; }
  // Also fold the times of the deal's updates (column update_times), for "modified".
  void AddUpdateTimes() { update_times_ = true; }
  void SetRewrites(DealRewrites rewrites) { rewrites_ = std::move(rewrites); }
  // Whether Deals() reads a stored fold.
  bool stored() const { return rewrites_.stored.fold != 0 && rewrites_.defaults(); }

  // The rows of deal_folds for fold `fold` of `ws`, written by `builder` (INSERT ... SELECT):
  // every deal folded with every field, touch, update time and title, records as sent.
  std::string FoldRows(const std::string& ws, uint64_t fold, uint64_t builder) const;
  // Fold only the deals with cityHash64(id) % count = index (count > 1), of workspace `ws` in
  // `database`: a large workspace's fold is built part by part, each within a query's memory.
  // only != 0: and only the deals build `only` refolds (deal_fold_deals, fresh = 1).
  struct Part {
    std::string database, ws;
    uint64_t count = 1, index = 0;
    uint64_t only = 0;
  };
  void SetPart(Part part) { part_ = std::move(part); }

 private:
  // Every committed fact about the deals as one stream of tagged rows.
  std::string Facts() const;
  std::string StoredDeals() const;
  std::string InPart(const std::string& deal, bool on_shard = true) const;
  std::string PartItems(const std::string& table, const std::string& id) const;
  std::string OutcomeColumns(const std::string& p, const std::string& limit) const;

  std::string committed_;
  std::vector<std::string> fields_;
  bool touches_ = false;
  bool update_times_ = false;
  bool titles_ = false;
  bool all_fields_ = false;  // fold every custom field, as field_pairs
  Part part_;
  DealRewrites rewrites_;
  std::vector<std::string> stage_ids_;
  std::vector<int64_t> stage_semantics_;
};

}  // namespace voronka::clickhouse
