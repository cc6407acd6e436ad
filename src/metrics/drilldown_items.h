// What the items of a drill-down (SPEC §3) are made of and how they are ordered, shared by the
// embedded drill-down (metrics/drilldown.cc) and the scale-out one (clickhouse/drilldown.h).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace voronka {

// An instant as RFC 3339 text, null for kNoTime.
nlohmann::json TimeOrNull(int64_t micros);

// A deal's deep link: the workspace's pattern with "{id}" replaced by the deal's id, null when
// the workspace has no pattern.
nlohmann::json DealUrl(const std::string& pattern, std::string_view deal_id);

// Orders JSON values of one member: numbers by value, strings as text, null last.
bool ItemValueLess(const nlohmann::json& a, const nlohmann::json& b);

// The value an item is sorted by for `field`: money ("amount") as minor units, null when the
// item has no such member.
nlohmann::json ItemSortKey(const nlohmann::json& item, const std::string& field);

}  // namespace voronka
