#include "store/json_list.h"

#include <nlohmann/json.hpp>

namespace voronka {

std::string JsonList(const std::vector<std::string>& values) {
  return nlohmann::json(values).dump();
}

std::vector<std::string> ParseJsonList(std::string_view text) {
  nlohmann::json list = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  std::vector<std::string> values;
  if (!list.is_array()) return values;
  for (const nlohmann::json& value : list) {
    if (value.is_string()) values.push_back(value.get<std::string>());
  }
  return values;
}

}  // namespace voronka
