// Report and drill-down requests of SPEC §3 over one workspace's engine.
#pragma once

#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "metrics/visibility.h"
#include "model/status.h"
#include "model/time.h"

namespace voronka {

// What a request read: the bytes of the columns its scans walked (for benchmarks; an estimate
// by column widths times rows visited, not a hardware counter).
struct ScanStats {
  int64_t bytes_scanned = 0;
};

// Runs a report request of SPEC §3 (JSON as in the spec); `now` is the real now, used when
// the request has no as_of. Answers {"metric", "period", "as_of", "rows", "total", "labels"};
// errors (unknown metric, bad period, ...) as Status.
Result<nlohmann::json> RunReport(const Engine& engine, const nlohmann::json& request, Instant now,
                                 const Visibility& visibility = {}, ScanStats* stats = nullptr);
// The same on a version of the tables the caller holds (several reports on one version).
Result<nlohmann::json> RunReport(const Engine::ReadView& view, const nlohmann::json& request,
                                 Instant now, const Visibility& visibility = {},
                                 ScanStats* stats = nullptr);
// The answer as the JSON text the server sends (RunReport parses it): written as text, without
// building a tree first.
Result<std::string> RunReportText(const Engine::ReadView& view, const nlohmann::json& request,
                                  Instant now, const Visibility& visibility = {},
                                  ScanStats* stats = nullptr);

// How a drill-down runs: from `split_deals` deals on, a metric scanned deal by deal (the
// outcome metrics) is listed by two threads, each over half of the deals.
struct DrilldownOptions {
  int32_t split_deals = 1 << 16;
};

// SPEC §3 drill-down: the same request plus "group" and "bucket" of a row (neither: the
// total), "offset", "limit", "sort" -> {"total": N, "items": [...]}: deals with id, title,
// amount, stage, responsible, created_at, closed_at, days_on_stage, days_since_touch, url;
// activities or tasks for their metrics. For every counting metric N equals the number shown.
Result<nlohmann::json> RunDrilldown(const Engine& engine, const nlohmann::json& request,
                                    Instant now, const Visibility& visibility = {},
                                    ScanStats* stats = nullptr,
                                    const DrilldownOptions& options = {});
// The drill-down's JSON text (RunDrilldown parses it).
Result<std::string> RunDrilldownText(const Engine& engine, const nlohmann::json& request,
                                     Instant now, const Visibility& visibility = {},
                                     ScanStats* stats = nullptr,
                                     const DrilldownOptions& options = {});

// A JSON text this module wrote, parsed (for callers that read the answer's members).
Result<nlohmann::json> ParsedAnswer(Result<std::string> text);

}  // namespace voronka
