#include "metrics/period.h"

#include <algorithm>
#include <cstdio>

namespace voronka {

Result<Granularity> ParseGranularity(std::string_view text) {
  if (text == "none") return Granularity::kNone;
  if (text == "day") return Granularity::kDay;
  if (text == "week") return Granularity::kWeek;
  if (text == "month") return Granularity::kMonth;
  if (text == "quarter") return Granularity::kQuarter;
  if (text == "year") return Granularity::kYear;
  return Status::Error("granularity '" + std::string(text) +
                       "' is not one of none, day, week, month, quarter, year");
}

LocalDate BucketStart(LocalDate date, Granularity granularity) {
  CivilDate c = CivilFromDate(date);
  switch (granularity) {
    case Granularity::kNone:
    case Granularity::kDay:
      return date;
    case Granularity::kWeek:
      return LocalDate{date.days - Weekday(date)};
    case Granularity::kMonth:
      return DateFromCivil({c.year, c.month, 1});
    case Granularity::kQuarter:
      return DateFromCivil({c.year, (c.month - 1) / 3 * 3 + 1, 1});
    case Granularity::kYear:
      return DateFromCivil({c.year, 1, 1});
  }
  return date;
}

LocalDate NextBucketStart(LocalDate start, Granularity granularity) {
  switch (granularity) {
    case Granularity::kNone:
    case Granularity::kDay:
      return LocalDate{start.days + 1};
    case Granularity::kWeek:
      return LocalDate{start.days + 7};
    case Granularity::kMonth:
      return AddMonths(start, 1);
    case Granularity::kQuarter:
      return AddMonths(start, 3);
    case Granularity::kYear:
      return AddMonths(start, 12);
  }
  return LocalDate{start.days + 1};
}

std::string BucketLabel(LocalDate start, Granularity granularity) {
  CivilDate c = CivilFromDate(start);
  char buffer[32];
  switch (granularity) {
    case Granularity::kNone:
      return "";
    case Granularity::kDay:
    case Granularity::kWeek:
      return FormatDate(start);
    case Granularity::kMonth:
      std::snprintf(buffer, sizeof buffer, "%04d-%02d", c.year, c.month);
      return buffer;
    case Granularity::kQuarter:
      std::snprintf(buffer, sizeof buffer, "%04d-Q%d", c.year, (c.month - 1) / 3 + 1);
      return buffer;
    case Granularity::kYear:
      std::snprintf(buffer, sizeof buffer, "%04d", c.year);
      return buffer;
  }
  return "";
}

Result<Period> PresetPeriod(std::string_view preset, LocalDate today) {
  auto span = [](LocalDate start, Granularity g) {
    return Period{start, NextBucketStart(start, g)};
  };
  auto previous = [](LocalDate start, Granularity g, int months_or_days) {
    LocalDate from = g == Granularity::kWeek ? LocalDate{start.days - months_or_days}
                                             : AddMonths(start, -months_or_days);
    return Period{from, start};
  };
  if (preset == "today") return Period{today, LocalDate{today.days + 1}};
  if (preset == "yesterday") return Period{LocalDate{today.days - 1}, today};
  if (preset == "this_week")
    return span(BucketStart(today, Granularity::kWeek), Granularity::kWeek);
  if (preset == "last_week") {
    return previous(BucketStart(today, Granularity::kWeek), Granularity::kWeek, 7);
  }
  if (preset == "this_month") {
    return span(BucketStart(today, Granularity::kMonth), Granularity::kMonth);
  }
  if (preset == "last_month") {
    return previous(BucketStart(today, Granularity::kMonth), Granularity::kMonth, 1);
  }
  if (preset == "this_quarter") {
    return span(BucketStart(today, Granularity::kQuarter), Granularity::kQuarter);
  }
  if (preset == "last_quarter") {
    return previous(BucketStart(today, Granularity::kQuarter), Granularity::kQuarter, 3);
  }
  if (preset == "this_year")
    return span(BucketStart(today, Granularity::kYear), Granularity::kYear);
  if (preset == "last_year") {
    return previous(BucketStart(today, Granularity::kYear), Granularity::kYear, 12);
  }
  if (preset == "last_7_days") return Period{LocalDate{today.days - 6}, LocalDate{today.days + 1}};
  if (preset == "last_30_days") {
    return Period{LocalDate{today.days - 29}, LocalDate{today.days + 1}};
  }
  return Status::Error("period preset '" + std::string(preset) + "' is unknown");
}

Result<Period> ComparedPeriod(const Period& period, std::string_view mode) {
  if (mode == "previous_year")
    return Period{AddMonths(period.from, -12), AddMonths(period.to, -12)};
  if (mode != "previous_period") {
    return Status::Error("compare '" + std::string(mode) +
                         "' is not one of previous_period, previous_year");
  }
  CivilDate from = CivilFromDate(period.from);
  CivilDate to = CivilFromDate(period.to);
  if (from.day == 1 && to.day == 1) {
    int months = (to.year - from.year) * 12 + (to.month - from.month);
    return Period{AddMonths(period.from, -months), period.from};
  }
  int32_t length = period.to.days - period.from.days;
  return Period{LocalDate{period.from.days - length}, period.from};
}

Buckets::Buckets(const Period& period, Granularity granularity, const TimeZone& zone)
    : granularity_(granularity) {
  bounds_.clear();
  labels_.clear();
  bounds_.push_back(zone.StartOf(period.from).micros);
  if (granularity == Granularity::kNone) {
    labels_.emplace_back();
  } else {
    for (LocalDate start = BucketStart(period.from, granularity); start < period.to;
         start = NextBucketStart(start, granularity)) {
      labels_.push_back(BucketLabel(start, granularity));
      LocalDate next = NextBucketStart(start, granularity);
      if (next < period.to) bounds_.push_back(zone.StartOf(next).micros);
    }
  }
  bounds_.push_back(zone.StartOf(period.to).micros);
  if (labels_.empty()) {  // an empty period still has one (empty) bucket
    labels_.emplace_back(granularity == Granularity::kNone ? ""
                                                           : BucketLabel(period.from, granularity));
  }
}

int32_t Buckets::IndexOf(int64_t t) const {
  if (t < bounds_.front() || t >= bounds_.back()) return -1;
  auto after = std::upper_bound(bounds_.begin(), bounds_.end(), t);
  return static_cast<int32_t>(after - bounds_.begin()) - 1;
}

}  // namespace voronka
