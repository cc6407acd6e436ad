// The report compiler: a parsed report request (SPEC §3-4) as ClickHouse SQL over the facts
// schema of the scale-out mode (schema.h, docs/scale-out.md), in the
// dialect of ClickHouse 18.16 (no window functions, one JOIN per SELECT, no correlated
// subqueries). Each deal's state is derived at query time from its committed history, so
// answers do not depend on the order records arrived in.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "clickhouse/deal_sql.h"
#include "engine/tables.h"
#include "metrics/period.h"
#include "metrics/request.h"
#include "metrics/scan.h"
#include "metrics/visibility.h"
#include "model/status.h"

namespace voronka::clickhouse {

// Whether the compiler answers the metric; an error naming it when not.
Status CheckCompilable(const ReportRequest& request);

// One scan of a period: the SELECT answering rows (key texts..., bucket, a, b, x) with one
// column per group key (none when `grouped` is false: the total), then the stage row, the
// bucket, a, b and x, all as strings; only committed batches of `workspace` are read.
// `directory` holds the workspace's settings, users, departments, pipelines and stages; `plan`
// is ScanContext::Make over it (the pipeline and stage rows of per-stage metrics); `rewrites`
// the admin's rewrites of deal records.
struct CompiledScan {
  // Empty for a total that is the sum of the grouped rows (each item in exactly one row).
  std::string sql;
  // State metrics: the total is the snapshot of this bucket only (-1: every bucket counts).
  int32_t total_bucket = -1;
  // response_time: one more column, each contribution's x (the cell's samples, for the median).
  bool samples = false;
};
CompiledScan CompileScan(const Tables& directory, const std::string& database,
                         const std::string& workspace, const ReportRequest& request,
                         const Visibility& visibility, const Buckets& buckets,
                         const ScanContext& plan, bool grouped,
                         const DealRewrites& rewrites = DealRewrites{});

// The contributions of the same scan deal by deal, for drill-down: `sql` is a SELECT of one
// row per deal passing the request (per deal and snapshot for state metrics) with its columns
// (DealSql with its touches: id, responsible, amount, created_at, hist_at, touches, ...; its
// state at T as T_stage, T_entered, T_close) and the array `contributions` of tuples (bucket, a, b,
// x, stage row, target, at): bucket -1 is outside the period, target 0 counts in the row and the
// total, 1 in the row only, 2 in the total only; `at` is the time of the stage change behind a
// contribution of a transition metric. `key_values` has per group key an Array(String) expression
// over those columns: the deal's texts for it (a multi-list field: each of its values, [''] for
// none).
struct CompiledContributions {
  std::string sql;
  std::vector<std::string> key_values;
  int32_t total_bucket = -1;  // as CompiledScan
};
CompiledContributions CompileContributions(const Tables& directory, const std::string& database,
                                           const std::string& workspace,
                                           const ReportRequest& request,
                                           const Visibility& visibility, const Buckets& buckets,
                                           const ScanContext& plan,
                                           const DealRewrites& rewrites = DealRewrites{});

// The same for the metrics counted over activities, tasks and stage changes (IsItemMetric in
// activity_sql.h): `sql` is a SELECT of one row per contribution of an item passing the request,
// with i_type (the ItemKind), i_item (its id; a stage change's is its deal's), i_change (a stage
// change's time, 0 otherwise), id (its deal, '' none), i_user (its own user), i_at, i_kind and
// i_dir (-1 unless an activity), i_title, i_created, i_deadline, i_completed (a task's; kNoTime
// otherwise), i_bucket (-1 outside the period), and its deal's columns (as CompiledContributions;
// defaults for an item with no deal). `key_values` as CompiledContributions' over those rows.
struct CompiledItems {
  std::string sql;
  std::vector<std::string> key_values;
};
CompiledItems CompileItemContributions(const Tables& directory, const std::string& database,
                                       const std::string& workspace, const ReportRequest& request,
                                       const Visibility& visibility, const Buckets& buckets,
                                       const ScanContext& plan,
                                       const DealRewrites& rewrites = DealRewrites{});

// Per pipeline id, the number of deals whose latest stage is on it (DefaultPipeline's counts):
// rows (pipeline, count).
std::string CompileLatestPipelineCounts(const Tables& directory, const std::string& database,
                                        const std::string& workspace,
                                        const DealRewrites& reading = DealRewrites{});

}  // namespace voronka::clickhouse
