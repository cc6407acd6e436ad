#include "store/sqlite/record_writer.h"

#include "store/sqlite/field_json.h"
#include "store/sqlite/update_digest.h"

namespace voronka::sqlite {

namespace {

// Upserts replace the content of the row with the same (workspace_id, id) in place.
constexpr const char* kUpsertUser =
    "INSERT INTO users (workspace_id, id, name, department_id, active, capacity, event_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (workspace_id, id) DO UPDATE SET "
    "name = excluded.name, department_id = excluded.department_id, active = excluded.active, "
    "capacity = excluded.capacity, event_id = excluded.event_id";
constexpr const char* kUpsertDepartment =
    "INSERT INTO departments (workspace_id, id, name, parent_id, head_id, event_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (workspace_id, id) DO UPDATE SET "
    "name = excluded.name, parent_id = excluded.parent_id, head_id = excluded.head_id, "
    "event_id = excluded.event_id";
constexpr const char* kUpsertPipeline =
    "INSERT INTO pipelines (workspace_id, id, name, entity, event_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (workspace_id, id) DO UPDATE SET "
    "name = excluded.name, entity = excluded.entity, event_id = excluded.event_id";
constexpr const char* kUpsertCompany =
    "INSERT INTO companies (workspace_id, id, name, event_id) VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT (workspace_id, id) DO UPDATE SET name = excluded.name, "
    "event_id = excluded.event_id";
constexpr const char* kUpsertContact =
    "INSERT INTO contacts (workspace_id, id, name, company_id, event_id) "
    "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (workspace_id, id) DO UPDATE SET "
    "name = excluded.name, company_id = excluded.company_id, event_id = excluded.event_id";
constexpr const char* kUpsertDeal =
    "INSERT INTO deals (workspace_id, id, entity, title, pipeline_id, stage_id, amount, "
    "original_amount, original_currency, responsible_id, company_id, contact_id, source, "
    "deal_type, created_at, loss_reason, converted_to, event_id) VALUES (?1, ?2, ?3, ?4, ?5, "
    "?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18) "
    "ON CONFLICT (workspace_id, id) DO UPDATE SET entity = excluded.entity, "
    "title = excluded.title, pipeline_id = excluded.pipeline_id, "
    "stage_id = excluded.stage_id, amount = excluded.amount, "
    "original_amount = excluded.original_amount, "
    "original_currency = excluded.original_currency, "
    "responsible_id = excluded.responsible_id, company_id = excluded.company_id, "
    "contact_id = excluded.contact_id, source = excluded.source, "
    "deal_type = excluded.deal_type, created_at = excluded.created_at, "
    "loss_reason = excluded.loss_reason, converted_to = excluded.converted_to, "
    "event_id = excluded.event_id";
constexpr const char* kInsertDealUpdate =
    "INSERT INTO deal_updates (workspace_id, deal_id, at, present, title, amount, "
    "responsible_id, company_id, contact_id, source, deal_type, loss_reason, converted_to, "
    "digest, event_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
    "?15) ON CONFLICT (workspace_id, deal_id, at, digest) DO NOTHING";
constexpr const char* kInsertStageChange =
    "INSERT INTO stage_changes (workspace_id, deal_id, from_stage, to_stage, at, by_user, "
    "event_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "ON CONFLICT (workspace_id, deal_id, at, to_stage) DO NOTHING";
// An activity is inserted, and only when its id is stored already updated: the writer counts
// the new ones (workspace_counts).
constexpr const char* kInsertActivity =
    "INSERT INTO activities (workspace_id, id, kind, direction, deal_id, contact_id, "
    "company_id, user_id, at, duration_s, source, score, event_id) VALUES (?1, ?2, ?3, ?4, "
    "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) ON CONFLICT (workspace_id, id) DO NOTHING";
constexpr const char* kUpdateActivity =
    "UPDATE activities SET kind = ?3, direction = ?4, deal_id = ?5, contact_id = ?6, "
    "company_id = ?7, user_id = ?8, at = ?9, duration_s = ?10, source = ?11, score = ?12, "
    "event_id = ?13 WHERE workspace_id = ?1 AND id = ?2";
constexpr const char* kAddActivityCount =
    "INSERT INTO workspace_counts (workspace_id, activities) VALUES (?1, ?2) "
    "ON CONFLICT (workspace_id) DO UPDATE SET activities = activities + excluded.activities";
constexpr const char* kUpsertTask =
    "INSERT INTO tasks (workspace_id, id, deal_id, user_id, title, created_at, deadline, "
    "completed_at, event_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT (workspace_id, id) DO UPDATE SET deal_id = excluded.deal_id, "
    "user_id = excluded.user_id, title = excluded.title, created_at = excluded.created_at, "
    "deadline = excluded.deadline, completed_at = excluded.completed_at, "
    "event_id = excluded.event_id";
constexpr const char* kInsertTaskUpdate =
    "INSERT INTO task_updates (workspace_id, task_id, at, present, completed_at, deadline, "
    "user_id, digest, event_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
    "ON CONFLICT (workspace_id, task_id, at, digest) DO NOTHING";
constexpr const char* kUpsertGoal =
    "INSERT INTO goals (workspace_id, id, scope, scope_id, metric, period, target, event_id, "
    "deleted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (workspace_id, id) DO "
    "UPDATE SET scope = excluded.scope, scope_id = excluded.scope_id, metric = excluded.metric, "
    "period = excluded.period, target = excluded.target, event_id = excluded.event_id, "
    "deleted = excluded.deleted";

void BindInstant(Statement& statement, int index, const std::optional<Instant>& instant) {
  if (!instant) return statement.BindNull(index);
  statement.Bind(index, instant->micros);
}

// Binds a `set` member: NULL when absent or cleared; `present` gets `bit` when given at all.
void BindSet(Statement& statement, int index,
             const std::optional<std::optional<std::string>>& member, int64_t bit,
             int64_t& present) {
  if (member) present |= bit;
  if (!member || !*member) return statement.BindNull(index);
  statement.Bind(index, std::string_view(**member));
}

}  // namespace

Result<std::unique_ptr<RecordWriter>> RecordWriter::Create(sqlite3* db) {
  std::unique_ptr<RecordWriter> writer(new RecordWriter(db));
  if (Status status = writer->Prepare(); !status.ok()) return status;
  return writer;
}

Status RecordWriter::Prepare() {
  struct Entry {
    Statement* statement;
    const char* sql;
  };
  const Entry entries[] = {
      {&mark_event_,
       "INSERT INTO applied_events (workspace_id, event_id) VALUES (?1, ?2) "
       "ON CONFLICT DO NOTHING"},
      {&update_workspace_,
       "UPDATE workspaces SET display_name = coalesce(?2, display_name), "
       "time_zone = coalesce(?3, time_zone), currency = coalesce(?4, currency), "
       "locale = coalesce(?5, locale), deal_url = coalesce(?6, deal_url), "
       "forgotten_days = coalesce(?7, forgotten_days) WHERE id = ?1"},
      {&upsert_user_, kUpsertUser},
      {&upsert_department_, kUpsertDepartment},
      {&upsert_pipeline_, kUpsertPipeline},
      {&delete_stages_, "DELETE FROM stages WHERE workspace_id = ?1 AND pipeline_id = ?2"},
      {&delete_stage_, "DELETE FROM stages WHERE workspace_id = ?1 AND id = ?2"},
      {&insert_stage_,
       "INSERT INTO stages (workspace_id, pipeline_id, position, id, name, semantic) "
       "VALUES (?1, ?2, ?3, ?4, ?5, ?6)"},
      {&upsert_company_, kUpsertCompany},
      {&upsert_contact_, kUpsertContact},
      {&upsert_deal_, kUpsertDeal},
      {&delete_deal_fields_, "DELETE FROM deal_fields WHERE workspace_id = ?1 AND deal_id = ?2"},
      {&insert_deal_field_,
       "INSERT INTO deal_fields (workspace_id, deal_id, position, name, value_json) "
       "VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&insert_deal_update_, kInsertDealUpdate},
      {&insert_deal_update_field_,
       "INSERT INTO deal_update_fields (update_seq, position, workspace_id, name, value_json) "
       "VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&insert_stage_change_, kInsertStageChange},
      {&insert_activity_, kInsertActivity},
      {&update_activity_, kUpdateActivity},
      {&add_activity_count_, kAddActivityCount},
      {&upsert_task_, kUpsertTask},
      {&insert_task_update_, kInsertTaskUpdate},
      {&upsert_goal_, kUpsertGoal},
  };
  for (const Entry& entry : entries) {
    Result<Statement> statement = Statement::Prepare(db_, entry.sql);
    if (!statement.ok()) return statement.status();
    *entry.statement = std::move(statement).value();
  }
  return Status::Ok();
}

Status RecordWriter::Done(Statement& statement, const char* what) {
  int rc = statement.Run();
  if (rc == SQLITE_DONE) return Status::Ok();
  return Status::Error(std::string(what) + ": " + sqlite3_errmsg(db_));
}

Result<bool> RecordWriter::Write(int64_t workspace_id, const Record& record, IdCatalog& catalog) {
  if (record.event_id) {
    mark_event_.BindAll(workspace_id, std::string_view(*record.event_id));
    if (Status status = Done(mark_event_, "event_id"); !status.ok()) return status;
    if (sqlite3_changes(db_) == 0) return false;  // applied before
  }
  return WriteBody(workspace_id, record, catalog);
}

Result<bool> RecordWriter::WriteBody(int64_t workspace_id, const Record& record,
                                     IdCatalog& catalog) {
  const RecordBody& body = record.body;
  Status status;
  if (const auto* workspace = std::get_if<WorkspaceRecord>(&body)) {
    status = WriteWorkspace(workspace_id, *workspace);
  } else if (const auto* user = std::get_if<UserRecord>(&body)) {
    status = WriteUser(workspace_id, *user, record);
  } else if (const auto* department = std::get_if<DepartmentRecord>(&body)) {
    status = WriteDepartment(workspace_id, *department, record);
  } else if (const auto* pipeline = std::get_if<PipelineRecord>(&body)) {
    status = WritePipeline(workspace_id, *pipeline, record, catalog);
  } else if (const auto* deal = std::get_if<DealRecord>(&body)) {
    status = WriteDeal(workspace_id, *deal, record, catalog);
  } else if (const auto* update = std::get_if<DealUpdateRecord>(&body)) {
    return WriteDealUpdate(workspace_id, *update, record);
  } else if (const auto* change = std::get_if<StageChangeRecord>(&body)) {
    return WriteStageChange(workspace_id, *change, record);
  } else if (const auto* activity = std::get_if<ActivityRecord>(&body)) {
    status = WriteActivity(workspace_id, *activity, record);
  } else if (const auto* task = std::get_if<TaskRecord>(&body)) {
    status = WriteTask(workspace_id, *task, record, catalog);
  } else if (const auto* task_update = std::get_if<TaskUpdateRecord>(&body)) {
    return WriteTaskUpdate(workspace_id, *task_update, record);
  } else if (const auto* goal = std::get_if<GoalRecord>(&body)) {
    status = WriteGoal(workspace_id, *goal, record);
  } else if (const auto* company = std::get_if<CompanyRecord>(&body)) {
    status = WriteCompany(workspace_id, *company, record);
  } else if (const auto* contact = std::get_if<ContactRecord>(&body)) {
    status = WriteContact(workspace_id, *contact, record);
  }
  if (!status.ok()) return status;
  return true;
}

Status RecordWriter::WriteWorkspace(int64_t workspace_id, const WorkspaceRecord& record) {
  Statement& s = update_workspace_;
  s.BindAll(workspace_id, record.name, record.time_zone, record.currency, record.locale,
            record.deal_url, record.forgotten_days);
  return Done(s, "workspace");
}

Status RecordWriter::WriteUser(int64_t workspace_id, const UserRecord& record,
                               const Record& envelope) {
  Statement& s = upsert_user_;
  s.BindAll(workspace_id, record.id, record.name, record.department_id,
            int64_t{record.active ? 1 : 0}, record.capacity, envelope.event_id);
  return Done(s, "user");
}

Status RecordWriter::WriteDepartment(int64_t workspace_id, const DepartmentRecord& record,
                                     const Record& envelope) {
  Statement& s = upsert_department_;
  s.BindAll(workspace_id, record.id, record.name, record.parent_id, record.head_id,
            envelope.event_id);
  return Done(s, "department");
}

Status RecordWriter::WritePipeline(int64_t workspace_id, const PipelineRecord& record,
                                   const Record& envelope, IdCatalog& catalog) {
  Statement& s = upsert_pipeline_;
  s.BindAll(workspace_id, record.id, record.name, std::string_view(EntityName(record.entity)),
            envelope.event_id);
  if (Status status = Done(s, "pipeline"); !status.ok()) return status;

  // A re-synced pipeline brings its whole stage list: replace the old one.
  delete_stages_.BindAll(workspace_id, record.id);
  if (Status status = Done(delete_stages_, "pipeline"); !status.ok()) return status;
  stage_ids_.clear();
  for (size_t position = 0; position < record.stages.size(); ++position) {
    const StageDef& stage = record.stages[position];
    Statement& insert = insert_stage_;
    insert.BindAll(workspace_id, record.id, static_cast<int64_t>(position), stage.id, stage.name,
                   std::string_view(StageSemanticName(stage.semantic)));
    int rc = insert.Run();
    if (rc == SQLITE_CONSTRAINT_UNIQUE) {
      // The stage is stored under another pipeline. Validation let the batch through only if
      // that pipeline is redefined in the same batch (without this stage), so the stage moves
      // here now rather than after that pipeline's record is written.
      delete_stage_.BindAll(workspace_id, stage.id);
      if (Status status = Done(delete_stage_, "pipeline"); !status.ok()) return status;
      rc = insert.Run();
    }
    if (rc != SQLITE_DONE) return Status::Error(std::string("pipeline: ") + sqlite3_errmsg(db_));
    stage_ids_.push_back(stage.id);
  }
  catalog.SetPipeline(record.id, stage_ids_);
  return Status::Ok();
}

Status RecordWriter::WriteDeal(int64_t workspace_id, const DealRecord& record,
                               const Record& envelope, IdCatalog& catalog) {
  Statement& s = upsert_deal_;
  s.BindAll(workspace_id, record.id, std::string_view(EntityName(record.entity)), record.title,
            record.pipeline_id, record.stage_id, record.amount, record.original_amount,
            record.original_currency, record.responsible_id, record.company_id, record.contact_id,
            record.source, record.deal_type, record.created_at.micros, record.loss_reason,
            record.converted_to, envelope.event_id);
  if (Status status = Done(s, "deal"); !status.ok()) return status;

  // A new deal has no fields to replace; skipping the delete saves an index probe per deal
  // on a first import, which is most of the deals ever written.
  bool known = !catalog.HasDeal(record.id) ? (catalog.AddDeal(record.id), false) : true;
  if (known) {
    delete_deal_fields_.BindAll(workspace_id, record.id);
    if (Status status = Done(delete_deal_fields_, "deal"); !status.ok()) return status;
  }
  for (size_t position = 0; position < record.fields.size(); ++position) {
    const CustomField& field = record.fields[position];
    json_.clear();
    AppendFieldJson(field.value, json_);
    Statement& insert = insert_deal_field_;
    insert.BindAll(workspace_id, record.id, static_cast<int64_t>(position),
                   std::string_view(field.name), std::string_view(json_));
    if (Status status = Done(insert, "deal fields"); !status.ok()) return status;
  }
  return Status::Ok();
}

Result<bool> RecordWriter::WriteDealUpdate(int64_t workspace_id, const DealUpdateRecord& record,
                                           const Record& envelope) {
  Statement& s = insert_deal_update_;
  int64_t present = 0;
  s.BindAll(workspace_id, record.id, record.at.micros);
  if (record.title) present |= kSetTitle;
  s.Bind(5, record.title);
  if (record.amount) present |= kSetAmount;
  s.Bind(6, record.amount);
  BindSet(s, 7, record.responsible_id, kSetResponsible, present);
  BindSet(s, 8, record.company_id, kSetCompany, present);
  BindSet(s, 9, record.contact_id, kSetContact, present);
  BindSet(s, 10, record.source, kSetSource, present);
  BindSet(s, 11, record.deal_type, kSetDealType, present);
  BindSet(s, 12, record.loss_reason, kSetLossReason, present);
  BindSet(s, 13, record.converted_to, kSetConvertedTo, present);
  s.Bind(4, present);

  UpdateDigest digest = DigestOf(record, digest_input_);
  s.BindBlob(14, digest.bytes, sizeof digest.bytes);
  s.Bind(15, envelope.event_id);
  if (Status status = Done(s, "deal_update"); !status.ok()) return status;
  if (sqlite3_changes(db_) == 0) return false;  // an exact repeat

  int64_t seq = sqlite3_last_insert_rowid(db_);
  for (size_t position = 0; position < record.fields.size(); ++position) {
    const CustomField& field = record.fields[position];
    json_.clear();
    AppendFieldJson(field.value, json_);
    Statement& insert = insert_deal_update_field_;
    insert.BindAll(seq, static_cast<int64_t>(position), workspace_id, std::string_view(field.name),
                   std::string_view(json_));
    if (Status status = Done(insert, "deal_update fields"); !status.ok()) return status;
  }
  return true;
}

Result<bool> RecordWriter::WriteStageChange(int64_t workspace_id, const StageChangeRecord& record,
                                            const Record& envelope) {
  Statement& s = insert_stage_change_;
  s.BindAll(workspace_id, record.deal_id, record.from, record.to, record.at.micros, record.by,
            envelope.event_id);
  if (Status status = Done(s, "stage_change"); !status.ok()) return status;
  return sqlite3_changes(db_) > 0;  // none: the same move at the same time is stored already
}

Status RecordWriter::WriteActivity(int64_t workspace_id, const ActivityRecord& record,
                                   const Record& envelope) {
  auto bind = [&](Statement& s) {
    s.BindAll(workspace_id, record.id, std::string_view(ActivityKindName(record.kind)),
              std::string_view(DirectionName(record.direction)), record.deal_id, record.contact_id,
              record.company_id, record.user_id, record.at.micros, record.duration_s, record.source,
              record.score, envelope.event_id);
  };
  bind(insert_activity_);
  if (Status status = Done(insert_activity_, "activity"); !status.ok()) return status;
  if (sqlite3_changes(db_) > 0) {
    ++new_activities_;
    return Status::Ok();
  }
  bind(update_activity_);  // stored already: replaced
  return Done(update_activity_, "activity");
}

void RecordWriter::BeginCounts() {
  new_activities_ = 0;
}

Status RecordWriter::StoreCounts(int64_t workspace_id) {
  if (new_activities_ == 0) return Status::Ok();
  add_activity_count_.BindAll(workspace_id, new_activities_);
  new_activities_ = 0;
  return Done(add_activity_count_, "workspace_counts");
}

Status RecordWriter::WriteTask(int64_t workspace_id, const TaskRecord& record,
                               const Record& envelope, IdCatalog& catalog) {
  Statement& s = upsert_task_;
  s.BindAll(workspace_id, record.id, record.deal_id, record.user_id, record.title,
            record.created_at.micros);
  BindInstant(s, 7, record.deadline);
  BindInstant(s, 8, record.completed_at);
  s.Bind(9, envelope.event_id);
  if (Status status = Done(s, "task"); !status.ok()) return status;
  catalog.AddTask(record.id);
  return Status::Ok();
}

Result<bool> RecordWriter::WriteTaskUpdate(int64_t workspace_id, const TaskUpdateRecord& record,
                                           const Record& envelope) {
  Statement& s = insert_task_update_;
  int64_t present = 0;
  s.BindAll(workspace_id, record.id, record.at.micros);
  if (record.completed_at) present |= kSetCompletedAt;
  BindInstant(s, 5, record.completed_at.value_or(std::nullopt));
  if (record.deadline) present |= kSetDeadline;
  BindInstant(s, 6, record.deadline.value_or(std::nullopt));
  BindSet(s, 7, record.user_id, kSetUser, present);
  s.Bind(4, present);

  UpdateDigest digest = DigestOf(record, digest_input_);
  s.BindBlob(8, digest.bytes, sizeof digest.bytes);
  s.Bind(9, envelope.event_id);
  if (Status status = Done(s, "task_update"); !status.ok()) return status;
  return sqlite3_changes(db_) > 0;
}

Status RecordWriter::WriteGoal(int64_t workspace_id, const GoalRecord& record,
                               const Record& envelope) {
  Statement& s = upsert_goal_;
  s.BindAll(workspace_id, record.id, std::string_view(GoalScopeName(record.scope)), record.scope_id,
            record.metric, record.period, record.target, envelope.event_id,
            int64_t{record.deleted});
  return Done(s, "goal");
}

Status RecordWriter::WriteCompany(int64_t workspace_id, const CompanyRecord& record,
                                  const Record& envelope) {
  Statement& s = upsert_company_;
  s.BindAll(workspace_id, record.id, record.name, envelope.event_id);
  return Done(s, "company");
}

Status RecordWriter::WriteContact(int64_t workspace_id, const ContactRecord& record,
                                  const Record& envelope) {
  Statement& s = upsert_contact_;
  s.BindAll(workspace_id, record.id, record.name, record.company_id, envelope.event_id);
  return Done(s, "contact");
}

}  // namespace voronka::sqlite
