// Activity metrics: activities (and tasks, stage changes for the index) with `at` in P, their
// own user as `responsible`, deal filters through the deal they belong to (SPEC §4).
#include <algorithm>
#include <unordered_map>

#include "engine/deal_state.h"
#include "metrics/scans.h"

namespace voronka {

namespace {

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

Item ActivityItem(const Tables& t, int32_t a) {
  return Item{ItemKind::kActivity, a, t.activities.deal[Row(a)], t.activities.user[Row(a)],
              kNoTime};
}

// Calls fn(row) for every activity that may lie in the period being scanned: the rows of the
// period's weeks through the time index when they are a minority, else every row in order.
template <typename Fn>
void ForEachActivityOfPeriod(const ScanContext& c, size_t row_bytes, Fn&& fn) {
  const ActivityTable& a = c.tables->activities;
  int64_t start = c.buckets->start(), end = c.buckets->end();
  int64_t candidates = a.at_index.CandidateCount(start, end);
  if (candidates < a.size() / 4) {
    c.Scanned(candidates, row_bytes + 4);
    a.at_index.ForEachCandidate(start, end, fn);
    return;
  }
  c.Scanned(a.size(), row_bytes);
  for (int32_t k = 0; k < a.size(); ++k) fn(k);
}

void ScanActivityIndex(const ScanContext& c, Collector& out) {
  const Tables& t = *c.tables;
  // Weights in half points, per kind (request or workspace settings; SPEC §4 defaults).
  const ActivityWeights& weights = c.request->activity_weights;
  ForEachActivityOfPeriod(c, 18, [&](int32_t a) {
    int64_t at = t.activities.at[Row(a)];
    if (at >= c.horizon || !c.ActivityPasses(a)) return;
    out.Add(ActivityItem(t, a), kNone, c.buckets->IndexOf(at),
            {weights[static_cast<size_t>(t.activities.kind[Row(a)])], 0, 0});
  });
  for (int32_t k = 0; k < t.tasks.size(); ++k) {
    int64_t completed = t.tasks.completed_at.value[Row(k)];
    if (completed == kNoTime || completed >= c.horizon || !c.TaskPasses(k)) continue;
    Item item{ItemKind::kTask, k, t.tasks.deal[Row(k)], t.tasks.user.value[Row(k)], kNoTime};
    out.Add(item, kNone, c.buckets->IndexOf(completed), {weights[kWeightOfTask], 0, 0});
  }
  if (c.kind_filter.active || c.direction_filter.active) return;  // only activities have kinds
  for (int32_t d = 0; d < t.deals.size(); ++d) {
    ForEachVisit(t, d, c.horizon, [&](const Visit& visit) {
      if (visit.end == kNoTime || visit.by == kNone || !c.UserThingPasses(visit.by, d)) return;
      Item change{ItemKind::kStageChange, d, d, visit.by, visit.end};
      out.Add(change, kNone, c.buckets->IndexOf(visit.end),
              {weights[kWeightOfStageChange], 0, 0});
    });
  }
}

// activity_count from the per-user hourly roll-up (ActivityTable::hourly) instead of a pass
// over activities, when the answer depends only on each activity's user and hour: no kind,
// direction or deal filter, everything visible, grouped by nothing, responsible or department,
// every bucket bound on a whole UTC hour (zones with half-hour offsets scan) and T after the
// period. False when the request does not qualify (the caller scans).
bool CountFromRollup(const ScanContext& c, Collector& out) {
  if (c.metric->id != MetricId::kActivityCount || out.listing()) return false;
  if (c.kind_filter.active || c.direction_filter.active || c.deal_attr_filtered ||
      !c.all_visible) {
    return false;
  }
  for (const DimensionRef& key : c.request->group_by) {
    if (key.dimension != Dimension::kResponsible && key.dimension != Dimension::kDepartment) {
      return false;
    }
  }
  const Buckets& buckets = *c.buckets;
  if (c.horizon < buckets.end()) return false;
  for (int32_t b = 0; b <= buckets.count(); ++b) {
    int64_t bound = b < buckets.count() ? buckets.Begin(b) : buckets.end();
    if (bound % ActivityRollup::kMicrosPerHour != 0) return false;
  }
  const ActivityRollup& hourly = c.tables->activities.hourly;
  for (int32_t b = 0; b < buckets.count(); ++b) {
    int64_t cells = hourly.ForEachUserCount(buckets.Begin(b), buckets.End(b),
                                            [&](int32_t user, int64_t count) {
      if (c.user_filtered && (user == kNone || !c.user_pass[Row(user)])) return;
      out.Add(Item{ItemKind::kActivity, kNone, kNone, user, kNoTime}, kNone, b, {count, 0, 0});
    });
    c.Scanned(cells, 4);
  }
  return true;
}

bool IsIncomingMessage(ActivityKind kind) {
  return kind == ActivityKind::kCall || kind == ActivityKind::kEmail ||
         kind == ActivityKind::kSms || kind == ActivityKind::kChat ||
         kind == ActivityKind::kWebform;
}

// The conversation an activity belongs to: its deal, else its contact; -1 for neither.
int64_t ThreadKey(const Tables& t, int32_t a) {
  if (t.activities.deal[Row(a)] != kNone) return t.activities.deal[Row(a)];
  if (t.activities.contact[Row(a)] != kNone) {
    return int64_t{t.deals.size()} + t.activities.contact[Row(a)];
  }
  return -1;
}

void ScanResponseTime(const ScanContext& c, Collector& out) {
  const Tables& t = *c.tables;
  std::unordered_map<int64_t, std::vector<int64_t>> outgoing;  // thread -> sorted times
  for (int32_t a = 0; a < t.activities.size(); ++a) {
    int64_t key = ThreadKey(t, a);
    if (key < 0 || t.activities.direction[Row(a)] != Direction::kOut ||
        t.activities.at[Row(a)] >= c.horizon) {
      continue;
    }
    outgoing[key].push_back(t.activities.at[Row(a)]);
  }
  for (auto& [key, times] : outgoing) std::sort(times.begin(), times.end());
  for (int32_t a = 0; a < t.activities.size(); ++a) {
    int64_t at = t.activities.at[Row(a)];
    if (t.activities.direction[Row(a)] != Direction::kIn ||
        !IsIncomingMessage(t.activities.kind[Row(a)]) || at >= c.horizon || !c.ActivityPasses(a)) {
      continue;
    }
    auto thread = outgoing.find(ThreadKey(t, a));
    if (thread == outgoing.end()) continue;
    auto answer = std::lower_bound(thread->second.begin(), thread->second.end(), at);
    if (answer == thread->second.end()) continue;  // not answered before T
    double minutes = static_cast<double>(*answer - at) / static_cast<double>(kMicrosPerMinute);
    out.Add(ActivityItem(t, a), kNone, c.buckets->IndexOf(at), {0, 1, minutes});
  }
}

}  // namespace

void ScanActivity(const ScanContext& c, Collector& out) {
  const Tables& t = *c.tables;
  switch (c.metric->id) {
    case MetricId::kActivityIndex:
      ScanActivityIndex(c, out);
      return;
    case MetricId::kResponseTime:
      ScanResponseTime(c, out);
      return;
    default:
      break;
  }
  if (CountFromRollup(c, out)) return;
  bool nps = c.metric->id == MetricId::kNps;
  ForEachActivityOfPeriod(c, 18, [&](int32_t a) {
    int64_t at = t.activities.at[Row(a)];
    if (at >= c.horizon) return;
    int32_t bucket = c.buckets->IndexOf(at);
    if (bucket < 0 || !c.ActivityPasses(a)) return;
    if (!nps) {
      out.Add(ActivityItem(t, a), kNone, bucket, {1, 0, 0});
      return;
    }
    int32_t score = t.activities.score[Row(a)];
    if (t.activities.kind[Row(a)] != ActivityKind::kNps || score < 0) return;
    int64_t sign = score >= 9 ? 1 : (score <= 6 ? -1 : 0);  // promoter, detractor, passive
    out.Add(ActivityItem(t, a), kNone, bucket, {sign, 1, 0});
  });
}

void RunScan(const ScanContext& c, Collector& out) {
  switch (c.metric->family) {
    case MetricFamily::kOutcome:
      ScanOutcome(c, out);
      return;
    case MetricFamily::kState:
      ScanState(c, out);
      return;
    case MetricFamily::kMovement:
      ScanMovement(c, out);
      return;
    case MetricFamily::kActivity:
      ScanActivity(c, out);
      return;
    case MetricFamily::kMembership:
      ScanMembership(c, out);
      return;
    case MetricFamily::kGoal:
      return;
  }
}

bool ScanSplitsByDeal(const ScanContext& c) {
  return c.metric->family == MetricFamily::kOutcome && OutcomeSplitsByDeal(c);
}

void RunScanPart(const ScanContext& c, Collector& out, DealRows rows) {
  if (c.metric->family == MetricFamily::kOutcome) ScanOutcome(c, out, rows);
}

}  // namespace voronka
