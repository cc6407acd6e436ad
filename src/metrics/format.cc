#include "metrics/format.h"

#include <algorithm>
#include <cmath>

#include "model/money.h"

namespace voronka {

double RoundTo(double value, int digits) {
  double scale = std::pow(10.0, digits);
  double rounded = std::round(value * scale) / scale;
  return rounded == 0 ? 0.0 : rounded;
}

int64_t RoundedDivide(int64_t numerator, int64_t denominator) {
  __int128 n = static_cast<__int128>(numerator) * 2;
  __int128 d = static_cast<__int128>(denominator) * 2;
  __int128 half = denominator;
  return static_cast<int64_t>(n >= 0 ? (n + half) / d : (n - half) / d);
}

nlohmann::json FormatValue(const Cell& cell, ValueKind kind) {
  switch (kind) {
    case ValueKind::kCount:
      return cell.a;
    case ValueKind::kMoney:
    case ValueKind::kForecast:
      return FormatMoney(cell.a);
    case ValueKind::kRatio:
      if (cell.b == 0) return nullptr;
      return RoundTo(static_cast<double>(cell.a) / static_cast<double>(cell.b), 4);
    case ValueKind::kMoneyMean:
      if (cell.b == 0) return nullptr;
      return FormatMoney(RoundedDivide(cell.a, cell.b));
    case ValueKind::kDaysMean:
    case ValueKind::kMinutesMean:
      if (cell.b == 0) return nullptr;
      return RoundTo(cell.x / static_cast<double>(cell.b), 2);
    case ValueKind::kHalfPoints:
      return RoundTo(static_cast<double>(cell.a) / 2.0, 2);
    case ValueKind::kPercentScore:
      if (cell.b == 0) return nullptr;
      return RoundTo(100.0 * static_cast<double>(cell.a) / static_cast<double>(cell.b), 2);
    case ValueKind::kGoals:
      return nullptr;
  }
  return nullptr;
}

nlohmann::json Median(const Cell& cell) {
  if (cell.samples.empty()) return nullptr;
  std::vector<double> sorted = cell.samples;
  std::sort(sorted.begin(), sorted.end());
  size_t middle = sorted.size() / 2;
  double median =
      sorted.size() % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return RoundTo(median, 2);
}

}  // namespace voronka
