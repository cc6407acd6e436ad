#include "engine/deal_state.h"

namespace voronka {

namespace {

StageSemantic SemanticOf(const Tables& tables, int32_t stage) {
  return stage == kNone ? StageSemantic::kOpen : tables.stages.semantic[static_cast<size_t>(stage)];
}

}  // namespace

DealMoment DealStateBefore(const Tables& tables, int32_t deal, int64_t limit) {
  const DealTable& deals = tables.deals;
  size_t row = static_cast<size_t>(deal);
  DealMoment moment;
  if (!deals.defined[row] || deals.created_at[row] >= limit) return moment;
  for (const StageEntry& entry : deals.history[row]) {
    if (entry.at >= limit) break;
    if (entry.stage == moment.stage && moment.outcome != Outcome::kNotCreated) continue;
    moment.stage = entry.stage;
    moment.entered = entry.at;
    moment.outcome = Outcome::kOpen;
  }
  if (moment.outcome == Outcome::kNotCreated) {
    // Created before `limit` but its first stage entry is later (bad data): open, no stage.
    moment.outcome = Outcome::kOpen;
    return moment;
  }
  StageSemantic semantic = SemanticOf(tables, moment.stage);
  if (semantic != StageSemantic::kOpen) {
    moment.outcome = semantic == StageSemantic::kWon ? Outcome::kWon : Outcome::kLost;
    moment.close = moment.entered;
  } else if (deals.entity[row] == Entity::kLead && deals.converted_to.value[row] != kNone) {
    int64_t converted_at = deals.converted_to.key[row] >> 1;  // keys are 2t or 2t+1
    if (converted_at < limit) {
      moment.outcome = Outcome::kWon;
      moment.close = converted_at;
    }
  }
  return moment;
}

DealMoment DealStateLatest(const Tables& tables, int32_t deal) {
  return DealStateBefore(tables, deal, std::numeric_limits<int64_t>::max());
}

int32_t DefaultPipeline(const Tables& tables) {
  for (int32_t p = 0; p < tables.pipelines.ids.size(); ++p) {
    if (tables.pipelines.entity[static_cast<size_t>(p)] == Entity::kDeal &&
        !tables.pipelines.stages[static_cast<size_t>(p)].empty()) {
      return p;
    }
  }
  return tables.pipelines.ids.size() > 0 ? 0 : kNone;
}

}  // namespace voronka
