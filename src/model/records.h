// Canonical records (SPEC §2): what every way in produces and every way out consumes.
// Plain values; the ingest parser fills them, the store persists them, the engine applies them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "model/time.h"

namespace voronka {

enum class Entity : uint8_t { kDeal, kLead };
enum class StageSemantic : uint8_t { kOpen, kWon, kLost };
enum class ActivityKind : uint8_t {
  kCall, kEmail, kMeeting, kSms, kChat, kWebform, kComment, kFile, kNps, kOther
};
enum class Direction : uint8_t { kIn, kOut, kNone };
enum class GoalScope : uint8_t { kWorkspace, kDepartment, kUser };

// A custom-field value as it came in JSON: null, a string (also dates), a number, a bool,
// or a list of strings (a multi-list field).
struct FieldValue {
  enum class Kind : uint8_t { kNull, kString, kNumber, kBool, kList };
  Kind kind = Kind::kNull;
  std::string text;                // kString: the string; kNumber: the number as written
  double number = 0;               // kNumber
  bool boolean = false;            // kBool
  std::vector<std::string> items;  // kList
  bool operator==(const FieldValue&) const = default;
};

struct CustomField {
  std::string name;
  FieldValue value;
  bool operator==(const CustomField&) const = default;
};

// Workspace settings. Absent members leave the current setting as it is.
struct WorkspaceRecord {
  std::optional<std::string> name;
  std::optional<std::string> time_zone;  // IANA, validated
  std::optional<std::string> currency;
  std::optional<std::string> locale;     // ru | en | pl
  std::optional<std::string> deal_url;   // with {id}
  std::optional<int32_t> forgotten_days;
  bool operator==(const WorkspaceRecord&) const = default;
};

struct UserRecord {
  std::string id;
  std::string name;
  std::optional<std::string> department_id;
  bool active = true;
  std::optional<int32_t> capacity;  // max deals in work
  bool operator==(const UserRecord&) const = default;
};

struct DepartmentRecord {
  std::string id;
  std::string name;
  std::optional<std::string> parent_id;
  std::optional<std::string> head_id;
  bool operator==(const DepartmentRecord&) const = default;
};

struct StageDef {
  std::string id;
  std::string name;
  StageSemantic semantic = StageSemantic::kOpen;
  bool operator==(const StageDef&) const = default;
};

struct PipelineRecord {
  std::string id;
  std::string name;
  Entity entity = Entity::kDeal;
  std::vector<StageDef> stages;  // in pipeline order
  bool operator==(const PipelineRecord&) const = default;
};

struct DealRecord {
  std::string id;
  Entity entity = Entity::kDeal;
  std::string title;
  std::string pipeline_id;
  std::string stage_id;  // the stage at creation
  int64_t amount = 0;    // minor units, base currency
  std::optional<int64_t> original_amount;
  std::optional<std::string> original_currency;
  std::optional<std::string> responsible_id;
  std::optional<std::string> company_id;
  std::optional<std::string> contact_id;
  std::optional<std::string> source;
  std::optional<std::string> deal_type;
  Instant created_at;
  std::optional<std::string> loss_reason;
  std::optional<std::string> converted_to;  // a lead converted into this deal id
  std::vector<CustomField> fields;
  bool operator==(const DealRecord&) const = default;
};

// deal_update.set: each member present is set as of `at`; for the optional-string
// attributes, a present-but-null value (std::optional<std::optional<...>>) clears it.
struct DealUpdateRecord {
  std::string id;
  Instant at;
  std::optional<std::string> title;
  std::optional<int64_t> amount;
  std::optional<std::optional<std::string>> responsible_id;
  std::optional<std::optional<std::string>> company_id;
  std::optional<std::optional<std::string>> contact_id;
  std::optional<std::optional<std::string>> source;
  std::optional<std::optional<std::string>> deal_type;
  std::optional<std::optional<std::string>> loss_reason;
  std::optional<std::optional<std::string>> converted_to;
  std::vector<CustomField> fields;  // kNull clears the field
  bool operator==(const DealUpdateRecord&) const = default;
};

struct StageChangeRecord {
  std::string deal_id;
  std::optional<std::string> from;  // informative; the engine derives "from" from history
  std::string to;
  Instant at;
  std::optional<std::string> by;
  bool operator==(const StageChangeRecord&) const = default;
};

struct ActivityRecord {
  std::string id;
  ActivityKind kind = ActivityKind::kOther;
  Direction direction = Direction::kNone;
  std::optional<std::string> deal_id;
  std::optional<std::string> contact_id;
  std::optional<std::string> company_id;
  std::optional<std::string> user_id;
  Instant at;
  std::optional<int32_t> duration_s;
  std::optional<std::string> source;
  std::optional<int32_t> score;  // nps 0..10
  bool operator==(const ActivityRecord&) const = default;
};

struct TaskRecord {
  std::string id;
  std::optional<std::string> deal_id;
  std::optional<std::string> user_id;
  std::optional<std::string> title;
  Instant created_at;
  std::optional<Instant> deadline;
  std::optional<Instant> completed_at;
  bool operator==(const TaskRecord&) const = default;
};

struct TaskUpdateRecord {
  std::string id;
  Instant at;
  std::optional<std::optional<Instant>> completed_at;  // present-null reopens the task
  std::optional<std::optional<Instant>> deadline;
  std::optional<std::optional<std::string>> user_id;
  bool operator==(const TaskUpdateRecord&) const = default;
};

struct GoalRecord {
  std::string id;
  GoalScope scope = GoalScope::kWorkspace;
  std::optional<std::string> scope_id;  // department or user id; none for workspace
  std::string metric;                   // won_amount, won_count, or a count metric
  std::string period;                   // "2024-03", "2024-Q1" or "2024"
  int64_t target = 0;  // minor units for money metrics; a plain count for count metrics
  bool deleted = false;  // {"type":"goal","id":...,"deleted":true} withdraws the goal
  bool operator==(const GoalRecord&) const = default;
};

struct CompanyRecord {
  std::string id;
  std::string name;
  bool operator==(const CompanyRecord&) const = default;
};

struct ContactRecord {
  std::string id;
  std::string name;
  std::optional<std::string> company_id;
  bool operator==(const ContactRecord&) const = default;
};

using RecordBody =
    std::variant<WorkspaceRecord, UserRecord, DepartmentRecord, PipelineRecord, DealRecord,
                 DealUpdateRecord, StageChangeRecord, ActivityRecord, TaskRecord,
                 TaskUpdateRecord, GoalRecord, CompanyRecord, ContactRecord>;

// One canonical record with its envelope.
struct Record {
  std::optional<std::string> event_id;  // idempotency key; applied once per workspace
  RecordBody body;
  bool operator==(const Record&) const = default;
};

// The "type" of each record as written in NDJSON ("deal_update", ...).
const char* RecordTypeName(const RecordBody& body);

const char* EntityName(Entity entity);               // "deal" | "lead"
const char* StageSemanticName(StageSemantic value);  // "open" | "won" | "lost"
const char* ActivityKindName(ActivityKind kind);     // "call", "email", ...
const char* DirectionName(Direction direction);      // "in" | "out" | "none"
const char* GoalScopeName(GoalScope scope);          // "workspace" | "department" | "user"
std::optional<Entity> ParseEntity(std::string_view text);
std::optional<StageSemantic> ParseStageSemantic(std::string_view text);
std::optional<ActivityKind> ParseActivityKind(std::string_view text);
std::optional<Direction> ParseDirection(std::string_view text);
std::optional<GoalScope> ParseGoalScope(std::string_view text);

}  // namespace voronka
