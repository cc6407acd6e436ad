#include "metrics/answer.h"

#include <set>

#include "metrics/format.h"
#include "model/money.h"

namespace voronka {

namespace {

using nlohmann::json;

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

// Row keys in answer order: stage row first (stage order), then each key's text. Per-stage
// metrics answer one row per stage for every group seen.
std::vector<AnswerKey> OrderedKeys(const AnswerSource& s) {
  std::set<AnswerKey> keys;
  std::set<AnswerKey> groups;  // the keys without their stage row
  auto take = [&](const AnswerCells& cells) {
    for (const auto& [key, row] : cells.rows) {
      keys.insert(key);
      AnswerKey group = key;
      group.stage_row = kNone;
      groups.insert(std::move(group));
    }
  };
  take(*s.main);
  if (s.compared != nullptr) take(*s.compared);
  if (s.request->group_by.empty()) {
    groups.insert(AnswerKey{});
    if (s.stage_rows.empty()) keys.insert(AnswerKey{});
  }
  for (AnswerKey group : groups) {
    for (size_t r = 0; r < s.stage_rows.size(); ++r) {
      group.stage_row = static_cast<int32_t>(r);
      keys.insert(group);
    }
  }
  return {keys.begin(), keys.end()};
}

// The extra members a row carries for some metrics (median, weighted amount, capacity).
void AddExtras(const AnswerSource& s, const Cell& cell, const AnswerKey& key, json& row) {
  switch (s.request->metric->kind) {
    case ValueKind::kMinutesMean:
      row["median"] = Median(cell);
      break;
    case ValueKind::kForecast:
      row["weighted"] = FormatMoney(cell.b);
      break;
    default:
      break;
  }
  if (s.request->metric->id == MetricId::kLoad) {
    const auto& group_by = s.request->group_by;
    for (size_t k = 0; k < group_by.size(); ++k) {
      if (group_by[k].dimension != Dimension::kResponsible) continue;
      const std::string& user = key.keys[k];
      int32_t capacity = user.empty() ? kNone : s.capacity(user);
      row["capacity"] = capacity == kNone ? json(nullptr) : json(capacity);
      row["load"] =
          capacity <= 0 ? json(nullptr) : json(RoundTo(static_cast<double>(cell.a) / capacity, 4));
    }
  }
}

}  // namespace

json PeriodJson(const Period& period) {
  return {{"from", FormatDate(period.from)}, {"to", FormatDate(period.to)}};
}

json PrintAnswer(const AnswerSource& s) {
  const ReportRequest& request = *s.request;
  const auto& group_by = request.group_by;
  ValueKind kind = request.metric->kind;
  json rows = json::array();
  std::map<std::string, std::map<std::string, std::string>> labels;
  static const Cell kEmpty;
  for (const AnswerKey& key : OrderedKeys(s)) {
    json group = json::object();
    if (key.stage_row != kNone) {
      const auto& [stage, name] = s.stage_rows[Row(key.stage_row)];
      group["stage"] = stage;
      labels["stage"][stage] = name;
    }
    for (size_t k = 0; k < group_by.size(); ++k) {
      const std::string& text = key.keys[k];
      labels[group_by[k].name][text] = text.empty() ? std::string() : s.label(k, text);
      group[group_by[k].name] = text;
    }
    auto main_row = s.main->rows.find(key);
    const std::vector<Cell>* cells = main_row == s.main->rows.end() ? nullptr : &main_row->second;
    const std::vector<Cell>* compared_cells = nullptr;
    if (s.compared != nullptr) {
      auto found = s.compared->rows.find(key);
      if (found != s.compared->rows.end()) compared_cells = &found->second;
    }
    for (int32_t b = 0; b < s.buckets->count(); ++b) {
      const Cell& cell = cells ? (*cells)[Row(b)] : kEmpty;
      json row = {{"group", group}};
      if (request.granularity != Granularity::kNone) row["bucket"] = s.buckets->Label(b);
      row["value"] = FormatValue(cell, kind);
      AddExtras(s, cell, key, row);
      if (s.compared != nullptr) {
        bool in_compared = b < s.compared_buckets->count();
        const Cell& other = compared_cells && in_compared ? (*compared_cells)[Row(b)] : kEmpty;
        row["compare"] = in_compared ? FormatValue(other, kind) : json(nullptr);
      }
      rows.push_back(std::move(row));
    }
  }

  const Cell& total = s.main->total;
  json answer = {{"metric", request.metric->name},        {"period", PeriodJson(request.period)},
                 {"as_of", FormatInstant(request.as_of)}, {"rows", std::move(rows)},
                 {"total", FormatValue(total, kind)},     {"labels", labels}};
  if (kind == ValueKind::kForecast) answer["total_weighted"] = FormatMoney(total.b);
  if (kind == ValueKind::kMinutesMean) answer["total_median"] = Median(total);
  if (!s.pipeline.empty()) answer["pipeline"] = s.pipeline;
  if (s.compared != nullptr) {
    answer["compare_period"] = PeriodJson(*s.compared_period);
    answer["total_compare"] = FormatValue(s.compared->total, kind);
  }
  return answer;
}

}  // namespace voronka
