#include "ingest/member_reader.h"

#include <charconv>
#include <cmath>

#include "model/money.h"

namespace voronka::ingest {

using simdjson::SUCCESS;
using simdjson::dom::element_type;

namespace {

template <typename Number>
std::string IntegerText(Number number) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number);
  return std::string(buffer, end);
}

// The amount text of a JSON number. Doubles are written in plain fixed notation with the
// fewest digits that read back to the same double, so 150000.5 gives "150000.5" and 0.1 gives
// "0.1" (not 0.1000000000000000055...); ParseMoney then decides, exactly, what it is worth.
bool AmountText(simdjson::dom::element value, std::string& out) {
  switch (value.type()) {
    case element_type::INT64:
      out = IntegerText(value.get_int64().value_unsafe());
      return true;
    case element_type::UINT64:
      out = IntegerText(value.get_uint64().value_unsafe());
      return true;
    case element_type::DOUBLE: {
      double number = value.get_double().value_unsafe();
      // Bigger than any amount ParseMoney accepts; also keeps the fixed text short.
      if (!std::isfinite(number) || std::fabs(number) >= 1e18) {
        out = NumberText(value);
        return true;
      }
      char buffer[512];  // fixed notation of the smallest denormal is ~330 characters
      auto [end, ec] =
          std::to_chars(buffer, buffer + sizeof buffer, number, std::chars_format::fixed);
      if (ec != std::errc()) return false;
      out.assign(buffer, end);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

std::string NumberText(simdjson::dom::element value) {
  switch (value.type()) {
    case element_type::INT64:
      return IntegerText(value.get_int64().value_unsafe());
    case element_type::UINT64:
      return IntegerText(value.get_uint64().value_unsafe());
    case element_type::DOUBLE: {
      char buffer[64];  // shortest round-trip form needs at most 24 characters
      auto [end, ec] =
          std::to_chars(buffer, buffer + sizeof buffer, value.get_double().value_unsafe());
      return std::string(buffer, end);
    }
    default:
      return std::string();
  }
}

void MemberReader::Fail(std::string_view member, std::string_view what) {
  std::string message = "line " + std::to_string(line_) + ": ";
  message += type_;
  message += ": ";
  message += prefix_;
  message += member;
  message += ' ';
  message += what;
  errors_.push_back(std::move(message));
  failed_ = true;
  ++error_count_;
}

void MemberReader::FailRecord(std::string_view what) {
  std::string message = "line " + std::to_string(line_) + ": ";
  message += type_;
  message += ": ";
  message += what;
  errors_.push_back(std::move(message));
  failed_ = true;
  ++error_count_;
}

void MemberReader::Unknown(std::string_view member) {
  FailRecord("unknown member '" + prefix_ + std::string(member) + "'");
}

void MemberReader::Require(bool seen, std::string_view member) {
  if (!seen) Fail(member, "is required");
}

void MemberReader::String(Element value, std::string_view member, std::string& out) {
  if (value.is_null()) return Fail(member, "is required");
  std::string_view text;
  if (value.get_string().get(text) != SUCCESS) return Fail(member, "must be a string");
  out.assign(text);
}

bool MemberReader::IdText(Element value, std::string_view member, std::string& out) {
  switch (value.type()) {
    case element_type::STRING: {
      std::string_view text = value.get_string().value_unsafe();
      if (text.empty()) {
        Fail(member, "must not be empty");
        return false;
      }
      out.assign(text);
      return true;
    }
    case element_type::INT64:
    case element_type::UINT64:
      // CRMs number their entities; 42 and "42" name the same one.
      out = NumberText(value);
      return true;
    default:
      Fail(member, "must be a string or an integer id");
      return false;
  }
}

void MemberReader::Id(Element value, std::string_view member, std::string& out) {
  if (value.is_null()) return Fail(member, "is required");
  IdText(value, member, out);
}

void MemberReader::Time(Element value, std::string_view member, Instant& out) {
  if (value.is_null()) return Fail(member, "is required");
  std::string_view text;
  if (value.get_string().get(text) != SUCCESS) {
    return Fail(member, "must be an RFC 3339 timestamp string");
  }
  Result<Instant> parsed = ParseInstant(text);
  if (!parsed.ok()) return Fail(member, parsed.message());
  out = *parsed;
}

void MemberReader::OptionalString(Element value, std::string_view member,
                                  std::optional<std::string>& out) {
  if (value.is_null()) return;
  std::string_view text;
  if (value.get_string().get(text) != SUCCESS) return Fail(member, "must be a string or null");
  out.emplace(text);
}

void MemberReader::OptionalId(Element value, std::string_view member,
                              std::optional<std::string>& out) {
  if (value.is_null()) return;
  std::string text;
  if (IdText(value, member, text)) out = std::move(text);
}

void MemberReader::OptionalTime(Element value, std::string_view member,
                                std::optional<Instant>& out) {
  if (value.is_null()) return;
  Instant instant;
  int errors_before = error_count_;
  Time(value, member, instant);
  if (error_count_ == errors_before) out = instant;
}

void MemberReader::OptionalAmount(Element value, std::string_view member,
                                  std::optional<int64_t>& out) {
  if (value.is_null()) return;
  int64_t amount = 0;
  int errors_before = error_count_;
  Amount(value, member, amount);
  if (error_count_ == errors_before) out = amount;
}

void MemberReader::OptionalInteger(Element value, std::string_view member, int64_t min, int64_t max,
                                   std::optional<int32_t>& out) {
  if (value.is_null()) return;
  int64_t number = 0;
  // Only a JSON integer: 2.0 or "2" are not counts.
  bool is_integer = value.type() == element_type::INT64 && value.get_int64().get(number) == SUCCESS;
  if (!is_integer || number < min || number > max) {
    std::string what = max >= INT32_MAX ? "must be an integer >= " + std::to_string(min)
                                        : "must be an integer from " + std::to_string(min) +
                                              " to " + std::to_string(max);
    return Fail(member, what);
  }
  out = static_cast<int32_t>(number);
}

void MemberReader::ClearableString(Element value, std::string_view member,
                                   std::optional<std::optional<std::string>>& out) {
  if (value.is_null()) {
    out.emplace(std::nullopt);
    return;
  }
  std::optional<std::string> text;
  OptionalString(value, member, text);
  if (text) out.emplace(std::move(text));
}

void MemberReader::ClearableId(Element value, std::string_view member,
                               std::optional<std::optional<std::string>>& out) {
  if (value.is_null()) {
    out.emplace(std::nullopt);
    return;
  }
  std::optional<std::string> id;
  OptionalId(value, member, id);
  if (id) out.emplace(std::move(id));
}

void MemberReader::ClearableTime(Element value, std::string_view member,
                                 std::optional<std::optional<Instant>>& out) {
  if (value.is_null()) {
    out.emplace(std::nullopt);
    return;
  }
  std::optional<Instant> instant;
  OptionalTime(value, member, instant);
  if (instant) out.emplace(instant);
}

void MemberReader::Amount(Element value, std::string_view member, int64_t& out) {
  if (value.is_null()) return Fail(member, "is required");
  std::string text;
  std::string_view view;
  if (value.get_string().get(view) == SUCCESS) {
    text.assign(view);
  } else if (!AmountText(value, text)) {
    return Fail(member, "must be a decimal amount (a string like \"1500.00\" or a number)");
  }
  Result<int64_t> parsed = ParseMoney(text);
  if (!parsed.ok()) return Fail(member, parsed.message());
  out = *parsed;
}

void MemberReader::Bool(Element value, std::string_view member, bool& out) {
  if (value.is_null()) return;
  bool flag = false;
  if (value.get_bool().get(flag) != SUCCESS) return Fail(member, "must be true or false");
  out = flag;
}

void MemberReader::Fields(Element value, std::string_view member, std::vector<CustomField>& out) {
  if (value.is_null()) return;
  simdjson::dom::object object;
  if (value.get_object().get(object) != SUCCESS) return Fail(member, "must be an object");
  for (simdjson::dom::key_value_pair entry : object) {
    // Named copies, not a structured binding: lambdas may not capture those before C++23.
    std::string_view name = entry.key;
    simdjson::dom::element field_value = entry.value;
    CustomField field;
    field.name.assign(name);
    // Built only on the error path: the common case allocates nothing but the field itself.
    auto field_member = [&] { return std::string(member) + "." + std::string(name); };
    if (name.empty()) {
      Fail(member, "has a field with an empty name");
      continue;
    }
    FieldValue& v = field.value;
    switch (field_value.type()) {
      case element_type::NULL_VALUE:
        v.kind = FieldValue::Kind::kNull;
        break;
      case element_type::STRING:
        v.kind = FieldValue::Kind::kString;
        v.text.assign(field_value.get_string().value_unsafe());
        break;
      case element_type::INT64:
      case element_type::UINT64:
      case element_type::DOUBLE:
        v.kind = FieldValue::Kind::kNumber;
        v.number = field_value.get_double().value_unsafe();
        v.text = NumberText(field_value);
        break;
      case element_type::BOOL:
        v.kind = FieldValue::Kind::kBool;
        v.boolean = field_value.get_bool().value_unsafe();
        break;
      case element_type::ARRAY: {
        v.kind = FieldValue::Kind::kList;
        simdjson::dom::array items;
        bool all_strings = field_value.get_array().get(items) == SUCCESS;
        if (all_strings) {
          for (simdjson::dom::element item : items) {
            std::string_view text;
            if (item.get_string().get(text) != SUCCESS) {
              all_strings = false;
              break;
            }
            v.items.emplace_back(text);
          }
        }
        if (!all_strings) {
          Fail(field_member(), "must be a list of strings");
          continue;
        }
        break;
      }
      default:
        Fail(field_member(), "must be a string, number, bool, list of strings or null");
        continue;
    }
    out.push_back(std::move(field));
  }
}

}  // namespace voronka::ingest
