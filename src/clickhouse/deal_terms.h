// How a report request's group keys and filters read the per-deal rows of DealSql (columns
// responsible, T_stage, T_outcome, T_close, source, company, field0, ...), in ClickHouse
// SQL: what the report compiler, the activity metrics and drill-down share, as
// ScanContext::DealPasses and the group keys are shared in the embedded engine.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "engine/tables.h"
#include "metrics/request.h"
#include "metrics/visibility.h"

namespace voronka::clickhouse {

class DealTerms {
 public:
  DealTerms(const Tables& t, const ReportRequest& request, const Visibility& visibility);

  // The custom fields the request reads (group keys, filters, a field date), in a stable
  // order: DealSql folds them as columns field0, field1, ...
  const std::vector<std::string>& fields() const { return fields_; }
  // The column of custom field "fields.<name>".
  std::string FieldColumn(const std::string& dimension_name) const;
  // The pipeline of a stage id expression; the department of a user id expression ('' none).
  std::string PipelineOf(const std::string& stage) const;
  std::string DepartmentOf(const std::string& user) const;

  // A group key's text for a deal ("" for none); a multi-list field yields each of its values.
  std::string KeyExpression(const DimensionRef& key) const;
  // Every text of a group key for a deal, as an array: a multi-list field's values ([''] for
  // none), [KeyExpression] for the other keys.
  std::string KeyValues(const DimensionRef& key) const;

  // A single-valued dimension's text against an in / not_in / empty filter (DimensionFilter
  // over texts: "" is none).
  static std::string TextPasses(const std::string& expr, const Filter& filter);
  // A department filter as the departments it accepts (sub-departments included), applied to
  // the department of `user` (the responsible user unless said).
  std::string DepartmentPasses(const Filter& filter, const std::string& user = "responsible") const;
  // One filter on a deal row.
  std::string FilterPasses(const Filter& filter) const;
  // Whether the deal exists at T, is visible and passes every filter (ScanContext::DealPasses).
  std::string Passes() const;

 private:
  std::string FieldPasses(const Filter& filter) const;
  std::pair<int64_t, int64_t> InstantRange(const Filter& filter) const;

  const Tables& t_;
  const ReportRequest& request_;
  const Visibility& visibility_;
  std::vector<std::string> fields_;
  std::vector<std::string> stage_ids_, stage_pipelines_;
  std::vector<std::string> user_ids_, user_departments_;
};

}  // namespace voronka::clickhouse
