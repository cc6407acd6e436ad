#include "clickhouse/value_sql.h"

#include "clickhouse/client.h"
#include "clickhouse/deal_sql.h"

namespace voronka::clickhouse {

namespace {

// A decimal of scale 10^-9 as text ("-12.500000000").
std::string DecimalText(Decimal value) {
  bool negative = value < 0;
  unsigned __int128 magnitude = negative ? static_cast<unsigned __int128>(-(value + 1)) + 1
                                         : static_cast<unsigned __int128>(value);
  unsigned __int128 scale = 1'000'000'000;
  unsigned __int128 whole = magnitude / scale;
  std::string digits;
  do {
    digits.insert(digits.begin(), static_cast<char>('0' + static_cast<int>(whole % 10)));
    whole /= 10;
  } while (whole > 0);
  std::string fraction = std::to_string(static_cast<uint64_t>(magnitude % scale));
  fraction.insert(0, 9 - fraction.size(), '0');
  return (negative ? "-" : "") + digits + "." + fraction;
}

// An unsigned number at 1-based `position`, `length` digits long (0 when not digits).
std::string Digits(const std::string& text, int position, int length) {
  return "toInt64OrZero(substring(" + text + ", " + std::to_string(position) + ", " +
         std::to_string(length) + "))";
}

// Whether year/month/day are a calendar date (ReadCivilDate).
std::string ValidCivil(const std::string& y, const std::string& m, const std::string& d) {
  std::string leap = "((" + y + " % 4 = 0 AND " + y + " % 100 != 0) OR " + y + " % 400 = 0)";
  std::string days =
      "if(" + m + " = 2, if(" + leap + ", 29, 28), if(has([4, 6, 9, 11], " + m + "), 30, 31))";
  return "(" + m + " >= 1 AND " + m + " <= 12 AND " + d + " >= 1 AND " + d + " <= " + days + ")";
}

// Days since 1970-01-01 of a civil date (DateFromCivil, Howard Hinnant's days_from_civil).
std::string DaysFromCivil(const std::string& y, const std::string& m, const std::string& d) {
  std::string year = "(" + y + " - (" + m + " <= 2))";
  std::string era = "intDiv(if(" + year + " >= 0, " + year + ", " + year + " - 399), 400)";
  std::string yoe = "(" + year + " - " + era + " * 400)";
  std::string doy = "(intDiv(153 * ((" + m + " + 9) % 12) + 2, 5) + " + d + " - 1)";
  std::string doe =
      "(" + yoe + " * 365 + intDiv(" + yoe + ", 4) - intDiv(" + yoe + ", 100) + " + doy + ")";
  return "(" + era + " * 146097 + " + doe + " - 719468)";
}

}  // namespace

std::string LowercaseSql(const std::string& text) {
  // ClickHouse's lower() maps ASCII only; Cyrillic capitals are mapped one by one, as
  // LowercaseText does (Ѐ-Џ -> ѐ-џ, А-П -> а-п, Р-Я -> р-я).
  std::string out = "lower(" + text + ")";
  for (unsigned next = 0x80; next <= 0xAF; ++next) {
    std::string capital = {static_cast<char>(0xD0), static_cast<char>(next)};
    std::string small =
        next <= 0x8F   ? std::string{static_cast<char>(0xD1), static_cast<char>(next + 0x10)}
        : next <= 0x9F ? std::string{static_cast<char>(0xD0), static_cast<char>(next + 0x20)}
                       : std::string{static_cast<char>(0xD1), static_cast<char>(next - 0x20)};
    out = "replaceAll(" + out + ", " + Quote(capital) + ", " + Quote(small) + ")";
  }
  return out;
}

std::string DecimalInRangeSql(const std::string& text, const std::optional<Decimal>& min,
                              const std::optional<Decimal>& max) {
  std::string valid = "match(" + text + ", " + Quote(R"(^[+-]?[0-9]{1,24}(\.[0-9]{1,9})?$)") + ")";
  std::string number = "toDecimal128(if(" + valid + ", " + text + ", '0'), 9)";
  std::string out = valid;
  if (min) out += " AND " + number + " >= toDecimal128(" + Quote(DecimalText(*min)) + ", 9)";
  if (max) out += " AND " + number + " <= toDecimal128(" + Quote(DecimalText(*max)) + ", 9)";
  return "(" + out + ")";
}

std::string IsDateSql(const std::string& text) {
  return "(match(" + text + ", " + Quote(R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}$)") + ") AND " +
         ValidCivil(Digits(text, 1, 4), Digits(text, 6, 2), Digits(text, 9, 2)) + ")";
}

std::string InstantSql(const std::string& text) {
  std::string shape =
      "match(" + text + ", " +
      Quote(
          R"(^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$)") +
      ")";
  std::string y = Digits(text, 1, 4), m = Digits(text, 6, 2), d = Digits(text, 9, 2);
  std::string hour = Digits(text, 12, 2), minute = Digits(text, 15, 2),
              second = Digits(text, 18, 2);
  std::string zulu = "match(" + text + ", '[Zz]$')";
  std::string offset_hours = "toInt64OrZero(substring(" + text + ", length(" + text + ") - 4, 2))";
  std::string offset_minutes =
      "toInt64OrZero(substring(" + text + ", length(" + text + ") - 1, 2))";
  std::string sign = "if(substring(" + text + ", length(" + text + ") - 5, 1) = '-', -1, 1)";
  std::string offset = "if(" + zulu + ", 0, " + sign + " * (" + offset_hours + " * 3600 + " +
                       offset_minutes + " * 60))";
  std::string valid = shape + " AND " + ValidCivil(y, m, d) + " AND " + hour + " <= 23 AND " +
                      minute + " <= 59 AND " + second + " <= 60 AND (" + zulu + " OR (" +
                      offset_hours + " <= 23 AND " + offset_minutes + " <= 59))";
  // A leap second is folded into the second before it.
  std::string seconds = DaysFromCivil(y, m, d) + " * 86400 + " + hour + " * 3600 + " + minute +
                        " * 60 + least(" + second + ", 59) - " + offset;
  return "if(" + valid + ", (" + seconds + ") * 1000000, " + Int(kNoTime) + ")";
}

std::string FieldDateInSql(const std::string& text, const TimeZone& zone,
                           const std::optional<LocalDate>& from,
                           const std::optional<LocalDate>& to) {
  // A date compares as a date (local midnights are in the order of their dates), an instant
  // against the bounds' local midnights.
  std::string as_date = "1", as_instant = InstantSql(text) + " != " + Int(kNoTime);
  if (from) {
    as_date += " AND " + text + " >= " + Quote(FormatDate(*from));
    as_instant += " AND " + InstantSql(text) + " >= " + Int(zone.StartOf(*from).micros);
  }
  if (to) {
    as_date += " AND " + text + " < " + Quote(FormatDate(*to));
    as_instant += " AND " + InstantSql(text) + " < " + Int(zone.StartOf(*to).micros);
  }
  return "if(length(" + text + ") = 10, " + IsDateSql(text) + " AND " + as_date + ", " +
         as_instant + ")";
}

std::string FieldDateBucketSql(const std::string& text, const TimeZone& zone,
                               const std::vector<int64_t>& bounds) {
  std::vector<std::string> dates;
  for (int64_t bound : bounds) dates.push_back(FormatDate(zone.DateOf(Instant{bound})));
  std::vector<int64_t> starts(bounds.begin(), bounds.end() - 1);
  std::vector<std::string> start_dates(dates.begin(), dates.end() - 1);
  std::string instant = InstantSql(text);
  std::string by_date = "if(" + IsDateSql(text) + " AND " + text + " >= " + Quote(dates.front()) +
                        " AND " + text + " < " + Quote(dates.back()) +
                        ", toInt32(arrayCount(x -> x <= " + text + ", " + StringArray(start_dates) +
                        ")) - 1, -1)";
  std::string by_instant = "if(" + instant + " >= " + Int(bounds.front()) + " AND " + instant +
                           " < " + Int(bounds.back()) +
                           ", toInt32(arrayCount(x -> x <= " + instant + ", " + IntArray(starts) +
                           ")) - 1, -1)";
  return "if(length(" + text + ") = 10, " + by_date + ", " + by_instant + ")";
}

}  // namespace voronka::clickhouse
