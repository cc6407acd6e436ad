#include "importers/item_reader.h"

#include <charconv>
#include <cmath>

#include "model/money.h"

namespace voronka {

namespace {

const nlohmann::json& NullJson() {
  static const nlohmann::json null_json;
  return null_json;
}

std::string Quoted(const nlohmann::json& value) {
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return "'" + text + "'";
}

}  // namespace

std::optional<std::string> JsonText(const nlohmann::json& value) {
  if (value.is_string()) {
    if (value.get_ref<const std::string&>().empty()) return std::nullopt;
    return value.get<std::string>();
  }
  if (value.is_number_integer()) return std::to_string(value.get<int64_t>());
  if (value.is_number_unsigned()) return std::to_string(value.get<uint64_t>());
  return std::nullopt;
}

ItemReader::ItemReader(const nlohmann::json& item, const std::string& page_name, size_t index,
                       std::string_view id_key, std::vector<std::string>& errors)
    : item_(item), errors_(errors), errors_before_(errors.size()) {
  origin_ = page_name + ": item " + std::to_string(index + 1);
  if (item.is_object() && item.contains(id_key)) {
    if (auto id = JsonText(item[std::string(id_key)])) {
      origin_ += " (" + std::string(id_key) + " " + *id + ")";
    }
  }
  if (!item.is_object()) errors_.push_back(origin_ + ": the item is not an object");
}

const nlohmann::json& ItemReader::Raw(std::string_view key) const {
  if (!item_.is_object()) return NullJson();
  auto it = item_.find(key);
  return it == item_.end() ? NullJson() : *it;
}

void ItemReader::Error(std::string_view key, const std::string& message) {
  errors_.push_back(origin_ + ": " + std::string(key) + ": " + message);
}

std::optional<std::string> ItemReader::Text(std::string_view key) {
  const nlohmann::json& value = Raw(key);
  if (value.is_null()) return std::nullopt;
  if (value.is_string() || value.is_number_integer() || value.is_number_unsigned()) {
    return JsonText(value);
  }
  Error(key, Quoted(value) + " is not a string or an integer");
  return std::nullopt;
}

std::string ItemReader::RequiredText(std::string_view key) {
  size_t errors_before = errors_.size();
  std::optional<std::string> text = Text(key);
  if (!text && errors_.size() == errors_before) Error(key, "missing");
  return text.value_or("");
}

std::optional<int64_t> ItemReader::Integer(std::string_view key) {
  const nlohmann::json& value = Raw(key);
  if (value.is_null()) return std::nullopt;
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (text.empty()) return std::nullopt;
    int64_t number = 0;
    auto [end, code] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (code == std::errc() && end == text.data() + text.size()) return number;
  }
  Error(key, Quoted(value) + " is not an integer");
  return std::nullopt;
}

std::optional<Instant> ItemReader::Time(std::string_view key) {
  const nlohmann::json& value = Raw(key);
  if (value.is_null() || (value.is_string() && value.get_ref<const std::string&>().empty())) {
    return std::nullopt;
  }
  if (value.is_string()) {
    Result<Instant> instant = ParseInstant(value.get_ref<const std::string&>());
    if (instant.ok()) return instant.value();
  }
  Error(key, Quoted(value) + " is not a date-time like 2024-03-05T14:22:10+03:00");
  return std::nullopt;
}

Instant ItemReader::RequiredTime(std::string_view key) {
  std::optional<Instant> instant = Time(key);
  if (!instant && Raw(key).is_null()) Error(key, "missing");
  return instant.value_or(Instant{});
}

std::optional<Instant> ItemReader::UnixTime(std::string_view key) {
  const nlohmann::json& value = Raw(key);
  if (value.is_null()) return std::nullopt;
  std::optional<int64_t> seconds = Integer(key);
  if (!seconds || *seconds == 0) return std::nullopt;
  if (*seconds < 0 || *seconds > 32503680000) {  // 3000-01-01
    Error(key, Quoted(value) + " is not a Unix time in seconds");
    return std::nullopt;
  }
  return Instant{*seconds * kMicrosPerSecond};
}

int64_t ItemReader::Money(std::string_view key) {
  const nlohmann::json& value = Raw(key);
  if (value.is_null()) return 0;
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
    if (text.empty()) return 0;
  } else if (value.is_number_integer()) {
    text = std::to_string(value.get<int64_t>());
  } else if (value.is_number_float()) {
    double number = value.get<double>();
    // A JSON float amount is rounded to kopecks once, here, and is an integer from then on.
    if (std::isfinite(number) && std::fabs(number) < 1e15) {
      return static_cast<int64_t>(std::llround(number * static_cast<double>(kMinorPerMajor)));
    }
  }
  if (!text.empty()) {
    Result<int64_t> minor = ParseMoney(text);
    if (minor.ok()) return minor.value();
  }
  Error(key, Quoted(value) + " is not an amount");
  return 0;
}

bool ItemReader::Flag(std::string_view key, bool otherwise) {
  const nlohmann::json& value = Raw(key);
  if (value.is_null()) return otherwise;
  if (value.is_boolean()) return value.get<bool>();
  if (auto text = JsonText(value)) {
    if (*text == "Y" || *text == "1" || *text == "true") return true;
    if (*text == "N" || *text == "0" || *text == "false") return false;
  }
  Error(key, Quoted(value) + " is not Y or N");
  return otherwise;
}

}  // namespace voronka
