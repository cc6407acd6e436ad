// Drill-down in scale-out mode: the deals, a deal's stage changes, activities or tasks behind
// one cell of a report the compiler answers (SPEC §3), listed from the same compiled
// contributions the report sums, so the count of the list equals the number shown.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "access/workspace_settings.h"
#include "clickhouse/client.h"
#include "engine/tables.h"
#include "metrics/visibility.h"
#include "model/status.h"
#include "model/time.h"

namespace voronka::clickhouse {

// SPEC §3 drill-down of `workspace`, answered as RunDrilldown (metrics/report.h) answers it
// from the same history: {"metric", "total", "offset", "items"}, the items with the same
// members, order and paging. `deal_url` replaces the workspace's deep-link pattern when the
// server holds another (the admin's setting). Metrics the compiler does not answer are an error
// saying "... not yet available in scale-out mode". Two queries: the cell's items with what
// they show, then the titles of the deals the page shows (of every item when sorting by title).
Result<nlohmann::json> RunDrilldown(const Client& client, const std::string& workspace,
                                    const nlohmann::json& request, Instant now,
                                    const Visibility& visibility = {},
                                    const std::optional<std::string>& deal_url = std::nullopt);
// The same over `directory`, the workspace's directory as the caller holds it (a server's
// directory engine: the admin's settings, the deep link among them, applied); `settings`
// still rewrite the deals the SQL reads (the price and source fields).
Result<nlohmann::json> RunDrilldown(const Client& client, const std::string& workspace,
                                    const Tables& directory, const nlohmann::json& request,
                                    Instant now, const Visibility& visibility = {},
                                    const AdminSettings& settings = {});

}  // namespace voronka::clickhouse
