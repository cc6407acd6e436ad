// State metrics: snapshots at M = min(end of the period or bucket, T) (SPEC §4). With a
// granularity every bucket is its own snapshot at its end; buckets starting after T are empty.
#include <algorithm>

#include "engine/deal_state.h"
#include "metrics/scans.h"

namespace voronka {

namespace {

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

// Per deal, the number of its tasks open at `limit` (created before it, not completed before it).
std::vector<int32_t> OpenTasksAt(const Tables& t, int64_t limit) {
  std::vector<int32_t> open(Row(t.deals.size()), 0);
  for (int32_t k = 0; k < t.tasks.size(); ++k) {
    size_t row = Row(k);
    int32_t deal = t.tasks.deal[row];
    if (!t.tasks.defined[row] || deal == kNone || t.tasks.created_at[row] >= limit) continue;
    int64_t completed = t.tasks.completed_at.value[row];
    if (completed == kNoTime || completed >= limit) ++open[Row(deal)];
  }
  return open;
}

// Per stage, won and lost counts of the deals closed at T that were ever on it: the
// probability of winning from a stage, measured on this workspace's own history.
struct StageOdds {
  std::vector<int64_t> won;
  std::vector<int64_t> lost;
};

StageOdds MeasureOdds(const ScanContext& c) {
  const Tables& t = *c.tables;
  StageOdds odds{std::vector<int64_t>(Row(t.stages.ids.size()), 0),
                 std::vector<int64_t>(Row(t.stages.ids.size()), 0)};
  std::vector<int32_t> seen;
  for (int32_t d = 0; d < t.deals.size(); ++d) {
    Outcome outcome = c.state[Row(d)].outcome;
    if (outcome != Outcome::kWon && outcome != Outcome::kLost) continue;
    seen.clear();
    for (const StageEntry& entry : t.deals.history[Row(d)]) {
      if (entry.at >= c.horizon) break;
      if (std::find(seen.begin(), seen.end(), entry.stage) != seen.end()) continue;
      seen.push_back(entry.stage);
      ++(outcome == Outcome::kWon ? odds.won : odds.lost)[Row(entry.stage)];
    }
  }
  return odds;
}

// amount * won / (won + lost), rounded half away from zero to whole minor units.
int64_t Weighted(int64_t amount, int64_t won, int64_t lost) {
  if (won + lost == 0) return 0;
  __int128 numerator = static_cast<__int128>(amount) * won * 2;
  __int128 denominator = static_cast<__int128>(won + lost) * 2;
  __int128 half = won + lost;
  return static_cast<int64_t>(numerator >= 0 ? (numerator + half) / denominator
                                             : (numerator - half) / denominator);
}

void ScanOverdueTasks(const ScanContext& c, Collector& out) {
  const TaskTable& tasks = c.tables->tasks;
  for (int32_t k = 0; k < tasks.size(); ++k) {
    size_t row = Row(k);
    int64_t deadline = tasks.deadline.value[row];
    if (!c.TaskPasses(k) || deadline == kNoTime || deadline >= c.as_of ||
        tasks.created_at[row] >= c.horizon) {
      continue;
    }
    int64_t completed = tasks.completed_at.value[row];
    if (completed != kNoTime && completed <= deadline) continue;  // done in time
    Item item{ItemKind::kTask, k, tasks.deal[row], tasks.user.value[row], kNoTime};
    out.Add(item, kNone, c.buckets->IndexOf(deadline), {1, 0, 0});
  }
}

}  // namespace

std::vector<int64_t> LastTouchBefore(const Tables& t, int64_t limit) {
  std::vector<int64_t> last(Row(t.deals.size()), kNoTime);
  auto touch = [&](int32_t deal, int64_t at) {
    if (deal != kNone && at != kNoTime && at < limit && at > last[Row(deal)]) last[Row(deal)] = at;
  };
  for (int32_t d = 0; d < t.deals.size(); ++d) {
    if (t.deals.defined[Row(d)]) touch(d, t.deals.created_at[Row(d)]);
    for (const StageEntry& entry : t.deals.history[Row(d)]) touch(d, entry.at);
  }
  for (int32_t a = 0; a < t.activities.size(); ++a)
    touch(t.activities.deal[Row(a)], t.activities.at[Row(a)]);
  for (int32_t k = 0; k < t.tasks.size(); ++k) {
    if (!t.tasks.defined[Row(k)]) continue;
    touch(t.tasks.deal[Row(k)], t.tasks.created_at[Row(k)]);
    touch(t.tasks.deal[Row(k)], t.tasks.completed_at.value[Row(k)]);
  }
  return last;
}

void ScanState(const ScanContext& c, Collector& out) {
  const Tables& t = *c.tables;
  MetricId metric = c.metric->id;
  if (metric == MetricId::kOverdueTasks) {
    ScanOverdueTasks(c, out);
    return;
  }
  bool forgotten = metric == MetricId::kForgottenCount || metric == MetricId::kForgottenAmount;
  StageOdds odds;
  if (metric == MetricId::kForecast) odds = MeasureOdds(c);
  int64_t forgotten_span = int64_t{c.request->forgotten_days} * kMicrosPerDay;

  // The total is the snapshot at M = min(end of period, T): the last bucket that has one.
  int32_t last_bucket = 0;
  while (last_bucket + 1 < c.buckets->count() && c.buckets->Begin(last_bucket + 1) < c.horizon) {
    ++last_bucket;
  }
  for (int32_t b = 0; b <= last_bucket; ++b) {
    if (c.buckets->Begin(b) >= c.horizon) break;  // a period after T has no snapshot
    Target target = b == last_bucket ? Target::kRowAndTotal : Target::kRowOnly;
    int64_t limit = std::min(c.buckets->End(b), c.horizon);
    int64_t moment = std::min(c.buckets->End(b), c.as_of);
    bool at_horizon = limit == c.horizon;
    std::vector<int64_t> last_touch;
    std::vector<int32_t> open_tasks;
    if (forgotten) last_touch = LastTouchBefore(t, limit);
    if (metric == MetricId::kNoTaskCount) open_tasks = OpenTasksAt(t, limit);

    for (int32_t d = 0; d < t.deals.size(); ++d) {
      size_t row = Row(d);
      if (!c.deal_pass[row]) continue;
      DealMoment m = at_horizon ? c.state[row] : DealStateBefore(t, d, limit);
      if (m.outcome != Outcome::kOpen) continue;
      int64_t amount = t.deals.amount.value[row];
      Item item = DealItem(c, d);
      switch (metric) {
        case MetricId::kInWorkCount:
        case MetricId::kLoad:
          out.Add(item, kNone, b, {1, 0, 0}, target);
          break;
        case MetricId::kInWorkAmount:
          out.Add(item, kNone, b, {amount, 0, 0}, target);
          break;
        case MetricId::kStageCount:
        case MetricId::kStageAmount:
        case MetricId::kStageAgeDays: {
          int32_t stage_row = m.stage == kNone ? kNone : c.stage_row[Row(m.stage)];
          if (stage_row == kNone) break;
          if (metric == MetricId::kStageCount) {
            out.Add(item, stage_row, b, {1, 0, 0}, target);
          } else if (metric == MetricId::kStageAmount) {
            out.Add(item, stage_row, b, {amount, 0, 0}, target);
          } else {
            double days =
                static_cast<double>(moment - m.entered) / static_cast<double>(kMicrosPerDay);
            out.Add(item, stage_row, b, {0, 1, days}, target);
          }
          break;
        }
        case MetricId::kForgottenCount:
        case MetricId::kForgottenAmount:
          if (moment - last_touch[row] >= forgotten_span) {
            out.Add(item, kNone, b, {metric == MetricId::kForgottenCount ? 1 : amount, 0, 0},
                    target);
          }
          break;
        case MetricId::kNoTaskCount:
          if (open_tasks[row] == 0) out.Add(item, kNone, b, {1, 0, 0}, target);
          break;
        case MetricId::kForecast: {
          int64_t weighted =
              m.stage == kNone ? 0
                               : Weighted(amount, odds.won[Row(m.stage)], odds.lost[Row(m.stage)]);
          out.Add(item, kNone, b, {amount, weighted, 0}, target);
          break;
        }
        default:
          break;
      }
    }
  }
}

}  // namespace voronka
