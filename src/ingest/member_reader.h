// Typed reading of the members of one NDJSON record, with every problem collected as
// "line N: <type>: <member> <what is wrong>". Private to src/ingest.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/records.h"
#include "model/time.h"

namespace voronka::ingest {

// One reader per line. It never stops at the first bad member: a line reports all of them,
// and `failed()` tells the caller to drop the record. Every reader leaves `out` untouched
// when the value is bad, so a failed record is never half-trusted by accident.
class MemberReader {
 public:
  using Element = simdjson::dom::element;

  MemberReader(int64_t line, std::string_view type, std::vector<std::string>& errors)
      : line_(line), type_(type), errors_(errors) {}

  bool failed() const { return failed_; }
  // How many errors this reader has reported so far.
  int error_count() const { return error_count_; }
  int64_t line() const { return line_; }

  // Members read from now on are named "<prefix><member>" in errors ("set.amount").
  void set_prefix(std::string prefix) { prefix_ = std::move(prefix); }

  // Adds "line N: type: <prefix><member> <what>".
  void Fail(std::string_view member, std::string_view what);
  // Adds "line N: type: <what>".
  void FailRecord(std::string_view what);
  // Adds "line N: type: unknown member '<prefix><member>'".
  void Unknown(std::string_view member);
  // Adds "<member> is required" unless `seen`.
  void Require(bool seen, std::string_view member);

  // Required members: null counts as missing.
  void String(Element value, std::string_view member, std::string& out);
  void Id(Element value, std::string_view member, std::string& out);
  void Time(Element value, std::string_view member, Instant& out);
  // Optional members: null leaves `out` empty.
  void OptionalString(Element value, std::string_view member, std::optional<std::string>& out);
  void OptionalId(Element value, std::string_view member, std::optional<std::string>& out);
  void OptionalTime(Element value, std::string_view member, std::optional<Instant>& out);
  void OptionalAmount(Element value, std::string_view member, std::optional<int64_t>& out);
  // An integer in [min, max]; null leaves `out` empty.
  void OptionalInteger(Element value, std::string_view member, int64_t min, int64_t max,
                       std::optional<int32_t>& out);
  // Members of a `set`: present-but-null becomes an engaged outer optional holding nothing.
  void ClearableString(Element value, std::string_view member,
                       std::optional<std::optional<std::string>>& out);
  void ClearableId(Element value, std::string_view member,
                   std::optional<std::optional<std::string>>& out);
  void ClearableTime(Element value, std::string_view member,
                     std::optional<std::optional<Instant>>& out);

  // A decimal amount as a string ("150000.00") or a JSON number (150000.5), in minor units.
  void Amount(Element value, std::string_view member, int64_t& out);
  // A bool; null keeps the default already in `out`.
  void Bool(Element value, std::string_view member, bool& out);
  // An enum written as its name; null keeps the default in `out` unless `required`.
  template <typename Enum>
  void EnumName(Element value, std::string_view member,
                std::optional<Enum> (*parse)(std::string_view), std::string_view allowed,
                bool required, Enum& out) {
    if (value.is_null()) {
      if (required) Fail(member, "is required");
      return;
    }
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) {
      Fail(member, "must be one of " + std::string(allowed));
      return;
    }
    std::optional<Enum> parsed = parse(text);
    if (!parsed) {
      Fail(member, "'" + std::string(text) + "' is not one of " + std::string(allowed));
      return;
    }
    out = *parsed;
  }
  // Custom fields: an object of string, number, bool, list of strings or null values.
  void Fields(Element value, std::string_view member, std::vector<CustomField>& out);

 private:
  // The id text of a string or integer element; empty when the element is neither.
  bool IdText(Element value, std::string_view member, std::string& out);

  int64_t line_;
  std::string_view type_;
  std::vector<std::string>& errors_;
  std::string prefix_;
  bool failed_ = false;
  int error_count_ = 0;
};

// The text of a JSON number: integers exactly, doubles in their shortest round-trip form.
std::string NumberText(simdjson::dom::element value);

}  // namespace voronka::ingest
