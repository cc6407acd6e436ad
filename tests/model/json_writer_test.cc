#include "model/json_writer.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

namespace voronka {

namespace {

using nlohmann::json;

// What the server's dump prints for `value` (invalid UTF-8 replaced).
std::string Dumped(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Written(const json& value) {
  std::string text;
  JsonWriter(text).Value(value);
  return text;
}

}  // namespace

// Every scalar prints as nlohmann::json's dump prints it, so a text answer parses back to
// the tree the answer was before.
TEST(JsonWriterTest, ScalarsPrintAsDumpPrintsThem) {
  std::vector<json> values = {
      nullptr, true, false, 0, -1, 42, std::numeric_limits<int64_t>::min(),
      std::numeric_limits<int64_t>::max(), 0.0, -0.0, 2.0, 0.1, 0.3333, 12.35, -4.5, 1e-5,
      123456789.125, 1e21, 1e15, 1e16, 0.0001,
      // Strings: plain, Cyrillic, emoji, every short escape, a control byte, DEL, a slash.
      "", "plain", "Оплата получена", "\xF0\x9F\x93\x9E call", "quote \" back \\ slash",
      "\b\f\n\r\t", std::string("nul \x00 and \x1f", 11), "del \x7f", "a/b"};
  for (const json& value : values) EXPECT_EQ(Written(value), Dumped(value)) << Dumped(value);
}

TEST(JsonWriterTest, NotFiniteDoublesAreNull) {
  std::string text;
  JsonWriter(text).Double(std::numeric_limits<double>::infinity());
  EXPECT_EQ(text, "null");
}

// A byte that begins no UTF-8 character becomes U+FFFD, as the server's dump replaces it; a
// well-formed character next to it is kept.
TEST(JsonWriterTest, InvalidUtf8IsReplaced) {
  for (const char* text : {"\xff", "a\xffz", "\xd0", "ok \xd0", "\xc0\xaf", "\xed\xa0\x80",
                           "\xf4\x90\x80\x80", "Ж\x80Ж"}) {
    std::string written;
    JsonWriter(written).String(text);
    json back = json::parse(written);
    EXPECT_EQ(back.get<std::string>().find('\xff'), std::string::npos) << text;
    EXPECT_NE(written.find("\xEF\xBF\xBD"), std::string::npos) << text;
  }
  std::string written;
  JsonWriter(written).String("a\xffz");
  EXPECT_EQ(written, "\"a\xEF\xBF\xBDz\"");
  EXPECT_EQ(written, Dumped(json("a\xffz")));
}

// Commas go between members and elements, never after the last or after a key.
TEST(JsonWriterTest, NestsObjectsAndArrays) {
  std::string text;
  JsonWriter writer(text);
  writer.BeginObject().Member("metric", "won_count").Key("rows").BeginArray();
  for (int row = 0; row < 2; ++row) {
    writer.BeginObject().Key("group").BeginObject().Member("responsible", "u1").EndObject();
    writer.Member("value", int64_t{row}).EndObject();
  }
  writer.EndArray().Key("empty").BeginArray().EndArray();
  writer.Key("none").BeginObject().EndObject().Member("total", json(1.5)).EndObject();
  EXPECT_EQ(text, R"({"metric":"won_count","rows":[{"group":{"responsible":"u1"},"value":0},)"
                  R"({"group":{"responsible":"u1"},"value":1}],"empty":[],"none":{},"total":1.5})");
  json tree = {{"a", {1, "two", nullptr, {{"b", false}}}}, {"c", json::object()}};
  EXPECT_EQ(Written(tree), Dumped(tree));
}

}  // namespace voronka
