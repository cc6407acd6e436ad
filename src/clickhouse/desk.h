// The desktop's own answers in scale-out mode (server/feed.h computes them from the engine's
// tables): the event feed, the new clients of a period and the activities of a period by their
// own source, found in the committed facts of a workspace with the SQL of ClickHouse 18.16 and
// printed by metrics/desk_answer.h, so that they answer exactly as the embedded mode does on the
// same history. Each deal, task and activity is read as the contract folds it (the latest
// (batch, seq) of a record, the latest `at` of a versioned member, each stage change once).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "access/workspace_settings.h"
#include "clickhouse/client.h"
#include "engine/tables.h"
#include "metrics/desk_answer.h"
#include "metrics/visibility.h"
#include "model/status.h"
#include "model/time.h"

namespace voronka::clickhouse {

// `directory` is the workspace's directory as the caller holds it (a server's directory
// engine: the admin's settings, the deep link and stage semantics among them, applied);
// `settings` still rewrite the deals the SQL reads (the price and source fields). An
// unreachable server is Status::Unavailable (a 503).

// As BuildFeed: the events in (since, until] that `visibility` allows. One statement.
Result<nlohmann::json> Feed(const Client& client, const std::string& workspace,
                            const Tables& directory, const Visibility& visibility,
                            const FeedWindow& window, const AdminSettings& settings = {});

// As NewClients: the new companies and contacts of the request's period (and the compared
// one). One statement.
Result<nlohmann::json> NewClients(const Client& client, const std::string& workspace,
                                  const Tables& directory, const nlohmann::json& request,
                                  Instant now, const Visibility& visibility,
                                  const AdminSettings& settings = {});

// As ActivitySources: the activities of the request's period by their own source. One
// statement.
Result<nlohmann::json> ActivitySources(const Client& client, const std::string& workspace,
                                       const Tables& directory, const nlohmann::json& request,
                                       Instant now, const Visibility& visibility,
                                       const AdminSettings& settings = {});

}  // namespace voronka::clickhouse
