#include "demo/history_clock.h"

#include <algorithm>

namespace voronka::demo {

namespace {

// Days kept after the end date, for task deadlines that fall after "today".
constexpr int32_t kTailDays = 120;

// Relative demand per calendar month: a slow January (long New Year holidays) and May
// (holidays again), a summer dip, busy autumn and December.
constexpr double kMonthDemand[12] = {0.65, 0.95, 1.05, 1.0, 0.8, 1.0,
                                     0.9,  0.9,  1.05, 1.1, 1.1, 1.15};

}  // namespace

Result<HistoryClock> HistoryClock::Create(LocalDate end_date, int32_t months, const TimeZone& zone,
                                          const Vocabulary& words) {
  if (months < 1) return Status::Error("months must be at least 1");
  HistoryClock clock;
  clock.first_date_ = LocalDate{AddMonths(end_date, -months).days + 1};
  if (clock.first_date_.days < 365) return Status::Error("history must start after 1970");
  clock.day_count_ = end_date.days - clock.first_date_.days + 1;
  const CivilDate first = CivilFromDate(clock.first_date_);
  clock.days_.resize(static_cast<size_t>(clock.day_count_ + kTailDays));
  for (size_t i = 0; i < clock.days_.size(); ++i) {
    DayInfo& day = clock.days_[i];
    const LocalDate date{clock.first_date_.days + static_cast<int32_t>(i)};
    // The next midnight minus 24 hours: the day's own midnight when it has no DST switch,
    // and the right base for daytime hours when it has one (the switch happens at night).
    const Instant next_midnight = zone.StartOf(LocalDate{date.days + 1});
    day.utc_base = next_midnight.micros / kMicrosPerSecond - kSecondsPerDay;
    const CivilDate civil = CivilFromDate(date);
    day.month_index = (civil.year - first.year) * 12 + (civil.month - first.month);
    const int16_t month_day = static_cast<int16_t>(civil.month * 100 + civil.day);
    const bool holiday =
        std::find(words.holidays.begin(), words.holidays.end(), month_day) != words.holidays.end();
    day.workday = Weekday(date) < 5 && !holiday;
    day.quarter_rush = civil.month % 3 == 0 && civil.day > 15;
  }
  clock.month_count_ = clock.days_[static_cast<size_t>(clock.day_count_ - 1)].month_index + 1;
  return clock;
}

int64_t HistoryClock::UtcSeconds(int64_t t) const {
  const int32_t day = DayOf(t);
  const int32_t last = static_cast<int32_t>(days_.size()) - 1;
  if (day > last) return days_.back().utc_base + (t - int64_t{last} * kSecondsPerDay);
  return Day(day).utc_base + t % kSecondsPerDay;
}

double HistoryClock::DemandWeight(int32_t day) const {
  const LocalDate date{first_date_.days + day};
  const CivilDate civil = CivilFromDate(date);
  // The company grows: about twice as many deals at the end of the history as at its start.
  const double growth = 0.65 + 0.65 * day / std::max(1, day_count_ - 1);
  double weight = growth * kMonthDemand[civil.month - 1];
  // Quarter-end rush: the last two weeks of March, June, September and December.
  if (InQuarterRush(day)) weight *= 1.25;
  if (!IsWorkday(day)) weight *= Weekday(date) >= 5 ? 0.08 : 0.15;
  return weight;
}

int64_t HistoryClock::NextWorkingMoment(int64_t t, Random& random) const {
  int32_t day = DayOf(t);
  const int64_t time_of_day = t % kSecondsPerDay;
  if (IsWorkday(day) && time_of_day >= kWorkStart && time_of_day < kWorkEnd) return t;
  // Evenings until 22:00 and days off keep a little life of their own.
  if (time_of_day >= kWorkStart && time_of_day < 22 * kSecondsPerHour && random.Chance(0.04)) {
    return t;
  }
  if (time_of_day >= kWorkStart) ++day;
  while (!IsWorkday(day) && day < day_count_ + kTailDays) ++day;
  // Most things happen in the first working hours of the morning.
  return int64_t{day} * kSecondsPerDay + kWorkStart +
         static_cast<int64_t>(random.Exponential(1.5 * kSecondsPerHour)) % (6 * kSecondsPerHour);
}

}  // namespace voronka::demo
