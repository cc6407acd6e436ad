// Writes canonical records into the normalized tables, one record at a time, inside a
// transaction the caller owns. Statements are prepared once and reused for every record.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <string>

#include "model/records.h"
#include "model/status.h"
#include "store/sqlite/id_catalog.h"
#include "store/sqlite/statement.h"

namespace voronka::sqlite {

// Bits of deal_updates.present: which members of `set` were given.
enum DealUpdateMember : int64_t {
  kSetTitle = 1 << 0,
  kSetAmount = 1 << 1,
  kSetResponsible = 1 << 2,
  kSetCompany = 1 << 3,
  kSetContact = 1 << 4,
  kSetSource = 1 << 5,
  kSetDealType = 1 << 6,
  kSetLossReason = 1 << 7,
  kSetConvertedTo = 1 << 8,
};
// Bits of task_updates.present.
enum TaskUpdateMember : int64_t {
  kSetCompletedAt = 1 << 0,
  kSetDeadline = 1 << 1,
  kSetUser = 1 << 2,
};

class RecordWriter {
 public:
  // Prepares every statement on `db` (which must be migrated and outlive the writer).
  static Result<std::unique_ptr<RecordWriter>> Create(sqlite3* db);

  // Stores `record` in the workspace: true when stored, false when skipped as already
  // applied (its event_id, or an exact repeat of an update or stage change). Entities with a
  // known id are replaced. `catalog` learns the pipelines, stages, deals and tasks written.
  // An error leaves the transaction to be rolled back by the caller.
  Result<bool> Write(int64_t workspace_id, const Record& record, IdCatalog& catalog);

  // The counts of a workspace's records kept in workspace_counts (activities): a batch calls
  // BeginCounts before its first Write and StoreCounts after its last, in its transaction.
  void BeginCounts();
  Status StoreCounts(int64_t workspace_id);

 private:
  explicit RecordWriter(sqlite3* db) : db_(db) {}
  Status Prepare();

  Status Done(Statement& statement, const char* what);
  Result<bool> WriteBody(int64_t workspace_id, const Record& record, IdCatalog& catalog);
  Status WriteWorkspace(int64_t workspace_id, const WorkspaceRecord& record);
  Status WriteUser(int64_t workspace_id, const UserRecord& record, const Record& envelope);
  Status WriteDepartment(int64_t workspace_id, const DepartmentRecord& record,
                         const Record& envelope);
  Status WritePipeline(int64_t workspace_id, const PipelineRecord& record, const Record& envelope,
                       IdCatalog& catalog);
  Status WriteDeal(int64_t workspace_id, const DealRecord& record, const Record& envelope,
                   IdCatalog& catalog);
  Result<bool> WriteDealUpdate(int64_t workspace_id, const DealUpdateRecord& record,
                               const Record& envelope);
  Result<bool> WriteStageChange(int64_t workspace_id, const StageChangeRecord& record,
                                const Record& envelope);
  Status WriteActivity(int64_t workspace_id, const ActivityRecord& record, const Record& envelope);
  Status WriteTask(int64_t workspace_id, const TaskRecord& record, const Record& envelope,
                   IdCatalog& catalog);
  Result<bool> WriteTaskUpdate(int64_t workspace_id, const TaskUpdateRecord& record,
                               const Record& envelope);
  Status WriteGoal(int64_t workspace_id, const GoalRecord& record, const Record& envelope);
  Status WriteCompany(int64_t workspace_id, const CompanyRecord& record, const Record& envelope);
  Status WriteContact(int64_t workspace_id, const ContactRecord& record, const Record& envelope);

  sqlite3* db_;
  Statement mark_event_;
  Statement update_workspace_;
  Statement upsert_user_, upsert_department_, upsert_pipeline_, delete_stages_, delete_stage_,
      insert_stage_;
  Statement upsert_company_, upsert_contact_, upsert_deal_, delete_deal_fields_, insert_deal_field_;
  Statement insert_deal_update_, insert_deal_update_field_, insert_stage_change_;
  Statement insert_activity_, update_activity_, add_activity_count_;
  Statement upsert_task_, insert_task_update_, upsert_goal_;
  int64_t new_activities_ = 0;  // activities inserted since BeginCounts
  // Scratch buffers reused for every record, so steady-state writing allocates nothing.
  std::string json_;
  std::string digest_input_;
  std::vector<std::string_view> stage_ids_;
};

}  // namespace voronka::sqlite
