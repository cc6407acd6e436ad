// The report builder's counts (deal_count, deal_amount, deal_avg_amount, task_count): the deals
// or tasks whose membership date (the request's "date") falls in P, bucketed by that date.
#include <algorithm>

#include "metrics/scans.h"

namespace voronka {

namespace {

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

// The latest change of a deal before `horizon`: its creation, a deal_update, a stage change.
int64_t ModifiedBefore(const DealTable& deals, size_t row, int64_t horizon) {
  int64_t latest = deals.created_at[row];
  const PackedList<int64_t>& updates = deals.update_times[row];
  auto update = std::lower_bound(updates.begin(), updates.end(), horizon);
  if (update != updates.begin()) latest = std::max(latest, *(update - 1));
  const PackedList<StageEntry>& history = deals.history[row];
  for (auto entry = history.rbegin(); entry != history.rend(); ++entry) {
    if (entry->at < horizon) {
      latest = std::max(latest, entry->at);
      break;
    }
  }
  return latest;
}

// Each deal's value of a date custom field as an instant (a date is its local midnight),
// parsed once per distinct value.
class FieldDates {
 public:
  FieldDates(const Tables& tables, int32_t field)
      : tables_(&tables),
        column_(field == kNone || Row(field) >= tables.deals.field_value.size()
                    ? nullptr
                    : &tables.deals.field_value[Row(field)]) {}

  int64_t Of(int32_t deal) {
    if (column_ == nullptr) return kNoTime;
    int32_t value = (*column_)[Row(deal)];
    if (value < 0) return kNoTime;  // none, or a multi-list (not a date)
    if (parsed_.empty()) parsed_.assign(Row(tables_->values.size()), kUnparsed);
    int64_t& at = parsed_[Row(value)];
    if (at == kUnparsed) at = FieldValueInstant(*tables_, tables_->values.Text(value));
    return at;
  }

 private:
  static constexpr int64_t kUnparsed = kNoTime + 1;

  const Tables* tables_;
  const LiveColumn<int32_t>* column_;
  std::vector<int64_t> parsed_;
};

void ScanDeals(const ScanContext& c, Collector& out) {
  const Tables& t = *c.tables;
  const DealTable& deals = t.deals;
  MembershipDate date = c.request->date.date;
  FieldDates field_dates(t, c.request->date.field);
  MetricId metric = c.metric->id;
  c.Scanned(deals.size(), 1 + 8 + 8);
  for (int32_t d = 0; d < deals.size(); ++d) {
    size_t row = Row(d);
    if (!c.DealPasses(d)) continue;
    int64_t at = kNoTime;
    switch (date) {
      case MembershipDate::kCreated:
        at = deals.created_at[row];
        break;
      case MembershipDate::kModified:
        at = ModifiedBefore(deals, row, c.horizon);
        break;
      case MembershipDate::kClosed: {
        const DealMoment& m = c.state[row];
        if (m.outcome == Outcome::kWon || m.outcome == Outcome::kLost) at = m.close;
        break;
      }
      case MembershipDate::kField:
        at = field_dates.Of(d);
        break;
      default:
        break;
    }
    if (at == kNoTime) continue;
    int32_t bucket = c.buckets->IndexOf(at);
    if (bucket < 0) continue;
    int64_t amount = deals.amount.value[row];
    Contribution value{1, 0, 0};
    if (metric == MetricId::kDealAmount) value = {amount, 0, 0};
    if (metric == MetricId::kDealAvgAmount) value = {amount, 1, 0};
    out.Add(DealItem(c, d), kNone, bucket, value);
  }
}

void ScanTasks(const ScanContext& c, Collector& out) {
  const TaskTable& tasks = c.tables->tasks;
  MembershipDate date = c.request->date.date;
  c.Scanned(tasks.size(), 1 + 8 + 8 + 4 + 4);
  for (int32_t k = 0; k < tasks.size(); ++k) {
    size_t row = Row(k);
    if (tasks.created_at[row] >= c.horizon || !c.TaskPasses(k)) continue;
    int64_t at = tasks.created_at[row];
    if (date == MembershipDate::kDeadline) at = tasks.deadline.value[row];
    if (date == MembershipDate::kCompleted) {
      at = tasks.completed_at.value[row];
      if (at != kNoTime && at >= c.horizon) continue;  // completed after T: open at T
    }
    if (at == kNoTime) continue;
    Item item{ItemKind::kTask, k, tasks.deal[row], tasks.user.value[row], kNoTime};
    out.Add(item, kNone, c.buckets->IndexOf(at), {1, 0, 0});
  }
}

}  // namespace

void ScanMembership(const ScanContext& c, Collector& out) {
  if (c.metric->id == MetricId::kTaskCount) {
    ScanTasks(c, out);
  } else {
    ScanDeals(c, out);
  }
}

}  // namespace voronka
