#include "demo/generator.h"

#include <algorithm>
#include <vector>

#include "demo/customers.h"
#include "demo/deal_simulator.h"
#include "demo/history_clock.h"
#include "demo/ndjson_writer.h"
#include "demo/organization.h"
#include "demo/random.h"
#include "demo/vocabulary.h"
#include "model/money.h"

namespace voronka {

namespace {

using demo::HistoryClock;
using demo::NdjsonWriter;
using demo::Organization;

void WriteWorkspace(const demo::Vocabulary& words, NdjsonWriter& out) {
  out.Raw(R"({"type":"workspace","name":)").String(words.workspace_name);
  out.Raw(R"(,"time_zone":")").Raw(words.time_zone);
  out.Raw(R"(","currency":")").Raw(words.currency);
  out.Raw(R"(","locale":")").Raw(words.locale);
  out.Raw(R"(","deal_url":)").String(words.deal_url);
  out.Raw(R"(,"forgotten_days":14})");
  out.EndLine();
}

// Monthly won_amount goals: for each manager, about 10 % above what they won in the three
// months before (so some months are met and some are not), and for each department the sum of
// its managers' goals. Targets are round: multiples of 10 000 roubles (or the local equivalent).
void WriteGoals(const Organization& org, const HistoryClock& clock, const demo::Vocabulary& words,
                const std::vector<int64_t>& won, NdjsonWriter& out) {
  const int32_t months = clock.month_count();
  const auto& managers = org.managers();
  std::vector<int32_t> month_first(static_cast<size_t>(months), -1);
  std::vector<int32_t> month_last(static_cast<size_t>(months), 0);
  for (int32_t day = 0; day < clock.day_count(); ++day) {
    const size_t m = static_cast<size_t>(clock.MonthIndex(day));
    if (month_first[m] < 0) month_first[m] = day;
    month_last[m] = day;
  }
  auto active_in = [&](size_t manager, int32_t month) {
    const demo::Manager& m = managers[manager];
    return m.first_day <= month_last[static_cast<size_t>(month)] &&
           m.last_day > month_first[static_cast<size_t>(month)];
  };
  auto won_of = [&](size_t manager, int32_t month) {
    return won[manager * static_cast<size_t>(months) + static_cast<size_t>(month)];
  };
  // A newcomer's first goals follow the department's typical month.
  std::vector<double> department_typical(demo::kDepartmentCount, 0);
  std::vector<int64_t> department_months(demo::kDepartmentCount, 0);
  for (size_t i = 0; i < managers.size(); ++i) {
    if (managers[i].head) continue;
    for (int32_t month = 0; month < months; ++month) {
      if (!active_in(i, month)) continue;
      department_typical[managers[i].department] += static_cast<double>(won_of(i, month));
      ++department_months[managers[i].department];
    }
  }
  for (int32_t d = 0; d < demo::kDepartmentCount; ++d) {
    if (department_months[static_cast<size_t>(d)] > 0) {
      department_typical[static_cast<size_t>(d)] /=
          static_cast<double>(department_months[static_cast<size_t>(d)]);
    }
  }
  const int64_t step = 10'000 * kMinorPerMajor / words.roubles_per_unit;
  const CivilDate first = CivilFromDate(clock.first_date());
  int64_t goal_number = 0;
  for (int32_t month = 0; month < months; ++month) {
    const int32_t month_number = first.year * 12 + first.month - 1 + month;
    const std::string period =
        fmt::format("{:04d}-{:02d}", month_number / 12, month_number % 12 + 1);
    std::vector<int64_t> department_target(demo::kDepartmentCount, 0);
    for (size_t i = 0; i < managers.size(); ++i) {
      if (managers[i].head || !active_in(i, month)) continue;
      double baseline = 0;
      int32_t counted = 0;
      for (int32_t before = std::max(0, month - 3); before < month; ++before) {
        if (!active_in(i, before)) continue;
        baseline += static_cast<double>(won_of(i, before));
        ++counted;
      }
      const double typical = department_typical[managers[i].department];
      baseline = counted > 0 ? baseline / counted : typical;
      const double wanted = std::max(baseline * 1.1, typical * 0.3);
      const int64_t target =
          std::max<int64_t>(step, (static_cast<int64_t>(wanted) + step - 1) / step * step);
      department_target[managers[i].department] += target;
      out.Raw(R"({"type":"goal","id":)").Id('g', ++goal_number);
      out.Raw(R"(,"scope":"user","scope_id":)").Id('u', static_cast<int64_t>(i) + 1);
      out.Raw(R"(,"metric":"won_amount","period":")").Raw(period).Raw(R"(","target":)");
      out.Money(target).Raw("}");
      out.EndLine();
    }
    for (int32_t d = 0; d < demo::kDepartmentCount; ++d) {
      if (department_target[static_cast<size_t>(d)] == 0) continue;
      out.Raw(R"({"type":"goal","id":)").Id('g', ++goal_number);
      out.Raw(R"(,"scope":"department","scope_id":)").Id('d', d + 1);
      out.Raw(R"(,"metric":"won_amount","period":")").Raw(period).Raw(R"(","target":)");
      out.Money(department_target[static_cast<size_t>(d)]).Raw("}");
      out.EndLine();
    }
  }
}

}  // namespace

Status GenerateDemo(const DemoOptions& options,
                    const std::function<void(std::string_view)>& write) {
  if (options.deals < 1) return Status::Error("deals must be at least 1");
  if (options.months < 1 || options.months > 240) {
    return Status::Error("months must be between 1 and 240");
  }
  const demo::Vocabulary* words = demo::FindVocabulary(options.locale);
  if (words == nullptr) {
    return Status::Error("unknown locale '" + options.locale + "' (use ru, en or pl)");
  }
  Result<TimeZone> zone = TimeZone::Find(words->time_zone);
  if (!zone.ok()) return zone.status();
  Result<HistoryClock> clock =
      HistoryClock::Create(options.end_date, options.months, *zone, *words);
  if (!clock.ok()) return clock.status();

  demo::Random random(options.seed);
  NdjsonWriter out(*clock, write);
  WriteWorkspace(*words, out);
  const Organization org = Organization::Build(options.deals, *clock, random);
  org.Write(*words, out);
  demo::CustomerBook customers(options.deals, *words);
  customers.Write(out);

  // Deals are spread over the days in proportion to demand: the i-th deal goes to the day where
  // the running demand passes (i + 0.5) / deals of the total, so deal ids grow with time.
  const int32_t days = clock->day_count();
  std::vector<double> running(static_cast<size_t>(days));
  double total = 0;
  for (int32_t day = 0; day < days; ++day) {
    total += clock->DemandWeight(day);
    running[static_cast<size_t>(day)] = total;
  }
  demo::DealSimulator simulator(*clock, org, *words, customers, random, out);
  int32_t day = 0;
  for (int64_t i = 0; i < options.deals; ++i) {
    const double target =
        (static_cast<double>(i) + 0.5) / static_cast<double>(options.deals) * total;
    while (day + 1 < days && running[static_cast<size_t>(day)] < target) ++day;
    simulator.Generate(i + 1, day);
  }
  WriteGoals(org, *clock, *words, simulator.won_amounts(), out);
  out.Flush();
  return Status::Ok();
}

}  // namespace voronka
