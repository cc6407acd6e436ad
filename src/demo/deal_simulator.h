// The life of one demo deal (and of the lead it came from): stages over realistic days with
// backward moves, mistaken wins, stalls that leave deals forgotten, calls, e-mails, meetings,
// tasks, amount and owner changes; written as canonical records.
#pragma once

#include <cstdint>
#include <vector>

#include "demo/customers.h"
#include "demo/history_clock.h"
#include "demo/ndjson_writer.h"
#include "demo/organization.h"
#include "demo/random.h"
#include "demo/vocabulary.h"
#include "model/records.h"

namespace voronka::demo {

class DealSimulator {
 public:
  DealSimulator(const HistoryClock& clock, const Organization& org, const Vocabulary& words,
                CustomerBook& customers, Random& random, NdjsonWriter& out);

  // Writes deal D<number> created on history `day`: the lead it was converted from if any, the
  // deal with its stage changes, updates, activities and tasks, then any leads that did not
  // convert.
  void Generate(int64_t number, int32_t day);

  // Won amount (minor units) per manager and month: index manager * month_count + month.
  const std::vector<int64_t>& won_amounts() const { return won_amounts_; }

 private:
  enum class Outcome : uint8_t { kOpen, kWon, kLost };
  enum class UpdateKind : uint8_t { kAmount, kResponsible, kLossReason, kContractDate };

  struct Transition {
    int64_t at;
    int32_t stage;  // index into the pipeline's stage ids
  };
  struct Update {
    int64_t at;
    UpdateKind kind;
    int64_t value;  // amount, manager, loss reason, or the history moment of the date
  };
  struct Segment {
    int64_t from;
    int32_t manager;
  };
  struct PlannedActivity {
    int64_t at;
    ActivityKind kind;
    Direction direction;
    int32_t duration_s;  // -1: none
    int32_t score;       // -1: none
    const char* source;  // nullptr: none
  };
  struct PlannedTask {
    int64_t created;
    int64_t deadline;
    int64_t completed;  // -1: still open
    int32_t title;
  };

  // Everything decided about one deal or lead before it is written.
  struct Deal {
    char prefix = 'D';  // 'D' deals, 'L' leads
    int64_t number = 0;
    PipelineKind pipeline = kSales;
    int64_t created = 0;
    int32_t manager = 0;
    Party party;
    bool repeat = false;
    int32_t source = -1;  // index into kSources; -1: none
    int32_t deal_type = -1;
    int64_t amount = 0;  // minor units at creation
    int64_t final_amount = 0;
    double win_chance = 0;
    bool delivery = false;
    int32_t region = 0;
    uint32_t products = 0;  // bit mask over words.products
    Outcome outcome = Outcome::kOpen;
    int64_t close_at = -1;
    int64_t quiet_from = -1;   // start of a stall: no touches from here until close or the end
    int64_t activity_end = 0;  // first moment with no more activities or tasks
  };

  void PlanPath(Deal& deal);
  void PlanOwners(Deal& deal);
  void PlanActivities(Deal& deal);
  void PlanTasks(const Deal& deal);
  void RecordOutcome(const Deal& deal);
  int32_t UserAt(int64_t t) const;
  void Touch(const Deal& deal, int64_t at);
  void Opening(const Deal& deal, int64_t at);
  int64_t Amount(double roubles);
  // Writes the deal record and everything planned for it.
  void Write(const Deal& deal, const char* title_word, bool with_fields);

  // A lead converted into the deal `deal_number` at `converted_at`; written before the deal.
  bool PlanConvertedLead(Deal& lead, const Deal& deal);
  void WriteLeadConversion(const Deal& lead, const Deal& deal);
  void GenerateUnconvertedLead(const Deal& deal);

  const HistoryClock& clock_;
  const Organization& org_;
  const Vocabulary& words_;
  CustomerBook& customers_;
  Random& random_;
  NdjsonWriter& out_;

  int64_t lead_count_ = 0;
  int64_t activity_count_ = 0;
  int64_t task_count_ = 0;
  std::vector<int64_t> won_amounts_;

  // Scratch for the deal being generated, reused so a deal costs no allocation.
  std::vector<Transition> transitions_;
  std::vector<Update> updates_;
  std::vector<Segment> owners_;
  std::vector<PlannedActivity> activities_;
  std::vector<PlannedTask> tasks_;
};

}  // namespace voronka::demo
