// Typed access to the fields of one item of a CRM page. A bad value does not throw: it adds
// an error naming the page, the item and the field ("crm.deal.list/0002.json: item 4 (ID 17):
// DATE_CREATE: 'вчера' is not a date-time"), so that one run reports every bad field.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/time.h"

namespace voronka {

class ItemReader {
 public:
  // `index` is 0-based in the page; errors count items from 1. `id_key` names the item's id
  // member, quoted in the origin when present ("item 4 (ID 17)").
  ItemReader(const nlohmann::json& item, const std::string& page_name, size_t index,
             std::string_view id_key, std::vector<std::string>& errors);

  // "crm.deal.list/0002.json: item 4 (ID 17)".
  const std::string& origin() const { return origin_; }
  const nlohmann::json& item() const { return item_; }
  bool ok() const { return errors_.size() == errors_before_; }

  // The member, or null JSON when the item has none.
  const nlohmann::json& Raw(std::string_view key) const;
  // A string or number as text; none for a missing member, null or "".
  std::optional<std::string> Text(std::string_view key);
  // The same, with an error when there is none.
  std::string RequiredText(std::string_view key);
  // An integer given as a number or a numeric string; none when missing.
  std::optional<int64_t> Integer(std::string_view key);
  // An RFC 3339 date-time string ("2024-03-05T14:22:10+03:00"); none when missing.
  std::optional<Instant> Time(std::string_view key);
  Instant RequiredTime(std::string_view key);
  // Unix seconds (a number or numeric string); none when missing, null or 0.
  std::optional<Instant> UnixTime(std::string_view key);
  // A decimal amount as a string or number in major units, into minor units; 0 when missing.
  int64_t Money(std::string_view key);
  // "Y"/"N", true/false, "1"/"0"; `otherwise` when missing.
  bool Flag(std::string_view key, bool otherwise);

  // Adds "<origin>: <key>: <message>".
  void Error(std::string_view key, const std::string& message);

 private:
  const nlohmann::json& item_;
  std::string origin_;
  std::vector<std::string>& errors_;
  size_t errors_before_;
};

// A JSON string or integer as text (ids come as both); none otherwise.
std::optional<std::string> JsonText(const nlohmann::json& value);

}  // namespace voronka
