// Instants (UTC), local calendar dates, and workspace time zones.
#pragma once

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "model/status.h"

namespace date {
class time_zone;
}

namespace voronka {

inline constexpr int64_t kMicrosPerSecond = 1'000'000;
inline constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
inline constexpr int64_t kMicrosPerHour = 60 * kMicrosPerMinute;
inline constexpr int64_t kMicrosPerDay = 24 * kMicrosPerHour;

// A moment in time: microseconds since 1970-01-01T00:00:00Z.
struct Instant {
  int64_t micros = 0;
  auto operator<=>(const Instant&) const = default;
};

// A calendar date in some time zone: days since 1970-01-01 (proleptic Gregorian).
struct LocalDate {
  int32_t days = 0;
  auto operator<=>(const LocalDate&) const = default;
};

struct CivilDate {
  int32_t year = 1970;
  int32_t month = 1;  // 1..12
  int32_t day = 1;    // 1..31
};

// Calendar arithmetic (Howard Hinnant's days_from_civil); valid for any Gregorian date.
LocalDate DateFromCivil(CivilDate civil);
CivilDate CivilFromDate(LocalDate date);
// 0 = Monday ... 6 = Sunday.
int Weekday(LocalDate date);
// The same day of month `months` later, clamped to the month's length (Jan 31 + 1 = Feb 28/29).
LocalDate AddMonths(LocalDate date, int months);

// Parses RFC 3339: "2024-03-01T10:00:00+03:00", "2024-03-01T07:00:00.123Z".
// The offset is required; ' ' is accepted in place of 'T'.
Result<Instant> ParseInstant(std::string_view text);
// Formats as UTC RFC 3339: "2024-03-01T07:00:00Z" (fraction only when non-zero).
std::string FormatInstant(Instant instant);

// Parses "YYYY-MM-DD".
Result<LocalDate> ParseDate(std::string_view text);
// Formats as "YYYY-MM-DD".
std::string FormatDate(LocalDate date);

// An IANA time zone. Cheap to copy; lookups go to the OS tz database.
class TimeZone {
 public:
  // "UTC", "Europe/Moscow", ... Unknown names are an error.
  static Result<TimeZone> Find(std::string_view name);
  static TimeZone Utc();

  const std::string& name() const { return name_; }
  // The local calendar date of an instant.
  LocalDate DateOf(Instant instant) const;
  // The first instant of a local date (local midnight; the first existing moment on DST gaps).
  Instant StartOf(LocalDate date) const;

 private:
  std::string name_ = "UTC";
  const date::time_zone* zone_ = nullptr;  // null means UTC
};

}  // namespace voronka
