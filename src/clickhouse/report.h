// Reports in scale-out mode: a report request of SPEC §3 answered from the facts in ClickHouse,
// printed exactly as the embedded engine prints it (metrics/answer.h).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "access/workspace_settings.h"
#include "clickhouse/client.h"
#include "clickhouse/directory_reader.h"
#include "engine/tables.h"
#include "metrics/visibility.h"
#include "model/status.h"
#include "model/time.h"

namespace voronka::clickhouse {

// The records of a directory in the order the engine applies them, rewritten by the admin's
// `settings` (RewriteRecord), with the settings' own workspace record last (SettingsRecord).
std::vector<Record> DirectoryRecords(const Directory& directory, const AdminSettings& settings);

// The directory of a workspace (ReadDirectory) as engine tables: settings, users,
// departments, pipelines with their stages, companies, goals; what requests are resolved
// against. The admin's `settings` rewrite them as they rewrite the embedded engine's records.
Result<Tables> ReadReportDirectory(const Client& client, const std::string& workspace,
                                   const AdminSettings& settings = {});

// SPEC §3 report of `workspace`, answered as RunReport (metrics/report.h) answers it from the
// same history; `now` is the real now, `visibility` the caller's role. Metrics and filters the
// compiler does not answer yet are an error saying so ("... not yet available in scale-out
// mode"), never a number. An unreachable server is Status::Unavailable (a 503). The admin's
// `settings` rewrite the records read (RewriteRecord): stage semantics, the price and source
// fields, capacities, the forgotten threshold.
Result<nlohmann::json> RunReport(const Client& client, const std::string& workspace,
                                 const nlohmann::json& request, Instant now,
                                 const Visibility& visibility = {},
                                 const AdminSettings& settings = {});

}  // namespace voronka::clickhouse
