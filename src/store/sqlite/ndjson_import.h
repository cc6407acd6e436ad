// Importing a large NDJSON history as one atomic batch, at the speed of the slower of the
// parser and the store rather than their sum: a second thread parses the next chunk while
// the current one is written inside a SqliteStore::BulkLoad.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/ndjson.h"
#include "store/sqlite/sqlite_store.h"

namespace voronka {

struct ImportOptions {
  // Lines per chunk: large enough that per-chunk costs vanish, small enough that two chunks
  // of parsed records fit in memory comfortably.
  size_t chunk_lines = 20000;
  // Called after each chunk is written (not yet committed), e.g. to report progress. When a
  // chunk refers to something defined only further down the input, the import starts over
  // once (see ImportInPasses in the .cc) and the calls begin again from the first chunk.
  std::function<void(const ParsedBatch& chunk, const ApplyResult& result)> on_chunk;
};

struct ImportResult {
  int64_t lines = 0;    // lines read, blank ones included
  int64_t applied = 0;  // records stored
  int64_t skipped = 0;  // records skipped as already applied
  // Non-empty: nothing was stored. Every parse error of the whole input is listed (the
  // parser keeps going after the first bad chunk); reference errors up to the first bad chunk.
  // A reference to a record defined anywhere in the input, above or below, is not an error.
  std::vector<std::string> errors;
  bool ok() const { return errors.empty(); }
};

// Imports `text` into the workspace; all of it is committed (durably) or none.
ImportResult ImportNdjson(SqliteStore& store, int64_t workspace_id, std::string_view text,
                          const ImportOptions& options = {});

// The same, reading the file at `path` in chunks (it is never held in memory whole).
ImportResult ImportNdjsonFile(SqliteStore& store, int64_t workspace_id, const std::string& path,
                              const ImportOptions& options = {});

}  // namespace voronka
