#include "model/time.h"

#include <date/tz.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <limits>

namespace voronka {

LocalDate DateFromCivil(CivilDate civil) {
  int32_t y = civil.year - (civil.month <= 2 ? 1 : 0);
  int32_t era = (y >= 0 ? y : y - 399) / 400;
  uint32_t yoe = static_cast<uint32_t>(y - era * 400);
  uint32_t mp = static_cast<uint32_t>(civil.month > 2 ? civil.month - 3 : civil.month + 9);
  uint32_t doy = (153 * mp + 2) / 5 + static_cast<uint32_t>(civil.day) - 1;
  uint32_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return LocalDate{era * 146097 + static_cast<int32_t>(doe) - 719468};
}

CivilDate CivilFromDate(LocalDate date) {
  int32_t z = date.days + 719468;
  int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  uint32_t doe = static_cast<uint32_t>(z - era * 146097);
  uint32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int32_t y = static_cast<int32_t>(yoe) + era * 400;
  uint32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  uint32_t mp = (5 * doy + 2) / 153;
  uint32_t d = doy - (153 * mp + 2) / 5 + 1;
  uint32_t m = mp < 10 ? mp + 3 : mp - 9;
  return CivilDate{y + (m <= 2 ? 1 : 0), static_cast<int32_t>(m), static_cast<int32_t>(d)};
}

int Weekday(LocalDate date) {
  // 1970-01-01 was a Thursday (3 when Monday is 0).
  int w = (date.days + 3) % 7;
  return w < 0 ? w + 7 : w;
}

static int DaysInMonth(int32_t year, int32_t month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

LocalDate AddMonths(LocalDate date, int months) {
  CivilDate c = CivilFromDate(date);
  int32_t index = c.year * 12 + (c.month - 1) + months;
  int32_t year = index >= 0 ? index / 12 : (index - 11) / 12;
  int32_t month = index - year * 12 + 1;
  int32_t day = std::min(c.day, DaysInMonth(year, month));
  return DateFromCivil(CivilDate{year, month, day});
}

namespace {

// Reads exactly `width` digits at text[pos..]; advances pos.
bool ReadDigits(std::string_view text, size_t& pos, int width, int32_t& out) {
  if (pos + static_cast<size_t>(width) > text.size()) return false;
  int32_t value = 0;
  for (int i = 0; i < width; ++i) {
    char c = text[pos + static_cast<size_t>(i)];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += static_cast<size_t>(width);
  out = value;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos < text.size() && text[pos] == c) {
    ++pos;
    return true;
  }
  return false;
}

bool ReadCivilDate(std::string_view text, size_t& pos, CivilDate& civil) {
  if (!ReadDigits(text, pos, 4, civil.year) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, civil.month) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, civil.day)) {
    return false;
  }
  return civil.month >= 1 && civil.month <= 12 && civil.day >= 1 &&
         civil.day <= DaysInMonth(civil.year, civil.month);
}

}  // namespace

Result<Instant> ParseInstant(std::string_view text) {
  auto fail = [&] {
    return Status::Error("'" + std::string(text) +
                         "' is not an RFC 3339 timestamp (like 2024-03-01T10:00:00+03:00)");
  };
  size_t pos = 0;
  CivilDate civil;
  if (!ReadCivilDate(text, pos, civil)) return fail();
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ')) {
    return fail();
  }
  ++pos;
  int32_t hour = 0, minute = 0, second = 0;
  if (!ReadDigits(text, pos, 2, hour) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, minute) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, second)) {
    return fail();
  }
  if (hour > 23 || minute > 59 || second > 60) return fail();
  if (second == 60) second = 59;  // a leap second is folded into the second before it
  int64_t fraction_micros = 0;
  if (Expect(text, pos, '.')) {
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) fraction_micros = fraction_micros * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return fail();
    for (int i = digits; i < 6; ++i) fraction_micros *= 10;
  }
  int64_t offset_seconds = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int32_t oh = 0, om = 0;
    if (!ReadDigits(text, pos, 2, oh) || !Expect(text, pos, ':') || !ReadDigits(text, pos, 2, om)) {
      return fail();
    }
    if (oh > 23 || om > 59) return fail();
    offset_seconds = sign * (oh * 3600 + om * 60);
  } else {
    return fail();
  }
  if (pos != text.size()) return fail();
  int64_t days = DateFromCivil(civil).days;
  int64_t seconds = days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds;
  return Instant{seconds * kMicrosPerSecond + fraction_micros};
}

std::string FormatInstant(Instant instant) {
  int64_t micros = instant.micros;
  int64_t days = micros >= 0 ? micros / kMicrosPerDay : -((-micros + kMicrosPerDay - 1) / kMicrosPerDay);
  int64_t rest = micros - days * kMicrosPerDay;
  CivilDate c = CivilFromDate(LocalDate{static_cast<int32_t>(days)});
  int64_t seconds = rest / kMicrosPerSecond;
  int64_t fraction = rest % kMicrosPerSecond;
  char buffer[48];
  int n = std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d", c.year, c.month,
                        c.day, static_cast<int>(seconds / 3600), static_cast<int>(seconds / 60 % 60),
                        static_cast<int>(seconds % 60));
  std::string out(buffer, static_cast<size_t>(n));
  if (fraction != 0) {
    std::snprintf(buffer, sizeof buffer, ".%06d", static_cast<int>(fraction));
    out += buffer;
  }
  out.push_back('Z');
  return out;
}

Result<LocalDate> ParseDate(std::string_view text) {
  size_t pos = 0;
  CivilDate civil;
  if (!ReadCivilDate(text, pos, civil) || pos != text.size()) {
    return Status::Error("'" + std::string(text) + "' is not a date (like 2024-03-01)");
  }
  return DateFromCivil(civil);
}

std::string FormatDate(LocalDate date) {
  CivilDate c = CivilFromDate(date);
  char buffer[24];
  int n = std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02d", c.year, c.month, c.day);
  return std::string(buffer, static_cast<size_t>(n));
}

Result<TimeZone> TimeZone::Find(std::string_view name) {
  TimeZone zone;
  zone.name_ = std::string(name);
  if (name == "UTC" || name == "Etc/UTC") return zone;
  try {
    zone.zone_ = date::locate_zone(zone.name_);
  } catch (const std::exception&) {
    return Status::Error("unknown time zone '" + std::string(name) + "'");
  }
  return zone;
}

TimeZone TimeZone::Utc() { return TimeZone(); }

LocalDate TimeZone::DateOf(Instant instant) const {
  int64_t micros = instant.micros;
  if (zone_ != nullptr) {
    // The zone's offset over the span of the last instant looked up, per thread: instants
    // come in runs of the same span (a deal's dates, a report's rows), and a lookup is a
    // search of the zone's transitions and a string copy.
    struct Span {
      const date::time_zone* zone = nullptr;
      int64_t begin = 0, end = 0, offset = 0;  // micros [begin, end) at offset micros
    };
    thread_local Span last;
    if (last.zone != zone_ || micros < last.begin || micros >= last.end) {
      using namespace std::chrono;
      sys_seconds seconds{duration_cast<std::chrono::seconds>(microseconds(micros))};
      if (micros < 0 && micros % kMicrosPerSecond != 0) seconds -= std::chrono::seconds(1);
      auto info = zone_->get_info(seconds);
      constexpr int64_t kFar = std::numeric_limits<int64_t>::max() / kMicrosPerSecond;
      auto micros_of = [&](sys_seconds at) {
        int64_t count = at.time_since_epoch().count();
        return std::clamp(count, -kFar, kFar) * kMicrosPerSecond;
      };
      last = Span{zone_, micros_of(info.begin), micros_of(info.end),
                  info.offset.count() * kMicrosPerSecond};
      if (micros < last.begin || micros >= last.end) last.zone = nullptr;  // past the clamp
    }
    micros += last.offset;
  }
  int64_t days = micros >= 0 ? micros / kMicrosPerDay : -((-micros + kMicrosPerDay - 1) / kMicrosPerDay);
  return LocalDate{static_cast<int32_t>(days)};
}

Instant TimeZone::StartOf(LocalDate local) const {
  int64_t local_midnight_seconds = int64_t{local.days} * 86400;
  if (zone_ == nullptr) return Instant{local_midnight_seconds * kMicrosPerSecond};
  using namespace std::chrono;
  date::local_seconds ls{seconds(local_midnight_seconds)};
  auto info = zone_->get_info(ls);
  sys_seconds result;
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:  // the first of the two midnights
      result = sys_seconds{seconds(local_midnight_seconds)} - info.first.offset;
      break;
    case date::local_info::nonexistent:  // midnight skipped by DST: the moment the day starts
      result = info.first.end;
      break;
  }
  return Instant{result.time_since_epoch().count() * kMicrosPerSecond};
}

}  // namespace voronka
