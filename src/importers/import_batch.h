// What every CRM importer produces: canonical records, each with the place in the source it
// came from, stored as ONE atomic batch so that errors name the source page, not a line.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/records.h"
#include "store/sqlite/sqlite_store.h"

namespace voronka {

struct ImportBatch {
  std::vector<Record> records;
  std::vector<std::string> origins;  // origins[i]: where records[i] came from
  std::vector<std::string> errors;   // source errors; non-empty: store nothing
  // Items left out on purpose, e.g. a call on a deal that is not in the dump (deleted in the
  // CRM); said to the person importing, never an error.
  std::vector<std::string> warnings;
  // Appends a record; `event_id` empty means none (definitions replace by id anyway).
  void Add(RecordBody body, std::string origin, std::string event_id = {});
  bool ok() const { return errors.empty(); }
};

struct ImportSummary {
  int64_t applied = 0;              // records stored
  int64_t skipped = 0;              // records already applied by an earlier import
  std::vector<std::string> errors;  // non-empty: nothing was stored
  bool ok() const { return errors.empty(); }
};

// Stores the batch in the workspace, all or nothing. A batch with source errors is refused
// as it is; the store's reference errors ("line 7: unknown stage") are rewritten to name the
// record's origin ("crm.deal.list/0001.json: item 3 (ID 17): unknown stage").
ImportSummary StoreImportBatch(SqliteStore& store, int64_t workspace_id, ImportBatch batch);

// The records of a batch as the store takes them (line i is records[i - 1]); `batch` keeps
// its origins, for NameOrigins.
ParsedBatch TakeParsedBatch(ImportBatch& batch);
// The store's errors ("line 7: unknown stage") with the records' origins instead of lines.
std::vector<std::string> NameOrigins(const std::vector<std::string>& errors,
                                     const std::vector<std::string>& origins);

// The workspace named `name` of the store, or the default one when `name` is empty.
Result<int64_t> FindImportWorkspace(WorkspaceStore& store, const std::string& name);

}  // namespace voronka
