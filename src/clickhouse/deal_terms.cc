#include "clickhouse/deal_terms.h"

#include <algorithm>
#include <limits>
#include <set>

#include "clickhouse/client.h"
#include "clickhouse/deal_sql.h"
#include "clickhouse/value_sql.h"
#include "metrics/filter.h"

namespace voronka::clickhouse {

namespace {

// The custom fields a request reads (group keys and filters), in a stable order.
std::vector<std::string> FieldNames(const ReportRequest& request) {
  std::set<std::string> names;
  auto field_of = [](const std::string& name) {
    return name.substr(std::string("fields.").size());
  };
  for (const DimensionRef& key : request.group_by) {
    if (key.dimension == Dimension::kField) names.insert(field_of(key.name));
  }
  for (const Filter& filter : request.filters) {
    if (filter.on.dimension == Dimension::kField) names.insert(field_of(filter.on.name));
  }
  if (request.date.date == MembershipDate::kField) names.insert(field_of(request.date.name));
  return {names.begin(), names.end()};
}

}  // namespace

DealTerms::DealTerms(const Tables& t, const ReportRequest& request, const Visibility& visibility)
    : t_(t), request_(request), visibility_(visibility), fields_(FieldNames(request)) {
  for (int32_t s = 0; s < t.stages.ids.size(); ++s) {
    stage_ids_.emplace_back(t.stages.ids.Text(s));
    int32_t pipeline = t.stages.pipeline[static_cast<size_t>(s)];
    stage_pipelines_.push_back(pipeline == kNone ? ""
                                                 : std::string(t.pipelines.ids.Text(pipeline)));
  }
  for (int32_t u = 0; u < t.users.ids.size(); ++u) {
    user_ids_.emplace_back(t.users.ids.Text(u));
    int32_t department = t.users.department[static_cast<size_t>(u)];
    user_departments_.push_back(
        department == kNone ? "" : std::string(t.departments.ids.Text(department)));
  }
}

std::string DealTerms::FieldColumn(const std::string& dimension_name) const {
  std::string name = dimension_name.substr(std::string("fields.").size());
  return "field" +
         std::to_string(std::find(fields_.begin(), fields_.end(), name) - fields_.begin());
}

std::string DealTerms::PipelineOf(const std::string& stage) const {
  return MapText(stage, stage_ids_, stage_pipelines_, "''");
}

std::string DealTerms::DepartmentOf(const std::string& user) const {
  return MapText(user, user_ids_, user_departments_, "''");
}

std::string DealTerms::KeyExpression(const DimensionRef& key) const {
  switch (key.dimension) {
    case Dimension::kResponsible:
      return "responsible";
    case Dimension::kDepartment:
      return DepartmentOf("responsible");
    case Dimension::kPipeline:
      return PipelineOf("T_stage");
    case Dimension::kStage:
      return "T_stage";
    case Dimension::kSource:
      return "source";
    case Dimension::kDealType:
      return "deal_type";
    case Dimension::kCompany:
      return "company";
    case Dimension::kLossReason:
      return "loss_reason";
    case Dimension::kEntity:
      return "if(entity = 0, 'deal', 'lead')";
    case Dimension::kField:
      return "arrayJoin(" + KeyValues(key) + ")";
    default:
      return "''";  // activity keys: none for a deal
  }
}

std::string DealTerms::KeyValues(const DimensionRef& key) const {
  if (key.dimension != Dimension::kField) return "[" + KeyExpression(key) + "]";
  std::string items = FieldColumn(key.name);
  return "if(empty(" + items + "), [''], " + items + ")";
}

std::string DealTerms::TextPasses(const std::string& expr, const Filter& filter) {
  switch (filter.op) {
    case FilterOp::kEmpty:
      return filter.empty ? expr + " = ''" : expr + " != ''";
    case FilterOp::kIn:
      return "has(" + StringArray(filter.values) + ", " + expr + ")";
    case FilterOp::kNotIn:
      return "NOT has(" + StringArray(filter.values) + ", " + expr + ")";
    default:
      return "0";
  }
}

std::string DealTerms::DepartmentPasses(const Filter& filter, const std::string& user) const {
  DimensionFilter accepted = MakeFilter(t_, filter);
  std::vector<std::string> ids;
  for (int32_t d = 0; d < t_.departments.ids.size(); ++d) {
    if (accepted.Accepts(d)) ids.emplace_back(t_.departments.ids.Text(d));
  }
  std::string department = DepartmentOf(user);
  return "if(" + department + " = '', " + (accepted.accepts_none ? "1" : "0") + ", has(" +
         StringArray(ids) + ", " + department + "))";
}

std::string DealTerms::FieldPasses(const Filter& filter) const {
  std::string items = FieldColumn(filter.on.name);
  if (filter.op == FilterOp::kEmpty) {
    return filter.empty ? "empty(" + items + ")" : "notEmpty(" + items + ")";
  }
  // Range, dates and contains: some value of the deal passes (a deal with none fails).
  if (filter.op == FilterOp::kRange) {
    return "arrayExists(x -> " + DecimalInRangeSql("x", filter.min, filter.max) + ", " + items +
           ")";
  }
  if (filter.op == FilterOp::kDates) {
    return "arrayExists(x -> " +
           FieldDateInSql("x", t_.settings.time_zone, filter.from, filter.to) + ", " + items + ")";
  }
  if (filter.op == FilterOp::kContains) {
    return "arrayExists(x -> position(" + LowercaseSql("x") + ", " + Quote(filter.contains) +
           ") > 0, " + items + ")";
  }
  bool accepts_none =
      std::find(filter.values.begin(), filter.values.end(), "") != filter.values.end();
  std::string any = "(hasAny(" + items + ", " + StringArray(filter.values) + ") OR (empty(" +
                    items + ") AND " + (accepts_none ? "1" : "0") + "))";
  return filter.op == FilterOp::kNotIn ? "NOT " + any : any;
}

std::pair<int64_t, int64_t> DealTerms::InstantRange(const Filter& filter) const {
  const TimeZone& zone = t_.settings.time_zone;
  int64_t lo = filter.from ? zone.StartOf(*filter.from).micros : kNoTime;
  int64_t hi = filter.to ? zone.StartOf(*filter.to).micros : std::numeric_limits<int64_t>::max();
  return {lo, hi};
}

std::string DealTerms::FilterPasses(const Filter& filter) const {
  switch (filter.on.dimension) {
    case Dimension::kResponsible:
      return TextPasses("responsible", filter);
    case Dimension::kDepartment:
      return DepartmentPasses(filter);
    case Dimension::kPipeline:
    case Dimension::kStage:
    case Dimension::kSource:
    case Dimension::kDealType:
    case Dimension::kCompany:
    case Dimension::kLossReason:
    case Dimension::kEntity:
      return TextPasses(KeyExpression(filter.on), filter);
    case Dimension::kField:
      return FieldPasses(filter);
    case Dimension::kTitle:
      // A deal with no title has the empty title.
      if (filter.op == FilterOp::kEmpty) return filter.empty ? "title = ''" : "title != ''";
      return "position(" + LowercaseSql("title") + ", " + Quote(filter.contains) + ") > 0";
    case Dimension::kAmount: {
      // amount (minor units) x 10^7 against bounds in units of 10^-9, in whole minor units.
      std::string out = "1";
      const Decimal scale = 10'000'000;
      if (filter.min) {
        Decimal lo = *filter.min >= 0 ? (*filter.min + scale - 1) / scale : *filter.min / scale;
        out += " AND amount >= " + Int(static_cast<int64_t>(lo));
      }
      if (filter.max) {
        Decimal hi = *filter.max >= 0 ? *filter.max / scale : (*filter.max - scale + 1) / scale;
        out += " AND amount <= " + Int(static_cast<int64_t>(hi));
      }
      return out;
    }
    case Dimension::kCreatedAt: {
      auto [lo, hi] = InstantRange(filter);
      return "created_at >= " + Int(lo) + " AND created_at < " + Int(hi);
    }
    case Dimension::kClosedAt: {
      std::string closed = "(T_outcome >= 2 AND T_close != " + Int(kNoTime) + ")";
      if (filter.op == FilterOp::kEmpty) return filter.empty ? "NOT " + closed : closed;
      auto [lo, hi] = InstantRange(filter);
      return closed + " AND T_close >= " + Int(lo) + " AND T_close < " + Int(hi);
    }
    default:
      return "1";  // kind, direction: activities' own filters
  }
}

std::string DealTerms::Passes() const {
  std::string out = "T_outcome != 0";
  bool per_stage = request_.metric->stage_rows != StageRows::kNone;
  if (!request_.entity_chosen && !per_stage) out += " AND entity = 0";
  const std::vector<Filter>& filters = request_.filters;
  for (size_t f = 0; f < filters.size(); ++f) {
    const Filter& filter = filters[f];
    // Per-stage metrics: the pipeline filter chooses the pipeline, deals are taken wherever.
    if (per_stage && filter.on.dimension == Dimension::kPipeline) continue;
    // The user's own filters: the last of each dimension holds (a goal's scope after the
    // request's), as in ScanContext::Make.
    bool own = filter.on.dimension == Dimension::kResponsible ||
               filter.on.dimension == Dimension::kDepartment;
    if (own && std::any_of(filters.begin() + static_cast<std::ptrdiff_t>(f) + 1, filters.end(),
                           [&](const Filter& later) {
                             return later.on.dimension == filter.on.dimension;
                           })) {
      continue;
    }
    out += " AND (" + FilterPasses(filter) + ")";
  }
  if (!visibility_.all) {
    out += " AND responsible != '' AND has(" + StringArray(visibility_.user_ids) + ", responsible)";
  }
  return out;
}

}  // namespace voronka::clickhouse
