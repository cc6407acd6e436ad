// JsonWriter: JSON text appended straight to a string, for answers too large to build as a
// nlohmann::json tree first (a report of 12 000 rows was mostly the tree's allocations).
// Numbers and strings come out as nlohmann::json's dump() prints them, with invalid UTF-8
// replaced by U+FFFD as the server's dump does, so parsing the text gives the tree the
// answer would have been.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace voronka {

class JsonWriter {
 public:
  // Appends to `out`, which the writer does not own; `out` must outlive it.
  explicit JsonWriter(std::string& out) : out_(out) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // An object member's name; the next call writes its value.
  JsonWriter& Key(std::string_view name);

  JsonWriter& String(std::string_view text);
  JsonWriter& Int(int64_t number);
  // A double as nlohmann::json prints one (shortest round trip, "2.0" for two); null when
  // not finite.
  JsonWriter& Double(double number);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Any JSON value, as dump() would print it.
  JsonWriter& Value(const nlohmann::json& value);
  // A value already written as JSON text (by another JsonWriter), copied as it is.
  JsonWriter& Raw(std::string_view json_text) {
    Separate();
    out_ += json_text;
    comma_ = true;
    return *this;
  }

  // Key(name) and then the value.
  JsonWriter& Member(std::string_view name, std::string_view text) {
    return Key(name).String(text);
  }
  JsonWriter& Member(std::string_view name, const char* text) { return Key(name).String(text); }
  JsonWriter& Member(std::string_view name, const std::string& text) {
    return Key(name).String(text);
  }
  JsonWriter& Member(std::string_view name, int64_t number) { return Key(name).Int(number); }
  JsonWriter& Member(std::string_view name, const nlohmann::json& value) {
    return Key(name).Value(value);
  }

 private:
  // Writes the comma owed before a value or a key that is not the first of its container.
  void Separate() {
    if (comma_) out_ += ',';
  }

  std::string& out_;
  bool comma_ = false;  // the last thing written was a whole value
};

}  // namespace voronka
