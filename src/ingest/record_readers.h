// One reader per canonical record type (SPEC §2): the members of a JSON object into the
// record struct, every bad or unknown member reported through the MemberReader.
// Private to src/ingest; "type" and "event_id" are the envelope and are skipped here.
#pragma once

#include <simdjson.h>

#include "ingest/member_reader.h"
#include "model/records.h"

namespace voronka::ingest {

using JsonObject = simdjson::dom::object;

// Directory records (record_readers_directory.cc).
void ReadWorkspace(MemberReader& in, JsonObject object, WorkspaceRecord& out);
void ReadUser(MemberReader& in, JsonObject object, UserRecord& out);
void ReadDepartment(MemberReader& in, JsonObject object, DepartmentRecord& out);
void ReadPipeline(MemberReader& in, JsonObject object, PipelineRecord& out);
void ReadGoal(MemberReader& in, JsonObject object, GoalRecord& out);
void ReadCompany(MemberReader& in, JsonObject object, CompanyRecord& out);
void ReadContact(MemberReader& in, JsonObject object, ContactRecord& out);

// Deal and task history (record_readers_history.cc).
void ReadDeal(MemberReader& in, JsonObject object, DealRecord& out);
void ReadDealUpdate(MemberReader& in, JsonObject object, DealUpdateRecord& out);
void ReadStageChange(MemberReader& in, JsonObject object, StageChangeRecord& out);
void ReadActivity(MemberReader& in, JsonObject object, ActivityRecord& out);
void ReadTask(MemberReader& in, JsonObject object, TaskRecord& out);
void ReadTaskUpdate(MemberReader& in, JsonObject object, TaskUpdateRecord& out);

// True for the envelope members every record may carry.
inline bool IsEnvelope(std::string_view key) {
  return key == "type" || key == "event_id";
}

// True for an ISO 4217-shaped code: three uppercase Latin letters ("RUB").
inline bool IsCurrencyCode(std::string_view text) {
  if (text.size() != 3) return false;
  for (char c : text) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

}  // namespace voronka::ingest
