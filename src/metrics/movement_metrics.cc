// Movement metrics: the cohort funnel and transitions between stages of one pipeline, exactly
// as SPEC §4 defines them with positions (open stages 0..K-1, won stages K, lost none).
#include <algorithm>

#include "engine/deal_state.h"
#include "metrics/scans.h"

namespace voronka {

namespace {

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

void ScanFunnel(const ScanContext& c, Collector& out) {
  const Tables& t = *c.tables;
  bool conversion = c.metric->id == MetricId::kFunnelConversion;
  int32_t open_count = t.pipelines.open_stage_count[Row(c.pipeline)];
  int32_t rows = static_cast<int32_t>(c.row_stage.size());
  std::vector<uint8_t> won_reached(Row(rows), 0);
  auto deal_of_cohort = [&](int32_t d) {
    if (!c.DealPasses(d)) return;
    int32_t bucket = c.buckets->IndexOf(t.deals.created_at[Row(d)]);
    if (bucket < 0) return;
    // The highest position the deal was ever on before T, and which won stages it was on.
    int32_t max_position = kNone;
    std::fill(won_reached.begin(), won_reached.end(), 0);
    ForEachVisit(t, d, c.horizon, [&](const Visit& visit) {
      int32_t position = c.Position(visit.stage);
      if (position == kNone) return;
      max_position = std::max(max_position, position);
      int32_t row = c.stage_row[Row(visit.stage)];
      if (row >= open_count) won_reached[Row(row)] = 1;
    });
    if (max_position == kNone) return;
    int64_t won_sum = 0;
    for (int32_t r = open_count; r < rows; ++r) won_sum += won_reached[Row(r)];
    Item item = DealItem(c, d);
    int32_t last_open = std::min(max_position, open_count - 1);
    if (!conversion) {
      // Row 0 is the cohort that entered the funnel: it is also the total.
      for (int32_t k = 0; k <= last_open; ++k) {
        out.Add(item, k, bucket, {1, 0, 0}, k == 0 ? Target::kRowAndTotal : Target::kRowOnly);
      }
      for (int32_t r = open_count; r < rows; ++r) {
        if (won_reached[Row(r)]) out.Add(item, r, bucket, {1, 0, 0}, Target::kRowOnly);
      }
      return;
    }
    // Row j: reached(j) / reached(j-1); won rows: the sum over won stages / reached(K-1);
    // the total: the overall conversion, won rows over the first row.
    for (int32_t j = 1; j < open_count && j <= last_open + 1; ++j) {
      out.Add(item, j, bucket, {j <= max_position ? 1 : 0, 1, 0}, Target::kRowOnly);
    }
    if (max_position >= open_count - 1) {
      for (int32_t r = open_count; r < rows; ++r) {
        out.Add(item, r, bucket, {won_sum, 1, 0}, Target::kRowOnly);
      }
    }
    out.Add(item, kNone, bucket, {won_sum, 1, 0}, Target::kTotalOnly);
  };
  // The cohort is the deals created in the period: read through the creation index when its
  // weeks hold a minority of the deals, else in one pass.
  const TimeIndex& created = t.deals.created_index;
  int64_t candidates = created.CandidateCount(c.buckets->start(), c.buckets->end());
  if (candidates < t.deals.size() / 4) {
    c.Scanned(candidates, 4 + 9);
    created.ForEachCandidate(c.buckets->start(), c.buckets->end(), deal_of_cohort);
    return;
  }
  c.Scanned(t.deals.size(), 9);
  for (int32_t d = 0; d < t.deals.size(); ++d) deal_of_cohort(d);
}

void ScanTransitions(const ScanContext& c, Collector& out) {
  const Tables& t = *c.tables;
  MetricId metric = c.metric->id;
  for (int32_t d = 0; d < t.deals.size(); ++d) {
    if (!c.DealPasses(d)) continue;
    int32_t owner = t.deals.responsible.value[Row(d)];
    ForEachVisit(t, d, c.horizon, [&](const Visit& visit) {
      if (visit.end == kNoTime) return;
      int32_t bucket = c.buckets->IndexOf(visit.end);
      if (bucket < 0) return;
      int32_t from = c.Position(visit.stage);
      int32_t to = c.Position(visit.next_stage);
      Item change{ItemKind::kStageChange, d, d, owner, visit.end};
      switch (metric) {
        case MetricId::kStageMovement:
          if (from == kNone || to == kNone) return;
          // Boundary j (row j-1) lies between positions j-1 and j.
          for (int32_t j = from + 1; j <= to; ++j) out.Add(change, j - 1, bucket, {1, 0, 0});
          for (int32_t j = to + 1; j <= from; ++j) out.Add(change, j - 1, bucket, {-1, 0, 0});
          return;
        case MetricId::kLostFromStage:
          if (visit.next_stage != kNone && c.stage_row[Row(visit.stage)] != kNone &&
              t.stages.semantic[Row(visit.next_stage)] == StageSemantic::kLost) {
            out.Add(change, c.stage_row[Row(visit.stage)], bucket, {1, 0, 0});
          }
          return;
        case MetricId::kStageTimeDays:
        case MetricId::kStageConversion: {
          int32_t row = c.stage_row[Row(visit.stage)];
          if (row == kNone) return;
          Item item = DealItem(c, d);
          if (metric == MetricId::kStageTimeDays) {
            double days =
                static_cast<double>(visit.end - visit.start) / static_cast<double>(kMicrosPerDay);
            out.Add(item, row, bucket, {0, 1, days});
          } else {
            bool forward = to != kNone && to > from;
            out.Add(item, row, bucket, {forward ? 1 : 0, 1, 0});
          }
          return;
        }
        default:
          return;
      }
    });
  }
}

}  // namespace

void ScanMovement(const ScanContext& c, Collector& out) {
  if (c.metric->id == MetricId::kFunnel || c.metric->id == MetricId::kFunnelConversion) {
    ScanFunnel(c, out);
  } else {
    ScanTransitions(c, out);
  }
}

}  // namespace voronka
