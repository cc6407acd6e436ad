// Ingest into the scale-out fact store: a batch of canonical records for one workspace is
// validated as the embedded store validates it (ingest/ndjson.h, against what ClickHouse
// holds), its already-applied event ids are skipped, its rows are inserted, and only then its
// row in `batches` makes all of it visible at once.
//
// Atomic: until the `batches` row exists no reader counts the batch's rows, so a batch that
// fails half way (bad input found late, a server gone) is invisible; its rows stay as garbage
// nobody reads. Safe to retry: a retry gets a new batch id, the event ids of the first attempt
// were never committed, and keyed records replace their earlier versions anyway.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "clickhouse/client.h"
#include "ingest/catalog.h"
#include "ingest/ndjson.h"
#include "model/status.h"

namespace voronka::clickhouse {

// How a write went: bad input (errors, each naming its line), a store failure (status; when
// status.unavailable() the caller may try again later), or success with counts.
struct WriteResult {
  Status status;
  std::vector<std::string> errors;
  int64_t applied = 0;  // records written
  int64_t skipped = 0;  // records whose event_id was applied before
  uint64_t batch = 0;   // the batch id (0 when nothing was committed)
  bool ok() const { return status.ok() && errors.empty(); }
};

// One batch, possibly added in several chunks (an import larger than memory), committed once.
class BatchWriter {
 public:
  // A writer of a new batch for workspace `ws`.
  BatchWriter(const Client& client, std::string ws);

  // Validates `chunk` (its parse errors, then its references against what is stored plus
  // `also_defined`: what the rest of the input defines) and inserts its rows, not yet visible.
  // After an error the batch is spoilt: do not Commit it.
  WriteResult Add(ParsedBatch& chunk, const Catalog& also_defined);
  // Makes every row added visible at once.
  Status Commit();

  uint64_t batch() const { return batch_; }
  // Called by Commit after the rows are in and before the `batches` row is written; an error
  // it returns aborts the commit (tests simulate a crash at that point with it).
  std::function<Status()> before_commit;

 private:
  const Client& client_;
  std::string ws_;
  uint64_t batch_;
  std::unordered_set<std::string> event_ids_;  // applied by earlier chunks of this batch
  int64_t applied_ = 0;
};

// Validates and writes one parsed batch (all of it or nothing). `before_commit` as above.
WriteResult WriteBatch(const Client& client, std::string_view ws, ParsedBatch& batch,
                       const std::function<Status()>& before_commit = {});

// The same from NDJSON text (SPEC §2): parse errors are reported like the embedded ingest's.
WriteResult WriteNdjson(const Client& client, std::string_view ws, std::string_view text,
                        const std::function<Status()>& before_commit = {});

// Each insert through a Distributed table returns only once the shard has written the rows
// (18.16 would otherwise queue them on the initiator's disk and send them later, so a
// `batches` or mark row could overtake them).
inline const Settings kSyncInsert = {{"insert_distributed_sync", "1"}};

// A new batch id: the writer's clock in microseconds times 1024 plus 10 random bits (two
// servers writing in the same microsecond differ), increasing within a process.
uint64_t NewBatchId();

}  // namespace voronka::clickhouse
