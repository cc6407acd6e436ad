// Importing a large NDJSON history into the scale-out fact store as one batch: read in chunks
// of lines, each validated and written, committed once at the end (all of it or nothing).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "clickhouse/fact_writer.h"

namespace voronka::clickhouse {

struct FactImportOptions {
  size_t chunk_lines = 20000;  // lines per insert: large enough that a round trip is cheap
  // Called after each chunk is written (not yet visible), e.g. to report progress.
  std::function<void(int64_t records_so_far)> on_chunk;
  // As BatchWriter::before_commit.
  std::function<Status()> before_commit;
};

// Imports NDJSON `text` into workspace `ws`. Every parse error of the whole input is reported
// before anything is written; a reference to a record defined anywhere in the input (above or
// below) is not an error, as in the embedded import.
WriteResult ImportFacts(const Client& client, std::string_view ws, std::string_view text,
                        const FactImportOptions& options = {});

// The same for records already parsed (a CRM importer's batch; line i is batch.records[i - 1]
// unless batch.lines says otherwise): written in chunks of chunk_lines records under one batch
// id, committed once; a record may refer to one defined anywhere in the batch. The records are
// moved out of `batch`.
WriteResult ImportRecords(const Client& client, std::string_view ws, ParsedBatch& batch,
                          const FactImportOptions& options = {});

// The same, reading the file at `path` twice in chunks (memory holds a chunk, not the file);
// a pipe ("/dev/stdin") is read whole first, as it can be read only once.
WriteResult ImportFactsFile(const Client& client, std::string_view ws, const std::string& path,
                            const FactImportOptions& options = {});

}  // namespace voronka::clickhouse
