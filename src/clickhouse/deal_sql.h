// Each deal's state derived at query time from a workspace's committed facts, in the SQL of
// ClickHouse 18.16: one row per deal folded from its deal records, attribute versions, stage
// changes, custom fields and touches (Deals), its state before a limit (WithState, as the
// engine's DealStateBefore) and its ended visits (WithVisits, as ForEachVisit). Nothing derived
// is stored, so answers do not depend on the order records arrived in. The report compiler
// (compiler.h) builds every metric on these rows.
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

// The admin's rewrites of deal records (RewriteRecord, access/workspace_settings.h), applied
// as the facts are read: the amount from a custom field, the source from deal_type or a custom
// field. Defaults: the records as sent.
struct DealRewrites {
  std::string price_field = "amount";   // "amount" or "fields.<name>"
  std::string source_field = "source";  // "source", "deal_type" or "fields.<name>"
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
  // Adds the visits before T (state prefix T_) that ended: v_stage, v_start, v_end, v_next.
  static std::string WithVisits(const std::string& inner);

  bool touches() const { return touches_; }
  // Also fold the title (column title).
  void AddTitle() { titles_ = true; }
  // Also fold the times of the deal's updates (column update_times), for "modified".
  void AddUpdateTimes() { update_times_ = true; }
  void SetRewrites(DealRewrites rewrites) { rewrites_ = std::move(rewrites); }

 private:
  // Every committed fact about the deals as one stream of tagged rows.
  std::string Facts() const;

  std::string committed_;
  std::vector<std::string> fields_;
  bool touches_ = false;
  bool update_times_ = false;
  bool titles_ = false;
  DealRewrites rewrites_;
  std::vector<std::string> stage_ids_;
  std::vector<int64_t> stage_semantics_;
};

}  // namespace voronka::clickhouse
