// Printing metric values the way SPEC §3 asks: counts as integers, money as "123.00",
// ratios with 4 decimals, days and minutes with 2, null for 0/0.
#pragma once

#include <nlohmann/json.hpp>

#include "metrics/catalog.h"
#include "metrics/scan.h"

namespace voronka {

// The value of a cell for a metric of `kind`.
nlohmann::json FormatValue(const Cell& cell, ValueKind kind);
// `value` rounded half away from zero to `digits` decimals (never -0).
double RoundTo(double value, int digits);
// numerator / denominator rounded half away from zero (denominator > 0).
int64_t RoundedDivide(int64_t numerator, int64_t denominator);
// The median of a cell's samples, null when there are none.
nlohmann::json Median(const Cell& cell);

}  // namespace voronka
