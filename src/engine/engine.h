// Engine: the in-memory, columnar state of one workspace, updated incrementally by canonical
// records and read by the metrics layer.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_set>
#include <vector>

#include "engine/tables.h"
#include "model/records.h"

namespace voronka {

// Concurrency: snapshots, copy on write. A report runs on an immutable version of the tables
// (a Snapshot) that it takes without waiting for a batch: Read() copies one shared pointer.
// Apply changes the writer's own working tables and, at the end of the batch, publishes a copy
// of them as the new current version; a reader holding an older version keeps reading it
// unchanged until it lets go. So readers never wait for a writer's batch (nor for each other),
// and see all of a batch or none of it.
//
// What makes the per-batch copy cheap (engine/column.h): every column of per-row data is a
// Column, a list of fixed-size segments (~4 KiB; ~1 KiB for the deal and task columns a live
// feed changes anywhere, whose per-deal lists are handles of blocks the column owns) grouped
// 64 to a block. Copying the tables copies the block pointers (a few
// thousand at 1M deals): microseconds, not a pass over the data. Blocks and segments record
// the generation that made them, not a reference count (ColumnLineage): the writer changes in
// place only the ones made since the last published copy and copies older ones first, so a
// batch of 1 000 records copies the blocks and segments it touches (new rows land in each
// column's last segment; a live feed's changes anywhere), and a replaced one is freed when no
// version that reads it is left. The time
// indexes copy their week map per version and share each week, and each chunk of a week's
// rows, the same way. The dictionaries share one slot table of atomic words between versions:
// interning only fills empty slots with ids an older version does not know, and a version's Find
// ignores ids past its own size, so no slot is ever changed under a reader (engine/dictionary.h).
//
// Costs: memory grows by the segments copied while an older version is still read, released
// with its last reader; with no reader, the writer's copy and the published one share every
// segment, so resident memory is one set of tables (segments also drop the up-to-2x spare
// capacity of grown vectors). Reads pay one more indirection (segment, then row). The rejected
// alternatives: a double-buffered view (two copies of everything, swapped per batch) doubles
// memory; copying whole columns per batch costs seconds at 1M deals.
//
// Which event ids were applied is the writer's alone (never read by reports), so it lives
// outside the published tables.
class Engine {
 public:
  Engine();

  // An immutable version of the tables; reading it never blocks, and holding it never blocks
  // the writer (it only keeps the segments of that version alive).
  class ReadView {
   public:
    const Tables& tables() const { return *tables_; }

   private:
    friend class Engine;
    explicit ReadView(std::shared_ptr<const Tables> tables) : tables_(std::move(tables)) {}
    std::shared_ptr<const Tables> tables_;
  };

  // Applies canonical records (any order in time, any split into batches; a record referring
  // to a deal or task not seen yet creates its row, filled in when the deal arrives). A record
  // whose event_id was applied before is skipped. Readers see all of a batch or none of it.
  // Batches from several threads are applied one at a time.
  void Apply(const std::vector<Record>& records);

  // For a bulk load (engine/bulk_load.h): applies records as Apply does but publishes nothing,
  // so Read() keeps returning the version before them until Publish() (or the next Apply)
  // makes all of them current at once. Publishing is what makes the next batch's first write
  // to each block and segment copy it (the published version holds it); a load that publishes
  // once writes every segment in place. New activities are filed in their time index and
  // hourly counts when it publishes, all at once (FileNewActivities).
  void ApplyUnpublished(const std::vector<Record>& records);
  // Makes everything applied so far the current version.
  void Publish();
  // Makes room for `count` activities in all (a load that knows how many are coming): the
  // table of their ids is sized once instead of rebuilt each time it fills (a tenth of a
  // start-up's applying at 22 million activities). Changes no answer.
  void ExpectActivities(int64_t count);

  // The current version of the tables (the one published by the latest Apply).
  ReadView Read() const {
    std::lock_guard<std::mutex> lock(published_);
    return ReadView(current_);
  }

 private:
  // With writer_ held: applies the records to the working tables.
  void ApplyLocked(const std::vector<Record>& records);
  // With writer_ held: a copy of the working tables becomes the current version.
  void PublishLocked();

  std::mutex writer_;  // one Apply at a time; readers never take it
  Tables working_;     // the writer's tables, changed by Apply (under writer_)
  std::unordered_set<std::string> applied_events_;  // under writer_
  // Guards only the copy or swap of `current_` (nanoseconds, never a batch). Not
  // std::atomic<std::shared_ptr>: libstdc++ 12 unlocks its load with a relaxed order, which
  // ThreadSanitizer rightly reports as a race with the next store.
  mutable std::mutex published_;
  std::shared_ptr<const Tables> current_;
};

// Applies one record to the tables (no locking, no event_id check).
void ApplyRecord(Tables& tables, const RecordBody& body);
// As ApplyRecord, leaving the rollup's share of the change for SettleRollup
// (engine/rollup_change.h), which a batch calls once after its last record.
void ApplyRecordUnsettled(Tables& tables, const RecordBody& body);
// Files the activities at or past ActivityTable::unfiled_from in its time index and hourly
// counts, as ApplyRecord does one by one (a bulk load's at its end: grouped by week, each
// week's index and counts are written once instead of once per activity at random).
void FileNewActivities(Tables& tables);
// Builds DealTable::rollup afresh from every deal (it went stale, or was never built).
void RebuildDealRollup(Tables& tables);
// Starts loading the id-table slots ApplyRecord(tables, body) will look up first.
void PrefetchRecord(const Tables& tables, const RecordBody& body);

}  // namespace voronka
