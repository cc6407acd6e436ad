// Time inside the demo history: plain seconds since local midnight of the first history day,
// in the workspace time zone, so working hours and weekdays are simple arithmetic; converted
// to UTC only when written.
#pragma once

#include <cstdint>
#include <vector>

#include "demo/random.h"
#include "demo/vocabulary.h"
#include "model/status.h"
#include "model/time.h"

namespace voronka::demo {

inline constexpr int64_t kSecondsPerDay = 86400;
inline constexpr int64_t kSecondsPerHour = 3600;

// Working hours: 9:00 to 19:00 local time.
inline constexpr int64_t kWorkStart = 9 * kSecondsPerHour;
inline constexpr int64_t kWorkEnd = 19 * kSecondsPerHour;

class HistoryClock {
 public:
  // The `months` months ending with `end_date` (inclusive) in `zone`, with the holidays of
  // `words`. Fails on a month count < 1 or a history reaching before 1971.
  static Result<HistoryClock> Create(LocalDate end_date, int32_t months, const TimeZone& zone,
                                     const Vocabulary& words);

  LocalDate first_date() const { return first_date_; }
  int32_t day_count() const { return day_count_; }
  // The first moment after the end date: every recorded event happens before it.
  int64_t end() const { return int64_t{day_count_} * kSecondsPerDay; }

  static int32_t DayOf(int64_t t) { return static_cast<int32_t>(t / kSecondsPerDay); }
  LocalDate DateOf(int64_t t) const { return LocalDate{first_date_.days + DayOf(t)}; }
  // Seconds since 1970 UTC of a history moment; exact for times of day after 03:00 (every
  // generated event), where a daylight-saving switch of that night has already happened.
  int64_t UtcSeconds(int64_t t) const;

  bool IsWorkday(int32_t day) const { return Day(day).workday; }
  // Months since the first history month (0 for the first, partial, month).
  int32_t MonthIndex(int32_t day) const { return Day(day).month_index; }
  int32_t month_count() const { return month_count_; }
  // The last two weeks of a quarter, when managers push payments in before the quarter closes.
  bool InQuarterRush(int32_t day) const { return Day(day).quarter_rush; }
  // The relative number of new deals expected on `day`: growth over the history, weekends,
  // holidays, the January and May lull, the end-of-quarter rush.
  double DemandWeight(int32_t day) const;

  // `t` itself when it is inside working hours of a workday; otherwise a moment early on the
  // next working morning. A small share of events is left on evenings and weekends, as people
  // do answer a chat on a Saturday.
  int64_t NextWorkingMoment(int64_t t, Random& random) const;

 private:
  struct DayInfo {
    int64_t utc_base = 0;  // UTC seconds of 00:00 local, as if the day had no DST switch
    int32_t month_index = 0;
    bool workday = true;
    bool quarter_rush = false;
  };
  const DayInfo& Day(int32_t day) const {
    // Deadlines may fall after the history; `days_` carries a tail of days for them.
    if (day < 0) return days_.front();
    if (day >= static_cast<int32_t>(days_.size())) return days_.back();
    return days_[static_cast<size_t>(day)];
  }

  LocalDate first_date_;
  int32_t day_count_ = 0;
  int32_t month_count_ = 0;
  std::vector<DayInfo> days_;
};

}  // namespace voronka::demo
