#include "metrics/drilldown_items.h"

#include "engine/tables.h"
#include "model/money.h"
#include "model/time.h"

namespace voronka {

using nlohmann::json;

json TimeOrNull(int64_t micros) {
  return micros == kNoTime ? json(nullptr) : json(FormatInstant(Instant{micros}));
}

json DealUrl(const std::string& pattern, std::string_view deal_id) {
  if (pattern.empty()) return nullptr;
  std::string url = pattern;
  size_t at = url.find("{id}");
  if (at != std::string::npos) url.replace(at, 4, deal_id);
  return url;
}

bool ItemValueLess(const json& a, const json& b) {
  if (a.is_null() || b.is_null()) return !a.is_null() && b.is_null();
  if (a.is_number() && b.is_number()) return a.get<double>() < b.get<double>();
  if (a.is_string() && b.is_string()) return a.get<std::string>() < b.get<std::string>();
  return a.is_number();
}

json ItemSortKey(const json& item, const std::string& field) {
  if (!item.contains(field)) return nullptr;
  const json& value = item[field];
  if (field == "amount" && value.is_string()) {
    Result<int64_t> minor = ParseMoney(value.get<std::string>());
    if (minor.ok()) return minor.value();
  }
  return value;
}

}  // namespace voronka
