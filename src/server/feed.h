// What the desktop shows that no report metric gives: the event feed since a moment (new
// deals, stage changes, wins, losses, overdue tasks), the new clients of a period, and the
// activities of a period by their own source (channel). Each applies the caller's visibility;
// the last two also the request's period and filters, like a report. Computed here from the
// engine's tables; in scale-out mode clickhouse/desk.h answers the same from the fact store, and
// both print through metrics/desk_answer.h.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>

#include "engine/tables.h"
#include "metrics/desk_answer.h"
#include "metrics/visibility.h"
#include "model/status.h"
#include "model/time.h"

namespace voronka {

// The events in (since, until] that `visibility` allows, newest first, at most `limit`:
// {"total": N, "counts": {"created","stage","won","lost","overdue"}, "events": [...]}. An event
// names a deal only when its deal is visible, and a user only when that user is.
nlohmann::json BuildFeed(const Tables& tables, const Visibility& visibility,
                         const FeedWindow& window);

// New clients of a report-like request (period, filters, compare; no metric): a company, or a
// contact without company, is new in P when its first deal (earliest created_at) was created in
// P; it counts when that deal passes the filters and visibility. Answers {"total",
// "companies", "contacts"} and, with compare, "total_compare".
Result<nlohmann::json> NewClients(const Tables& tables, const nlohmann::json& request, Instant now,
                                  const Visibility& visibility);

// Activities with `at` in the period counted by the activity's own source (channel), under
// the request's filters and visibility: {"rows": [{"group": {"source"}, "value"}], "total"},
// rows by count, largest first (the same count by source); "" is an activity without source.
Result<nlohmann::json> ActivitySources(const Tables& tables, const nlohmann::json& request,
                                       Instant now, const Visibility& visibility);

}  // namespace voronka
