// Canonical records as rows of the fact tables (schema.h), in TabSeparated ready to insert.
#pragma once

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "model/records.h"

namespace voronka::clickhouse {

// An optional time that is absent (the engine's kNoTime).
inline constexpr int64_t kAbsentTime = std::numeric_limits<int64_t>::min();

// The tables a record writes to, in the order of FactTables() (batches excepted).
enum class FactTable : uint8_t {
  kSettings, kUsers, kDepartments, kPipelines, kCompanies, kContacts, kDeals, kDealUpdates,
  kDealFields, kStageChanges, kActivities, kTasks, kTaskUpdates, kGoals, kEvents,
};
inline constexpr size_t kFactTableCount = 15;

// The TabSeparated bodies of one batch (or chunk), one per table.
class FactRows {
 public:
  FactRows(std::string_view ws, uint64_t batch) : ws_(ws), batch_(batch) {}
  // Appends the rows of `record`, the `seq`th of the batch (its line).
  void Add(const Record& record, uint32_t seq);
  const std::string& body(FactTable table) const { return bodies_[static_cast<size_t>(table)]; }
  void Clear();

 private:
  class Row;
  Row Start(FactTable table, uint32_t seq);
  void AddRecord(const WorkspaceRecord& r, uint32_t seq);
  void AddRecord(const UserRecord& r, uint32_t seq);
  void AddRecord(const DepartmentRecord& r, uint32_t seq);
  void AddRecord(const PipelineRecord& r, uint32_t seq);
  void AddRecord(const DealRecord& r, uint32_t seq);
  void AddRecord(const DealUpdateRecord& r, uint32_t seq);
  void AddRecord(const StageChangeRecord& r, uint32_t seq);
  void AddRecord(const ActivityRecord& r, uint32_t seq);
  void AddRecord(const TaskRecord& r, uint32_t seq);
  void AddRecord(const TaskUpdateRecord& r, uint32_t seq);
  void AddRecord(const GoalRecord& r, uint32_t seq);
  void AddRecord(const CompanyRecord& r, uint32_t seq);
  void AddRecord(const ContactRecord& r, uint32_t seq);
  void AddFields(std::string_view deal_id, int64_t key, const std::vector<CustomField>& fields,
                 uint32_t seq);

  std::string ws_;
  uint64_t batch_;
  std::array<std::string, kFactTableCount> bodies_;
};

}  // namespace voronka::clickhouse
