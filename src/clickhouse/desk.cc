#include "clickhouse/desk.h"

#include <algorithm>
#include <array>
#include <optional>
#include <vector>

#include "clickhouse/activity_sql.h"
#include "clickhouse/compiler.h"
#include "clickhouse/deal_sql.h"
#include "clickhouse/deal_terms.h"
#include "clickhouse/fold_store.h"
#include "clickhouse/schema.h"
#include "metrics/filter.h"
#include "metrics/scan.h"

namespace voronka::clickhouse {

namespace {

using nlohmann::json;

constexpr int kKinds = 10;      // ActivityKind
constexpr int kDirections = 3;  // Direction

std::string Committed(const Client& client, const std::string& ws) {
  return "ws = " + Quote(ws) + " AND " + CommittedRows(client.endpoint().database, ws);
}

Result<DealRewrites> ReadingOf(const Client& client, const std::string& ws,
                               const Tables& directory, const AdminSettings& settings) {
  return DealReading(client, ws, directory, settings.price_field, settings.source_field);
}

// Whether the user id `user` (an SQL expression, '' for none) is one `visibility` shows.
std::string UserVisible(const std::string& user, const Visibility& visibility) {
  if (visibility.all) return user + " != ''";
  return "has(" + StringArray(visibility.user_ids) + ", " + user + ")";
}

// The feed's events as rows f_at, f_kind, f_deal ('' when not shown), f_title, f_amount,
// f_entity, f_stage, f_from ('' none), f_task ('' none), f_task_title, f_user ('' none):
// branch A from each deal (its creation, its stage changes, its tasks that became overdue),
// branch B from the overdue tasks of no deal or of a deal whose record never arrived.
std::string FeedEvents(const Tables& directory, const std::string& committed,
                       const Visibility& visibility, const FeedWindow& window,
                       const DealRewrites& reading) {
  std::string since = Int(window.since), until = Int(window.until);
  auto inside = [&](const std::string& at) {
    return at + " > " + since + " AND " + at + " <= " + until;
  };
  std::vector<std::string> stage_ids;
  std::vector<int64_t> semantics;
  for (int32_t s = 0; s < directory.stages.ids.size(); ++s) {
    stage_ids.emplace_back(directory.stages.ids.Text(s));
    semantics.push_back(static_cast<int64_t>(directory.stages.semantic[static_cast<size_t>(s)]));
  }
  std::string semantic = stage_ids.empty() ? "toInt64(0)"
                                           : "transform(h.5, " + StringArray(stage_ids) + ", " +
                                                 IntArray(semantics) + ", toInt64(0))";
  // Kinds: created 0, stage 1, won 2, lost 3, overdue 4 (FeedKind).
  std::string kind = "toUInt8(multiIf(" + semantic + " = 1, 2, " + semantic + " = 2, 3, 1))";
  // A task became overdue at its deadline when it was not completed by then.
  std::string overdue = "SELECT * FROM (" + FoldedTasks(committed, true) +
                        ") WHERE k_deadline != " + Int(kNoTime) + " AND " + inside("k_deadline") +
                        " AND NOT (k_completed != " + Int(kNoTime) +
                        " AND k_completed <= k_deadline)";

  DealSql deals(directory, committed, {}, false);
  deals.AddTitle();
  deals.SetRewrites(reading);
  std::string seen =
      visibility.all ? "toUInt8(1)" : "toUInt8(" + UserVisible("responsible", visibility) + ")";
  std::string with_tasks =
      "SELECT * FROM " +
      AnyLeftJoin(Wrap(deals.Deals(), seen + " AS seen"), "feed_deals",
                  "SELECT k_deal AS id, groupArray((k_deadline, k_id, k_title, k_user)) AS od "
                  "FROM (" +
                      overdue + ") WHERE k_deal != '' GROUP BY k_deal",
                  "overdue_by_deal", "id");
  // Events as tuples (at, kind, stage, from, task, task title, task user, deal shown). Lambdas
  // read only their arguments and constants: 18.16 does not always pass a column that only a
  // lambda reads, so the deal's visibility is applied outside them.
  std::string task_user = "if(" + UserVisible("x.4", visibility) + ", x.4, '')";
  std::string events =
      "[(toInt64(created_at), toUInt8(0), hist_stage[1], '', '', '', '', toUInt8(1))] AS "
      "created_ev, "
      "arrayFilter(x -> x.2 != 255 AND " +
      inside("x.1") + ", arrayMap((h, p) -> (h.1, if(h.2 = 0, toUInt8(255), " + kind +
      "), h.5, p, '', '', '', toUInt8(1)), history, arrayPushFront(arrayPopBack(hist_stage), "
      "''))) AS change_ev, "
      "arrayMap(x -> (x.1, toUInt8(4), '', '', x.2, x.3, " +
      task_user +
      ", toUInt8(1)), od) AS task_ev, "
      "arrayFilter(x -> x.7 != '', arrayMap(x -> (x.1, toUInt8(4), '', '', x.2, x.3, " +
      task_user +
      ", toUInt8(0)), od)) AS hidden_task_ev, "
      "arrayConcat(arraySlice(created_ev, 1, toUInt8(seen AND " +
      inside("created_at") +
      ")), arraySlice(change_ev, 1, if(seen, length(change_ev), 0)), arraySlice(task_ev, 1, "
      "if(seen, length(task_ev), 0)), arraySlice(hidden_task_ev, 1, if(seen, 0, "
      "length(hidden_task_ev)))) AS events";
  std::string branch_a =
      "SELECT e.1 AS f_at, e.2 AS f_kind, if(e.8 = 1, id, '') AS f_deal, if(e.8 = 1, title, '') "
      "AS f_title, if(e.8 = 1, amount, toInt64(0)) AS f_amount, if(e.8 = 1, entity, toUInt8(0)) "
      "AS f_entity, e.3 AS f_stage, e.4 AS f_from, e.5 AS f_task, e.6 AS f_task_title, if(e.2 = "
      "4, e.7, responsible) AS f_user FROM (" +
      Wrap(with_tasks, events) + ") ARRAY JOIN events AS e";
  std::string branch_b =
      "SELECT k_deadline AS f_at, toUInt8(4) AS f_kind, '' AS f_deal, '' AS f_title, toInt64(0) "
      "AS f_amount, toUInt8(0) AS f_entity, '' AS f_stage, '' AS f_from, k_id AS f_task, k_title "
      "AS f_task_title, k_user AS f_user FROM " +
      AnyLeftJoin(overdue, "overdue",
                  "SELECT id AS k_deal, toUInt8(1) AS deal_known FROM deals WHERE " + committed +
                      " GROUP BY id",
                  "known_deals", "k_deal") +
      " WHERE deal_known = 0 AND " + UserVisible("k_user", visibility);
  return branch_a + " UNION ALL " + branch_b;
}

}  // namespace

Result<json> Feed(const Client& client, const std::string& ws, const Tables& directory,
                  const Visibility& visibility, const FeedWindow& window,
                  const AdminSettings& settings) {
  Result<DealRewrites> reading = ReadingOf(client, ws, directory, settings);
  if (!reading.ok()) return reading.status();
  // Per kind its count and its newest events (at least one, so that the count comes back).
  std::string newest = std::to_string(std::max(window.limit, 1));
  std::string sql =
      "SELECT f_kind, n, e.1, e.2, e.3, e.4, e.5, e.6, e.7, e.8, e.9, e.10 FROM (SELECT f_kind, "
      "count() AS n, arraySlice(arraySort(x -> (-x.1, x.2, x.8), groupArray((f_at, f_deal, "
      "f_title, f_amount, f_entity, f_stage, f_from, f_task, f_task_title, f_user))), 1, " +
      newest + ") AS top FROM (" +
      FeedEvents(directory, Committed(client, ws), visibility, window, reading.value()) +
      ") GROUP BY f_kind) ARRAY JOIN top AS e";
  Result<Rows> rows = client.Query(sql);
  if (!rows.ok()) return rows.status();
  std::array<int64_t, kFeedKinds> counts{};
  std::vector<FeedEvent> events;
  for (size_t r = 0; r < rows->size(); ++r) {
    auto kind = static_cast<FeedKind>(rows->Int(r, 0));
    counts[static_cast<size_t>(kind)] = rows->Int(r, 1);
    FeedEvent event;
    event.at = rows->Int(r, 2);
    event.kind = kind;
    event.deal_id = rows->Text(r, 3);
    event.title = rows->Text(r, 4);
    event.amount = rows->Int(r, 5);
    event.entity = static_cast<Entity>(rows->Int(r, 6));
    if (kind != FeedKind::kOverdue) {
      // A stage the directory does not list is named by its id, as the engine names it.
      auto name_of = [&](const std::string& stage) {
        int32_t row = directory.stages.ids.Find(stage);
        return row == kNone ? stage : directory.stages.name[static_cast<size_t>(row)];
      };
      event.stage = rows->Text(r, 7);
      event.stage_name = name_of(*event.stage);
      std::string from = rows->Text(r, 8);
      if (!from.empty()) event.from_stage_name = name_of(from);
    } else {
      event.task_id = rows->Text(r, 9);
      event.task_title = rows->Text(r, 10);
    }
    std::string user = rows->Text(r, 11);
    if (!user.empty()) event.user = user;
    events.push_back(std::move(event));
  }
  return FeedJson(counts, std::move(events), window.limit, directory.settings.deal_url);
}

Result<json> NewClients(const Client& client, const std::string& ws, const Tables& directory,
                        const json& body, Instant now, const Visibility& visibility,
                        const AdminSettings& settings) {
  Result<ReportRequest> parsed = ParseDeskRequest(body, "created_count", now, directory);
  if (!parsed.ok()) return parsed.status();
  ReportRequest& request = parsed.value();
  std::optional<std::pair<int64_t, int64_t>> compared;
  if (!request.compare.empty()) {
    Result<Period> period = ComparedPeriod(request.period, request.compare);
    if (!period.ok()) return period.status();
    compared = PeriodSpan(period.value(), directory);
  }
  // The deals that are their customer's first (new_client_count's contributions: one per such
  // deal passing the request), by creation in either period.
  request.metric = FindMetric("new_client_count");
  Result<ScanContext> plan = ScanContext::Make(directory, request, visibility);
  if (!plan.ok()) return plan.status();
  Buckets buckets(request.period, Granularity::kNone, directory.settings.time_zone);
  Result<DealRewrites> reading = ReadingOf(client, ws, directory, settings);
  if (!reading.ok()) return reading.status();
  CompiledContributions firsts =
      CompileContributions(directory, client.endpoint().database, ws, request, visibility, buckets,
                           plan.value(), reading.value());
  auto [start, end] = PeriodSpan(request.period, directory);
  auto in = [](const std::pair<int64_t, int64_t>& span) {
    return "created_at >= " + Int(span.first) + " AND created_at < " + Int(span.second);
  };
  std::string main = in({start, end});
  std::string sql = "SELECT toString(countIf(" + main + " AND company != '')), toString(countIf(" +
                    main + " AND company = '')), toString(countIf(" +
                    (compared ? in(*compared) : std::string("0")) + ")) FROM (" + firsts.sql +
                    ") ARRAY JOIN contributions AS c";
  Result<Rows> rows = client.Query(sql);
  if (!rows.ok()) return rows.status();
  bool any = !rows->empty();
  std::optional<int64_t> compare_total;
  if (compared) compare_total = any ? rows->Int(0, 2) : 0;
  return NewClientsJson(any ? rows->Int(0, 0) : 0, any ? rows->Int(0, 1) : 0, compare_total);
}

Result<json> ActivitySources(const Client& client, const std::string& ws, const Tables& directory,
                             const json& body, Instant now, const Visibility& visibility,
                             const AdminSettings& settings) {
  Result<ReportRequest> parsed = ParseDeskRequest(body, "activity_count", now, directory);
  if (!parsed.ok()) return parsed.status();
  const ReportRequest& request = parsed.value();
  Result<ScanContext> plan = ScanContext::Make(directory, request, visibility);
  if (!plan.ok()) return plan.status();
  std::string committed = Committed(client, ws);
  auto [start, end] = PeriodSpan(request.period, directory);
  int64_t horizon = request.as_of.micros + 1;
  end = std::min(end, horizon);
  // Each activity as last sent, with `at` in the period.
  std::string activities =
      "SELECT toInt64(r.1) AS a_kind, toInt64(r.2) AS a_dir, r.3 AS id, r.4 AS a_user, "
      "toInt64(r.5) AS a_at, r.6 AS a_source FROM (SELECT id AS a_id, argMax((kind, direction, "
      "deal_id, user_id, at, source), (batch, seq)) AS r FROM activities WHERE " +
      committed + " GROUP BY id) WHERE a_at >= " + Int(start) + " AND a_at < " + Int(end);

  // ScanContext::ActivityPasses: the own user passes the responsible and department filters
  // (the last of each; an activity with no user passes none), kind and direction filters hold,
  // the deal passes the deal-attribute filters (an activity with no deal passes none), and the
  // role sees the user or the deal.
  DealTerms terms(directory, request, visibility);
  auto accepted = [&](const Filter& filter, int count) {
    DimensionFilter accepts = MakeFilter(directory, filter);
    std::vector<int64_t> values;
    for (int v = 0; v < count; ++v) {
      if (accepts.Accepts(v)) values.push_back(v);
    }
    return IntArray(values);
  };
  const std::vector<Filter>& filters = request.filters;
  auto last_of_its_dimension = [&](size_t f) {
    return std::none_of(
        filters.begin() + static_cast<std::ptrdiff_t>(f) + 1, filters.end(),
        [&](const Filter& later) { return later.on.dimension == filters[f].on.dimension; });
  };
  std::string passes = "1";
  bool deal_read = !visibility.all;
  for (size_t f = 0; f < filters.size(); ++f) {
    const Filter& filter = filters[f];
    switch (filter.on.dimension) {
      case Dimension::kResponsible:
        if (last_of_its_dimension(f)) {
          passes += " AND a_user != '' AND " + DealTerms::TextPasses("a_user", filter);
        }
        break;
      case Dimension::kDepartment:
        if (last_of_its_dimension(f)) {
          passes += " AND a_user != '' AND " + terms.DepartmentPasses(filter, "a_user");
        }
        break;
      case Dimension::kKind:
        if (last_of_its_dimension(f)) {
          passes += " AND has(" + accepted(filter, kKinds) + ", a_kind)";
        }
        break;
      case Dimension::kDirection:
        if (last_of_its_dimension(f)) {
          passes += " AND has(" + accepted(filter, kDirections) + ", a_dir)";
        }
        break;
      default:
        passes += " AND id != '' AND (" + terms.FilterPasses(filter) + ")";
        deal_read = true;
        break;
    }
  }
  if (!visibility.all) {
    passes += " AND (" + UserVisible("a_user", visibility) + " OR (id != '' AND " +
              UserVisible("responsible", visibility) + "))";
  }
  std::string from = activities;
  if (deal_read) {
    // The deals' attributes and state at T, for the filters and the role.
    Result<DealRewrites> reading = ReadingOf(client, ws, directory, settings);
    if (!reading.ok()) return reading.status();
    DealSql deals(directory, committed, terms.fields(), false);
    deals.SetRewrites(reading.value());
    for (const Filter& filter : filters) {
      if (filter.on.dimension == Dimension::kTitle) deals.AddTitle();
    }
    from = "SELECT * FROM " + AnyLeftJoin(activities, "source_items",
                                          deals.WithStateAt(deals.Deals(), "T_", horizon),
                                          "source_deals", "id");
  }
  Result<Rows> rows = client.Query("SELECT a_source, toString(count()) FROM (" + from + ") WHERE " +
                                   passes + " GROUP BY a_source");
  if (!rows.ok()) return rows.status();
  std::vector<std::pair<std::string, int64_t>> counts;
  for (size_t r = 0; r < rows->size(); ++r) counts.emplace_back(rows->Text(r, 0), rows->Int(r, 1));
  return ActivitySourcesJson(std::move(counts));
}

}  // namespace voronka::clickhouse
