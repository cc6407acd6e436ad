#include "metrics/answer.h"

#include <set>

#include "metrics/format.h"
#include "model/json_writer.h"
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
void WriteExtras(const AnswerSource& s, const Cell& cell, const AnswerKey& key, JsonWriter& row) {
  switch (s.request->metric->kind) {
    case ValueKind::kMinutesMean:
      row.Member("median", Median(cell));
      break;
    case ValueKind::kForecast:
      row.Member("weighted", FormatMoney(cell.b));
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
      row.Key("capacity");
      capacity == kNone ? row.Null() : row.Int(capacity);
      row.Key("load");
      capacity <= 0 ? row.Null() : row.Double(RoundTo(static_cast<double>(cell.a) / capacity, 4));
    }
  }
}

void WritePeriod(JsonWriter& out, const Period& period) {
  out.BeginObject().Member("from", FormatDate(period.from)).Member("to", FormatDate(period.to));
  out.EndObject();
}

}  // namespace

json PeriodJson(const Period& period) {
  return {{"from", FormatDate(period.from)}, {"to", FormatDate(period.to)}};
}

std::string PrintGoalAnswer(json goals, const ReportRequest& request) {
  goals["period"] = PeriodJson(request.period);
  goals["as_of"] = FormatInstant(request.as_of);
  return goals.dump(-1, ' ', false, json::error_handler_t::replace);
}

// Written as text, not built as a tree first: a by-manager report of 24 months has 12 000 rows,
// and their tree's allocations were most of the report's time.
std::string PrintAnswer(const AnswerSource& s) {
  const ReportRequest& request = *s.request;
  const auto& group_by = request.group_by;
  ValueKind kind = request.metric->kind;
  std::map<std::string, std::map<std::string, std::string>> labels;
  static const Cell kEmpty;
  std::string text;
  JsonWriter out(text);
  std::string group;  // the row's group object, written once per key and copied per bucket
  out.BeginObject().Member("metric", request.metric->name).Key("period");
  WritePeriod(out, request.period);
  out.Member("as_of", FormatInstant(request.as_of)).Key("rows").BeginArray();
  for (const AnswerKey& key : OrderedKeys(s)) {
    group.clear();
    JsonWriter group_out(group);
    group_out.BeginObject();
    if (key.stage_row != kNone) {
      const auto& [stage, name] = s.stage_rows[Row(key.stage_row)];
      group_out.Member("stage", stage);
      labels["stage"][stage] = name;
    }
    for (size_t k = 0; k < group_by.size(); ++k) {
      const std::string& value = key.keys[k];
      labels[group_by[k].name][value] = value.empty() ? std::string() : s.label(k, value);
      group_out.Member(group_by[k].name, value);
    }
    group_out.EndObject();
    auto main_row = s.main->rows.find(key);
    const std::vector<Cell>* cells = main_row == s.main->rows.end() ? nullptr : &main_row->second;
    const std::vector<Cell>* compared_cells = nullptr;
    if (s.compared != nullptr) {
      auto found = s.compared->rows.find(key);
      if (found != s.compared->rows.end()) compared_cells = &found->second;
    }
    for (int32_t b = 0; b < s.buckets->count(); ++b) {
      const Cell& cell = cells ? (*cells)[Row(b)] : kEmpty;
      out.BeginObject().Key("group").Raw(group);
      if (request.granularity != Granularity::kNone) out.Member("bucket", s.buckets->Label(b));
      out.Member("value", FormatValue(cell, kind));
      WriteExtras(s, cell, key, out);
      if (s.compared != nullptr) {
        bool in_compared = b < s.compared_buckets->count();
        const Cell& other = compared_cells && in_compared ? (*compared_cells)[Row(b)] : kEmpty;
        out.Key("compare");
        in_compared ? out.Value(FormatValue(other, kind)) : out.Null();
      }
      out.EndObject();
    }
  }
  out.EndArray();

  const Cell& total = s.main->total;
  out.Member("total", FormatValue(total, kind)).Key("labels").BeginObject();
  for (const auto& [name, values] : labels) {
    out.Key(name).BeginObject();
    for (const auto& [value, label] : values) out.Member(value, label);
    out.EndObject();
  }
  out.EndObject();
  if (kind == ValueKind::kForecast) out.Member("total_weighted", FormatMoney(total.b));
  if (kind == ValueKind::kMinutesMean) out.Member("total_median", Median(total));
  if (!s.pipeline.empty()) out.Member("pipeline", s.pipeline);
  if (s.compared != nullptr) {
    out.Key("compare_period");
    WritePeriod(out, *s.compared_period);
    out.Member("total_compare", FormatValue(s.compared->total, kind));
  }
  out.EndObject();
  return text;
}

}  // namespace voronka
