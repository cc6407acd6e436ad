#include "store/sqlite/record_reader.h"

#include <string>

#include "store/sqlite/field_json.h"
#include "store/sqlite/record_writer.h"
#include "store/sqlite/statement.h"

namespace voronka::sqlite {

namespace {

using Visit = std::function<void(Record&)>;

// The queries of the reader, in the order it runs them (?1 = the workspace).
constexpr const char* kWorkspaceSql =
    "SELECT display_name, time_zone, currency, locale, deal_url, "
    "forgotten_days FROM workspaces WHERE id = ?1";
constexpr const char* kDepartmentsSql =
    "SELECT id, name, parent_id, head_id, event_id FROM departments "
    "WHERE workspace_id = ?1 ORDER BY id";
constexpr const char* kUsersSql =
    "SELECT id, name, department_id, active, capacity, event_id FROM users "
    "WHERE workspace_id = ?1 ORDER BY id";
constexpr const char* kPipelinesSql =
    "SELECT p.id, p.name, p.entity, p.event_id, s.id, s.name, s.semantic "
    "FROM pipelines p LEFT JOIN stages s "
    "ON s.workspace_id = p.workspace_id AND s.pipeline_id = p.id "
    "WHERE p.workspace_id = ?1 ORDER BY p.id, s.position";
constexpr const char* kCompaniesSql =
    "SELECT id, name, event_id FROM companies WHERE workspace_id = ?1 "
    "ORDER BY id";
constexpr const char* kContactsSql =
    "SELECT id, name, company_id, event_id FROM contacts "
    "WHERE workspace_id = ?1 ORDER BY id";
constexpr const char* kDealsSql =
    "SELECT id, entity, title, pipeline_id, stage_id, amount, original_amount, "
    "original_currency, responsible_id, company_id, contact_id, source, deal_type, created_at, "
    "loss_reason, converted_to, event_id FROM deals WHERE workspace_id = ?1 ORDER BY id";
constexpr const char* kDealFieldsSql =
    "SELECT deal_id, name, value_json FROM deal_fields WHERE workspace_id = ?1 "
    "ORDER BY deal_id, position";
// Updates are read in the order they were stored (seq, the rowid). The unary + keeps SQLite
// off the by-content index, which it would otherwise walk for the workspace and then sort by
// seq: at 1.7M updates that took three times as long as the table's own scan, other
// workspaces' rows included, and read the rows in random order from a cold disk.
constexpr const char* kDealUpdatesSql =
    "SELECT seq, deal_id, at, present, title, amount, responsible_id, company_id, contact_id, "
    "source, deal_type, loss_reason, converted_to, event_id FROM deal_updates "
    "WHERE +workspace_id = ?1 ORDER BY seq";
constexpr const char* kDealUpdateFieldsSql =
    "SELECT update_seq, name, value_json FROM deal_update_fields WHERE workspace_id = ?1 "
    "ORDER BY update_seq, position";
constexpr const char* kStageChangesSql =
    "SELECT deal_id, from_stage, to_stage, at, by_user, event_id FROM stage_changes "
    "WHERE workspace_id = ?1 ORDER BY deal_id, at, to_stage";
constexpr const char* kActivitiesSql =
    "SELECT id, kind, direction, deal_id, contact_id, company_id, user_id, at, duration_s, "
    "source, score, event_id FROM activities WHERE workspace_id = ?1 ORDER BY id";
constexpr const char* kTasksSql =
    "SELECT id, deal_id, user_id, title, created_at, deadline, completed_at, event_id "
    "FROM tasks WHERE workspace_id = ?1 ORDER BY id";
constexpr const char* kTaskUpdatesSql =
    "SELECT task_id, at, present, completed_at, deadline, user_id, event_id "
    "FROM task_updates WHERE +workspace_id = ?1 ORDER BY seq";  // as deal updates
constexpr const char* kGoalsSql =
    "SELECT id, scope, scope_id, metric, period, target, event_id, deleted FROM goals "
    "WHERE workspace_id = ?1 ORDER BY id";
constexpr const char* kQueries[] = {
    kWorkspaceSql,    kDepartmentsSql, kUsersSql,      kPipelinesSql,   kCompaniesSql,
    kContactsSql,     kDealsSql,       kDealFieldsSql, kDealUpdatesSql, kDealUpdateFieldsSql,
    kStageChangesSql, kActivitiesSql,  kTasksSql,      kTaskUpdatesSql, kGoalsSql};

// The current row of a statement. Each column is read with one library call
// (sqlite3_column_value) and its type, text and length then asked of the value: each
// sqlite3_column_* call looks the column up and runs the connection's error bookkeeping again,
// two or three times per column read, on every row a start-up load reads. The values are
// "unprotected" in SQLite's terms, which matters only to a connection used by several threads
// at once; the reader's connection is its own.
class Row {
 public:
  explicit Row(const Statement& statement) : stmt_(statement.get()) {}

  bool IsNull(int column) const { return sqlite3_value_type(Value(column)) == SQLITE_NULL; }
  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  std::optional<int64_t> OptInt(int column) const {
    sqlite3_value* value = Value(column);
    if (sqlite3_value_type(value) == SQLITE_NULL) return std::nullopt;
    return sqlite3_value_int64(value);
  }
  // Views into SQLite's buffers, valid until the next step.
  std::string_view Text(int column) const { return TextOf(Value(column)); }
  std::optional<std::string_view> OptText(int column) const {
    sqlite3_value* value = Value(column);
    if (sqlite3_value_type(value) == SQLITE_NULL) return std::nullopt;
    return TextOf(value);
  }

 private:
  sqlite3_value* Value(int column) const { return sqlite3_column_value(stmt_, column); }
  static std::string_view TextOf(sqlite3_value* value) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(value));
    if (text == nullptr) return std::string_view();
    return std::string_view(text, static_cast<size_t>(sqlite3_value_bytes(value)));
  }

  sqlite3_stmt* stmt_;
};

std::optional<Instant> OptInstant(const Row& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return Instant{row.Int(column)};
}

std::optional<int32_t> OptInt32(const Row& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return static_cast<int32_t>(row.Int(column));
}

// The setters below overwrite a member of a reused record (RecordSlots) from a column,
// reusing the string's memory: no allocation when the old value's capacity fits.
void SetText(std::string& out, const Row& row, int column) {
  out.assign(row.Text(column));
}

void SetOptText(std::optional<std::string>& out, const Row& row, int column) {
  std::optional<std::string_view> text = row.OptText(column);
  if (!text) {
    out.reset();
  } else if (out) {
    out->assign(*text);
  } else {
    out.emplace(*text);
  }
}

// A `set` member: absent unless its bit is in `present`; then the value or a clear (null).
void SetMember(std::optional<std::optional<std::string>>& out, const Row& row, int column,
               int64_t present, int64_t bit) {
  if ((present & bit) == 0) {
    out.reset();
    return;
  }
  if (!out) out.emplace();
  SetOptText(*out, row, column);
}

// The next slot, with the event id from `event_column`, and its body as a T to overwrite.
template <typename T>
T& NextBody(RecordSlots& slots, const Row& row, int event_column) {
  Record& record = slots.Next();
  SetOptText(record.event_id, row, event_column);
  return ReuseBody<T>(record);
}

// The next of the custom fields a reused record is being given (the n-th, counting from 0):
// the one it already holds there, or a new one. Trim with `fields.resize(n)` after the last.
CustomField& NextField(std::vector<CustomField>& fields, size_t n) {
  return n < fields.size() ? fields[n] : fields.emplace_back();
}

Status Corrupt(std::string_view table, std::string_view what) {
  return Status::Error("store: " + std::string(table) + " holds an invalid " + std::string(what));
}

Status StepError(sqlite3* db) {
  return Status::Error(std::string("store: ") + sqlite3_errmsg(db));
}

// Runs `sql` (with ?1 = workspace) and calls `row_fn(statement)` per row; row_fn returns a
// Status so that a corrupt value stops the read.
template <typename RowFn>
Status ForEachRow(sqlite3* db, int64_t workspace_id, const char* sql, RowFn row_fn) {
  Result<Statement> statement = Statement::Prepare(db, sql);
  if (!statement.ok()) return statement.status();
  statement->Bind(1, workspace_id);
  int rc;
  while ((rc = statement->Step()) == SQLITE_ROW) {
    if (Status status = row_fn(Row(*statement)); !status.ok()) return status;
  }
  if (rc != SQLITE_DONE) return StepError(db);
  return Status::Ok();
}

Status ReadWorkspace(sqlite3* db, int64_t workspace_id, RecordSlots& slots) {
  return ForEachRow(db, workspace_id, kWorkspaceSql, [&](const Row& row) {
    Record& record = slots.Next();
    record.event_id.reset();
    WorkspaceRecord& settings = ReuseBody<WorkspaceRecord>(record);
    SetOptText(settings.name, row, 0);
    settings.time_zone = std::string(row.Text(1));
    settings.currency = std::string(row.Text(2));
    settings.locale = std::string(row.Text(3));
    SetOptText(settings.deal_url, row, 4);
    settings.forgotten_days = OptInt32(row, 5);
    slots.Commit();
    return Status::Ok();
  });
}

Status ReadEntities(sqlite3* db, int64_t workspace_id, RecordSlots& slots) {
  Status status = ForEachRow(db, workspace_id, kDepartmentsSql, [&](const Row& row) {
    DepartmentRecord& department = NextBody<DepartmentRecord>(slots, row, 4);
    SetText(department.id, row, 0);
    SetText(department.name, row, 1);
    SetOptText(department.parent_id, row, 2);
    SetOptText(department.head_id, row, 3);
    slots.Commit();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  status = ForEachRow(db, workspace_id, kUsersSql, [&](const Row& row) {
    UserRecord& user = NextBody<UserRecord>(slots, row, 5);
    SetText(user.id, row, 0);
    SetText(user.name, row, 1);
    SetOptText(user.department_id, row, 2);
    user.active = row.Int(3) != 0;
    user.capacity = OptInt32(row, 4);
    slots.Commit();
    return Status::Ok();
  });
  if (!status.ok()) return status;

  // Pipelines with their stages: the LEFT JOIN yields one row per stage (or one row with a
  // NULL stage for a pipeline without any), already in pipeline then stage order.
  PipelineRecord* pipeline = nullptr;  // the one being filled, in slots.Next()
  size_t stages = 0;
  auto commit = [&] {
    pipeline->stages.resize(stages);
    slots.Commit();
  };
  status = ForEachRow(db, workspace_id, kPipelinesSql, [&](const Row& row) {
    std::string_view id = row.Text(0);
    if (pipeline == nullptr || pipeline->id != id) {
      if (pipeline != nullptr) commit();
      std::optional<Entity> entity = ParseEntity(row.Text(2));
      if (!entity) return Corrupt("pipelines", "entity");
      pipeline = &NextBody<PipelineRecord>(slots, row, 3);
      pipeline->id.assign(id);
      SetText(pipeline->name, row, 1);
      pipeline->entity = *entity;
      stages = 0;
    }
    if (!row.IsNull(4)) {
      std::optional<StageSemantic> semantic = ParseStageSemantic(row.Text(6));
      if (!semantic) return Corrupt("stages", "semantic");
      StageDef& stage = stages < pipeline->stages.size() ? pipeline->stages[stages]
                                                         : pipeline->stages.emplace_back();
      ++stages;
      SetText(stage.id, row, 4);
      SetText(stage.name, row, 5);
      stage.semantic = *semantic;
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  if (pipeline != nullptr) commit();

  status = ForEachRow(db, workspace_id, kCompaniesSql, [&](const Row& row) {
    CompanyRecord& company = NextBody<CompanyRecord>(slots, row, 2);
    SetText(company.id, row, 0);
    SetText(company.name, row, 1);
    slots.Commit();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return ForEachRow(db, workspace_id, kContactsSql, [&](const Row& row) {
    ContactRecord& contact = NextBody<ContactRecord>(slots, row, 3);
    SetText(contact.id, row, 0);
    SetText(contact.name, row, 1);
    SetOptText(contact.company_id, row, 2);
    slots.Commit();
    return Status::Ok();
  });
}

// Merges a scan of custom fields (key, name, value_json), in key order, into the record of
// one key: `compare(row)` orders the row's key against the record's (<0, 0, >0). Rows of
// smaller keys (fields of a record that is not stored) are skipped, as a join would; `rc` is
// the scan's last step result, kept between calls.
template <typename Compare>
Status MergeFields(Statement& fields, int& rc, std::vector<CustomField>& out, Compare compare) {
  const Row row(fields);
  while (rc == SQLITE_ROW && compare(row) < 0) rc = fields.Step();
  size_t count = 0;
  while (rc == SQLITE_ROW && compare(row) == 0) {
    Result<FieldValue> value = ParseFieldJson(row.Text(2));
    if (!value.ok()) return value.status();
    CustomField& field = NextField(out, count++);
    SetText(field.name, row, 1);
    field.value = std::move(value).value();
    rc = fields.Step();
  }
  out.resize(count);
  return Status::Ok();
}

// Runs `sql` and `fields_sql` (both with ?1 = workspace) side by side, calling
// row_fn(row, merge) per row of the first; merge(out, compare) fills `out` with that row's
// fields (MergeFields).
template <typename RowFn>
Status ForEachRowWithFields(sqlite3* db, int64_t workspace_id, const char* sql,
                            const char* fields_sql, RowFn row_fn) {
  Result<Statement> fields = Statement::Prepare(db, fields_sql);
  if (!fields.ok()) return fields.status();
  fields->Bind(1, workspace_id);
  int field_rc = fields->Step();
  auto merge = [&](std::vector<CustomField>& out, auto compare) {
    return MergeFields(*fields, field_rc, out, compare);
  };
  Status status =
      ForEachRow(db, workspace_id, sql, [&](const Row& row) { return row_fn(row, merge); });
  if (!status.ok()) return status;
  if (field_rc != SQLITE_ROW && field_rc != SQLITE_DONE) return StepError(db);
  return Status::Ok();
}

// Deals and their custom fields: two scans in deal id order, merged here (a join would look
// each deal's fields up in the fields' B-tree, one descent per deal).
Status ReadDeals(sqlite3* db, int64_t workspace_id, RecordSlots& slots) {
  return ForEachRowWithFields(
      db, workspace_id, kDealsSql, kDealFieldsSql, [&](const Row& row, auto& merge) {
        std::optional<Entity> entity = ParseEntity(row.Text(1));
        if (!entity) return Corrupt("deals", "entity");
        DealRecord& deal = NextBody<DealRecord>(slots, row, 16);
        SetText(deal.id, row, 0);
        deal.entity = *entity;
        SetText(deal.title, row, 2);
        SetText(deal.pipeline_id, row, 3);
        SetText(deal.stage_id, row, 4);
        deal.amount = row.Int(5);
        deal.original_amount = row.OptInt(6);
        SetOptText(deal.original_currency, row, 7);
        SetOptText(deal.responsible_id, row, 8);
        SetOptText(deal.company_id, row, 9);
        SetOptText(deal.contact_id, row, 10);
        SetOptText(deal.source, row, 11);
        SetOptText(deal.deal_type, row, 12);
        deal.created_at = Instant{row.Int(13)};
        SetOptText(deal.loss_reason, row, 14);
        SetOptText(deal.converted_to, row, 15);
        // Both scans are in BINARY (memcmp) order of the deal id, as std::string_view compares.
        Status merged =
            merge(deal.fields, [&](const Row& field) { return field.Text(0).compare(deal.id); });
        if (merged.ok()) slots.Commit();
        return merged;
      });
}

// Deal updates and their custom fields: two scans in seq order, merged as ReadDeals does.
Status ReadDealUpdates(sqlite3* db, int64_t workspace_id, RecordSlots& slots) {
  return ForEachRowWithFields(
      db, workspace_id, kDealUpdatesSql, kDealUpdateFieldsSql, [&](const Row& row, auto& merge) {
        int64_t seq = row.Int(0);
        int64_t present = row.Int(3);
        DealUpdateRecord& update = NextBody<DealUpdateRecord>(slots, row, 13);
        SetText(update.id, row, 1);
        update.at = Instant{row.Int(2)};
        if (present & kSetTitle) {
          if (!update.title) update.title.emplace();
          SetText(*update.title, row, 4);
        } else {
          update.title.reset();
        }
        update.amount = (present & kSetAmount) ? std::optional<int64_t>(row.Int(5)) : std::nullopt;
        SetMember(update.responsible_id, row, 6, present, kSetResponsible);
        SetMember(update.company_id, row, 7, present, kSetCompany);
        SetMember(update.contact_id, row, 8, present, kSetContact);
        SetMember(update.source, row, 9, present, kSetSource);
        SetMember(update.deal_type, row, 10, present, kSetDealType);
        SetMember(update.loss_reason, row, 11, present, kSetLossReason);
        SetMember(update.converted_to, row, 12, present, kSetConvertedTo);
        Status merged = merge(update.fields, [&](const Row& field) {
          int64_t field_seq = field.Int(0);
          return field_seq < seq ? -1 : field_seq > seq ? 1 : 0;
        });
        if (merged.ok()) slots.Commit();
        return merged;
      });
}

Status ReadStageChanges(sqlite3* db, int64_t workspace_id, RecordSlots& slots) {
  return ForEachRow(db, workspace_id, kStageChangesSql, [&](const Row& row) {
    StageChangeRecord& change = NextBody<StageChangeRecord>(slots, row, 5);
    SetText(change.deal_id, row, 0);
    SetOptText(change.from, row, 1);
    SetText(change.to, row, 2);
    change.at = Instant{row.Int(3)};
    SetOptText(change.by, row, 4);
    slots.Commit();
    return Status::Ok();
  });
}

// Activities, tasks, task updates and goals.
Status ReadActivitiesAndTasks(sqlite3* db, int64_t workspace_id, RecordSlots& slots) {
  Status status = ForEachRow(db, workspace_id, kActivitiesSql, [&](const Row& row) {
    std::optional<ActivityKind> kind = ParseActivityKind(row.Text(1));
    std::optional<Direction> direction = ParseDirection(row.Text(2));
    if (!kind || !direction) return Corrupt("activities", "kind or direction");
    ActivityRecord& activity = NextBody<ActivityRecord>(slots, row, 11);
    SetText(activity.id, row, 0);
    activity.kind = *kind;
    activity.direction = *direction;
    SetOptText(activity.deal_id, row, 3);
    SetOptText(activity.contact_id, row, 4);
    SetOptText(activity.company_id, row, 5);
    SetOptText(activity.user_id, row, 6);
    activity.at = Instant{row.Int(7)};
    activity.duration_s = OptInt32(row, 8);
    SetOptText(activity.source, row, 9);
    activity.score = OptInt32(row, 10);
    slots.Commit();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  status = ForEachRow(db, workspace_id, kTasksSql, [&](const Row& row) {
    TaskRecord& task = NextBody<TaskRecord>(slots, row, 7);
    SetText(task.id, row, 0);
    SetOptText(task.deal_id, row, 1);
    SetOptText(task.user_id, row, 2);
    SetOptText(task.title, row, 3);
    task.created_at = Instant{row.Int(4)};
    task.deadline = OptInstant(row, 5);
    task.completed_at = OptInstant(row, 6);
    slots.Commit();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  status = ForEachRow(db, workspace_id, kTaskUpdatesSql, [&](const Row& row) {
    int64_t present = row.Int(2);
    TaskUpdateRecord& update = NextBody<TaskUpdateRecord>(slots, row, 6);
    SetText(update.id, row, 0);
    update.at = Instant{row.Int(1)};
    update.completed_at = (present & kSetCompletedAt)
                              ? std::optional<std::optional<Instant>>(OptInstant(row, 3))
                              : std::nullopt;
    update.deadline = (present & kSetDeadline)
                          ? std::optional<std::optional<Instant>>(OptInstant(row, 4))
                          : std::nullopt;
    SetMember(update.user_id, row, 5, present, kSetUser);
    slots.Commit();
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return ForEachRow(db, workspace_id, kGoalsSql, [&](const Row& row) {
    std::optional<GoalScope> scope = ParseGoalScope(row.Text(1));
    if (!scope) return Corrupt("goals", "scope");
    GoalRecord& goal = NextBody<GoalRecord>(slots, row, 6);
    SetText(goal.id, row, 0);
    goal.scope = *scope;
    SetOptText(goal.scope_id, row, 2);
    SetText(goal.metric, row, 3);
    SetText(goal.period, row, 4);
    goal.target = row.Int(5);
    goal.deleted = row.Int(7) != 0;
    slots.Commit();
    return Status::Ok();
  });
}

// Hands each record to a visitor: one record, overwritten for each (the visitor may move
// from it).
class VisitSlots final : public RecordSlots {
 public:
  explicit VisitSlots(const Visit& visit) : visit_(visit) {}
  Record& Next() override { return record_; }
  void Commit() override { visit_(record_); }

 private:
  const Visit& visit_;
  Record record_;
};

}  // namespace

Result<int64_t> StoredActivityCount(sqlite3* db, int64_t workspace_id) {
  int64_t count = 0;
  Status status = ForEachRow(db, workspace_id,
                             "SELECT activities FROM workspace_counts WHERE workspace_id = ?1",
                             [&](const Row& row) {
                               count = row.Int(0);
                               return Status::Ok();
                             });
  if (!status.ok()) return status;
  return count;
}

Result<int64_t> StepRows(sqlite3* db, int64_t workspace_id) {
  if (sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Status::Error(std::string("store: ") + sqlite3_errmsg(db));
  }
  int64_t rows = 0;
  Status status = Status::Ok();
  for (const char* sql : kQueries) {
    status = ForEachRow(db, workspace_id, sql, [&](const Row&) {
      ++rows;
      return Status::Ok();
    });
    if (!status.ok()) break;
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  if (!status.ok()) return status;
  return rows;
}

Status ReadRecordsPart(sqlite3* db, int64_t workspace_id, int part, RecordSlots& slots) {
  if (part == 1) return ReadActivitiesAndTasks(db, workspace_id, slots);
  Status status = ReadWorkspace(db, workspace_id, slots);
  if (status.ok()) status = ReadEntities(db, workspace_id, slots);
  if (status.ok()) status = ReadDeals(db, workspace_id, slots);
  if (status.ok()) status = ReadDealUpdates(db, workspace_id, slots);
  if (status.ok()) status = ReadStageChanges(db, workspace_id, slots);
  return status;
}

Status ReadRecords(sqlite3* db, int64_t workspace_id, RecordSlots& slots) {
  // A read transaction pins one WAL snapshot for all the queries below.
  if (sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Status::Error(std::string("store: ") + sqlite3_errmsg(db));
  }
  Status status = ReadRecordsPart(db, workspace_id, 0, slots);
  if (status.ok()) status = ReadRecordsPart(db, workspace_id, 1, slots);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  return status;
}

Status ReadRecords(sqlite3* db, int64_t workspace_id, const Visit& visit) {
  VisitSlots slots(visit);
  return ReadRecords(db, workspace_id, slots);
}

}  // namespace voronka::sqlite
