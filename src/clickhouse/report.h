// Reports in scale-out mode: a report request of SPEC §3 answered from the facts in ClickHouse,
// printed exactly as the embedded engine prints it (metrics/answer.h).
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "access/workspace_settings.h"
#include "clickhouse/client.h"
#include "clickhouse/deal_sql.h"
#include "clickhouse/directory_reader.h"
#include "engine/tables.h"
#include "metrics/request.h"
#include "metrics/scan.h"
#include "metrics/visibility.h"
#include "model/status.h"
#include "model/time.h"

namespace voronka::clickhouse {

// The records of a directory in the order the engine applies them, rewritten by the admin's
// `settings` (RewriteRecord), with the settings' own workspace record last (SettingsRecord).
// `added`: the settings the workspace was added with (`voronka workspace add`), applied first
// so that those its records sent merge over them, as the embedded store merges them.
std::vector<Record> DirectoryRecords(const Directory& directory, const AdminSettings& settings,
                                     const WorkspaceRecord& added = {});

// The directory of a workspace (ReadDirectory) as engine tables: settings, users,
// departments, pipelines with their stages, companies, goals; what requests are resolved
// against. The admin's `settings` rewrite them as they rewrite the embedded engine's records.
Result<Tables> ReadReportDirectory(const Client& client, const std::string& workspace,
                                   const AdminSettings& settings = {});

// The scan plan of a parsed request over the directory (ScanContext::Make); for per-stage
// metrics the deals of each pipeline are counted from the facts first (the default pipeline
// is the one holding the most deals now).
Result<ScanContext> PlanScan(const Client& client, const std::string& workspace, Tables& directory,
                             const ReportRequest& request, const Visibility& visibility,
                             const DealRewrites& reading = DealRewrites{});

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
// The same over `directory`, the workspace's directory as the caller holds it (a server's
// directory engine: the admin's settings already applied), instead of reading it again;
// `settings` still rewrite the deals the SQL reads (the price and source fields).
Result<nlohmann::json> RunReport(const Client& client, const std::string& workspace,
                                 const Tables& directory, const nlohmann::json& request,
                                 Instant now, const Visibility& visibility = {},
                                 const AdminSettings& settings = {});
// That answer as the JSON text the server sends (RunReport parses it).
Result<std::string> RunReportText(const Client& client, const std::string& workspace,
                                  const Tables& directory, const nlohmann::json& request,
                                  Instant now, const Visibility& visibility = {},
                                  const AdminSettings& settings = {});

}  // namespace voronka::clickhouse
