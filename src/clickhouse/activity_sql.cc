#include "clickhouse/activity_sql.h"

#include <algorithm>

#include "clickhouse/client.h"
#include "clickhouse/deal_sql.h"
#include "metrics/filter.h"

namespace voronka::clickhouse {

namespace {

constexpr int kKinds = 10;      // ActivityKind
constexpr int kDirections = 3;  // Direction

// Every activity as last sent (a re-sent activity replaces the earlier one): a_id, a_kind,
// a_dir, a_deal, a_contact, a_user, a_at, a_score (-1 none).
std::string Activities(const std::string& committed) {
  return "SELECT a_id, toInt16(r.1) AS a_kind, toInt16(r.2) AS a_dir, r.3 AS a_deal, r.4 AS "
         "a_contact, r.5 AS a_user, toInt64(r.6) AS a_at, toInt16(r.7) AS a_score FROM (SELECT "
         "id AS a_id, argMax((kind, direction, deal_id, contact_id, user_id, at, score), "
         "(batch, seq)) AS r FROM activities WHERE " +
         committed + " GROUP BY id)";
}

// One kind of item as rows: its deal ('' none), own user, the instant bucketed, kind and
// direction (-1 unless an activity) and contribution; for drill-down also what it is, its id (a
// stage change's: its deal's), a stage change's time, and a task's title and times.
struct ItemColumns {
  std::string deal, user, at, kind = "-1", direction = "-1", a, b = "0", x = "0";
  ItemKind type = ItemKind::kActivity;
  std::string item, change = "0", title = "''", created = Int(kNoTime), deadline = Int(kNoTime),
                    completed = Int(kNoTime);
};

// The rows of one kind of item: id (the deal, '' none), i_user, i_at, i_kind, i_dir, i_a, i_b,
// i_x; with `listing`, i_type (ItemKind), i_item, i_change, i_title, i_created, i_deadline,
// i_completed.
std::string ItemRow(const ItemColumns& c, bool listing) {
  std::string out = "SELECT " + c.deal + " AS id, " + c.user + " AS i_user, toInt64(" + c.at +
                    ") AS i_at, toInt16(" + c.kind + ") AS i_kind, toInt16(" + c.direction +
                    ") AS i_dir, toInt64(" + c.a + ") AS i_a, toInt64(" + c.b +
                    ") AS i_b, toInt64(" + c.x + ") AS i_x";
  if (listing) {
    out += ", toUInt8(" + std::to_string(static_cast<int>(c.type)) + ") AS i_type, " + c.item +
           " AS i_item, toInt64(" + c.change + ") AS i_change, " + c.title +
           " AS i_title, toInt64(" + c.created + ") AS i_created, toInt64(" + c.deadline +
           ") AS i_deadline, toInt64(" + c.completed + ") AS i_completed";
  }
  return out;
}

class ItemCompiler {
 public:
  ItemCompiler(const Tables& t, const std::string& committed, const ReportRequest& request,
               const Visibility& visibility, const ItemDeals& deals, bool listing = false)
      : t_(t),
        committed_(committed),
        request_(request),
        visibility_(visibility),
        deals_(deals),
        listing_(listing),
        metric_(request.metric->id),
        horizon_(Int(request.as_of.micros + 1)) {}

  CompiledScan Compile(bool grouped) const {
    CompiledScan out;
    out.samples = metric_ == MetricId::kResponseTime;
    bool single_row =
        std::none_of(request_.group_by.begin(), request_.group_by.end(),
                     [](const DimensionRef& key) { return key.dimension == Dimension::kField; });
    if (!grouped && single_row) return out;  // a multi-list field puts an item in several rows
    std::string keys, key_names;
    if (grouped) {
      for (size_t k = 0; k < request_.group_by.size(); ++k) {
        keys += KeyExpression(request_.group_by[k]) + " AS k" + std::to_string(k) + ", ";
        key_names += "k" + std::to_string(k) + ", ";
      }
    }
    out.sql = "SELECT " + keys +
              "'-1' AS stage_row, toString(i_bucket) AS bucket, toString(sum(i_a)), "
              "toString(sum(i_b)), toString(sum(i_x))" +
              (out.samples ? ", arrayMap(v -> toString(v), groupArray(i_x))" : "") + " FROM (" +
              Passing() + ") WHERE i_bucket >= 0 GROUP BY " + key_names + "bucket";
    return out;
  }

  CompiledItems Listing() const {
    CompiledItems out;
    out.sql = Passing();
    for (const DimensionRef& key : request_.group_by) {
      out.key_values.push_back(key.dimension == Dimension::kField
                                   ? "if(id != '', " + deals_.key_values(key) + ", [''])"
                                   : "[" + KeyExpression(key) + "]");
    }
    return out;
  }

 private:
  // The items passing the request, with their deals' columns and their bucket (i_bucket).
  std::string Passing() const {
    std::string joined =
        "SELECT * FROM " + AnyLeftJoin(Items(), "items", deals_.rows, "item_deals", "id");
    return "SELECT *, " + deals_.bucket("i_at") + " AS i_bucket FROM (" + joined + ") WHERE " +
           Passes();
  }

  std::string Items() const {
    std::string activities = "(" + Activities(committed_) + ")";
    std::string tasks = "(" + FoldedTasks(committed_, listing_) + ")";
    const std::string before_t = " < " + horizon_;
    auto activity = [&](const std::string& a, const std::string& b, const std::string& x) {
      ItemColumns row{.deal = "a_deal",
                      .user = "a_user",
                      .at = "a_at",
                      .kind = "a_kind",
                      .direction = "a_dir",
                      .a = a,
                      .b = b,
                      .x = x,
                      .item = "a_id"};
      return ItemRow(row, listing_) + " FROM " + activities + " WHERE a_at" + before_t;
    };
    auto task = [&](const std::string& at, const std::string& a) {
      ItemColumns row{.deal = "k_deal",
                      .user = "k_user",
                      .at = at,
                      .a = a,
                      .type = ItemKind::kTask,
                      .item = "k_id",
                      .title = "k_title",
                      .created = "k_created",
                      .deadline = "k_deadline",
                      .completed = "k_completed"};
      return ItemRow(row, listing_) + " FROM " + tasks;
    };
    switch (metric_) {
      case MetricId::kActivityCount:
        return activity("1", "0", "0");
      case MetricId::kNps:
        // Promoters (9-10) +1, detractors (0-6) -1, passives 0, over the scored NPS answers.
        return activity("multiIf(a_score >= 9, 1, a_score <= 6, -1, 0)", "1", "0") +
               " AND a_kind = " + std::to_string(static_cast<int>(ActivityKind::kNps)) +
               " AND a_score >= 0";
      case MetricId::kActivityIndex: {
        const ActivityWeights& weights = request_.activity_weights;
        std::vector<int64_t> kinds, kind_weights;
        for (int k = 0; k < kKinds; ++k) {
          kinds.push_back(k);
          kind_weights.push_back(weights[static_cast<size_t>(k)]);
        }
        std::string sql = activity("transform(toInt64(a_kind), " + IntArray(kinds) + ", " +
                                       IntArray(kind_weights) + ", toInt64(0))",
                                   "0", "0") +
                          " UNION ALL " +
                          task("k_completed", std::to_string(weights[kWeightOfTask])) +
                          " WHERE k_completed != " + Int(kNoTime) + " AND k_completed" + before_t;
        // Stage changes have no kind: a kind or direction filter leaves them out.
        if (!Filtered(Dimension::kKind) && !Filtered(Dimension::kDirection)) {
          sql += " UNION ALL " + StageChanges(std::to_string(weights[kWeightOfStageChange]));
        }
        return sql;
      }
      case MetricId::kResponseTime:
        return ResponseTimes(activities);
      case MetricId::kTaskCount: {
        // By the request's date: created, deadline, or completed (before T: open at T).
        MembershipDate date = request_.date.date;
        std::string at = date == MembershipDate::kDeadline    ? "k_deadline"
                         : date == MembershipDate::kCompleted ? "k_completed"
                                                              : "k_created";
        std::string sql =
            task(at, "1") + " WHERE k_created" + before_t + " AND " + at + " != " + Int(kNoTime);
        if (date == MembershipDate::kCompleted) sql += " AND k_completed" + before_t;
        return sql;
      }
      case MetricId::kOverdueTasks:
        // Past their deadline at T and not completed by it, bucketed by the deadline.
        return task("k_deadline", "1") + " WHERE k_deadline != " + Int(kNoTime) +
               " AND k_deadline < " + Int(request_.as_of.micros) + " AND k_created" + before_t +
               " AND NOT (k_completed != " + Int(kNoTime) + " AND k_completed <= k_deadline)";
      default: {
        ItemColumns none{.deal = "''", .user = "''", .at = "0", .a = "0", .item = "''"};
        return ItemRow(none, listing_) + " WHERE 0";
      }
    }
  }

  // The visits that ended before T (ForEachVisit): the stage change ending each, by its user.
  // A deal's history is its creation (as last sent) and its stage changes (each first arrival
  // once), sorted by (time, the creation first, arrival); a change into the stage the deal is
  // already on extends the visit and ends none.
  std::string StageChanges(const std::string& weight) const {
    std::string entries =
        "SELECT id AS d, r.1 AS t, toUInt8(0) AS c, '' AS who, toUInt64(0) AS b, toUInt32(0) AS "
        "s, r.2 AS stage FROM (SELECT id, argMax((toInt64(created_at), stage_id), (batch, seq)) "
        "AS r FROM deals WHERE " +
        committed_ +
        " GROUP BY id) UNION ALL SELECT deal_id, toInt64(at), toUInt8(1), first.3, "
        "toUInt64(first.1), toUInt32(first.2), to_stage FROM (SELECT deal_id, at, to_stage, "
        "min((batch, seq, by_user)) AS first FROM stage_changes WHERE " +
        committed_ + " GROUP BY deal_id, at, to_stage)";
    std::string histories =
        "SELECT d, arrayFilter(x -> x.1 < " + horizon_ +
        ", arraySort(x -> (x.1, x.2, x.4, x.5), groupArray((t, c, who, b, s, stage)))) AS h "
        "FROM (" +
        entries + ") GROUP BY d";
    std::string ends =
        "SELECT d, arrayFilter((x, p) -> x.6 != p.6, arrayPopFront(h), arrayPopBack(h)) AS ends "
        "FROM (" +
        histories + ")";
    ItemColumns change{.deal = "d",
                       .user = "e.3",
                       .at = "e.1",
                       .a = weight,
                       .type = ItemKind::kStageChange,
                       .item = "d",
                       .change = "e.1"};
    return ItemRow(change, listing_) + " FROM (" + ends + ") ARRAY JOIN ends AS e WHERE e.3 != ''";
  }

  // Incoming messages answered before T: the first outgoing activity of the same conversation
  // (the deal, else the contact) at or after the message; x is the wait in microseconds.
  std::string ResponseTimes(const std::string& activities) const {
    std::vector<int64_t> incoming;
    for (ActivityKind kind : {ActivityKind::kCall, ActivityKind::kEmail, ActivityKind::kSms,
                              ActivityKind::kChat, ActivityKind::kWebform}) {
      incoming.push_back(static_cast<int64_t>(kind));
    }
    std::string in = std::to_string(static_cast<int>(Direction::kIn));
    std::string out = std::to_string(static_cast<int>(Direction::kOut));
    std::string threads =
        "SELECT thread, arraySort(groupArrayIf(a_at, a_dir = " + out +
        ")) AS outs, groupArrayIf((a_deal, a_user, a_at, a_kind, a_dir" +
        (listing_ ? ", a_id" : "") + "), a_dir = " + in + " AND has(" + IntArray(incoming) +
        ", toInt64(a_kind))) AS ins FROM (SELECT *, if(a_deal "
        "!= '', concat('d', a_deal), if(a_contact != '', concat('c', a_contact), '')) AS thread "
        "FROM " +
        activities + " WHERE a_at < " + horizon_ + ") WHERE thread != '' GROUP BY thread";
    std::string messages =
        "SELECT outs, m.1 AS m_deal, m.2 AS m_user, m.3 AS m_at, m.4 AS m_kind, m.5 AS m_dir" +
        std::string(listing_ ? ", m.6 AS m_id" : "") + " FROM (" + threads +
        ") ARRAY JOIN ins AS m";
    std::string answered = "SELECT *, arrayCount(x -> x < m_at, outs) AS m_before FROM (" +
                           messages + ") WHERE m_at < " + horizon_;
    ItemColumns message{.deal = "m_deal",
                        .user = "m_user",
                        .at = "m_at",
                        .kind = "m_kind",
                        .direction = "m_dir",
                        .a = "0",
                        .b = "1",
                        .x = "outs[m_before + 1] - m_at",
                        .item = "m_id"};
    return ItemRow(message, listing_) + " FROM (" + answered + ") WHERE m_before < length(outs)";
  }

  bool Filtered(Dimension dimension) const {
    for (const Filter& filter : request_.filters) {
      if (filter.on.dimension == dimension) return true;
    }
    return false;
  }

  // The accepted values of a kind or direction filter, as their numbers.
  std::string Accepted(const Filter& filter, int count) const {
    DimensionFilter accepted = MakeFilter(t_, filter);
    std::vector<int64_t> values;
    for (int v = 0; v < count; ++v) {
      if (accepted.Accepts(v)) values.push_back(v);
    }
    return IntArray(values);
  }

  // ScanContext::ActivityPasses / TaskPasses / UserThingPasses: the own user passes the
  // responsible and department filters (an item with no user passes none), the deal passes the
  // deal-attribute filters (an item with no deal passes none), kind and direction filters hold
  // for activities, and the role sees the user or the deal.
  std::string Passes() const {
    std::string out = "1";
    for (const Filter& filter : request_.filters) {
      switch (filter.on.dimension) {
        case Dimension::kResponsible:
          out += " AND i_user != '' AND " + deals_.text_filter("i_user", filter);
          break;
        case Dimension::kDepartment:
          out += " AND i_user != '' AND " + deals_.department_filter(filter, "i_user");
          break;
        case Dimension::kKind:
          out += " AND (i_kind < 0 OR has(" + Accepted(filter, kKinds) + ", toInt64(i_kind)))";
          break;
        case Dimension::kDirection:
          out += " AND (i_kind < 0 OR has(" + Accepted(filter, kDirections) + ", toInt64(i_dir)))";
          break;
        default:
          out += " AND id != '' AND (" + deals_.filter(filter) + ")";
          break;
      }
    }
    if (!visibility_.all) {
      std::string users = StringArray(visibility_.user_ids);
      out += " AND ((i_user != '' AND has(" + users +
             ", i_user)) OR (id != '' AND responsible "
             "!= '' AND has(" +
             users + ", responsible)))";
    }
    return out;
  }

  // A group key of an item: its own user and department, an activity's kind and direction,
  // else its deal's (none for an item with no deal).
  std::string KeyExpression(const DimensionRef& key) const {
    auto names = [](int count, auto name_of) {
      std::vector<std::string> from, to;
      for (int v = 0; v < count; ++v) {
        from.push_back(std::to_string(v));
        to.emplace_back(name_of(v));
      }
      return std::make_pair(from, to);
    };
    switch (key.dimension) {
      case Dimension::kResponsible:
        return "i_user";
      case Dimension::kDepartment:
        return deals_.department_of("i_user");
      case Dimension::kKind: {
        auto [from, to] =
            names(kKinds, [](int v) { return ActivityKindName(static_cast<ActivityKind>(v)); });
        return MapText("toString(i_kind)", from, to, "''");
      }
      case Dimension::kDirection: {
        auto [from, to] =
            names(kDirections, [](int v) { return DirectionName(static_cast<Direction>(v)); });
        return MapText("toString(i_dir)", from, to, "''");
      }
      default:
        return "if(id != '', " + deals_.key(key) + ", '')";
    }
  }

  const Tables& t_;
  const std::string& committed_;
  const ReportRequest& request_;
  const Visibility& visibility_;
  const ItemDeals& deals_;
  bool listing_;  // drill-down: the items' ids and what they show
  MetricId metric_;
  std::string horizon_;
};

}  // namespace

std::string FoldedTasks(const std::string& committed, bool titles) {
  auto member = [](const std::string& name) {
    return "if(name = '" + name + "', if(is_null = 1, " + Int(kNoTime) +
           ", toInt64OrZero(value)), " + Int(kNoTime) + ")";
  };
  return "SELECT task_id AS k_id, argMaxIf(t_deal, (b, s), base = 1) AS k_deal, " +
         std::string(titles ? "argMaxIf(t_title, (b, s), base = 1) AS k_title, " : "") +
         "argMaxIf(t_created, (b, s), base = 1) AS k_created, "
         "argMaxIf(t_user, (k, b, s), has_user = 1) AS k_user, "
         "argMaxIf(t_deadline, (k, b, s), has_deadline = 1) AS k_deadline, "
         "argMaxIf(t_completed, (k, b, s), has_completed = 1) AS k_completed FROM ("
         "SELECT id AS task_id, toUInt8(1) AS base, deal_id AS t_deal, " +
         std::string(titles ? "title AS t_title, " : "") +
         "toInt64(created_at) AS "
         "t_created, user_id AS t_user, toInt64(deadline) AS t_deadline, toInt64(completed_at) AS "
         "t_completed, toUInt8(1) AS has_user, toUInt8(1) AS has_deadline, toUInt8(1) AS "
         "has_completed, toInt64(2 * created_at) AS k, toUInt64(batch) AS b, toUInt32(seq) AS s "
         "FROM tasks WHERE " +
         committed + " UNION ALL SELECT task_id, toUInt8(0), ''," +
         std::string(titles ? " '' AS no_title," : "") +
         " toInt64(0), if(name = 'user_id' AND "
         "is_null = 0, value, ''), " +
         member("deadline") + ", " + member("completed_at") +
         ", toUInt8(name = 'user_id'), toUInt8(name = 'deadline'), toUInt8(name = "
         "'completed_at'), toInt64(2 * at + 1), toUInt64(batch), toUInt32(seq) FROM task_updates "
         "WHERE " +
         committed + ") GROUP BY task_id HAVING max(base) = 1";
}


bool IsItemMetric(MetricId id) {
  switch (id) {
    case MetricId::kActivityCount:
    case MetricId::kActivityIndex:
    case MetricId::kResponseTime:
    case MetricId::kNps:
    case MetricId::kOverdueTasks:
    case MetricId::kTaskCount:
      return true;
    default:
      return false;
  }
}

CompiledScan CompileItemScan(const Tables& directory, const std::string& committed,
                             const ReportRequest& request, const Visibility& visibility,
                             const ItemDeals& deals, bool grouped) {
  return ItemCompiler(directory, committed, request, visibility, deals).Compile(grouped);
}

CompiledItems CompileItemListing(const Tables& directory, const std::string& committed,
                                 const ReportRequest& request, const Visibility& visibility,
                                 const ItemDeals& deals) {
  return ItemCompiler(directory, committed, request, visibility, deals, true).Listing();
}

std::string WithDealTasks(const std::string& deals, const std::string& committed) {
  return "SELECT * FROM " +
         AnyLeftJoin(deals, "task_deals",
                     "SELECT k_deal AS id, groupArray(k_created) AS task_created, "
                     "groupArray(k_completed) AS task_completed FROM (" +
                         FoldedTasks(committed) + ") WHERE k_deal != '' GROUP BY k_deal",
                     "deal_tasks", "id");
}

std::string HasOpenTask(const std::string& limit) {
  return "arrayExists((c, d) -> c < " + limit + " AND (d = " + Int(kNoTime) + " OR d >= " + limit +
         "), task_created, task_completed)";
}

}  // namespace voronka::clickhouse
