// The desktop's answers (the event feed, new clients, activities by source) as plain events and
// counts, and their JSON. One printer for every backend (the embedded engine's tables and the
// ClickHouse fact store), so that both answer alike: each backend finds the events and counts,
// this file orders, cuts and prints them.
#pragma once

#include <array>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/tables.h"
#include "metrics/period.h"
#include "metrics/request.h"
#include "model/status.h"
#include "model/time.h"

namespace voronka {

struct FeedWindow {
  int64_t since = 0;  // micros UTC, exclusive
  int64_t until = 0;  // micros UTC, inclusive (the real now: later history is not news yet)
  int32_t limit = 50;
};

// In the order the feed lists events of the same instant.
enum class FeedKind : uint8_t { kCreated, kStage, kWon, kLost, kOverdue };
constexpr int kFeedKinds = 5;
const char* FeedKindName(FeedKind kind);
// The kind of entering a stage of `semantic` (stage, won or lost).
FeedKind StageFeedKind(StageSemantic semantic);

// One event as a backend found it, with the texts the answer shows.
struct FeedEvent {
  int64_t at = 0;
  FeedKind kind = FeedKind::kCreated;
  std::string deal_id;  // "" when no deal is shown (none, or not visible)
  std::string title;    // the deal's, with deal_id
  int64_t amount = 0;   // the deal's, minor units
  Entity entity = Entity::kDeal;
  std::optional<std::string> stage;            // the stage entered (id)
  std::string stage_name;                      // with stage
  std::optional<std::string> from_stage_name;  // the name of the stage left
  std::optional<std::string> task_id;          // overdue tasks
  std::string task_title;
  std::optional<std::string> user;  // the deal's responsible, or the task's user when visible
};

// Newest first; the same instant by kind, then deal id, then task id (no deal, no task first),
// so that pages are stable whichever backend lists them.
bool NewerFeedEvent(const FeedEvent& a, const FeedEvent& b);

// The feed's answer from the events of the window a backend found: `counts` per kind of all
// of them (every one counts, also those left out of `events`), `events` at least the newest
// `limit` of them in any order. {"total", "counts", "events"}: the newest `limit`, newest
// first; a deal's "url" from the workspace's deep-link pattern `deal_url`.
nlohmann::json FeedJson(const std::array<int64_t, kFeedKinds>& counts,
                        std::vector<FeedEvent> events, int32_t limit, const std::string& deal_url);

// A request of the desktop's own tables (new clients, activities by source): the caller's
// period, filters and compare, with the metric fixed to `metric`, whose filters apply.
Result<ReportRequest> ParseDeskRequest(const nlohmann::json& request, const char* metric,
                                       Instant now, const Tables& tables);
// [start, end) of a period as UTC micros in the workspace's time zone.
std::pair<int64_t, int64_t> PeriodSpan(const Period& period, const Tables& tables);

// New clients of a period: {"total", "companies", "contacts"} and, when `compare_total` is
// given, "total_compare".
nlohmann::json NewClientsJson(int64_t companies, int64_t contacts,
                              std::optional<int64_t> compare_total);

// Activities by their own source: {"rows": [{"group": {"source"}, "value"}], "total"}, rows
// by count, largest first, the same count by source ("" is none, first).
nlohmann::json ActivitySourcesJson(std::vector<std::pair<std::string, int64_t>> counts);

}  // namespace voronka
