#include "store/sqlite/field_json.h"

#include <gtest/gtest.h>

namespace voronka::sqlite {
namespace {

std::string Json(const FieldValue& value) {
  std::string out;
  AppendFieldJson(value, out);
  return out;
}

TEST(FieldJsonTest, WritesTheJsonValue) {
  FieldValue value;
  EXPECT_EQ(Json(value), "null");
  value.kind = FieldValue::Kind::kString;
  value.text = "a\"b\\c\nd\x01✓";
  EXPECT_EQ(Json(value), "\"a\\\"b\\\\c\\nd\\u0001✓\"");
  value = FieldValue{FieldValue::Kind::kNumber, "12.50", 12.5, false, {}};
  EXPECT_EQ(Json(value), "12.50");  // digit for digit
  value = FieldValue{FieldValue::Kind::kNumber, "", 0.1, false, {}};
  EXPECT_EQ(Json(value), "0.10000000000000001");
  value = FieldValue{FieldValue::Kind::kBool, "", 0, true, {}};
  EXPECT_EQ(Json(value), "true");
  value = FieldValue{FieldValue::Kind::kList, "", 0, false, {"a", "б"}};
  EXPECT_EQ(Json(value), "[\"a\",\"б\"]");
}

TEST(FieldJsonTest, ReadsBackWhatItWrote) {
  std::vector<FieldValue> values = {
      FieldValue{},
      FieldValue{FieldValue::Kind::kString, "", 0, false, {}},
      FieldValue{FieldValue::Kind::kString, "tab\there \"q\" \\ \r\n ✓", 0, false, {}},
      FieldValue{FieldValue::Kind::kNumber, "-3e5", -3e5, false, {}},
      FieldValue{FieldValue::Kind::kNumber, "42", 42, false, {}},
      FieldValue{FieldValue::Kind::kBool, "", 0, false, {}},
      FieldValue{FieldValue::Kind::kList, "", 0, false, {}},
      FieldValue{FieldValue::Kind::kList, "", 0, false, {"x,y", "[z]", ""}},
  };
  for (const FieldValue& value : values) {
    Result<FieldValue> back = ParseFieldJson(Json(value));
    ASSERT_TRUE(back.ok()) << Json(value);
    EXPECT_TRUE(*back == value) << Json(value);
  }
}

TEST(FieldJsonTest, RejectsWhatItNeverWrites) {
  for (const char* bad : {"", "nul", "\"open", "[1]", "[\"a\"", "12abc", "true false", "{}"}) {
    EXPECT_FALSE(ParseFieldJson(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace voronka::sqlite
