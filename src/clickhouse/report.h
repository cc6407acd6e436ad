// Reports in scale-out mode: a report request of SPEC §3 answered from the facts in ClickHouse,
// printed exactly as the embedded engine prints it (metrics/answer.h).
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/tables.h"
#include "metrics/visibility.h"
#include "model/status.h"
#include "model/time.h"

namespace voronka {

// Runs one statement on the facts database and answers its output (the statements carry their
// FORMAT); an error when the server refuses or cannot be reached.
using ClickHouseQuery = std::function<Result<std::string>(const std::string& sql)>;

// The directory of a workspace from its committed facts: settings, users, departments,
// pipelines (with their stages) and companies, applied in arrival order as the engine does.
Result<Tables> ReadReportDirectory(const ClickHouseQuery& query, const std::string& workspace);

// SPEC §3 report of `workspace` as RunReport (metrics/report.h) answers it. Metrics and
// filters the compiler does not answer yet are an error saying so, never a number.
Result<nlohmann::json> RunClickHouseReport(const ClickHouseQuery& query,
                                           const std::string& workspace,
                                           const nlohmann::json& request, Instant now,
                                           const Visibility& visibility = {});

}  // namespace voronka
