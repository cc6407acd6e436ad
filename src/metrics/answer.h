// The printed answer of a report (SPEC §3): rows in a stable order with every bucket filled,
// the total, the compared values and the labels. One printer for every backend (the embedded
// engine's scans and the ClickHouse report compiler), so both print the same cells alike.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "metrics/period.h"
#include "metrics/request.h"
#include "metrics/scan.h"

namespace voronka {

// A row's group: its stage row (kNone when not per-stage), then the text of each group key
// ("" for none). Ordered as the answer orders rows: stage row, then each key's text.
struct AnswerKey {
  int32_t stage_row = kNone;
  std::vector<std::string> keys;
  auto operator<=>(const AnswerKey&) const = default;
};

// The cells of one scan of a period: per row, a cell per bucket, and the total.
struct AnswerCells {
  std::map<AnswerKey, std::vector<Cell>> rows;
  Cell total;
};

struct AnswerSource {
  const ReportRequest* request = nullptr;
  // Per-stage metrics: each stage row's stage id and name, in row order.
  std::vector<std::pair<std::string, std::string>> stage_rows;
  const AnswerCells* main = nullptr;
  const Buckets* buckets = nullptr;
  // With compare: the compared period's cells and buckets.
  const AnswerCells* compared = nullptr;
  const Buckets* compared_buckets = nullptr;
  std::optional<Period> compared_period;
  // The display label of group key k's value `text` (never called for "").
  std::function<std::string(size_t k, const std::string& text)> label;
  // `load` only: a user's capacity (kNone when none).
  std::function<int32_t(const std::string& user)> capacity;
  std::string pipeline;  // per-stage metrics: the pipeline's id
};

// {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}.
nlohmann::json PeriodJson(const Period& period);

// The answer's JSON text: {"metric", "period", "as_of", "rows", "total", "labels"} and the
// compare, pipeline and extra members some metrics carry.
std::string PrintAnswer(const AnswerSource& source);
// The text of goal_progress's answer: its goals (GoalProgress) with the request's period and
// as_of.
std::string PrintGoalAnswer(nlohmann::json goals, const ReportRequest& request);

}  // namespace voronka
