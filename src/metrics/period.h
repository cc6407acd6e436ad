// Report periods and buckets (SPEC §3): presets, custom [from, to) dates, compared periods,
// and bucket boundaries precomputed as instants in the workspace time zone.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"
#include "model/time.h"

namespace voronka {

enum class Granularity : uint8_t { kNone, kDay, kWeek, kMonth, kQuarter, kYear };

// "none" | "day" | "week" | "month" | "quarter" | "year".
Result<Granularity> ParseGranularity(std::string_view text);

// A period of local dates [from, to) in the workspace time zone.
struct Period {
  LocalDate from;
  LocalDate to;
};

// A preset ("this_month", ...) relative to the local date `today`; an error names the preset.
Result<Period> PresetPeriod(std::string_view preset, LocalDate today);

// "previous_period": the period of equal length right before (whole calendar months shift by
// months, so March compares with February); "previous_year": the same dates a year earlier.
Result<Period> ComparedPeriod(const Period& period, std::string_view mode);

// The first day of the bucket holding `date` (weeks start on Monday).
LocalDate BucketStart(LocalDate date, Granularity granularity);
// The first day of the next bucket after the one starting at `start`.
LocalDate NextBucketStart(LocalDate start, Granularity granularity);
// "2024-03-04" for day/week, "2024-03" for month, "2024-Q1" for quarter, "2024" for year.
std::string BucketLabel(LocalDate start, Granularity granularity);

// The buckets of a period as UTC instants, so that a scan maps an instant to its bucket by a
// binary search over a few boundaries, never by a time-zone lookup per row.
class Buckets {
 public:
  Buckets() = default;
  Buckets(const Period& period, Granularity granularity, const TimeZone& zone);

  int32_t count() const { return static_cast<int32_t>(labels_.size()); }
  // The bucket of instant t (micros), or -1 when t is outside the period.
  int32_t IndexOf(int64_t t) const;
  // Bucket b covers [Begin(b), End(b)), clipped to the period.
  int64_t Begin(int32_t b) const { return bounds_[static_cast<size_t>(b)]; }
  int64_t End(int32_t b) const { return bounds_[static_cast<size_t>(b) + 1]; }
  int64_t start() const { return bounds_.front(); }
  int64_t end() const { return bounds_.back(); }
  // The bucket's label; empty with no granularity.
  const std::string& Label(int32_t b) const { return labels_[static_cast<size_t>(b)]; }
  Granularity granularity() const { return granularity_; }

 private:
  Granularity granularity_ = Granularity::kNone;
  std::vector<int64_t> bounds_ = {0, 0};
  std::vector<std::string> labels_ = {""};
};

}  // namespace voronka
