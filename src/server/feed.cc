#include "server/feed.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "metrics/period.h"
#include "metrics/request.h"
#include "metrics/scans.h"
#include "model/money.h"

namespace voronka {

namespace {

using nlohmann::json;

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

enum class FeedKind : uint8_t { kCreated, kStage, kWon, kLost, kOverdue };

const char* FeedKindName(FeedKind kind) {
  switch (kind) {
    case FeedKind::kCreated:
      return "created";
    case FeedKind::kStage:
      return "stage";
    case FeedKind::kWon:
      return "won";
    case FeedKind::kLost:
      return "lost";
    case FeedKind::kOverdue:
      return "overdue";
  }
  return "";
}

struct FeedEvent {
  int64_t at = 0;
  FeedKind kind = FeedKind::kCreated;
  int32_t deal = kNone;        // shown only when visible
  int32_t task = kNone;        // overdue tasks
  int32_t stage = kNone;       // the stage entered (creation stage for kCreated)
  int32_t from_stage = kNone;  // the stage left
  int32_t user = kNone;        // responsible of the deal, or the task's user
};

json DealUrl(const Tables& t, int32_t deal) {
  const std::string& pattern = t.settings.deal_url;
  if (deal == kNone || pattern.empty()) return nullptr;
  std::string url = pattern;
  size_t at = url.find("{id}");
  if (at != std::string::npos) url.replace(at, 4, t.deals.ids.Text(deal));
  return url;
}

json StageName(const Tables& t, int32_t stage) {
  return stage == kNone ? json(nullptr) : json(t.stages.name[Row(stage)]);
}

json EventJson(const Tables& t, const FeedEvent& event) {
  json out = {{"kind", FeedKindName(event.kind)}, {"at", FormatInstant(Instant{event.at})}};
  out["responsible"] = event.user == kNone ? json(nullptr) : json(t.users.ids.Text(event.user));
  if (event.deal != kNone) {
    size_t row = Row(event.deal);
    out["deal_id"] = t.deals.ids.Text(event.deal);
    out["title"] = t.titles.Text(t.deals.title.value[row]);
    out["amount"] = FormatMoney(t.deals.amount.value[row]);
    out["entity"] = EntityName(t.deals.entity[row]);
    out["url"] = DealUrl(t, event.deal);
  }
  if (event.stage != kNone) {
    out["stage"] = t.stages.ids.Text(event.stage);
    out["stage_name"] = StageName(t, event.stage);
  }
  if (event.from_stage != kNone) out["from_stage_name"] = StageName(t, event.from_stage);
  if (event.task != kNone) {
    out["task_id"] = t.tasks.ids.Text(event.task);
    out["task_title"] = t.titles.Text(t.tasks.title[Row(event.task)]);
  }
  return out;
}

// A report request for the desktop's own counts: the caller's period, filters and compare,
// with the metric fixed to the one whose filters apply (deals or activities).
Result<ReportRequest> ParseWith(const json& request, const char* metric, Instant now,
                                const Tables& tables) {
  if (!request.is_object()) return Status::Error("the request must be a JSON object");
  json copy = request;
  copy["metric"] = metric;
  copy.erase("group_by");
  copy.erase("granularity");
  return ParseRequest(copy, now, tables);
}

// [start, end) of a period as UTC micros in the workspace time zone.
std::pair<int64_t, int64_t> Span(const Period& period, const Tables& tables) {
  Buckets buckets(period, Granularity::kNone, tables.settings.time_zone);
  return {buckets.start(), buckets.end()};
}

}  // namespace

json BuildFeed(const Tables& t, const Visibility& visibility, const FeedWindow& window) {
  std::vector<uint8_t> user_visible(Row(t.users.ids.size()), visibility.all ? 1 : 0);
  for (const std::string& id : visibility.user_ids) {
    int32_t user = t.users.ids.Find(id);
    if (user != kNone) user_visible[Row(user)] = 1;
  }
  auto visible_user = [&](int32_t user) {
    return user != kNone && Row(user) < user_visible.size() && user_visible[Row(user)] != 0;
  };
  const DealTable& deals = t.deals;
  auto visible_deal = [&](int32_t deal) {
    if (deal == kNone || !deals.defined[Row(deal)]) return false;
    return visibility.all || visible_user(deals.responsible.value[Row(deal)]);
  };
  auto inside = [&](int64_t at) { return at > window.since && at <= window.until; };

  std::vector<FeedEvent> events;
  for (int32_t d = 0; d < deals.size(); ++d) {
    if (!visible_deal(d)) continue;
    size_t row = Row(d);
    int32_t owner = deals.responsible.value[row];
    const std::vector<StageEntry>& history = deals.history[row];
    if (inside(deals.created_at[row])) {
      int32_t first = history.empty() ? kNone : history.front().stage;
      events.push_back({deals.created_at[row], FeedKind::kCreated, d, kNone, first, kNone, owner});
    }
    for (size_t i = 0; i < history.size(); ++i) {
      const StageEntry& entry = history[i];
      if (entry.creation || !inside(entry.at) || entry.stage == kNone) continue;
      FeedKind kind = FeedKind::kStage;
      StageSemantic semantic = t.stages.semantic[Row(entry.stage)];
      if (semantic == StageSemantic::kWon) kind = FeedKind::kWon;
      if (semantic == StageSemantic::kLost) kind = FeedKind::kLost;
      int32_t from = i > 0 ? history[i - 1].stage : kNone;
      events.push_back({entry.at, kind, d, kNone, entry.stage, from, owner});
    }
  }
  // A task becomes overdue at its deadline when it was not completed by then (SPEC §4
  // overdue_tasks): still open, or completed later.
  const TaskTable& tasks = t.tasks;
  for (int32_t k = 0; k < tasks.size(); ++k) {
    size_t row = Row(k);
    if (!tasks.defined[row]) continue;
    int64_t deadline = tasks.deadline.value[row];
    if (deadline == kNoTime || !inside(deadline)) continue;
    int64_t completed = tasks.completed_at.value[row];
    if (completed != kNoTime && completed <= deadline) continue;
    int32_t user = tasks.user.value[row];
    int32_t deal = tasks.deal[row];
    bool deal_shown = visible_deal(deal);
    if (!visible_user(user) && !deal_shown) continue;
    events.push_back({deadline, FeedKind::kOverdue, deal_shown ? deal : kNone, k, kNone, kNone,
                      visible_user(user) ? user : kNone});
  }

  json counts = {{"created", 0}, {"stage", 0}, {"won", 0}, {"lost", 0}, {"overdue", 0}};
  for (const FeedEvent& event : events) {
    json& count = counts[FeedKindName(event.kind)];
    count = count.get<int64_t>() + 1;
  }
  // Newest first; the same instant keeps the order of kinds and deals, so pages are stable.
  auto newer = [](const FeedEvent& a, const FeedEvent& b) {
    if (a.at != b.at) return a.at > b.at;
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.deal != b.deal) return a.deal < b.deal;
    return a.task < b.task;
  };
  size_t shown = std::min(events.size(), static_cast<size_t>(std::max(window.limit, 0)));
  std::partial_sort(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(shown),
                    events.end(), newer);
  json list = json::array();
  for (size_t i = 0; i < shown; ++i) list.push_back(EventJson(t, events[i]));
  return {{"total", events.size()}, {"counts", counts}, {"events", list}};
}

Result<json> NewClients(const Tables& t, const json& request, Instant now,
                        const Visibility& visibility) {
  Result<ReportRequest> parsed = ParseWith(request, "created_count", now, t);
  if (!parsed.ok()) return parsed.status();
  const ReportRequest& report = parsed.value();
  Result<ScanContext> made = ScanContext::Make(t, report, visibility);
  if (!made.ok()) return made.status();
  const ScanContext& context = made.value();
  const DealTable& deals = t.deals;

  // A customer is new in P when its first deal was created in P (new_client_count).
  std::vector<int32_t> first_deal = FirstDealOfCustomer(t, context.horizon);
  size_t company_slots = Row(t.companies.ids.size()) * 2;
  auto count_in = [&](const Period& period) {
    auto [start, end] = Span(period, t);
    int64_t companies = 0, contacts = 0;
    for (size_t slot = 0; slot < first_deal.size(); ++slot) {
      int32_t d = first_deal[slot];
      if (d == kNone || !context.DealPasses(d)) continue;
      int64_t at = deals.created_at[Row(d)];
      if (at < start || at >= end) continue;
      ++(slot < company_slots ? companies : contacts);
    }
    return std::pair<int64_t, int64_t>{companies, contacts};
  };
  auto [companies, contacts] = count_in(report.period);
  json answer = {{"total", companies + contacts}, {"companies", companies}, {"contacts", contacts}};
  if (!report.compare.empty()) {
    Result<Period> compared = ComparedPeriod(report.period, report.compare);
    if (!compared.ok()) return compared.status();
    auto [before_companies, before_contacts] = count_in(compared.value());
    answer["total_compare"] = before_companies + before_contacts;
  }
  return answer;
}

Result<json> ActivitySources(const Tables& t, const json& request, Instant now,
                             const Visibility& visibility) {
  Result<ReportRequest> parsed = ParseWith(request, "activity_count", now, t);
  if (!parsed.ok()) return parsed.status();
  const ReportRequest& report = parsed.value();
  Result<ScanContext> made = ScanContext::Make(t, report, visibility);
  if (!made.ok()) return made.status();
  const ScanContext& context = made.value();
  auto [start, end] = Span(report.period, t);
  end = std::min(end, context.horizon);
  std::map<int32_t, int64_t> by_source;
  int64_t total = 0;
  const ActivityTable& activities = t.activities;
  for (int32_t a = 0; a < activities.size(); ++a) {
    int64_t at = activities.at[Row(a)];
    if (at < start || at >= end || !context.ActivityPasses(a)) continue;
    ++by_source[activities.source[Row(a)]];
    ++total;
  }
  std::vector<std::pair<int32_t, int64_t>> rows(by_source.begin(), by_source.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  json list = json::array();
  for (const auto& [source, count] : rows) {
    list.push_back({{"group", {{"source", t.values.Text(source)}}}, {"value", count}});
  }
  return json{{"rows", list}, {"total", total}};
}

}  // namespace voronka
