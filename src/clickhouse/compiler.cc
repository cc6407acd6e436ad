#include "clickhouse/compiler.h"

#include <algorithm>

#include "clickhouse/activity_sql.h"
#include "clickhouse/client.h"
#include "clickhouse/deal_sql.h"
#include "clickhouse/deal_terms.h"
#include "clickhouse/schema.h"
#include "clickhouse/value_sql.h"
#include "metrics/filter.h"

namespace voronka::clickhouse {

namespace {

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

// The metrics the compiler answers, and how each one's per-deal contribution is made.
bool IsOutcome(MetricId id) {
  switch (id) {
    case MetricId::kCreatedCount:
    case MetricId::kWonCount:
    case MetricId::kWonAmount:
    case MetricId::kLostCount:
    case MetricId::kLostAmount:
    case MetricId::kAvgCheck:
    case MetricId::kAvgCycleDays:
    case MetricId::kConversionRate:
    case MetricId::kCohortWinRate:
    case MetricId::kLostShare:
    case MetricId::kRepeatWonCount:
    case MetricId::kNewWonCount:
    case MetricId::kRepeatShare:
    case MetricId::kNewClientCount:
      return true;
    default:
      return false;
  }
}

// Outcome metrics that read each deal's customer: its earliest win, its first deal.
bool IsCustomer(MetricId id) {
  return id == MetricId::kRepeatWonCount || id == MetricId::kNewWonCount ||
         id == MetricId::kRepeatShare || id == MetricId::kNewClientCount;
}

bool IsMembership(MetricId id) {
  return id == MetricId::kDealCount || id == MetricId::kDealAmount ||
         id == MetricId::kDealAvgAmount;
}

bool IsFunnel(MetricId id) {
  return id == MetricId::kFunnel || id == MetricId::kFunnelConversion;
}

bool IsTransition(MetricId id) {
  return id == MetricId::kStageMovement || id == MetricId::kLostFromStage ||
         id == MetricId::kStageTimeDays || id == MetricId::kStageConversion;
}

bool IsStageState(MetricId id) {
  return id == MetricId::kStageCount || id == MetricId::kStageAmount ||
         id == MetricId::kStageAgeDays;
}

bool IsForgotten(MetricId id) {
  return id == MetricId::kForgottenCount || id == MetricId::kForgottenAmount;
}

bool IsState(MetricId id) {
  switch (id) {
    case MetricId::kStageCount:
    case MetricId::kStageAmount:
    case MetricId::kStageAgeDays:
    case MetricId::kInWorkCount:
    case MetricId::kInWorkAmount:
    case MetricId::kForgottenCount:
    case MetricId::kForgottenAmount:
    case MetricId::kLoad:
    case MetricId::kNoTaskCount:
    case MetricId::kForecast:
      return true;
    default:
      return false;
  }
}

class Compiler {
 public:
  Compiler(const Tables& t, const std::string& database, const std::string& ws,
           const ReportRequest& request, const Visibility& visibility, const Buckets& buckets,
           const ScanContext& plan, const DealRewrites& rewrites, bool touches = false)
      : t_(t),
        request_(request),
        visibility_(visibility),
        buckets_(buckets),
        plan_(&plan),
        metric_(request.metric->id),
        terms_(t, request, visibility),
        committed_("ws = " + Quote(ws) + " AND " + CommittedRows(database, ws)),
        deals_(t, committed_, terms_.fields(), touches || IsForgotten(metric_)) {
    ws_ = Quote(ws);
    deals_.SetRewrites(rewrites);
    if (IsMembership(metric_) && request.date.date == MembershipDate::kModified) {
      deals_.AddUpdateTimes();
    }
    for (const Filter& filter : request.filters) {
      if (filter.on.dimension == Dimension::kTitle) deals_.AddTitle();
    }
    horizon_ = request.as_of.micros + 1;
  }

  std::string LatestPipelineCounts() const {
    return "SELECT " + terms_.PipelineOf("L_stage") + " AS pipeline, toString(count()) FROM (" +
           deals_.WithStateAt(deals_.Deals(), "L_", std::numeric_limits<int64_t>::max()) +
           ") WHERE L_outcome != 0 GROUP BY pipeline";
  }

  // One row per deal (per deal and snapshot for state metrics) passing the request, with its
  // contributions as the array `contributions`; sets the scan's total bucket.
  std::string WithContributions(CompiledScan& scan) {
    std::string contributions = IsOutcome(metric_)      ? OutcomeContributions()
                                : IsMembership(metric_) ? MembershipContributions()
                                : IsFunnel(metric_)     ? FunnelContributions()
                                : IsTransition(metric_) ? TransitionContributions()
                                                        : StateContributions();
    if (IsState(metric_)) scan.total_bucket = SnapshotCount() - 1;
    std::string per_deal = deals_.WithStateAt(deals_.Deals(), "T_", horizon_);
    if (IsCustomer(metric_)) per_deal = WithCustomers(per_deal);
    std::string passing = "SELECT * FROM (" + per_deal + ") WHERE " + terms_.Passes();
    if (metric_ == MetricId::kNoTaskCount) passing = WithDealTasks(passing, committed_);
    std::string with_contributions;
    if (IsState(metric_)) {
      // One row per deal and snapshot, with its state at the snapshot's limit.
      std::string snapshots = "SELECT *, " + limits_ + "[snap] AS lim, " + moments_ +
                              "[snap] AS mom, toInt32(snap) - 1 AS snap_bucket" + fresh_column_ +
                              " FROM (" + passing + ") ARRAY JOIN arrayEnumerate(" + limits_ +
                              ") AS snap WHERE created_at < lim";
      std::string states = deals_.WithState(snapshots, "S_", "lim");
      if (metric_ == MetricId::kForecast) states = WithStageOdds(states, per_deal);
      with_contributions = Wrap(states, contributions + " AS contributions");
    } else if (IsTransition(metric_)) {
      with_contributions = Wrap(DealSql::WithVisits(passing), contributions + " AS contributions");
    } else if (IsMembership(metric_)) {
      with_contributions =
          Wrap(Wrap(passing, membership_column_), contributions + " AS contributions");
    } else if (IsFunnel(metric_)) {
      with_contributions =
          Wrap(Wrap(passing, funnel_columns_), contributions + " AS contributions");
    } else {
      with_contributions =
          "SELECT *, " + contributions + " AS contributions FROM (" + passing + ")";
    }
    return with_contributions;
  }

  CompiledScan Compile(bool grouped) {
    if (IsItemMetric(metric_)) {
      return CompileItemScan(t_, committed_, request_, visibility_, ItemDealsOf(), grouped);
    }
    CompiledScan out;
    std::string from = WithContributions(out);
    std::string keys;
    std::string key_names;
    if (grouped) {
      for (size_t k = 0; k < request_.group_by.size(); ++k) {
        keys += terms_.KeyExpression(request_.group_by[k]) + " AS k" + std::to_string(k) + ", ";
        key_names += "k" + std::to_string(k) + ", ";
      }
    }
    std::string target = grouped ? "c.6 != 2" : "c.6 != 1";
    out.sql = "SELECT " + keys +
              "toString(c.5) AS stage_row, toString(c.1) AS bucket, "
              "toString(sum(c.2)), toString(sum(c.3)), "
              "toString(sum(c.4)) FROM (" +
              from + ") ARRAY JOIN contributions AS c WHERE c.1 >= 0 AND " + target + " GROUP BY " +
              key_names + "stage_row, bucket";
    return out;
  }

  // Activities, tasks and stage changes, with their deals' attributes and state at T.
  ItemDeals ItemDealsOf() const {
    return ItemDeals{deals_.WithStateAt(deals_.Deals(), "T_", horizon_),
                     [this](const Filter& f) { return terms_.FilterPasses(f); },
                     [this](const DimensionRef& k) { return terms_.KeyExpression(k); },
                     [this](const DimensionRef& k) { return terms_.KeyValues(k); },
                     [this](const std::string& t) { return BucketOf(t); },
                     DealTerms::TextPasses,
                     [this](const Filter& f, const std::string& user) {
                       return terms_.DepartmentPasses(f, user);
                     },
                     [this](const std::string& user) { return terms_.DepartmentOf(user); }};
  }

  CompiledItems ItemContributions() const {
    return CompileItemListing(t_, committed_, request_, visibility_, ItemDealsOf());
  }

  CompiledContributions Contributions() {
    CompiledContributions out;
    CompiledScan scan;
    out.sql = WithContributions(scan);
    out.total_bucket = scan.total_bucket;
    for (const DimensionRef& key : request_.group_by)
      out.key_values.push_back(terms_.KeyValues(key));
    return out;
  }

 private:
  // The bucket of instant `t`, -1 outside the period (Buckets::IndexOf).
  std::string BucketOf(const std::string& t) const {
    std::vector<int64_t> bounds;
    for (int32_t b = 0; b < buckets_.count(); ++b) bounds.push_back(buckets_.Begin(b));
    return "if(" + t + " >= " + Int(buckets_.start()) + " AND " + t + " < " + Int(buckets_.end()) +
           ", toInt32(arrayCount(x -> x <= " + t + ", " + IntArray(bounds) + ")) - 1, -1)";
  }

  // [item] when `condition` holds, else []. Conditions stay outside lambdas: ClickHouse 18.16
  // does not always pass a subquery column that only a lambda reads.
  static std::string Only(const std::string& condition, const std::string& item) {
    return "arraySlice([" + item + "], 1, toUInt8(" + condition + "))";
  }

  // One contribution: (bucket, a, b, x, stage row, target, at), the target as Target: 0 the
  // row and the total, 1 the row only, 2 the total only; `at` the time of a stage change
  // behind it (drill-down lists the changes of transition metrics).
  static std::string Contribution(const std::string& bucket, const std::string& a,
                                  const std::string& b, const std::string& x,
                                  const std::string& row = "-1", int target = 0,
                                  const std::string& at = "0") {
    return "(toInt32(" + bucket + "), toInt64(" + a + "), toInt64(" + b + "), toInt64(" + x +
           "), toInt32(" + row + "), toUInt8(" + std::to_string(target) + "), toInt64(" + at + "))";
  }

  std::string OutcomeContributions() const {
    std::string created = BucketOf("created_at");
    std::string closed = "if(T_outcome >= 2, " + BucketOf("T_close") + ", -1)";
    std::string won = "T_outcome = 2", lost = "T_outcome = 3";
    auto one = [](const std::string& condition, const std::string& item) {
      return Only(condition, item);
    };
    switch (metric_) {
      case MetricId::kCreatedCount:
        return "[" + Contribution(created, "1", "0", "0") + "]";
      case MetricId::kWonCount:
        return one(won, Contribution(closed, "1", "0", "0"));
      case MetricId::kWonAmount:
        return one(won, Contribution(closed, "amount", "0", "0"));
      case MetricId::kLostCount:
        return one(lost, Contribution(closed, "1", "0", "0"));
      case MetricId::kLostAmount:
        return one(lost, Contribution(closed, "amount", "0", "0"));
      case MetricId::kAvgCheck:
        return one(won, Contribution(closed, "amount", "1", "0"));
      case MetricId::kAvgCycleDays:
        return one(won, Contribution(closed, "0", "1", "T_close - created_at"));
      case MetricId::kConversionRate:
        return "[" + Contribution("if(" + won + ", " + closed + ", -1)", "1", "0", "0") + ", " +
               Contribution(created, "0", "1", "0") + "]";
      case MetricId::kCohortWinRate:
        return "[" + Contribution(created, won, "1", "0") + "]";
      case MetricId::kLostShare:
        return one("T_outcome >= 2", Contribution(closed, lost, "1", "0"));
      case MetricId::kRepeatWonCount:
        return one(won + " AND " + kRepeat, Contribution(closed, "1", "0", "0"));
      case MetricId::kNewWonCount:
        return one(won + " AND NOT " + kRepeat, Contribution(closed, "1", "0", "0"));
      case MetricId::kRepeatShare:
        return one(won, Contribution(closed, kRepeat, "1", "0"));
      case MetricId::kNewClientCount:
        return one("customer != '' AND first_deal = id", Contribution(created, "1", "0", "0"));
      default:
        return Only("0", Contribution("-1", "0", "0", "0"));
    }
  }

  // A won deal is repeat when its customer won strictly earlier (EarliestWinByCustomer).
  static constexpr const char* kRepeat = "(customer != '' AND first_win < T_close)";

  // Adds each deal's customer (its company, else its contact, per entity; '' for none) and,
  // over every deal existing at T whatever the filters: the customer's earliest won close
  // (first_win) and its first deal by creation (first_deal).
  static std::string WithCustomers(const std::string& per_deal) {
    std::string with = Wrap(per_deal,
                            "if(company != '', concat(toString(entity), 'c', company), "
                            "if(contact != '', concat(toString(entity), 'k', contact), '')) "
                            "AS customer");
    return "SELECT * FROM " +
           AnyLeftJoin(with, "customer_deals",
                       "SELECT customer, minIf(T_close, T_outcome = 2) AS first_win, "
                       "argMin(id, created_at) AS first_deal FROM (" +
                           with + ") WHERE customer != '' AND T_outcome != 0 GROUP BY customer",
                       "customers", "customer");
  }

  // Adds per row the won and lost counts of its snapshot stage S_stage (MeasureOdds): of the
  // deals won or lost at T, those that were on the stage before T, each once.
  static std::string WithStageOdds(const std::string& rows, const std::string& per_deal) {
    return "SELECT * FROM " +
           AnyLeftJoin(rows, "odds_rows",
                       "SELECT odds_stage AS S_stage, countIf(T_outcome = 2) AS stage_won, "
                       "countIf(T_outcome = 3) AS stage_lost FROM (" +
                           per_deal +
                           ") ARRAY JOIN arrayDistinct(T_before) AS odds_stage WHERE "
                           "T_outcome >= 2 GROUP BY odds_stage",
                       "stage_odds", "S_stage");
  }

  // deal_count, deal_amount, deal_avg_amount (ScanDeals): by the request's date.
  std::string MembershipContributions() {
    std::string at;
    std::string bucket = "member_bucket";
    switch (request_.date.date) {
      case MembershipDate::kModified:
        // The latest change before T: creation, a stage change, an update.
        at = "greatest(hist_at[T_n], arrayReduce('max', arrayFilter(x -> x < " + Int(horizon_) +
             ", arrayPushBack(update_times, " + Int(kNoTime) + "))))";
        break;
      case MembershipDate::kClosed:
        at = "if(T_outcome >= 2, T_close, " + Int(kNoTime) + ")";
        break;
      case MembershipDate::kField: {
        // A date field read as FieldValueInstant: a single value only (none for a list).
        std::string items = terms_.FieldColumn(request_.date.name);
        std::vector<int64_t> bounds;
        for (int32_t b = 0; b < buckets_.count(); ++b) bounds.push_back(buckets_.Begin(b));
        bounds.push_back(buckets_.end());
        membership_column_ = "if(length(" + items + ") = 1, " +
                             FieldDateBucketSql(items + "[1]", t_.settings.time_zone, bounds) +
                             ", -1) AS member_bucket";
        break;
      }
      default:
        at = "created_at";
        break;
    }
    if (!at.empty())
      membership_column_ = at + " AS member_at, " + BucketOf("member_at") + " AS member_bucket";
    std::string a = metric_ == MetricId::kDealCount ? "1" : "amount";
    std::string b = metric_ == MetricId::kDealAvgAmount ? "1" : "0";
    return "[" + Contribution(bucket, a, b, "0") + "]";
  }

  // The cohort funnel (movement_metrics.cc, ScanFunnel): the stages of the pipeline the deal
  // was on before T, its highest position, and the won stages it reached.
  std::string FunnelContributions() const {
    const std::vector<int32_t>& rows = plan_->row_stage;
    int32_t open_count = t_.pipelines.open_stage_count[Row(plan_->pipeline)];
    std::vector<std::string> ids;
    std::vector<int64_t> positions;
    for (int32_t s = 0; s < t_.stages.ids.size(); ++s) {
      int32_t position = plan_->Position(s);
      if (position == kNone) continue;
      ids.emplace_back(t_.stages.ids.Text(s));
      positions.push_back(position);
    }
    std::string visited = "arrayMap(x -> " +
                          (ids.empty() ? std::string("toInt64(-1)")
                                       : "transform(x, " + StringArray(ids) + ", " +
                                             IntArray(positions) + ", toInt64(-1))") +
                          ", T_before)";
    std::string max_position = "arrayReduce('max', arrayPushBack(" + visited + ", toInt64(-1)))";
    std::string won_sum = "toInt64(0)";
    for (size_t r = static_cast<size_t>(open_count); r < rows.size(); ++r) {
      won_sum += " + has(T_before, " + Quote(t_.stages.ids.Text(rows[r])) + ")";
    }
    std::string bucket = "if(" + max_position + " >= 0, " + BucketOf("created_at") + ", -1)";
    std::string out;
    auto append = [&](const std::string& array) {
      out = out.empty() ? array : "arrayConcat(" + out + ", " + array + ")";
    };
    std::string k = std::to_string(open_count);
    std::string last_open = "least(max_pos, toInt64(" + k + " - 1))";
    if (metric_ == MetricId::kFunnel) {
      // Row 0 is the cohort that entered the funnel: it is also the total.
      for (int32_t j = 0; j < open_count; ++j) {
        std::string row = std::to_string(j);
        append(Only(row + " <= " + last_open,
                    Contribution("bucket_", "1", "0", "0", row, j == 0 ? 0 : 1)));
      }
      for (size_t r = static_cast<size_t>(open_count); r < rows.size(); ++r) {
        append(Only("has(T_before, " + Quote(t_.stages.ids.Text(rows[r])) + ")",
                    Contribution("bucket_", "1", "0", "0", std::to_string(r), 1)));
      }
    } else {
      // Row j: reached(j) / reached(j-1); won rows: the won stages over reached(K-1); the
      // total: the won stages over the first row.
      for (int32_t j = 1; j < open_count; ++j) {
        std::string row = std::to_string(j);
        append(Only(row + " <= " + last_open + " + 1",
                    Contribution("bucket_", row + " <= max_pos", "1", "0", row, 1)));
      }
      for (size_t r = static_cast<size_t>(open_count); r < rows.size(); ++r) {
        append(Only("max_pos >= " + k + " - 1",
                    Contribution("bucket_", "won_sum_", "1", "0", std::to_string(r), 1)));
      }
      append("[" + Contribution("bucket_", "won_sum_", "1", "0", "-1", 2) + "]");
    }
    funnel_columns_ =
        max_position + " AS max_pos, " + won_sum + " AS won_sum_, " + bucket + " AS bucket_";
    return out;
  }

  // stage_movement, lost_from_stage, stage_time_days, stage_conversion (ScanTransitions) over
  // the ended visits, bucketed by their end.
  std::string TransitionContributions() const {
    std::vector<std::string> ids, all_ids, row_ids;
    std::vector<int64_t> positions, semantics, rows;
    for (int32_t st = 0; st < t_.stages.ids.size(); ++st) {
      all_ids.emplace_back(t_.stages.ids.Text(st));
      semantics.push_back(static_cast<int64_t>(t_.stages.semantic[Row(st)]));
      int32_t position = plan_->Position(st);
      if (position != kNone) {
        ids.emplace_back(t_.stages.ids.Text(st));
        positions.push_back(position);
      }
      int32_t row = plan_->stage_row.empty() ? kNone : plan_->stage_row[Row(st)];
      if (row != kNone) {
        row_ids.emplace_back(t_.stages.ids.Text(st));
        rows.push_back(row);
      }
    }
    auto map = [](const std::string& x, const std::vector<std::string>& from,
                  const std::vector<int64_t>& to, const std::string& fallback) {
      if (from.empty()) return fallback;
      return "transform(" + x + ", " + StringArray(from) + ", " + IntArray(to) + ", " + fallback +
             ")";
    };
    std::string from = map("s", ids, positions, "toInt64(-1)");
    std::string to = map("n", ids, positions, "toInt64(-1)");
    std::string row = map("s", row_ids, rows, "toInt64(-1)");
    std::string bucket = BucketOf("e");
    std::string visits = ", v_end, v_stage, v_next, v_start)";
    switch (metric_) {
      case MetricId::kStageTimeDays:
        return "arrayFilter(c -> c.5 >= 0, arrayMap((e, s, n, b) -> " +
               Contribution(bucket, "0", "1", "e - b", row, 0, "e") + visits + ")";
      case MetricId::kStageConversion:
        return "arrayFilter(c -> c.5 >= 0, arrayMap((e, s, n, b) -> " +
               Contribution(bucket, to + " != -1 AND " + to + " > " + from, "1", "0", row, 0, "e") +
               visits + ")";
      case MetricId::kLostFromStage:
        return "arrayFilter((c, n) -> c.5 >= 0 AND " + map("n", all_ids, semantics, "toInt64(0)") +
               " = 2, arrayMap((e, s, n, b) -> " +
               Contribution(bucket, "1", "0", "0", row, 0, "e") + visits + ", v_next)";
      default: {
        // Boundary j (row j - 1) lies between positions j - 1 and j: +1 when a change crosses
        // it forward, -1 backward; lost stages and other pipelines cross none.
        std::string out;
        for (size_t r = 0; r < plan_->row_stage.size(); ++r) {
          std::string j = std::to_string(r + 1);
          std::string both = from + " >= 0 AND " + to + " >= 0";
          std::string crossing = "multiIf(" + both + " AND " + from + " < " + j + " AND " + j +
                                 " <= " + to + ", 1, " + both + " AND " + to + " < " + j + " AND " +
                                 j + " <= " + from + ", -1, 0)";
          std::string part = "arrayFilter(c -> c.2 != 0, arrayMap((e, s, n, b) -> " +
                             Contribution(bucket, crossing, "0", "0", std::to_string(r), 0, "e") +
                             visits + ")";
          out = out.empty() ? part : "arrayConcat(" + out + ", " + part + ")";
        }
        return out.empty() ? Only("0", Contribution("-1", "0", "0", "0")) : out;
      }
    }
  }

  // Snapshots: bucket b at limit min(End(b), T + 1) and moment min(End(b), T), for the buckets
  // starting before T + 1.
  int32_t SnapshotCount() {
    std::vector<int64_t> limits, moments;
    for (int32_t b = 0; b < buckets_.count() && buckets_.Begin(b) < horizon_; ++b) {
      limits.push_back(std::min(buckets_.End(b), horizon_));
      moments.push_back(std::min(buckets_.End(b), request_.as_of.micros));
    }
    limits_ = IntArray(limits);
    moments_ = IntArray(moments);
    return static_cast<int32_t>(limits.size());
  }

  std::string StateContributions() {
    SnapshotCount();
    std::string bucket = "snap_bucket";
    std::string open = "S_outcome = 1";
    std::string value = metric_ == MetricId::kInWorkAmount || metric_ == MetricId::kForgottenAmount
                            ? "amount"
                            : "1";
    if (IsStageState(metric_)) {
      // Per open stage of the pipeline: the deals on it at the snapshot, their amount, and
      // the mean of M - the time they last entered it.
      std::vector<std::string> ids;
      std::vector<int64_t> rows;
      for (size_t r = 0; r < plan_->row_stage.size(); ++r) {
        ids.emplace_back(t_.stages.ids.Text(plan_->row_stage[r]));
        rows.push_back(static_cast<int64_t>(r));
      }
      std::string row = ids.empty() ? "toInt64(-1)"
                                    : "transform(S_stage, " + StringArray(ids) + ", " +
                                          IntArray(rows) + ", toInt64(-1))";
      std::string a = metric_ == MetricId::kStageCount    ? "1"
                      : metric_ == MetricId::kStageAmount ? "amount"
                                                          : "0";
      bool age = metric_ == MetricId::kStageAgeDays;
      return Only(open + " AND " + row + " >= 0",
                  Contribution(bucket, a, age ? "1" : "0", age ? "mom - S_entered" : "0", row));
    }
    if (metric_ == MetricId::kForecast) {
      // The amount, and the amount weighted by the stage's odds (Weighted: rounded half away
      // from zero to whole minor units).
      std::string won = "toInt64(stage_won)", lost = "toInt64(stage_lost)";
      std::string numerator = "(amount * " + won + " * 2)";
      std::string weighted = "if(" + won + " + " + lost + " = 0, toInt64(0), intDiv(" + numerator +
                             " + if(" + numerator + " >= 0, 1, -1) * (" + won + " + " + lost +
                             "), (" + won + " + " + lost + ") * 2))";
      return Only(open, Contribution(bucket, "amount", weighted, "0"));
    }
    if (IsForgotten(metric_)) {
      // Fresh: some touch t with M - N days < t < limit (creation and stage changes are in
      // the history, activities and tasks in `touches`).
      std::string span = Int(int64_t{request_.forgotten_days} * kMicrosPerDay);
      std::string fresh = "(arrayExists(x -> x < lim AND x > mom - " + span +
                          ", hist_at) OR arrayExists(x -> x < lim AND x > mom - " + span +
                          ", touches))";
      fresh_column_ = ", " + fresh + " AS fresh";
      open += " AND NOT fresh";
    }
    if (metric_ == MetricId::kNoTaskCount) {
      fresh_column_ = ", " + HasOpenTask("lim") + " AS has_task";
      open += " AND NOT has_task";
    }
    return Only(open, Contribution(bucket, value, "0", "0"));
  }

  const Tables& t_;
  const ReportRequest& request_;
  const Visibility& visibility_;
  const Buckets& buckets_;
  const ScanContext* plan_;
  MetricId metric_;
  DealTerms terms_;        // the request's group keys and filters over the deal rows
  std::string committed_;  // the condition keeping the workspace's committed rows
  DealSql deals_;          // each deal's state, derived in SQL
  std::string ws_;
  int64_t horizon_ = 0;
  mutable std::string funnel_columns_;
  std::string membership_column_;  // membership: the bucket of the deal's date
  // forgotten: whether the deal was touched in the window; no_task_count: whether it has a
  // task open at the snapshot.
  std::string fresh_column_;
  std::string limits_ = "CAST([] AS Array(Int64))", moments_ = "CAST([] AS Array(Int64))";
};

}  // namespace

Status CheckCompilable(const ReportRequest& request) {
  MetricId id = request.metric->id;
  if (!IsOutcome(id) && !IsState(id) && !IsFunnel(id) && !IsTransition(id) && !IsItemMetric(id) &&
      !IsMembership(id) && id != MetricId::kGoalProgress) {
    return Status::Error("metric '" + std::string(request.metric->name) +
                         "' is not yet available in scale-out mode");
  }
  return Status::Ok();
}

std::string CompileLatestPipelineCounts(const Tables& directory, const std::string& database,
                                        const std::string& workspace, const DealRewrites& reading) {
  ReportRequest request;
  request.metric = FindMetric("created_count");
  Buckets buckets;
  ScanContext plan;
  return Compiler(directory, database, workspace, request, Visibility{}, buckets, plan, reading)
      .LatestPipelineCounts();
}

CompiledContributions CompileContributions(const Tables& directory, const std::string& database,
                                           const std::string& workspace,
                                           const ReportRequest& request,
                                           const Visibility& visibility, const Buckets& buckets,
                                           const ScanContext& plan, const DealRewrites& rewrites) {
  return Compiler(directory, database, workspace, request, visibility, buckets, plan, rewrites,
                  true)
      .Contributions();
}

CompiledItems CompileItemContributions(const Tables& directory, const std::string& database,
                                       const std::string& workspace, const ReportRequest& request,
                                       const Visibility& visibility, const Buckets& buckets,
                                       const ScanContext& plan, const DealRewrites& rewrites) {
  // Touches: the stage changes of activity_index list their deal's last touch.
  bool touches = request.metric->id == MetricId::kActivityIndex;
  return Compiler(directory, database, workspace, request, visibility, buckets, plan, rewrites,
                  touches)
      .ItemContributions();
}

CompiledScan CompileScan(const Tables& directory, const std::string& database,
                         const std::string& workspace, const ReportRequest& request,
                         const Visibility& visibility, const Buckets& buckets,
                         const ScanContext& plan, bool grouped, const DealRewrites& rewrites) {
  return Compiler(directory, database, workspace, request, visibility, buckets, plan, rewrites)
      .Compile(grouped);
}

}  // namespace voronka::clickhouse
