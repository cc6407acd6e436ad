// Reads a workspace's stored records back as canonical records (the inverse of RecordWriter).
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <functional>

#include "model/record_slots.h"
#include "model/records.h"
#include "model/status.h"

namespace voronka::sqlite {

// Calls `visit` for every record of the workspace, definitions before their use: the
// workspace settings, departments, users, pipelines, companies, contacts, deals, then
// deal_updates, stage_changes, activities, tasks, task_updates, goals. Within a kind: records
// with an id by id, updates in the order they were stored, stage changes by deal and time.
// Runs in one read transaction, so it sees one snapshot. `visit` may move from the record.
Status ReadRecords(sqlite3* db, int64_t workspace_id, const std::function<void(Record&)>& visit);
// The same, each record built in place in `slots` (the start-up load's chunks).
Status ReadRecords(sqlite3* db, int64_t workspace_id, RecordSlots& slots);

// The records of ReadRecords in two parts that two connections can read at once, in the order
// ReadRecords gives them within each: part 0 the settings, departments, users, pipelines,
// companies, contacts, deals, deal updates and stage changes; part 1 activities, tasks, task
// updates and goals. Runs no transaction of its own: the caller's read transaction decides
// which snapshot it sees.
Status ReadRecordsPart(sqlite3* db, int64_t workspace_id, int part, RecordSlots& slots);

// How many activities the workspace holds (workspace_counts; 0 when it has none).
Result<int64_t> StoredActivityCount(sqlite3* db, int64_t workspace_id);

// Steps through every row the queries of ReadRecords return, building no record: the number
// of rows (for measuring how much of a load is reading rather than decoding).
Result<int64_t> StepRows(sqlite3* db, int64_t workspace_id);

}  // namespace voronka::sqlite
