// Reports in scale-out mode: a report request of SPEC §3 answered from the facts in ClickHouse,
// printed exactly as the embedded engine prints it (metrics/answer.h).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "clickhouse/client.h"
#include "engine/tables.h"
#include "metrics/request.h"
#include "metrics/scan.h"
#include "metrics/visibility.h"
#include "model/status.h"
#include "model/time.h"

namespace voronka::clickhouse {

// The directory of a workspace (ReadDirectory) as engine tables: settings, users,
// departments, pipelines with their stages, companies; what requests are resolved against.
Result<Tables> ReadReportDirectory(const Client& client, const std::string& workspace);

// The scan plan of a parsed request over the directory (ScanContext::Make); for per-stage
// metrics the deals of each pipeline are counted from the facts first (the default pipeline
// is the one holding the most deals now).
Result<ScanContext> PlanScan(const Client& client, const std::string& workspace, Tables& directory,
                             const ReportRequest& request, const Visibility& visibility);

// SPEC §3 report of `workspace`, answered as RunReport (metrics/report.h) answers it from the
// same history; `now` is the real now, `visibility` the caller's role. Metrics and filters the
// compiler does not answer yet are an error saying so ("... not yet available in scale-out
// mode"), never a number. An unreachable server is Status::Unavailable (a 503).
Result<nlohmann::json> RunReport(const Client& client, const std::string& workspace,
                                 const nlohmann::json& request, Instant now,
                                 const Visibility& visibility = {});
// The same over `directory`, the workspace's directory as the caller holds it (a server's
// directory engine, with the admin's settings applied), instead of reading it again.
Result<nlohmann::json> RunReport(const Client& client, const std::string& workspace,
                                 const Tables& directory, const nlohmann::json& request,
                                 Instant now, const Visibility& visibility = {});

}  // namespace voronka::clickhouse
