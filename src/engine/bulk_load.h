// Filling an engine from a long stream of records (start-up, a rebuild after a settings change)
// at the speed of the slower of reading and applying rather than their sum.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "engine/engine.h"
#include "model/record_slots.h"
#include "model/status.h"

namespace voronka {

// Where a bulk load's time went, for benchmarks.
struct BulkLoadTimes {
  int64_t records = 0;
  double apply_seconds = 0;      // applying, on the calling thread
  double apply_cpu_seconds = 0;  // of which the thread ran (the rest it waited for a core)
  double wait_seconds = 0;       // the calling thread waiting for the reader's next chunk
  double read_cpu_seconds = 0;   // CPU time of the reading threads (reading, building records)
  double publish_seconds = 0;    // publishing the loaded version once at the end
};

// Receives one record, which it may move from.
using RecordSink = std::function<void(Record&)>;

// Applies every record `read` passes to its sink to `engine`, in order, as Engine::Apply would
// batch by batch, and publishes them once at the end. `read` runs on a second thread and hands
// chunks of records over a bounded queue (a few chunks: memory stays flat), while this thread
// applies them unpublished (Engine::ApplyUnpublished), so no per-batch copy-on-write work is
// done. Readers of the engine see the version before the load until it is published whole.
// When `read` fails, its error is returned and nothing is published (the engine then holds
// records that were never published: discard it).
Status BulkLoad(Engine& engine, const std::function<Status(const RecordSink&)>& read,
                BulkLoadTimes* times = nullptr);
// The same, `read` building each record in place in the chunks (RecordSlots): no record is
// moved, and a slot of an applied chunk is overwritten member by member, reusing its strings'
// memory.
Status BulkLoad(Engine& engine, const std::function<Status(RecordSlots&)>& read,
                BulkLoadTimes* times = nullptr);
// The same with several reads, each on a thread of its own, all at once: the records of one
// read are applied in its order, those of different reads interleaved in any order (the
// engine's answers do not depend on it). The first failed read's error is returned.
using SlotsRead = std::function<Status(RecordSlots&)>;
Status BulkLoad(Engine& engine, const std::vector<SlotsRead>& reads,
                BulkLoadTimes* times = nullptr);

}  // namespace voronka
