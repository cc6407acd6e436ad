// Texts of custom fields and titles read in the SQL of ClickHouse 18.16 exactly as the embedded
// engine reads them (metrics/filter.cc, metrics/membership_metrics.cc): lowercased for
// "contains", as decimal numbers for ranges, as dates or instants for date filters and dates
// of membership. Each takes the SQL expression of one text and gives an expression.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "metrics/request.h"
#include "model/time.h"

namespace voronka::clickhouse {

// LowercaseText: Latin and Cyrillic capitals of UTF-8 to small letters, nothing else.
std::string LowercaseSql(const std::string& text);

// Whether the text is a number (ParseDecimal) in [min, max], either bound optional.
std::string DecimalInRangeSql(const std::string& text, const std::optional<Decimal>& min,
                              const std::optional<Decimal>& max);

// Whether the text is a date "YYYY-MM-DD" (ParseDate): FieldValueInstant reads it as the
// date's local midnight, so it is compared as a date.
std::string IsDateSql(const std::string& text);

// The text as an RFC 3339 instant (ParseInstant) in microseconds, the fraction of a second
// dropped, or kNoTime. Dropping it changes no comparison with a bound that is a whole second
// (every local midnight is).
std::string InstantSql(const std::string& text);

// Whether a custom field's text, read as FieldValueInstant, lies in [from, to) of `zone`
// (either bound optional).
std::string FieldDateInSql(const std::string& text, const TimeZone& zone,
                           const std::optional<LocalDate>& from,
                           const std::optional<LocalDate>& to);

// The bucket (Buckets::IndexOf) of a custom field's text read as FieldValueInstant, -1 when
// it is no date or outside the period. `bounds` are the buckets' starts and the period's end.
std::string FieldDateBucketSql(const std::string& text, const TimeZone& zone,
                               const std::vector<int64_t>& bounds);

}  // namespace voronka::clickhouse
