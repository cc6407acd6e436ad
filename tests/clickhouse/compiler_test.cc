// The report compiler on a small history whose numbers a person computes by hand, written
// through the fact writer into the two-shard test cluster: out-of-order arrival, a batch that
// never committed, a role's visibility, and metrics not answered yet.
#include <gtest/gtest.h>

#include "clickhouse/fact_writer.h"
#include "clickhouse/report.h"
#include "clickhouse/schema.h"
#include "testing/clickhouse_server.h"

namespace voronka::clickhouse {
namespace {

using nlohmann::json;
constexpr const char* kDatabase = "voronka_compiler";

// Moscow time; pipeline p1: taken, request, invoice (open), paid (won), failed (lost).
constexpr const char* kDirectory =
    R"({"type":"workspace","name":"Hand","time_zone":"Europe/Moscow","currency":"RUB"}
{"type":"department","id":"d1","name":"Sales"}
{"type":"user","id":"u1","name":"Adelina","department_id":"d1"}
{"type":"user","id":"u2","name":"Boris"}
{"type":"pipeline","id":"p1","name":"B2B","stages":[{"id":"taken","name":"Taken","semantic":"open"},{"id":"request","name":"Request","semantic":"open"},{"id":"invoice","name":"Invoice","semantic":"open"},{"id":"paid","name":"Paid","semantic":"won"},{"id":"failed","name":"Failed","semantic":"lost"}]}
)";

// D1 (u1, 1000.00, created 5 March) is won on 20 March; its amount is set to 1200.00 by an
// update of 15 March that arrives before an older one of 10 March (900.00): 1200.00 stays.
// D2 (u2, 500.00, 10 March) is lost on 25 March. D3 (u1, 300.00, 10 February) is won on
// 2 March and moved back to invoice on 3 March: open. D4 (u1, 700.00, 12 March) is won on
// 2 April; its stage change is sent before the deal in the same batch.
constexpr const char* kHistory =
    R"({"type":"deal","id":"D1","title":"One","pipeline_id":"p1","stage_id":"taken","amount":"1000.00","responsible_id":"u1","created_at":"2024-03-05T09:00:00Z"}
{"type":"deal","id":"D2","title":"Two","pipeline_id":"p1","stage_id":"request","amount":"500.00","responsible_id":"u2","created_at":"2024-03-10T09:00:00Z"}
{"type":"deal","id":"D3","title":"Three","pipeline_id":"p1","stage_id":"taken","amount":"300.00","responsible_id":"u1","created_at":"2024-02-10T09:00:00Z"}
{"type":"stage_change","deal_id":"D1","to":"paid","at":"2024-03-20T09:00:00Z"}
{"type":"stage_change","deal_id":"D2","to":"failed","at":"2024-03-25T09:00:00Z"}
{"type":"stage_change","deal_id":"D3","to":"invoice","at":"2024-03-03T09:00:00Z"}
{"type":"stage_change","deal_id":"D3","to":"paid","at":"2024-03-02T09:00:00Z"}
{"type":"deal_update","id":"D1","at":"2024-03-15T09:00:00Z","set":{"amount":"1200.00"}}
)";
constexpr const char* kLater =
    R"({"type":"deal_update","id":"D1","at":"2024-03-10T09:00:00Z","set":{"amount":"900.00"}}
{"type":"stage_change","deal_id":"D4","to":"paid","at":"2024-04-02T09:00:00Z"}
{"type":"deal","id":"D4","title":"Four","pipeline_id":"p1","stage_id":"taken","amount":"700.00","responsible_id":"u1","created_at":"2024-03-12T09:00:00Z"}
)";
// Written but never committed: a deal won in March that no report may count.
constexpr const char* kNeverCommitted =
    R"({"type":"deal","id":"D9","title":"Ghost","pipeline_id":"p1","stage_id":"paid","amount":"99999.00","responsible_id":"u1","created_at":"2024-03-07T09:00:00Z"}
)";

class CompilerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    VORONKA_START_CLICKHOUSE(cluster_);
    if (loaded_) return;  // the history is written once for all the tests
    loaded_ = true;
    for (int shard : {1, 2}) {
      Shard(shard).ExecuteIn("", std::string("DROP DATABASE IF EXISTS ") + kDatabase);
    }
    ASSERT_TRUE(InitCluster(Shard(), testing::ClickHouseCluster::kName).ok());
    for (const char* batch : {kDirectory, kHistory, kLater}) {
      WriteResult written = WriteNdjson(Shard(), "hand", batch);
      ASSERT_TRUE(written.ok()) << written.status.message()
                                << (written.errors.empty() ? "" : written.errors.front());
    }
    WriteResult ghost = WriteNdjson(Shard(), "hand", kNeverCommitted,
                                    [] { return Status::Error("stopped before the commit"); });
    ASSERT_FALSE(ghost.ok());
  }
  Client Shard(int shard = 1) const {
    return Client(ParseUrl(cluster_->url(kDatabase, shard)).value());
  }
  // The total of `metric` over March 2024 as of 1 May.
  json March(const std::string& metric, const Visibility& visibility = {}) {
    json request = {{"metric", metric},
                    {"period", {{"from", "2024-03-01"}, {"to", "2024-04-01"}}},
                    {"as_of", "2024-05-01T00:00:00Z"}};
    Result<json> answer = RunReport(Shard(), "hand", request, Instant{0}, visibility);
    EXPECT_TRUE(answer.ok()) << answer.message();
    return answer.ok() ? answer.value()["total"] : json("error");
  }
  testing::ClickHouseCluster* cluster_ = nullptr;
  static inline bool loaded_ = false;
};

TEST_F(CompilerTest, OutcomesOfMarchByHand) {
  EXPECT_EQ(March("created_count"), 3);         // D1, D2, D4 (D3 in February, D9 not committed)
  EXPECT_EQ(March("won_count"), 1);             // D1 (D3 left paid, D4 won in April)
  EXPECT_EQ(March("won_amount"), "1200.00");    // D1's amount by the latest `at`
  EXPECT_EQ(March("lost_count"), 1);            // D2
  EXPECT_EQ(March("lost_share"), 0.5);          // 1 lost of 2 closed
  EXPECT_EQ(March("conversion_rate"), 0.3333);  // 1 won / 3 created
  EXPECT_EQ(March("avg_cycle_days"), 15.0);     // D1: 5 to 20 March
}

TEST_F(CompilerTest, InWorkAtTheEndOfMarch) {
  // At 1 April 00:00 Moscow: D3 (back on invoice) and D4 (won only on 2 April) are open.
  EXPECT_EQ(March("in_work_count"), 2);
  EXPECT_EQ(March("in_work_amount"), "1000.00");  // 300.00 + 700.00
}

TEST_F(CompilerTest, ARoleSeesOnlyItsUsersDeals) {
  EXPECT_EQ(March("created_count", Visibility{false, {"u2"}}), 1);  // D2
  EXPECT_EQ(March("won_amount", Visibility{false, {"u2"}}), "0.00");
}

TEST_F(CompilerTest, AMetricNotCompiledYetIsAnErrorNotANumber) {
  json request = {{"metric", "activity_count"},
                  {"period", {{"from", "2024-03-01"}, {"to", "2024-04-01"}}}};
  Result<json> answer = RunReport(Shard(), "hand", request, Instant{0});
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.message(), "metric 'activity_count' is not yet available in scale-out mode");
}

}  // namespace
}  // namespace voronka::clickhouse
