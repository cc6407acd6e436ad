// The activity and task metrics of the report compiler (SPEC §4, as activity_metrics.cc,
// state_metrics.cc and membership_metrics.cc count them) in the SQL of ClickHouse 18.16: the
// things counted are activities, tasks and stage changes, each with its own user (what
// `responsible` and `department` mean for it) and the deal it belongs to, whose attributes and
// state at T come from the deal compiler (compiler.cc) through ItemDeals. Each activity and
// task is read as last sent, its user, deadline and completion by the latest `at`, from
// committed rows only.
#pragma once

#include <functional>
#include <string>

#include "clickhouse/compiler.h"

namespace voronka::clickhouse {

// The metrics counted over activities, tasks and stage changes rather than deals:
// activity_count, activity_index, response_time, nps, overdue_tasks, task_count.
bool IsItemMetric(MetricId id);

// What the deal side gives: one row per deal (column `id`) with its attributes and its state
// before T (prefix T_), a deal-attribute filter and a deal group key as conditions and
// expressions over those rows (and every text of a key, as an array), and the bucket of an
// instant (-1 outside the period); and for
// the items' own users: an in / not_in / empty filter over a text, a department filter over a
// user's department, and the department of a user ('' none).
struct ItemDeals {
  std::string rows;
  std::function<std::string(const Filter&)> filter;
  std::function<std::string(const DimensionRef&)> key;
  std::function<std::string(const DimensionRef&)> key_values;
  std::function<std::string(const std::string& instant)> bucket;
  std::function<std::string(const std::string& text, const Filter&)> text_filter;
  std::function<std::string(const Filter&, const std::string& user)> department_filter;
  std::function<std::string(const std::string& user)> department_of;
};

// One scan of an item metric, in CompiledScan's columns; `committed` keeps the workspace's
// committed rows. The total (`grouped` false) has no SQL, being the sum of the grouped rows,
// unless a custom-field key can put an item in several rows.
CompiledScan CompileItemScan(const Tables& directory, const std::string& committed,
                             const ReportRequest& request, const Visibility& visibility,
                             const ItemDeals& deals, bool grouped);

// Drill-down of an item metric: CompiledItems of the same items the scan counts.
CompiledItems CompileItemListing(const Tables& directory, const std::string& committed,
                                 const ReportRequest& request, const Visibility& visibility,
                                 const ItemDeals& deals);

// Every task whose task record arrived, one row each: k_id; its deal and creation as last sent
// (k_deal, k_created); its user, deadline and completion by the latest order key (2 x
// created_at for the record, 2 x at + 1 for an update; ties to the later arrival): k_user,
// k_deadline, k_completed; with `titles`, also its title as last sent (k_title).
std::string FoldedTasks(const std::string& committed, bool titles = false);

// no_task_count: adds to the deal rows of `deals` (column `id`) the creation and completion
// times of their tasks (task_created, task_completed; kNoTime when not completed)...
std::string WithDealTasks(const std::string& deals, const std::string& committed);
// ... and whether one of them is open at `limit` (created before it, not completed before it).
std::string HasOpenTask(const std::string& limit);

}  // namespace voronka::clickhouse
