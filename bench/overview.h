// The dashboard's overview set (SPEC §5, issue of the engine's speed targets) as report
// requests over the demo history, shared by the benchmarks that time it: the headline numbers
// with their compare, the funnel, the manager table and the 24-month won trend.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/time.h"

namespace voronka {

struct BenchQuery {
  std::string name;
  nlohmann::json request;
  bool drilldown = false;
};

// The demo's last month and the 24 months up to it, as report periods; as_of right after the
// history ends (the midnight after `end_date`'s month).
struct BenchPeriods {
  nlohmann::json month;
  nlohmann::json two_years;
  std::string as_of;
};

inline BenchPeriods PeriodsEnding(const std::string& end_date) {
  LocalDate end = ParseDate(end_date).value();
  LocalDate next_day{end.days + 1};
  CivilDate civil = CivilFromDate(next_day);
  LocalDate month_end = DateFromCivil({civil.year, civil.month, 1});
  if (month_end < next_day) month_end = AddMonths(month_end, 1);
  std::string to = FormatDate(month_end);
  auto period = [&](int months) {
    return nlohmann::json{{"from", FormatDate(AddMonths(month_end, -months))}, {"to", to}};
  };
  return {period(1), period(24), to + "T00:00:00Z"};
}

// The headlines come first (kOverviewHeadlines of them).
inline constexpr size_t kOverviewHeadlines = 9;

inline std::vector<BenchQuery> OverviewSet(const BenchPeriods& periods) {
  const nlohmann::json& month = periods.month;
  const std::string& as_of = periods.as_of;
  std::vector<BenchQuery> overview;
  for (const char* metric :
       {"created_count", "won_count", "won_amount", "avg_check", "avg_cycle_days", "in_work_count",
        "forgotten_count", "lost_count", "conversion_rate"}) {
    overview.push_back({std::string("headline ") + metric,
                        {{"metric", metric},
                         {"period", month},
                         {"as_of", as_of},
                         {"compare", "previous_period"}}});
  }
  for (const char* metric : {"funnel", "funnel_conversion"}) {
    overview.push_back({std::string("funnel ") + metric,
                        {{"metric", metric}, {"period", month}, {"as_of", as_of}}});
  }
  for (const char* metric :
       {"created_count", "won_count", "won_amount", "avg_check", "avg_cycle_days",
        "conversion_rate", "in_work_count", "in_work_amount", "lost_count", "lost_share"}) {
    overview.push_back(
        {std::string("manager table ") + metric,
         {{"metric", metric}, {"period", month}, {"as_of", as_of}, {"group_by", {"responsible"}}}});
  }
  overview.push_back({"trend won_amount by month, 24 months",
                      {{"metric", "won_amount"},
                       {"period", periods.two_years},
                       {"as_of", as_of},
                       {"granularity", "month"}}});
  return overview;
}

}  // namespace voronka
