#include "model/money.h"

#include <limits>

namespace voronka {

Result<int64_t> ParseMoney(std::string_view text) {
  auto fail = [&] { return Status::Error("'" + std::string(text) + "' is not a decimal amount"); };
  size_t pos = 0;
  bool negative = false;
  if (pos < text.size() && (text[pos] == '-' || text[pos] == '+')) {
    negative = text[pos] == '-';
    ++pos;
  }
  int64_t whole = 0;
  size_t whole_digits = 0;
  constexpr int64_t kLimit = std::numeric_limits<int64_t>::max() / 1000;
  while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
    whole = whole * 10 + (text[pos] - '0');
    if (whole > kLimit) return Status::Error("'" + std::string(text) + "' is too large an amount");
    ++pos;
    ++whole_digits;
  }
  int64_t fraction = 0;
  size_t fraction_digits = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (fraction_digits == 2) {
        if (text[pos] != '0') {
          return Status::Error("'" + std::string(text) + "' has more than two decimals");
        }
      } else {
        fraction = fraction * 10 + (text[pos] - '0');
        ++fraction_digits;
      }
      ++pos;
    }
    if (fraction_digits == 0 && whole_digits == 0) return fail();
  }
  if (pos != text.size() || (whole_digits == 0 && fraction_digits == 0)) return fail();
  if (fraction_digits == 1) fraction *= 10;
  int64_t minor = whole * kMinorPerMajor + fraction;
  return negative ? -minor : minor;
}

std::string FormatMoney(int64_t minor) {
  bool negative = minor < 0;
  // Work in unsigned to survive INT64_MIN.
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(minor) : static_cast<uint64_t>(minor);
  std::string whole = std::to_string(magnitude / kMinorPerMajor);
  uint64_t cents = magnitude % kMinorPerMajor;
  std::string out;
  out.reserve(whole.size() + 4);
  if (negative) out.push_back('-');
  out += whole;
  out.push_back('.');
  out.push_back(static_cast<char>('0' + cents / 10));
  out.push_back(static_cast<char>('0' + cents % 10));
  return out;
}

}  // namespace voronka
