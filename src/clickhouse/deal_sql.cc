#include "clickhouse/deal_sql.h"

#include <limits>

#include "clickhouse/client.h"

namespace voronka::clickhouse {

namespace {

// The deal attributes that follow "the latest `at` wins": name in the facts, alias here.
struct Attribute {
  const char* name;
  const char* alias;
};
constexpr Attribute kAttributes[] = {
    {"amount", "amount_v"},         {"responsible_id", "responsible_v"},
    {"company_id", "company_v"},    {"source", "source_v"},
    {"deal_type", "deal_type_v"},   {"loss_reason", "loss_reason_v"},
    {"converted_to", "converted_v"}};

}  // namespace

std::string Int(int64_t value) {
  // The most negative Int64 cannot be written as a literal (its negation overflows).
  if (value == std::numeric_limits<int64_t>::min()) return "toInt64(-9223372036854775807 - 1)";
  return "toInt64(" + std::to_string(value) + ")";
}

std::string StringArray(const std::vector<std::string>& texts) {
  std::string out = "CAST([";
  for (size_t i = 0; i < texts.size(); ++i) out += (i ? "," : "") + Quote(texts[i]);
  return out + "] AS Array(String))";
}

std::string IntArray(const std::vector<int64_t>& values) {
  std::string out = "CAST([";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + std::to_string(values[i]);
  return out + "] AS Array(Int64))";
}

// transform(expr, from, to, default) over string maps; the default alone when the map is empty.
std::string MapText(const std::string& expr, const std::vector<std::string>& from,
                    const std::vector<std::string>& to, const std::string& fallback) {
  if (from.empty()) return fallback;
  return "transform(" + expr + ", " + StringArray(from) + ", " + StringArray(to) + ", " + fallback +
         ")";
}

DealSql::DealSql(const Tables& directory, std::string committed, std::vector<std::string> fields,
                 bool touches)
    : committed_(std::move(committed)), fields_(std::move(fields)), touches_(touches) {
  for (int32_t s = 0; s < directory.stages.ids.size(); ++s) {
    stage_ids_.emplace_back(directory.stages.ids.Text(s));
    stage_semantics_.push_back(
        static_cast<int64_t>(directory.stages.semantic[static_cast<size_t>(s)]));
  }
}

// Every committed fact about the workspace's deals as one stream of tagged rows, folded per
// deal: 1 a deal record, 2 a version of an attribute, 3 a stage change (first arrival of
// each), 4 a custom field's latest value, 5 a touch by an activity or a task. Equal constants
// in one branch carry aliases: 18.16 mixes up unnamed duplicates when it drops the columns
// an outer query does not read ("There is no supertype for types Array(String), ..., UInt8").
std::string DealSql::Facts() const {
  std::string attrs = "[";
  for (size_t i = 0; i < std::size(kAttributes); ++i) {
    std::string name = kAttributes[i].name;
    std::string value = name == "amount" ? "toString(amount)" : name;
    attrs += std::string(i ? "," : "") + "(" + Quote(name) + ", " + value + ")";
  }
  attrs += "]";
  std::vector<std::string> branches;
  branches.push_back(
      "SELECT id AS d, toUInt8(1) AS tag, '' AS name, toUInt8(0) AS is_null, stage_id AS v, "
      "CAST([] AS Array(String)) AS items, toInt64(2 * created_at) AS k, toUInt64(batch) AS b, "
      "toUInt32(seq) AS s, toInt64(created_at) AS t, toUInt8(entity) AS e FROM deals WHERE " +
      committed_);
  branches.push_back(
      "SELECT id, toUInt8(2), a.1, toUInt8(a.1 != 'amount' AND a.2 = ''), a.2, "
      "CAST([] AS Array(String)), toInt64(2 * created_at), toUInt64(batch), toUInt32(seq), "
      "toInt64(0), toUInt8(0) FROM deals ARRAY JOIN " +
      attrs + " AS a WHERE " + committed_);
  std::string names;
  for (size_t i = 0; i < std::size(kAttributes); ++i) {
    names += std::string(i ? "," : "") + Quote(kAttributes[i].name);
  }
  branches.push_back(
      "SELECT deal_id, toUInt8(2), name, toUInt8(is_null), value, CAST([] AS Array(String)), "
      "toInt64(2 * at + 1), toUInt64(batch), toUInt32(seq), toInt64(0), toUInt8(0) "
      "FROM deal_updates WHERE " +
      committed_ + " AND name IN (" + names + ")");
  branches.push_back(
      "SELECT deal_id, toUInt8(3), '', toUInt8(0) AS is_null, to_stage, "
      "CAST([] AS Array(String)), toInt64(0), toUInt64(first.1), toUInt32(first.2), toInt64(at), "
      "toUInt8(0) AS e FROM "
      "(SELECT deal_id, at, to_stage, min((batch, seq)) AS first FROM stage_changes WHERE " +
      committed_ + " GROUP BY deal_id, at, to_stage)");
  if (!fields_.empty()) {
    branches.push_back(
        "SELECT deal_id, toUInt8(4), name, toUInt8(0) AS is_null, '', latest, toInt64(0) AS k, "
        "toUInt64(0), toUInt32(0), toInt64(0) AS t, toUInt8(0) AS e FROM (SELECT deal_id, name, "
        "argMax(if(is_null = 1, CAST([] AS Array(String)), items), (key, batch, seq)) AS latest "
        "FROM deal_fields WHERE " +
        committed_ + " AND has(" + StringArray(fields_) + ", name)" + " GROUP BY deal_id, name)");
  }
  if (touches_) {
    // Activities as last sent, and tasks: created, and completed as the latest `at` says.
    branches.push_back(
        "SELECT deal, toUInt8(5), '' AS name, toUInt8(0) AS is_null, '' AS v, "
        "CAST([] AS Array(String)), toInt64(0), toUInt64(0), toUInt32(0), toInt64(at_now), "
        "toUInt8(0) AS e FROM (SELECT "
        "argMax(deal_id, (batch, seq)) AS deal, argMax(at, (batch, seq)) AS at_now "
        "FROM activities WHERE " +
        committed_ + " GROUP BY id) WHERE deal != ''");
    branches.push_back(
        "SELECT deal, toUInt8(5), '' AS name, toUInt8(0) AS is_null, '' AS v, "
        "CAST([] AS Array(String)), toInt64(0), toUInt64(0), toUInt32(0), toInt64(touch), "
        "toUInt8(0) AS e FROM (SELECT deal, "
        "[created, completed] AS touches FROM (SELECT task_id, "
        "argMaxIf(deal, (b, s), base = 1) AS deal, argMaxIf(created, (b, s), base = 1) AS "
        "created, argMax(completed, (k, b, s)) AS completed, max(base) AS defined FROM ("
        "SELECT id AS task_id, toUInt8(1) AS base, deal_id AS deal, toInt64(created_at) AS "
        "created, toInt64(completed_at) AS completed, toInt64(2 * created_at) AS k, "
        "toUInt64(batch) AS b, toUInt32(seq) AS s FROM tasks WHERE " +
        committed_ + " UNION ALL SELECT task_id, toUInt8(0), '', toInt64(0), if(is_null = 1, " +
        Int(kNoTime) +
        ", toInt64(value)), toInt64(2 * at + 1), toUInt64(batch), "
        "toUInt32(seq) FROM task_updates WHERE " +
        committed_ +
        " AND name = 'completed_at') GROUP BY task_id) WHERE defined = 1 AND deal != '') "
        "ARRAY JOIN touches AS touch WHERE touch != " +
        Int(kNoTime));
  }
  std::string sql;
  for (size_t i = 0; i < branches.size(); ++i) sql += (i ? " UNION ALL " : "") + branches[i];
  return sql;
}

// One row per deal whose deal record arrived: its record as last sent, its attributes now,
// its stage history sorted (time, the creation first, arrival), its fields and touches.
std::string DealSql::Deals() const {
  std::string folded =
      "SELECT d AS id, argMaxIf(e, (b, s), tag = 1) AS entity, "
      "argMaxIf(t, (b, s), tag = 1) AS created_at, "
      "argMaxIf(v, (b, s), tag = 1) AS first_stage, ";
  for (const Attribute& a : kAttributes) {
    folded += std::string("argMaxIf((is_null, v, k), (k, b, s), tag = 2 AND name = '") + a.name +
              "') AS " + a.alias + ", ";
  }
  for (size_t f = 0; f < fields_.size(); ++f) {
    folded += "anyIf(items, tag = 4 AND name = " + Quote(fields_[f]) + ") AS field" +
              std::to_string(f) + ", ";
  }
  folded +=
      "groupArrayIf((t, toUInt8(1), b, s, v), tag = 3) AS changes, "
      "groupArrayIf(t, tag = 5) AS touches FROM (" +
      Facts() + ") GROUP BY d HAVING countIf(tag = 1) > 0";
  std::string history =
      "arraySort(x -> (x.1, x.2, x.3, x.4), arrayPushFront(changes, (created_at, toUInt8(0), "
      "toUInt64(0), toUInt32(0), first_stage)))";
  std::string nullable = [] {
    std::string out;
    for (const Attribute& a : kAttributes) {
      std::string alias = a.alias;
      std::string plain = alias.substr(0, alias.size() - 2);
      if (plain == "amount") {
        out += "toInt64(amount_v.2) AS amount, ";
      } else {
        out += "if(" + alias + ".1 = 1, '', " + alias + ".2) AS " + plain + ", ";
      }
    }
    return out;
  }();
  // A lead's conversion: when converted_to was set (keys are 2t or 2t+1).
  std::string conversion =
      "converted != '' AS converted_set, if(converted_v.3 < 0, intDiv(converted_v.3 - 1, 2), "
      "intDiv(converted_v.3, 2)) AS converted_at, ";
  return Wrap(folded, nullable + conversion + history + " AS history, arrayMap(x -> x.1, " +
                          "history) AS hist_at, arrayMap(x -> x.5, history) AS hist_stage");
}

// Adds the deal's state before `limit` (DealStateBefore) to the rows of `inner`: outcome 0
// not created, 1 open, 2 won, 3 lost; the stage, the start of its visit, the close time.
std::string DealSql::WithState(const std::string& inner, const std::string& p,
                               const std::string& limit) const {
  std::string semantic = stage_ids_.empty()
                             ? "toInt64(0)"
                             : "transform(" + p + "stage, " + StringArray(stage_ids_) + ", " +
                                   IntArray(stage_semantics_) + ", toInt64(0))";
  // One layer: ClickHouse 18.16 analyses each nested SELECT again, so a layer per step
  // costs more than the aliases it would save.
  return Wrap(inner, "arrayCount(x -> x < " + limit + ", hist_at) AS " + p + "n, " + "hist_stage[" +
                         p + "n] AS " + p + "stage, " + "arraySlice(hist_stage, 1, " + p +
                         "n) AS " + p + "before, " +
                         "arrayReduce('max', arrayFilter((i, x) -> x != " + p +
                         "stage, arrayEnumerate(" + p + "before), " + p + "before)) AS " + p +
                         "last_other, " + "hist_at[" + p + "last_other + 1] AS " + p + "entered, " +
                         semantic + " AS " + p + "semantic, " + "multiIf(created_at >= " + limit +
                         ", 0, " + p + "semantic = 1, 2, " + p +
                         "semantic = 2, 3, entity = 1 AND converted_set AND converted_at < " +
                         limit + ", 2, 1) AS " + p + "outcome, " + "multiIf(" + p +
                         "semantic = 1 OR " + p + "semantic = 2, " + p + "entered, " + p +
                         "outcome = 2, converted_at, " + Int(kNoTime) + ") AS " + p + "close");
}

std::string Wrap(const std::string& inner, const std::string& columns) {
  return "SELECT *, " + columns + " FROM (" + inner + ")";
}

// The visits before T that ended (ForEachVisit): v_stage, v_start, v_end and v_next, the
// stage entered at the end. Repeated entries into the same stage extend one visit.
std::string DealSql::WithVisits(const std::string& inner) {
  std::string sql = Wrap(inner,
                         "arraySlice(hist_at, 1, T_n) AS b_at, arrayMap((i, x, p) -> i = 1 OR "
                         "x != p, arrayEnumerate(T_before), T_before, "
                         "arrayPushFront(arrayPopBack(T_before), '')) AS b_new");
  sql = Wrap(sql,
             "arrayFilter((x, f) -> f, T_before, b_new) AS b_stage, "
             "arrayFilter((x, f) -> f, b_at, b_new) AS b_start");
  return Wrap(sql,
              "arrayPopBack(b_stage) AS v_stage, arrayPopBack(b_start) AS v_start, "
              "arrayPopFront(b_start) AS v_end, arrayPopFront(b_stage) AS v_next");
}

}  // namespace voronka::clickhouse
