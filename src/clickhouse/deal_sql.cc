#include "clickhouse/deal_sql.h"

#include <limits>
#include <string_view>

#include "clickhouse/client.h"
#include "clickhouse/schema.h"

namespace voronka::clickhouse {

namespace {

// The deal attributes that follow "the latest `at` wins": name in the facts, alias here.
struct Attribute {
  const char* name;
  const char* alias;
};
constexpr Attribute kAttributes[] = {{"amount", "amount_v"},
                                     {"responsible_id", "responsible_v"},
                                     {"company_id", "company_v"},
                                     {"contact_id", "contact_v"},
                                     {"source", "source_v"},
                                     {"deal_type", "deal_type_v"},
                                     {"loss_reason", "loss_reason_v"},
                                     {"converted_to", "converted_v"},
                                     {"title", "title_v"}};

// The attributes folded: the title only when a filter reads it.
std::vector<Attribute> Attributes(bool titles) {
  std::vector<Attribute> out;
  for (const Attribute& a : kAttributes) {
    if (titles || std::string_view(a.name) != "title") out.push_back(a);
  }
  return out;
}

constexpr std::string_view kFieldsPrefix = "fields.";

// The custom field a rewrite reads ("" when it reads none).
std::string FieldOf(const std::string& setting) {
  if (setting.substr(0, kFieldsPrefix.size()) != kFieldsPrefix) return "";
  return setting.substr(kFieldsPrefix.size());
}

// A deal_fields row's value as an amount in minor units (AmountOf): an exact decimal amount
// (at most two decimals that are not zero), else a number rounded to minor units, else 0.
std::string AmountOfField() {
  std::string whole =
      "replaceRegexpOne(value, " + Quote(R"(^[+-]?0*([0-9]*).*$)") + ", " + Quote(R"(\1)") + ")";
  std::string cents = "replaceRegexpOne(value, " + Quote(R"(^[+-]?[0-9]*\.?([0-9]{0,2}).*$)") +
                      ", " + Quote(R"(\1)") + ")";
  std::string exact = "(match(value, " + Quote(R"(^[+-]?[0-9]*(\.[0-9]{0,2}0*)?$)") +
                      ") AND match(value, '[0-9]') AND length(" + whole +
                      ") <= 16 AND toUInt64OrZero(" + whole + ") <= 9223372036854775)";
  std::string minor = "(toInt64OrZero(" + whole + ") * 100 + if(length(" + cents +
                      ") = 1, toInt64OrZero(" + cents + ") * 10, toInt64OrZero(" + cents + ")))";
  std::string number = "toFloat64OrZero(value) * 100";
  return "toString(multiIf(kind != 1 AND kind != 2, toInt64(0), " + exact +
         ", if(startsWith(value, "
         "'-'), -" +
         minor + ", " + minor + "), kind = 2, toInt64(if(" + number + " >= 0, floor(" + number +
         " + 0.5), ceil(" + number + " - 0.5))), toInt64(0)))";
}

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

// A condition keeping the rows of the part's deals (none when there are no parts), in a read
// of a Distributed table (`on_shard`: run on each shard, so it reads the shard's own tables) or
// in a query over such a read (run where the query was sent).
std::string DealSql::InPart(const std::string& deal, bool on_shard) const {
  std::string in;
  if (part_.count > 1) {
    in += " AND cityHash64(" + deal + ") % " + std::to_string(part_.count) + " = " +
          std::to_string(part_.index);
  }
  if (part_.only != 0) {
    in += " AND " + deal + " IN (SELECT id FROM " + part_.database + "." +
          (on_shard ? LocalTable("deal_fold_deals") : "deal_fold_deals") +
          " WHERE ws = " + Quote(part_.ws) +
          " AND builder = " + std::to_string(part_.only) + " AND fresh = 1)";
  }
  return in;
}

std::string DealSql::PartItems(const std::string& table, const std::string& id) const {
  if (part_.count <= 1 && part_.only == 0) return "";
  // Every version of an item that ever named a deal of the part: its latest one decides.
  return " AND " + id + " IN (SELECT id FROM " + part_.database + "." + LocalTable(table) +
         " WHERE ws = " + Quote(part_.ws) + InPart("deal_id") + ")";
}

// Every committed fact about the workspace's deals as one stream of tagged rows, folded per
// deal: 1 a deal record, 2 a version of an attribute, 3 a stage change (first arrival of
// each), 4 a custom field's latest value, 5 a touch by an activity or a task, 6 the time of an
// update. Equal constants in one branch carry aliases: 18.16 mixes up unnamed duplicates when
// it drops the columns an outer query does not read ("There is no supertype for types
// Array(String), ..., UInt8").
std::string DealSql::Facts() const {
  // The admin's rewrites: a field read for the amount or the source drops the CRM's own
  // versions of it (a deal record's counts as 0 / none, its updates' not at all) and adds the
  // field's versions, which win a tie with the deal record that set them (e = 1).
  std::string price_field = FieldOf(rewrites_.price_field);
  std::string source_field = FieldOf(rewrites_.source_field);
  bool source_is_type = rewrites_.source_field == "deal_type";
  std::string attrs = "[";
  for (const Attribute& a : Attributes(titles_)) {
    std::string name = a.name;
    std::string value = name == "amount" ? (price_field.empty() ? "toString(amount)" : "'0'")
                        : name == "source" && source_is_type        ? "deal_type"
                        : name == "source" && !source_field.empty() ? "''"
                                                                    : name;
    attrs += std::string(attrs.size() > 1 ? "," : "") + "(" + Quote(name) + ", " + value + ")";
  }
  attrs += "]";
  std::vector<std::string> branches;
  branches.push_back(
      "SELECT id AS d, toUInt8(1) AS tag, '' AS name, toUInt8(0) AS is_null, stage_id AS v, "
      "CAST([] AS Array(String)) AS items, toInt64(2 * created_at) AS k, toUInt64(batch) AS b, "
      "toUInt32(seq) AS s, toInt64(created_at) AS t, toUInt8(entity) AS e FROM deals WHERE " +
      committed_ + InPart("id"));
  branches.push_back(
      "SELECT id, toUInt8(2), a.1, toUInt8(a.1 != 'amount' AND a.2 = ''), a.2, "
      "CAST([] AS Array(String)), toInt64(2 * created_at), toUInt64(batch), toUInt32(seq), "
      "toInt64(0), toUInt8(0) FROM deals ARRAY JOIN " +
      attrs + " AS a WHERE " + committed_ + InPart("id"));
  std::string names;
  for (const Attribute& a : Attributes(titles_)) {
    std::string name = a.name;
    if (name == "amount" && !price_field.empty()) continue;
    if (name == "source" && (source_is_type || !source_field.empty())) continue;
    names += std::string(names.empty() ? "" : ",") + Quote(name);
  }
  // With the source taken from deal_type, an update's deal_type is also its source.
  std::string as_names =
      source_is_type ? "if(name = 'deal_type', ['deal_type', 'source'], [name])" : "[name]";
  branches.push_back(
      "SELECT deal_id, toUInt8(2), member, toUInt8(is_null), value, CAST([] AS Array(String)), "
      "toInt64(2 * at + 1), toUInt64(batch), toUInt32(seq), toInt64(0), toUInt8(0) "
      "FROM deal_updates ARRAY JOIN " +
      as_names + " AS member WHERE " + committed_ + InPart("deal_id") + " AND name IN (" + names +
      ")");
  auto field_versions = [&](const std::string& field, const std::string& member,
                            const std::string& is_null, const std::string& value) {
    branches.push_back("SELECT deal_id, toUInt8(2), " + Quote(member) + ", toUInt8(" + is_null +
                       "), " + value +
                       ", CAST([] AS Array(String)), toInt64(key), "
                       "toUInt64(batch), toUInt32(seq), toInt64(0), toUInt8(1) FROM deal_fields "
                       "WHERE " +
                       committed_ + " AND name = " + Quote(field));
  };
  if (!price_field.empty()) field_versions(price_field, "amount", "0", AmountOfField());
  if (!source_field.empty()) {
    // SourceOf: the text, the first item of a list; none when empty or null.
    field_versions(source_field, "source",
                   "multiIf(kind = 4, empty(items), kind = 0, 1, kind = 3, 0, value = '')",
                   "if(kind = 4, if(empty(items), '', items[1]), value)");
  }
  branches.push_back(
      "SELECT deal_id, toUInt8(3), '', toUInt8(0) AS is_null, to_stage, "
      "CAST([] AS Array(String)), toInt64(0), toUInt64(first.1), toUInt32(first.2), toInt64(at), "
      "toUInt8(0) AS e FROM "
      "(SELECT deal_id, at, to_stage, min((batch, seq)) AS first FROM stage_changes WHERE " +
      committed_ + InPart("deal_id") + " GROUP BY deal_id, at, to_stage)");
  if (!fields_.empty() || all_fields_) {
    branches.push_back(
        "SELECT deal_id, toUInt8(4), name, toUInt8(0) AS is_null, '', latest, toInt64(0) AS k, "
        "toUInt64(0), toUInt32(0), toInt64(0) AS t, toUInt8(0) AS e FROM (SELECT deal_id, name, "
        "argMax(if(is_null = 1, CAST([] AS Array(String)), items), (key, batch, seq)) AS latest "
        "FROM deal_fields WHERE " +
        committed_ + InPart("deal_id") +
        (all_fields_ ? "" : " AND has(" + StringArray(fields_) + ", name)") +
        " GROUP BY deal_id, name)");
  }
  if (touches_) {
    // Activities as last sent, and tasks: created, and completed as the latest `at` says.
    branches.push_back(
        "SELECT deal, toUInt8(5), '' AS name, toUInt8(0) AS is_null, '' AS v, "
        "CAST([] AS Array(String)), toInt64(0), toUInt64(0), toUInt32(0), toInt64(at_now), "
        "toUInt8(0) AS e FROM (SELECT "
        "argMax(deal_id, (batch, seq)) AS deal, argMax(at, (batch, seq)) AS at_now "
        "FROM activities WHERE " +
        committed_ + PartItems("activities", "id") + " GROUP BY id) WHERE deal != ''" +
        InPart("deal", false));
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
        committed_ + PartItems("tasks", "id") +
        " UNION ALL SELECT task_id, toUInt8(0), '', toInt64(0), if(is_null = 1, " + Int(kNoTime) +
        ", toInt64(value)), toInt64(2 * at + 1), toUInt64(batch), "
        "toUInt32(seq) FROM task_updates WHERE " +
        committed_ + PartItems("tasks", "task_id") +
        " AND name = 'completed_at') GROUP BY task_id) WHERE defined = 1 AND deal != ''" +
        InPart("deal", false) +
        ") "
        "ARRAY JOIN touches AS touch WHERE touch != " +
        Int(kNoTime));
  }
  if (update_times_) {
    // The times of the deal's updates: of any member, custom fields included (key 2t + 1).
    branches.push_back(
        "SELECT deal_id, toUInt8(6), '', toUInt8(0), '', CAST([] AS Array(String)), toInt64(0), "
        "toUInt64(0), toUInt32(0), toInt64(at), toUInt8(0) FROM deal_updates WHERE " +
        committed_ + InPart("deal_id") +
        " UNION ALL SELECT deal_id, toUInt8(6), '', toUInt8(0), '', CAST([] AS Array(String)), "
        "toInt64(0), toUInt64(0), toUInt32(0), intDiv(key - 1, 2), toUInt8(0) FROM deal_fields "
        "WHERE " +
        committed_ + InPart("deal_id") + " AND bitAnd(key, 1) = 1");
  }
  std::string sql;
  for (size_t i = 0; i < branches.size(); ++i) sql += (i ? " UNION ALL " : "") + branches[i];
  return sql;
}

// One row per deal whose deal record arrived: its record as last sent, its attributes now,
// its stage history sorted (time, the creation first, arrival), its fields and touches.
std::string DealSql::Deals() const {
  if (stored()) return StoredDeals();
  std::string folded =
      "SELECT d AS id, argMaxIf(e, (b, s), tag = 1) AS entity, "
      "argMaxIf(t, (b, s), tag = 1) AS created_at, "
      "argMaxIf(v, (b, s), tag = 1) AS first_stage, ";
  for (const Attribute& a : Attributes(titles_)) {
    folded += std::string("argMaxIf((is_null, v, k), (k, b, s, e), tag = 2 AND name = '") + a.name +
              "') AS " + a.alias + ", ";
  }
  for (size_t f = 0; f < fields_.size(); ++f) {
    folded += "anyIf(items, tag = 4 AND name = " + Quote(fields_[f]) + ") AS field" +
              std::to_string(f) + ", ";
  }
  if (all_fields_) folded += "groupArrayIf((name, items), tag = 4) AS field_pairs, ";
  folded +=
      "groupArrayIf((t, toUInt8(1), b, s, v), tag = 3) AS changes, "
      "groupArrayIf(t, tag = 5) AS touches, groupArrayIf(t, tag = 6) AS update_times FROM (" +
      Facts() + ") GROUP BY d HAVING countIf(tag = 1) > 0";
  std::string history =
      "arraySort(x -> (x.1, x.2, x.3, x.4), arrayPushFront(changes, (created_at, toUInt8(0), "
      "toUInt64(0), toUInt32(0), first_stage)))";
  std::string nullable = [&] {
    std::string out;
    for (const Attribute& a : Attributes(titles_)) {
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

// The position of the deal's state before `limit` in its history: the number of entries before
// it, the stage, the stages before it, the index of the last entry in another stage, the start
// of the current visit.
namespace {

// The columns of a stored fold read as they are (deal_folds, schema.cc).
constexpr const char* kStoredColumns[] = {
    "id",         "entity",        "created_at",   "first_stage",  "amount",       "responsible",
    "company",    "contact",       "source",       "deal_type",    "loss_reason",  "converted",
    "title",      "converted_set", "converted_at", "touches",      "update_times", "hist_at",
    "hist_stage", "z_n",           "z_stage",      "z_last_other", "z_entered"};

std::string PositionColumns(const std::string& p, const std::string& limit) {
  return "arrayCount(x -> x < " + limit + ", hist_at) AS " + p + "n, " + "hist_stage[" + p +
         "n] AS " + p + "stage, " + "arraySlice(hist_stage, 1, " + p + "n) AS " + p + "before, " +
         "arrayReduce('max', arrayFilter((i, x) -> x != " + p + "stage, arrayEnumerate(" + p +
         "before), " + p + "before)) AS " + p + "last_other, " + "hist_at[" + p +
         "last_other + 1] AS " + p + "entered";
}

}  // namespace

std::string DealSql::StoredDeals() const {
  std::string sql = "SELECT ";
  for (const char* column : kStoredColumns) sql += std::string(column) + ", ";
  for (size_t f = 0; f < fields_.size(); ++f) {
    sql += "field_values[indexOf(field_names, " + Quote(fields_[f]) + ")] AS field" +
           std::to_string(f) + ", ";
  }
  const StoredFold& stored = rewrites_.stored;
  std::string rows = "fold = " + std::to_string(stored.fold) +
                     " AND builder = " + std::to_string(stored.builder);
  if (stored.base != 0) {
    // An overlay: its own rows, and the base's for the deals it did not refold.
    rows = "(" + rows + ") OR (fold = " + std::to_string(stored.base_fold) +
           " AND builder = " + std::to_string(stored.base) + " AND id NOT IN (SELECT id FROM " +
           stored.database + "." + LocalTable("deal_fold_deals") + " WHERE ws = " +
           Quote(stored.ws) + " AND builder = " + std::to_string(stored.builder) + "))";
  }
  return sql +
         "arrayMap((a, k, b, s, v) -> (a, k, b, s, v), hist_at, hist_kind, hist_b, hist_s, "
         "hist_stage) AS history FROM deal_folds WHERE ws = " +
         Quote(stored.ws) + " AND (" + rows + ")";
}

std::string DealSql::FoldRows(const std::string& ws, uint64_t fold, uint64_t builder) const {
  DealSql all = *this;
  all.rewrites_ = DealRewrites{};
  all.fields_.clear();
  all.all_fields_ = all.touches_ = all.titles_ = all.update_times_ = true;
  std::string sql = "SELECT " + Quote(ws) + ", toUInt64(" + std::to_string(fold) + "), toUInt64(" +
                    std::to_string(builder) +
                    "), id, entity, created_at, first_stage, amount, responsible, company, "
                    "contact, source, deal_type, loss_reason, converted, title, "
                    "toUInt8(converted_set), toInt64(converted_at), "
                    "arrayMap(x -> x.1, field_pairs), arrayMap(x -> x.2, field_pairs), touches, "
                    "update_times, hist_at, arrayMap(x -> x.2, history), "
                    "arrayMap(x -> x.3, history), arrayMap(x -> x.4, history), hist_stage, "
                    "toUInt64(z_n), z_stage, toUInt64(z_last_other), toInt64(z_entered) FROM (";
  return sql + Wrap(all.Deals(), PositionColumns("z_", Int(std::numeric_limits<int64_t>::max()))) +
         ")";
}

// Adds the deal's state before `limit` (DealStateBefore) to the rows of `inner`: outcome 0
// not created, 1 open, 2 won, 3 lost; the stage, the start of its visit, the close time.
std::string DealSql::WithState(const std::string& inner, const std::string& p,
                               const std::string& limit) const {
  // One layer: ClickHouse 18.16 analyses each nested SELECT again, so a layer per step
  // costs more than the aliases it would save.
  return Wrap(inner, PositionColumns(p, limit) + ", " + OutcomeColumns(p, limit));
}

std::string DealSql::WithStateAt(const std::string& inner, const std::string& p,
                                 int64_t limit) const {
  if (!stored() || limit <= rewrites_.stored.max_change) return WithState(inner, p, Int(limit));
  // After every instant the fold depends on: the state is the latest one, kept in the fold.
  return Wrap(inner, "z_n AS " + p + "n, z_stage AS " + p + "stage, hist_stage AS " + p +
                         "before, z_last_other AS " + p + "last_other, z_entered AS " + p +
                         "entered, " + OutcomeColumns(p, Int(limit)));
}

// The outcome and close time of the state before `limit`, from its position.
std::string DealSql::OutcomeColumns(const std::string& p, const std::string& limit) const {
  std::string semantic = stage_ids_.empty()
                             ? "toInt64(0)"
                             : "transform(" + p + "stage, " + StringArray(stage_ids_) + ", " +
                                   IntArray(stage_semantics_) + ", toInt64(0))";
  return semantic + " AS " + p + "semantic, " + "multiIf(created_at >= " + limit + ", 0, " + p +
         "semantic = 1, 2, " + p +
         "semantic = 2, 3, entity = 1 AND converted_set AND converted_at < " + limit +
         ", 2, 1) AS " + p + "outcome, " + "multiIf(" + p + "semantic = 1 OR " + p +
         "semantic = 2, " + p + "entered, " + p + "outcome = 2, converted_at, " + Int(kNoTime) +
         ") AS " + p + "close";
}

std::string Wrap(const std::string& inner, const std::string& columns) {
  return "SELECT *, " + columns + " FROM (" + inner + ")";
}

std::string AnyLeftJoin(const std::string& left, const std::string& left_name,
                        const std::string& right, const std::string& right_name,
                        const std::string& key) {
  return "(" + left + ") AS " + left_name + " ANY LEFT JOIN (" + right + ") AS " + right_name +
         " USING " + key;
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
