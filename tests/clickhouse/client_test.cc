// The HTTP client against a real ClickHouse server (shard 1 of the test cluster): URLs,
// escaping both ways, error messages, and unavailability while the server is down.
#include "clickhouse/client.h"

#include <gtest/gtest.h>

#include "testing/clickhouse_server.h"

namespace voronka::clickhouse {
namespace {

TEST(ClickHouseUrl, ParsesHostPortAndDatabase) {
  Result<Endpoint> endpoint = ParseUrl("clickhouse://db.example.com:8124/facts");
  ASSERT_TRUE(endpoint.ok()) << endpoint.message();
  EXPECT_EQ(endpoint->host, "db.example.com");
  EXPECT_EQ(endpoint->port, 8124);
  EXPECT_EQ(endpoint->database, "facts");
  EXPECT_EQ(endpoint->Url(), "clickhouse://db.example.com:8124/facts");

  Result<Endpoint> default_port = ParseUrl("clickhouse://localhost/facts");
  ASSERT_TRUE(default_port.ok());
  EXPECT_EQ(default_port->port, 8123);
}

TEST(ClickHouseUrl, RejectsWhatItCannotUse) {
  EXPECT_NE(ParseUrl("http://h:1/db").message().find("clickhouse://"), std::string::npos);
  EXPECT_NE(ParseUrl("clickhouse://h:1/").message().find("names no database"), std::string::npos);
  EXPECT_NE(ParseUrl("clickhouse://h:99999/db").message().find("bad port"), std::string::npos);
  EXPECT_NE(ParseUrl("clickhouse://h:1/a;DROP").message().find("database name"),
            std::string::npos);
}

TEST(ClickHouseRows, SplitsCellsAndUnescapesOnDemand) {
  std::optional<Rows> rows = Rows::Parse("a\\tb\t12\t['x\\'y','p\\\\q']\n\\N\t-3\t[]\n");
  ASSERT_TRUE(rows.has_value());
  ASSERT_EQ(rows->size(), 2u);
  ASSERT_EQ(rows->columns(), 3u);
  EXPECT_EQ(rows->Text(0, 0), "a\tb");
  EXPECT_EQ(rows->Int(0, 1), 12);
  EXPECT_EQ(rows->Array(0, 2), (std::vector<std::string>{"x'y", "p\\q"}));
  EXPECT_TRUE(rows->IsNull(1, 0));
  EXPECT_EQ(rows->Int(1, 1), -3);
  EXPECT_TRUE(rows->Array(1, 2).empty());
  EXPECT_FALSE(Rows::Parse("a\tb\nc\n").has_value()) << "rows of 2 and 1 cells";
  EXPECT_FALSE(Rows::Parse("no newline").has_value());
  EXPECT_FALSE(ParseArray("['a',]").has_value());
  EXPECT_FALSE(ParseArray("['a'").has_value());
}

class ClickHouseClientTest : public ::testing::Test {
 protected:
  void SetUp() override { VORONKA_START_CLICKHOUSE(cluster_); }
  Client client() const { return Client(ParseUrl(cluster_->url("default")).value()); }
  testing::ClickHouseCluster* cluster_ = nullptr;
};

// Strings that break naive quoting: quotes, backslashes, tabs, newlines, NUL, UTF-8.
const std::vector<std::string> kAwkward = {
    "it's", "back\\slash", "tab\there", "new\nline", "cr\rlf", std::string("nul\0byte", 8),
    "'; DROP TABLE x; --", "Ёлка ąę", "", "[not, an, array]", "\\N",
};

TEST_F(ClickHouseClientTest, QuotedLiteralsComeBackUnchanged) {
  Client ch = client();
  for (const std::string& text : kAwkward) {
    Result<Rows> rows = ch.Query("SELECT " + Quote(text) + ", length(" + Quote(text) + ")");
    ASSERT_TRUE(rows.ok()) << rows.message();
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ(rows->Text(0, 0), text);
    EXPECT_EQ(rows->Int(0, 1), static_cast<int64_t>(text.size()));
  }
  Result<Rows> array = ch.Query("SELECT " + QuoteArray(kAwkward));
  ASSERT_TRUE(array.ok()) << array.message();
  EXPECT_EQ(array->Array(0, 0), kAwkward);
}

TEST_F(ClickHouseClientTest, InsertedTabSeparatedRowsComeBackUnchanged) {
  Client ch = client();
  ASSERT_TRUE(ch.Execute("DROP TABLE IF EXISTS client_roundtrip").ok());
  ASSERT_TRUE(ch.Execute("CREATE TABLE client_roundtrip (n UInt32, s String, a Array(String)) "
                         "ENGINE = MergeTree ORDER BY n")
                  .ok());
  std::string body;
  for (size_t i = 0; i < kAwkward.size(); ++i) {
    body += std::to_string(i) + "\t";
    AppendTsv(body, kAwkward[i]);
    body += "\t";
    body += QuoteArray({kAwkward[i], "x"});  // an array cell is its literal, not escaped again
    body += "\n";
  }
  Status inserted = ch.Execute("INSERT INTO client_roundtrip FORMAT TabSeparated", body);
  ASSERT_TRUE(inserted.ok()) << inserted.message();
  Result<Rows> rows = ch.Query("SELECT n, s, a FROM client_roundtrip ORDER BY n");
  ASSERT_TRUE(rows.ok()) << rows.message();
  ASSERT_EQ(rows->size(), kAwkward.size());
  for (size_t i = 0; i < kAwkward.size(); ++i) {
    EXPECT_EQ(rows->Text(i, 1), kAwkward[i]) << "row " << i;
    EXPECT_EQ(rows->Array(i, 2), (std::vector<std::string>{kAwkward[i], "x"})) << "row " << i;
  }
}

TEST_F(ClickHouseClientTest, ErrorsCarryClickHousesMessage) {
  Client ch = client();
  Status missing = ch.Execute("SELECT * FROM no_such_table_here");
  ASSERT_FALSE(missing.ok());
  EXPECT_FALSE(missing.unavailable()) << "a wrong statement is no reason to retry";
  EXPECT_NE(missing.message().find("no_such_table_here"), std::string::npos) << missing.message();
  EXPECT_NE(missing.message().find("(code 60)"), std::string::npos) << missing.message();
  EXPECT_NE(missing.message().find("ClickHouse at 127.0.0.1:"), std::string::npos);
  EXPECT_EQ(missing.message().find("e.what()"), std::string::npos) << missing.message();
  EXPECT_TRUE(ch.Health().ok()) << "a statement error leaves the server healthy";
}

TEST_F(ClickHouseClientTest, NothingListeningIsUnavailable) {
  Endpoint nowhere{"127.0.0.1", testing::FreePort(), "default"};
  Client ch(nowhere, ClientOptions{.connect_timeout_ms = 500, .read_timeout_ms = 1000});
  Result<Rows> rows = ch.Query("SELECT 1");
  ASSERT_FALSE(rows.ok());
  EXPECT_TRUE(rows.status().unavailable());
  EXPECT_NE(rows.message().find("is unreachable"), std::string::npos) << rows.message();
  EXPECT_FALSE(ch.Health().ok());
}

}  // namespace
}  // namespace voronka::clickhouse
