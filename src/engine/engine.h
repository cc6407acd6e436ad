// Engine: the in-memory, columnar state of one workspace, updated incrementally by canonical
// records and read by the metrics layer.
#pragma once

#include <mutex>
#include <shared_mutex>
#include <vector>

#include "engine/tables.h"
#include "model/records.h"

namespace voronka {

// Concurrency. Readers and the writer share one std::shared_mutex: a report holds the read
// side for its scan, Apply holds the write side for one batch. DESIGN.md asks that readers
// never wait for writers; what the measurements (docs/performance.md) say about the cost of
// each way there:
//  - a double-buffered published view (two copies, swap on apply) doubles resident memory,
//    which the 80 bytes per record budget does not allow at ~33M records;
//  - copying the tables per batch (a new immutable version each time) costs a pass over
//    every column per batch: seconds at 1M deals, for a batch of 1 000 records;
//  - an epoch/snapshot of chunked columns is the way to go, and is not built yet. Every column
//    becomes a list of fixed-size segments (4 096 rows) held by shared pointers; a version of
//    the tables is the lists of segment pointers plus row counts (a few thousand pointers at
//    1M deals, copied per batch in microseconds). Readers take the current version (one
//    atomic load) and never lock. The writer builds the next version: appended rows go past
//    every published version's row count, into segments readers do not read that far; a
//    changed row copies its segment first when an older version still holds it (copy on
//    write), so a 1 000-record batch copies only the segments it touches. The time indexes'
//    week lists and the dictionaries' slot tables need the same treatment (segments, and
//    per-week lists replaced, not grown in place, while a reader may hold them). Memory
//    grows by the segments copied while old versions are read, released with the last
//    reader of a version.
// Until then the bound is what one batch costs: applying 1 000 records takes about a
// millisecond (docs/performance.md), so a report waits at most that long, and the start-up
// load applies 64k-record chunks, so reports interleave with it. Readers never wait for each
// other.
class Engine {
 public:
  // A consistent view of the tables; holds a shared lock while it lives, so keep it short.
  class ReadView {
   public:
    const Tables& tables() const { return *tables_; }

   private:
    friend class Engine;
    ReadView(std::shared_mutex& mutex, const Tables& tables) : lock_(mutex), tables_(&tables) {}
    std::shared_lock<std::shared_mutex> lock_;
    const Tables* tables_;
  };

  // Applies canonical records (any order in time, any split into batches; a record referring
  // to a deal or task not seen yet creates its row, filled in when the deal arrives). A record
  // whose event_id was applied before is skipped. Readers see all of a batch or none of it.
  void Apply(const std::vector<Record>& records);

  // Opens a read view. Writers wait for open views and views wait for a running Apply; both
  // hold the lock only for the length of a batch or a report scan.
  ReadView Read() const { return ReadView(mutex_, tables_); }

 private:
  mutable std::shared_mutex mutex_;
  Tables tables_;
};

// Applies one record to the tables (no locking, no event_id check).
void ApplyRecord(Tables& tables, const RecordBody& body);

}  // namespace voronka
