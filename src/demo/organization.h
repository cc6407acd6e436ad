// The demo company: departments, managers of different strength, pipelines and their stages.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "demo/history_clock.h"
#include "demo/ndjson_writer.h"
#include "demo/random.h"
#include "demo/vocabulary.h"

namespace voronka::demo {

enum PipelineKind : int32_t { kSales, kPurchasing, kEnterprise, kLeads, kPipelineCount };

// A pipeline's stage ids in order: `open_count` open stages, then one won and one lost stage.
struct PipelineShape {
  const char* id;
  std::span<const char* const> stage_ids;
  int32_t open_count;
  int32_t won() const { return open_count; }
  int32_t lost() const { return open_count + 1; }
};

// The shape of each demo pipeline, indexed by PipelineKind. Stage ids are the same in every
// locale; only names are translated.
const PipelineShape& Shape(PipelineKind kind);

enum Department : int32_t {
  kSalesDept,
  kRegionalDept,
  kEnterpriseDept,
  kPurchasingDept,
  kDepartmentCount
};

// One user. Traits are multipliers around 1.0 for an average manager.
struct Manager {
  Department department = kSalesDept;
  bool head = false;
  int32_t first_day = 0;      // hired on this history day
  int32_t last_day = 0;       // works until the day before; past the history when still active
  int32_t successor = -1;     // takes over open deals when this manager leaves
  bool left = false;          // left the company during the history (an inactive user now)
  double workload = 1;        // share of new deals
  double win_skill = 1;       // multiplies the chance to win
  double activity = 1;        // multiplies calls, e-mails, tasks
  double deal_size = 1;       // multiplies amounts
  double slowness = 1;        // multiplies days on each stage
  double stall_chance = 0;    // chance a deal is dropped and forgotten for weeks
  double reply_minutes = 30;  // typical delay before answering an incoming message
  int32_t capacity = 100;
};

class Organization {
 public:
  // About 5 + deals / 2000 managers plus four department heads; a few leave during the
  // history, a few join late.
  static Organization Build(int64_t deals, const HistoryClock& clock, Random& random);

  const std::vector<Manager>& managers() const { return managers_; }
  int32_t head(Department department) const { return heads_[department]; }
  bool IsActive(int32_t manager, int32_t day) const {
    const Manager& m = managers_[static_cast<size_t>(manager)];
    return day >= m.first_day && day < m.last_day;
  }
  // Who holds a deal of `manager` at `t`: the manager, or the colleague who took over after
  // the manager left.
  int32_t ResponsibleAt(int32_t manager, int64_t t) const;
  // A manager of a department serving `kind` who works on `day`, drawn by workload.
  int32_t Pick(PipelineKind kind, int32_t day, Random& random) const;
  // Someone else of the same department working on `day` (a reassignment), or the head.
  int32_t Colleague(int32_t manager, int32_t day, Random& random) const;

  // Writes the department, user and pipeline records.
  void Write(const Vocabulary& words, NdjsonWriter& out) const;

 private:
  std::vector<Manager> managers_;  // user id "u<index + 1>"
  std::array<int32_t, kDepartmentCount> heads_{};
  // Per pipeline kind: candidate managers and the running sum of their workloads.
  std::array<std::vector<int32_t>, kPipelineCount> pools_;
  std::array<std::vector<double>, kPipelineCount> pool_sums_;
};

}  // namespace voronka::demo
