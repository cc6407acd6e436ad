#include "server/feed.h"

#include <algorithm>
#include <array>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "metrics/period.h"
#include "metrics/request.h"
#include "metrics/scans.h"

namespace voronka {

namespace {

using nlohmann::json;

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

// An event found in the tables, by rows; made a FeedEvent only when it is shown.
struct FoundEvent {
  int64_t at = 0;
  FeedKind kind = FeedKind::kCreated;
  int32_t deal = kNone;        // shown only when visible
  int32_t task = kNone;        // overdue tasks
  int32_t stage = kNone;       // the stage entered (creation stage for kCreated)
  int32_t from_stage = kNone;  // the stage left
  int32_t user = kNone;        // responsible of the deal, or the task's user
};

FeedEvent EventOf(const Tables& t, const FoundEvent& found) {
  FeedEvent event;
  event.at = found.at;
  event.kind = found.kind;
  if (found.user != kNone) event.user = std::string(t.users.ids.Text(found.user));
  if (found.deal != kNone) {
    size_t row = Row(found.deal);
    event.deal_id = t.deals.ids.Text(found.deal);
    event.title = t.titles.Text(t.deals.title.value[row]);
    event.amount = t.deals.amount.value[row];
    event.entity = t.deals.entity[row];
  }
  if (found.stage != kNone) {
    event.stage = std::string(t.stages.ids.Text(found.stage));
    event.stage_name = t.stages.name[Row(found.stage)];
  }
  if (found.from_stage != kNone) event.from_stage_name = t.stages.name[Row(found.from_stage)];
  if (found.task != kNone) {
    event.task_id = std::string(t.tasks.ids.Text(found.task));
    event.task_title = t.titles.Text(t.tasks.title[Row(found.task)]);
  }
  return event;
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

  std::vector<FoundEvent> events;
  for (int32_t d = 0; d < deals.size(); ++d) {
    if (!visible_deal(d)) continue;
    size_t row = Row(d);
    int32_t owner = deals.responsible.value[row];
    const PackedList<StageEntry>& history = deals.history[row];
    if (inside(deals.created_at[row])) {
      int32_t first = history.empty() ? kNone : history.front().stage;
      events.push_back({deals.created_at[row], FeedKind::kCreated, d, kNone, first, kNone, owner});
    }
    for (size_t i = 0; i < history.size(); ++i) {
      const StageEntry& entry = history[i];
      if (entry.creation || !inside(entry.at) || entry.stage == kNone) continue;
      FeedKind kind = StageFeedKind(t.stages.semantic[Row(entry.stage)]);
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

  std::array<int64_t, kFeedKinds> counts{};
  for (const FoundEvent& event : events) ++counts[static_cast<size_t>(event.kind)];
  // The newest `limit` by the feed's order (NewerFeedEvent), by ids rather than texts.
  auto task_id = [&](int32_t task) {
    return task == kNone ? std::string_view() : t.tasks.ids.Text(task);
  };
  auto deal_id = [&](int32_t deal) {
    return deal == kNone ? std::string_view() : t.deals.ids.Text(deal);
  };
  auto newer = [&](const FoundEvent& a, const FoundEvent& b) {
    if (a.at != b.at) return a.at > b.at;
    if (a.kind != b.kind) return a.kind < b.kind;
    if (a.deal != b.deal) return deal_id(a.deal) < deal_id(b.deal);
    return task_id(a.task) < task_id(b.task);
  };
  size_t shown = std::min(events.size(), static_cast<size_t>(std::max(window.limit, 0)));
  std::partial_sort(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(shown),
                    events.end(), newer);
  std::vector<FeedEvent> list;
  for (size_t i = 0; i < shown; ++i) list.push_back(EventOf(t, events[i]));
  return FeedJson(counts, std::move(list), window.limit, t.settings.deal_url);
}

Result<json> NewClients(const Tables& t, const json& request, Instant now,
                        const Visibility& visibility) {
  Result<ReportRequest> parsed = ParseDeskRequest(request, "created_count", now, t);
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
    auto [start, end] = PeriodSpan(period, t);
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
  std::optional<int64_t> compare_total;
  if (!report.compare.empty()) {
    Result<Period> compared = ComparedPeriod(report.period, report.compare);
    if (!compared.ok()) return compared.status();
    auto [before_companies, before_contacts] = count_in(compared.value());
    compare_total = before_companies + before_contacts;
  }
  return NewClientsJson(companies, contacts, compare_total);
}

Result<json> ActivitySources(const Tables& t, const json& request, Instant now,
                             const Visibility& visibility) {
  Result<ReportRequest> parsed = ParseDeskRequest(request, "activity_count", now, t);
  if (!parsed.ok()) return parsed.status();
  const ReportRequest& report = parsed.value();
  Result<ScanContext> made = ScanContext::Make(t, report, visibility);
  if (!made.ok()) return made.status();
  const ScanContext& context = made.value();
  auto [start, end] = PeriodSpan(report.period, t);
  end = std::min(end, context.horizon);
  std::map<int32_t, int64_t> by_source;
  const ActivityTable& activities = t.activities;
  for (int32_t a = 0; a < activities.size(); ++a) {
    int64_t at = activities.at[Row(a)];
    if (at < start || at >= end || !context.ActivityPasses(a)) continue;
    ++by_source[activities.source[Row(a)]];
  }
  std::vector<std::pair<std::string, int64_t>> rows;
  for (const auto& [source, count] : by_source) rows.emplace_back(t.values.Text(source), count);
  return ActivitySourcesJson(std::move(rows));
}

}  // namespace voronka
