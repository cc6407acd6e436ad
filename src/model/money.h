// Money: exact amounts as int64 minor units (kopecks, cents). Never a double.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "model/status.h"

namespace voronka {

// Minor units per major unit. Every supported currency (RUB, USD, EUR, PLN, ...) has two.
inline constexpr int64_t kMinorPerMajor = 100;

// Parses a decimal amount: "150000", "150000.5", "150000.00", "-3.10", " 1e3" is rejected.
// At most two fractional digits; no thousands separators; '.' as the decimal point.
Result<int64_t> ParseMoney(std::string_view text);

// Formats minor units with two decimals: 15000000 -> "150000.00", -5 -> "-0.05".
std::string FormatMoney(int64_t minor);

}  // namespace voronka
