#include "engine/deal_state.h"

namespace voronka {

namespace {

StageSemantic SemanticOf(const Tables& tables, int32_t stage) {
  return stage == kNone ? StageSemantic::kOpen : tables.stages.semantic[static_cast<size_t>(stage)];
}

}  // namespace

DealStateCursor::DealStateCursor(const Tables& tables, int32_t deal)
    : tables_(&tables), row_(static_cast<size_t>(deal)) {}

DealMoment DealStateCursor::Advance(int64_t limit) {
  const DealTable& deals = tables_->deals;
  DealMoment moment;
  if (!deals.defined[row_] || deals.created_at[row_] >= limit) return moment;
  const PackedList<StageEntry>& history = deals.history[row_];
  for (; next_ < history.size() && history[next_].at < limit; ++next_) {
    const StageEntry& entry = history[next_];
    if (entered_any_ && entry.stage == stage_) continue;  // a repeated entry: same visit
    stage_ = entry.stage;
    entered_ = entry.at;
    entered_any_ = true;
  }
  moment.outcome = Outcome::kOpen;
  if (!entered_any_) return moment;  // created before `limit`, first entry later (bad data)
  moment.stage = stage_;
  moment.entered = entered_;
  StageSemantic semantic = SemanticOf(*tables_, stage_);
  if (semantic != StageSemantic::kOpen) {
    moment.outcome = semantic == StageSemantic::kWon ? Outcome::kWon : Outcome::kLost;
    moment.close = moment.entered;
  } else if (deals.entity[row_] == Entity::kLead && deals.converted_to.value[row_] != kNone) {
    int64_t converted_at = deals.converted_to.key[row_] >> 1;  // keys are 2t or 2t+1
    if (converted_at < limit) {
      moment.outcome = Outcome::kWon;
      moment.close = converted_at;
    }
  }
  return moment;
}

DealMoment DealStateBefore(const Tables& tables, int32_t deal, int64_t limit) {
  return DealStateCursor(tables, deal).Advance(limit);
}

DealMoment DealStateLatest(const Tables& tables, int32_t deal) {
  return DealStateBefore(tables, deal, std::numeric_limits<int64_t>::max());
}

int32_t DefaultPipeline(const Tables& tables) {
  // The company's main funnel: the deal pipeline holding the most deals now. Ties go to the
  // smaller pipeline id, so the answer never depends on the order records arrived in.
  const size_t pipeline_count = tables.pipelines.ids.size();
  if (pipeline_count == 0) return kNone;
  // Counts kept on apply (DealTable::pipeline_deals), not a pass over every deal per request.
  std::vector<int64_t> deals = tables.deals.pipeline_deals;
  deals.resize(pipeline_count, 0);
  int32_t best = kNone;
  for (size_t p = 0; p < pipeline_count; ++p) {
    if (tables.pipelines.entity[p] != Entity::kDeal || tables.pipelines.stages[p].empty()) continue;
    if (best == kNone || deals[p] > deals[static_cast<size_t>(best)] ||
        (deals[p] == deals[static_cast<size_t>(best)] &&
         tables.pipelines.ids.Text(static_cast<int32_t>(p)) < tables.pipelines.ids.Text(best))) {
      best = static_cast<int32_t>(p);
    }
  }
  return best != kNone ? best : 0;
}

}  // namespace voronka
