// The columnar tables of one workspace: dimensions (users, departments, pipelines, stages,
// companies, contacts), facts (deals with their stage history, activities, tasks) and goals.
// Ids are interned to dense int32 row numbers; strings of open vocabularies (source, deal
// type, loss reason, custom-field values) are dictionary-encoded; times are int64 UTC micros;
// money is int64 minor units. Tables are plain data: the Engine owns them and publishes
// immutable copies. Columns of per-row data are Column (copy-on-write segments) so that a copy
// costs a copy of segment pointers; the small dimension tables (users, departments, stages,
// pipelines: hundreds of rows) are plain vectors, copied whole, but for their names: a copy of
// 500 users' names was 500 allocations per published batch.
#pragma once

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "engine/activity_rollup.h"
#include "engine/column.h"
#include "engine/deal_rollup.h"
#include "engine/dictionary.h"
#include "engine/packed_list.h"
#include "engine/query_cache.h"
#include "engine/time_index.h"
#include "model/records.h"
#include "model/time.h"

namespace voronka {

// "No time" in every int64 time column (an open deal's close time, a task never completed).
inline constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();

// Order keys for "the value set by the latest `at` wins". A base record (deal, task) at t has
// key 2t and an update at t has 2t+1, so an update beats the base at the same instant, and a
// re-sent base record replaces the earlier copy of itself.
inline int64_t BaseKey(Instant at) {
  return at.micros * 2;
}
inline int64_t UpdateKey(Instant at) {
  return at.micros * 2 + 1;
}

// The columns of deals and tasks, which a live feed changes row by row all over the table: a
// batch of changes spread over the workspace copies one segment per changed row and column
// (ColumnLineage), so their segments are ~1 KiB (docs/performance.md, "2026-12-02 (later): a
// spread batch copies less"); a column's segments lie in runs (ColumnLineage::TakeSlot), so a
// scan still reads them in long sequential stretches. A per-row list (a deal's stage history) is an
// 8-byte handle of a block the column owns: copying a segment copies the handles, changing a
// list copies its block (Column::Edit).
template <typename T>
using LiveColumn = Column<T, SegmentShiftFor<T>(1024)>;
template <typename T>
using LiveListColumn = LiveColumn<PackedList<T>>;

// A column whose every cell remembers the key of the record that set it.
template <typename T>
struct VersionedColumn {
  LiveColumn<T> value;
  LiveColumn<int64_t> key;

  void Grow(size_t rows, const T& empty) {
    value.resize(rows, empty);
    key.resize(rows, kNoTime);
  }
  // Sets the cell when `order_key` is not older than what set it before; true when set.
  bool Set(size_t row, T new_value, int64_t order_key) {
    if (order_key < std::as_const(key)[row]) return false;
    value[row] = std::move(new_value);
    key[row] = order_key;
    return true;
  }
};

struct WorkspaceSettings {
  std::string name;
  TimeZone time_zone;
  std::string currency;
  std::string locale = "en";
  std::string deal_url;  // with {id}
  int32_t forgotten_days = 14;
};

struct UserTable {
  Dictionary ids;
  Column<std::string> name;
  std::vector<int32_t> department;
  std::vector<uint8_t> active;
  std::vector<int32_t> capacity;  // kNone: no capacity set
};

struct DepartmentTable {
  Dictionary ids;
  Column<std::string> name;
  std::vector<int32_t> parent;
  std::vector<int32_t> head;
};

struct StageTable {
  Dictionary ids;
  Column<std::string> name;
  std::vector<int32_t> pipeline;  // kNone until a pipeline lists the stage
  std::vector<StageSemantic> semantic;
  // SPEC §4 positions: open stages 0..K-1 in pipeline order, won stages K, lost kNone.
  std::vector<int32_t> position;
};

struct PipelineTable {
  Dictionary ids;
  Column<std::string> name;
  std::vector<Entity> entity;
  std::vector<std::vector<int32_t>> stages;  // stage ids in pipeline order
  std::vector<int32_t> open_stage_count;     // K
};

struct NamedTable {
  Dictionary ids;
  Column<std::string> name;
};

// One entry of a deal's stage history: its creation stage, or a stage change. 24 bytes (the
// flag shares the arrival number's word): a history holds one per stage change, over a
// million at 200 000 deals.
struct StageEntry {
  int64_t at = 0;
  int32_t stage = kNone;
  int32_t by = kNone;     // user
  uint64_t seq : 63 = 0;  // arrival order; breaks ties between entries at the same instant
  bool creation : 1 = false;
};
static_assert(sizeof(StageEntry) == 24);

// A custom field's value on one deal, in its column (DealTable::field_value): a value id in
// Tables::values, kNone (null, or never set), or a list of several values (a multi-list) coded
// at or below kFirstValueList: the list's id in Tables::value_lists. Read the ids of any of
// them with ForEachFieldValue.
inline constexpr int32_t kFirstValueList = -16;
inline bool IsValueList(int32_t value) {
  return value <= kFirstValueList;
}
inline int32_t ValueListCode(int32_t list) {
  return kFirstValueList - list;
}
inline int32_t ValueListId(int32_t value) {
  return kFirstValueList - value;
}

// Two consecutive touches of a deal (SPEC §4: created, stage change, activity, task created or
// completed) at least kTouchGap apart, with no touch between them.
struct TouchGap {
  int64_t from = 0;
  int64_t to = 0;
};
inline constexpr int64_t kTouchGap = int64_t{7} * 24 * 3600 * 1000000;  // 7 days

enum class Outcome : uint8_t { kNotCreated, kOpen, kWon, kLost };

// The state of a deal at some moment, built from its history.
struct DealMoment {
  Outcome outcome = Outcome::kNotCreated;
  int32_t stage = kNone;
  int64_t entered = kNoTime;  // start of the current visit to `stage`
  int64_t close = kNoTime;    // close time when won or lost

  bool operator==(const DealMoment&) const = default;
};

struct DealTable {
  Dictionary ids;
  LiveColumn<uint8_t> defined;  // its deal record has arrived
  LiveColumn<Entity> entity;
  LiveColumn<int64_t> created_at;
  VersionedColumn<int32_t> title;  // id in Tables::titles (kNone: none, read as "")
  VersionedColumn<int64_t> amount;
  VersionedColumn<int32_t> responsible;   // user id
  VersionedColumn<int32_t> company;       // company id
  VersionedColumn<int32_t> contact;       // contact id
  VersionedColumn<int32_t> source;        // value id
  VersionedColumn<int32_t> deal_type;     // value id
  VersionedColumn<int32_t> loss_reason;   // value id
  VersionedColumn<int32_t> converted_to;  // value id (a deal id as text)
  // Per custom-field name id, a column of each deal's value of it (a value id, kNone or a
  // list: see IsValueList) and one of the key of the record that set it (kNoTime: no record
  // named the field), so that a filter or a group key on a field reads 4 bytes a deal in row
  // order. A field few deals have shares its columns' fill segments (Column::resize).
  std::vector<LiveColumn<int32_t>> field_value;
  std::vector<LiveColumn<int64_t>> field_key;
  // The times of the deal's deal_update records, sorted ("modified" membership date).
  LiveListColumn<int64_t> update_times;
  // Stage history sorted by (at, creation first, seq); kept sorted as entries arrive.
  LiveListColumn<StageEntry> history;
  // Derived from the whole history, refreshed whenever the deal's history changes:
  LiveColumn<DealMoment> latest;
  // Narrow copies of `latest` for scans that need only the outcome (1 byte a deal instead of
  // the 32 bytes of a DealMoment).
  LiveColumn<Outcome> latest_outcome;
  // When the deal stops being open, for deals whose history never leaves a won or lost stage
  // for an open one: open at a limit L iff created_at < L <= open_until (kOpenForever: still
  // open). kReopens marks a deal that did reopen: its past states need its history.
  LiveColumn<int64_t> open_until;
  LiveColumn<int64_t> last_change_at;  // the latest instant `latest` depends on
  // The latest of every deal's created_at and last_change_at: an as_of after it sees `latest`
  // for every deal, so a report reads that column instead of rebuilding states. Only grows.
  int64_t latest_change_at = kNoTime;
  // The latest touch (SPEC §4: created, stage change, activity, task created or completed) of
  // each deal, maintained on apply. It is a maximum, so it cannot forget a touch that an
  // upsert withdrew (an activity moved to another time or deal, a completion cleared); such a
  // deal is marked `touch_stale` and readers fall back to computing its touches.
  LiveColumn<int64_t> last_touch;
  LiveColumn<uint8_t> touch_stale;
  // The earliest touch, and every gap of kTouchGap or more between consecutive touches in time
  // order, kept with last_touch as touches arrive (in any order): a snapshot at a past limit L
  // with a forgotten span of N >= kTouchGap days finds the deal forgotten at M iff a gap spans
  // from at or before M - N to at or after L, without reading activities. Trusted only when
  // the deal is not `touch_stale`.
  LiveColumn<int64_t> first_touch;
  LiveListColumn<TouchGap> touch_gaps;
  // Defined deals by the week of created_at, and won or lost ones by the week of their latest
  // close time: outcome scans of a period read only the deals of its weeks.
  TimeIndex created_index;
  TimeIndex close_index;
  // Created, won and lost deals per local day and responsible (engine/deal_rollup.h), kept on
  // apply and rebuilt at publish when it went stale.
  DealRollup rollup;
  // Per pipeline, the number of deals whose latest stage is in it (DefaultPipeline).
  std::vector<int64_t> pipeline_deals;

  int32_t size() const { return ids.size(); }
};

inline constexpr int64_t kOpenForever = std::numeric_limits<int64_t>::max();
inline constexpr int64_t kReopens = std::numeric_limits<int64_t>::min();

struct ActivityTable {
  Dictionary ids;
  Column<ActivityKind> kind;
  Column<Direction> direction;
  Column<int32_t> deal;     // deal id or kNone
  Column<int32_t> contact;  // contact id or kNone
  Column<int32_t> company;  // company id or kNone
  Column<int32_t> user;     // user id or kNone
  Column<int64_t> at;
  Column<int32_t> duration_s;
  Column<int32_t> source;  // value id or kNone
  Column<int8_t> score;    // nps 0..10, -1 none
  TimeIndex at_index;           // rows by the week of `at`
  ActivityRollup hourly;        // counts per user and UTC hour of `at`
  // Rows at or past this one are in neither at_index nor hourly yet: a bulk load's new rows,
  // filed all at once when it publishes (FileNewActivities).
  int32_t unfiled_from = std::numeric_limits<int32_t>::max();

  int32_t size() const { return ids.size(); }
};

struct TaskTable {
  Dictionary ids;
  LiveColumn<uint8_t> defined;
  LiveColumn<int32_t> deal;   // deal id or kNone
  LiveColumn<int32_t> title;  // id in Tables::titles
  LiveColumn<int64_t> created_at;
  VersionedColumn<int32_t> user;
  VersionedColumn<int64_t> deadline;      // kNoTime: none
  VersionedColumn<int64_t> completed_at;  // kNoTime: open
  TimeIndex created_index;                // defined tasks by the week of created_at
  TimeIndex completed_index;              // defined tasks by the week of completed_at

  int32_t size() const { return ids.size(); }
};

struct Tables {
  WorkspaceSettings settings;
  UserTable users;
  DepartmentTable departments;
  PipelineTable pipelines;
  StageTable stages;
  NamedTable companies;
  NamedTable contacts;
  Column<int32_t> contact_company;
  Dictionary values;       // source, deal type, loss reason, custom-field values
  // The lists of several custom-field values (multi-lists), each interned once as the bytes
  // of its value ids in order: a deal's field column holds the list's code.
  Dictionary value_lists;
  // Deal and task titles (a title repeated across deals or tasks is stored once), and per
  // title id its lowercased text's id in `lower_titles`, kept on apply: a "title contains"
  // filter tests each distinct lowercased title once instead of lowercasing every deal's.
  Dictionary titles;
  Column<int32_t> title_lower;
  Dictionary lower_titles;
  Dictionary field_names;  // custom-field names
  DealTable deals;
  ActivityTable activities;
  TaskTable tasks;
  Dictionary goal_ids;
  Column<GoalRecord, 8> goals;
  uint64_t next_seq = 0;
  // What requests on this version derived and may reuse (engine/query_cache.h): emptied by
  // every applied record, empty in every copy.
  mutable QueryCache cache;
};

// Calls fn(int32_t value id) for each value of a custom field's value on a deal (its cell of
// DealTable::field_value): none for kNone, the value itself, or each of a list's in order.
template <typename Fn>
void ForEachFieldValue(const Tables& t, int32_t value, Fn&& fn) {
  if (!IsValueList(value)) {
    if (value != kNone) fn(value);
    return;
  }
  std::string_view bytes = t.value_lists.Text(ValueListId(value));
  for (size_t at = 0; at + sizeof(int32_t) <= bytes.size(); at += sizeof(int32_t)) {
    int32_t id = 0;
    std::memcpy(&id, bytes.data() + at, sizeof id);
    fn(id);
  }
}

}  // namespace voronka
