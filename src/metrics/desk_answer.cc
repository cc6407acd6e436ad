#include "metrics/desk_answer.h"

#include <algorithm>

#include "model/money.h"

namespace voronka {

using nlohmann::json;

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

FeedKind StageFeedKind(StageSemantic semantic) {
  if (semantic == StageSemantic::kWon) return FeedKind::kWon;
  if (semantic == StageSemantic::kLost) return FeedKind::kLost;
  return FeedKind::kStage;
}

bool NewerFeedEvent(const FeedEvent& a, const FeedEvent& b) {
  if (a.at != b.at) return a.at > b.at;
  if (a.kind != b.kind) return a.kind < b.kind;
  if (a.deal_id != b.deal_id) return a.deal_id < b.deal_id;
  return a.task_id.value_or("") < b.task_id.value_or("");
}

namespace {

json OptionalText(const std::optional<std::string>& text) {
  return text ? json(*text) : json(nullptr);
}

json EventJson(const FeedEvent& event, const std::string& deal_url) {
  json out = {{"kind", FeedKindName(event.kind)}, {"at", FormatInstant(Instant{event.at})}};
  out["responsible"] = OptionalText(event.user);
  if (!event.deal_id.empty()) {
    out["deal_id"] = event.deal_id;
    out["title"] = event.title;
    out["amount"] = FormatMoney(event.amount);
    out["entity"] = EntityName(event.entity);
    json url = nullptr;
    if (!deal_url.empty()) {
      std::string text = deal_url;
      size_t at = text.find("{id}");
      if (at != std::string::npos) text.replace(at, 4, event.deal_id);
      url = text;
    }
    out["url"] = url;
  }
  if (event.stage) {
    out["stage"] = *event.stage;
    out["stage_name"] = event.stage_name;
  }
  if (event.from_stage_name) out["from_stage_name"] = *event.from_stage_name;
  if (event.task_id) {
    out["task_id"] = *event.task_id;
    out["task_title"] = event.task_title;
  }
  return out;
}

}  // namespace

json FeedJson(const std::array<int64_t, kFeedKinds>& counts, std::vector<FeedEvent> events,
              int32_t limit, const std::string& deal_url) {
  json count_json = json::object();
  int64_t total = 0;
  for (int k = 0; k < kFeedKinds; ++k) {
    count_json[FeedKindName(static_cast<FeedKind>(k))] = counts[static_cast<size_t>(k)];
    total += counts[static_cast<size_t>(k)];
  }
  size_t shown = std::min(events.size(), static_cast<size_t>(std::max(limit, 0)));
  std::partial_sort(events.begin(), events.begin() + static_cast<std::ptrdiff_t>(shown),
                    events.end(), NewerFeedEvent);
  json list = json::array();
  for (size_t i = 0; i < shown; ++i) list.push_back(EventJson(events[i], deal_url));
  return {{"total", total}, {"counts", count_json}, {"events", list}};
}

Result<ReportRequest> ParseDeskRequest(const json& request, const char* metric, Instant now,
                                       const Tables& tables) {
  if (!request.is_object()) return Status::Error("the request must be a JSON object");
  json copy = request;
  copy["metric"] = metric;
  copy.erase("group_by");
  copy.erase("granularity");
  return ParseRequest(copy, now, tables);
}

std::pair<int64_t, int64_t> PeriodSpan(const Period& period, const Tables& tables) {
  Buckets buckets(period, Granularity::kNone, tables.settings.time_zone);
  return {buckets.start(), buckets.end()};
}

json NewClientsJson(int64_t companies, int64_t contacts, std::optional<int64_t> compare_total) {
  json answer = {{"total", companies + contacts}, {"companies", companies}, {"contacts", contacts}};
  if (compare_total) answer["total_compare"] = *compare_total;
  return answer;
}

json ActivitySourcesJson(std::vector<std::pair<std::string, int64_t>> counts) {
  std::sort(counts.begin(), counts.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  json rows = json::array();
  int64_t total = 0;
  for (const auto& [source, count] : counts) {
    rows.push_back({{"group", {{"source", source}}}, {"value", count}});
    total += count;
  }
  return json{{"rows", rows}, {"total", total}};
}

}  // namespace voronka
