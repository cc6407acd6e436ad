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
    "SELECT d.id, d.entity, d.title, d.pipeline_id, d.stage_id, d.amount, "
    "d.original_amount, d.original_currency, d.responsible_id, d.company_id, d.contact_id, "
    "d.source, d.deal_type, d.created_at, d.loss_reason, d.converted_to, d.event_id, "
    "f.name, f.value_json FROM deals d LEFT JOIN deal_fields f "
    "ON f.workspace_id = d.workspace_id AND f.deal_id = d.id "
    "WHERE d.workspace_id = ?1 ORDER BY d.id, f.position";
constexpr const char* kDealUpdatesSql =
    "SELECT u.seq, u.deal_id, u.at, u.present, u.title, u.amount, u.responsible_id, "
    "u.company_id, u.contact_id, u.source, u.deal_type, u.loss_reason, u.converted_to, "
    "u.event_id, f.name, f.value_json FROM deal_updates u LEFT JOIN deal_update_fields f "
    "ON f.update_seq = u.seq WHERE u.workspace_id = ?1 ORDER BY u.seq, f.position";
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
    "FROM task_updates WHERE workspace_id = ?1 ORDER BY seq";
constexpr const char* kGoalsSql =
    "SELECT id, scope, scope_id, metric, period, target, event_id, deleted FROM goals "
    "WHERE workspace_id = ?1 ORDER BY id";
constexpr const char* kQueries[] = {kWorkspaceSql,    kDepartmentsSql, kUsersSql, kPipelinesSql,
                                    kCompaniesSql,    kContactsSql,    kDealsSql, kDealUpdatesSql,
                                    kStageChangesSql, kActivitiesSql,  kTasksSql, kTaskUpdatesSql,
                                    kGoalsSql};

std::optional<Instant> OptInstant(const Statement& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return Instant{row.Int(column)};
}

std::optional<int32_t> OptInt32(const Statement& row, int column) {
  if (row.IsNull(column)) return std::nullopt;
  return static_cast<int32_t>(row.Int(column));
}

// A `set` member: absent unless its bit is in `present`; then the value or a clear (null).
std::optional<std::optional<std::string>> SetMember(const Statement& row, int column,
                                                    int64_t present, int64_t bit) {
  if ((present & bit) == 0) return std::nullopt;
  return row.OptString(column);
}

Status Corrupt(std::string_view table, std::string_view what) {
  return Status::Error("store: " + std::string(table) + " holds an invalid " + std::string(what));
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
    if (Status status = row_fn(*statement); !status.ok()) return status;
  }
  if (rc != SQLITE_DONE) return Status::Error(std::string("store: ") + sqlite3_errmsg(db));
  return Status::Ok();
}

Status ReadWorkspace(sqlite3* db, int64_t workspace_id, const Visit& visit) {
  return ForEachRow(db, workspace_id, kWorkspaceSql, [&](const Statement& row) {
    WorkspaceRecord settings;
    settings.name = row.OptString(0);
    settings.time_zone = row.String(1);
    settings.currency = row.String(2);
    settings.locale = row.String(3);
    settings.deal_url = row.OptString(4);
    settings.forgotten_days = OptInt32(row, 5);
    Record record{std::nullopt, std::move(settings)};
    visit(record);
    return Status::Ok();
  });
}

Status ReadEntities(sqlite3* db, int64_t workspace_id, const Visit& visit) {
  Status status = ForEachRow(db, workspace_id, kDepartmentsSql, [&](const Statement& row) {
    Record record{row.OptString(4), DepartmentRecord{row.String(0), row.String(1), row.OptString(2),
                                                     row.OptString(3)}};
    visit(record);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  status = ForEachRow(db, workspace_id, kUsersSql, [&](const Statement& row) {
    Record record{row.OptString(5), UserRecord{row.String(0), row.String(1), row.OptString(2),
                                               row.Int(3) != 0, OptInt32(row, 4)}};
    visit(record);
    return Status::Ok();
  });
  if (!status.ok()) return status;

  // Pipelines with their stages: the LEFT JOIN yields one row per stage (or one row with a
  // NULL stage for a pipeline without any), already in pipeline then stage order.
  std::optional<Record> pending;
  status = ForEachRow(db, workspace_id, kPipelinesSql, [&](const Statement& row) {
    std::string_view id = row.Text(0);
    auto* current = pending ? &std::get<PipelineRecord>(pending->body) : nullptr;
    if (current == nullptr || current->id != id) {
      if (pending) visit(*pending);
      std::optional<Entity> entity = ParseEntity(row.Text(2));
      if (!entity) return Corrupt("pipelines", "entity");
      pending =
          Record{row.OptString(3), PipelineRecord{std::string(id), row.String(1), *entity, {}}};
      current = &std::get<PipelineRecord>(pending->body);
    }
    if (!row.IsNull(4)) {
      std::optional<StageSemantic> semantic = ParseStageSemantic(row.Text(6));
      if (!semantic) return Corrupt("stages", "semantic");
      current->stages.push_back(StageDef{row.String(4), row.String(5), *semantic});
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  if (pending) visit(*pending);

  status = ForEachRow(db, workspace_id, kCompaniesSql, [&](const Statement& row) {
    Record record{row.OptString(2), CompanyRecord{row.String(0), row.String(1)}};
    visit(record);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return ForEachRow(db, workspace_id, kContactsSql, [&](const Statement& row) {
    Record record{row.OptString(3), ContactRecord{row.String(0), row.String(1), row.OptString(2)}};
    visit(record);
    return Status::Ok();
  });
}

Status ReadDeals(sqlite3* db, int64_t workspace_id, const Visit& visit) {
  // One row per custom field (or one with NULL field columns), grouped by deal in id order.
  std::optional<Record> pending;
  Status status = ForEachRow(db, workspace_id, kDealsSql, [&](const Statement& row) {
    if (!pending || std::get<DealRecord>(pending->body).id != row.Text(0)) {
      if (pending) visit(*pending);
      std::optional<Entity> entity = ParseEntity(row.Text(1));
      if (!entity) return Corrupt("deals", "entity");
      DealRecord deal;
      deal.id = row.String(0);
      deal.entity = *entity;
      deal.title = row.String(2);
      deal.pipeline_id = row.String(3);
      deal.stage_id = row.String(4);
      deal.amount = row.Int(5);
      deal.original_amount = row.OptInt(6);
      deal.original_currency = row.OptString(7);
      deal.responsible_id = row.OptString(8);
      deal.company_id = row.OptString(9);
      deal.contact_id = row.OptString(10);
      deal.source = row.OptString(11);
      deal.deal_type = row.OptString(12);
      deal.created_at = Instant{row.Int(13)};
      deal.loss_reason = row.OptString(14);
      deal.converted_to = row.OptString(15);
      pending = Record{row.OptString(16), std::move(deal)};
    }
    if (!row.IsNull(17)) {
      Result<FieldValue> value = ParseFieldJson(row.Text(18));
      if (!value.ok()) return value.status();
      std::get<DealRecord>(pending->body)
          .fields.push_back(CustomField{row.String(17), std::move(value).value()});
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  if (pending) visit(*pending);
  return Status::Ok();
}

Status ReadDealUpdates(sqlite3* db, int64_t workspace_id, const Visit& visit) {
  std::optional<Record> pending;
  int64_t pending_seq = -1;
  Status status = ForEachRow(db, workspace_id, kDealUpdatesSql, [&](const Statement& row) {
    if (row.Int(0) != pending_seq) {
      if (pending) visit(*pending);
      pending_seq = row.Int(0);
      int64_t present = row.Int(3);
      DealUpdateRecord update;
      update.id = row.String(1);
      update.at = Instant{row.Int(2)};
      if (present & kSetTitle) update.title = row.String(4);
      if (present & kSetAmount) update.amount = row.Int(5);
      update.responsible_id = SetMember(row, 6, present, kSetResponsible);
      update.company_id = SetMember(row, 7, present, kSetCompany);
      update.contact_id = SetMember(row, 8, present, kSetContact);
      update.source = SetMember(row, 9, present, kSetSource);
      update.deal_type = SetMember(row, 10, present, kSetDealType);
      update.loss_reason = SetMember(row, 11, present, kSetLossReason);
      update.converted_to = SetMember(row, 12, present, kSetConvertedTo);
      pending = Record{row.OptString(13), std::move(update)};
    }
    if (!row.IsNull(14)) {
      Result<FieldValue> value = ParseFieldJson(row.Text(15));
      if (!value.ok()) return value.status();
      std::get<DealUpdateRecord>(pending->body)
          .fields.push_back(CustomField{row.String(14), std::move(value).value()});
    }
    return Status::Ok();
  });
  if (!status.ok()) return status;
  if (pending) visit(*pending);
  return Status::Ok();
}

Status ReadEvents(sqlite3* db, int64_t workspace_id, const Visit& visit) {
  Status status = ForEachRow(db, workspace_id, kStageChangesSql, [&](const Statement& row) {
    Record record{row.OptString(5),
                  StageChangeRecord{row.String(0), row.OptString(1), row.String(2),
                                    Instant{row.Int(3)}, row.OptString(4)}};
    visit(record);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  status = ForEachRow(db, workspace_id, kActivitiesSql, [&](const Statement& row) {
    std::optional<ActivityKind> kind = ParseActivityKind(row.Text(1));
    std::optional<Direction> direction = ParseDirection(row.Text(2));
    if (!kind || !direction) return Corrupt("activities", "kind or direction");
    Record record{
        row.OptString(11),
        ActivityRecord{row.String(0), *kind, *direction, row.OptString(3), row.OptString(4),
                       row.OptString(5), row.OptString(6), Instant{row.Int(7)}, OptInt32(row, 8),
                       row.OptString(9), OptInt32(row, 10)}};
    visit(record);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  status = ForEachRow(db, workspace_id, kTasksSql, [&](const Statement& row) {
    Record record{row.OptString(7),
                  TaskRecord{row.String(0), row.OptString(1), row.OptString(2), row.OptString(3),
                             Instant{row.Int(4)}, OptInstant(row, 5), OptInstant(row, 6)}};
    visit(record);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  status = ForEachRow(db, workspace_id, kTaskUpdatesSql, [&](const Statement& row) {
    int64_t present = row.Int(2);
    TaskUpdateRecord update;
    update.id = row.String(0);
    update.at = Instant{row.Int(1)};
    if (present & kSetCompletedAt) update.completed_at = OptInstant(row, 3);
    if (present & kSetDeadline) update.deadline = OptInstant(row, 4);
    update.user_id = SetMember(row, 5, present, kSetUser);
    Record record{row.OptString(6), std::move(update)};
    visit(record);
    return Status::Ok();
  });
  if (!status.ok()) return status;
  return ForEachRow(db, workspace_id, kGoalsSql, [&](const Statement& row) {
    std::optional<GoalScope> scope = ParseGoalScope(row.Text(1));
    if (!scope) return Corrupt("goals", "scope");
    Record record{row.OptString(6),
                  GoalRecord{row.String(0), *scope, row.OptString(2), row.String(3), row.String(4),
                             row.Int(5), row.Int(7) != 0}};
    visit(record);
    return Status::Ok();
  });
}

}  // namespace

Result<int64_t> StepRows(sqlite3* db, int64_t workspace_id) {
  if (sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Status::Error(std::string("store: ") + sqlite3_errmsg(db));
  }
  int64_t rows = 0;
  Status status = Status::Ok();
  for (const char* sql : kQueries) {
    status = ForEachRow(db, workspace_id, sql, [&](const Statement&) {
      ++rows;
      return Status::Ok();
    });
    if (!status.ok()) break;
  }
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  if (!status.ok()) return status;
  return rows;
}

Status ReadRecords(sqlite3* db, int64_t workspace_id, const Visit& visit) {
  // A read transaction pins one WAL snapshot for all the queries below.
  if (sqlite3_exec(db, "BEGIN", nullptr, nullptr, nullptr) != SQLITE_OK) {
    return Status::Error(std::string("store: ") + sqlite3_errmsg(db));
  }
  Status status = ReadWorkspace(db, workspace_id, visit);
  if (status.ok()) status = ReadEntities(db, workspace_id, visit);
  if (status.ok()) status = ReadDeals(db, workspace_id, visit);
  if (status.ok()) status = ReadDealUpdates(db, workspace_id, visit);
  if (status.ok()) status = ReadEvents(db, workspace_id, visit);
  sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr);
  return status;
}

}  // namespace voronka::sqlite
