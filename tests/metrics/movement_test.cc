// Movement metrics of SPEC §4 on pipeline p1: open stages taken 0, request 1, invoice 2,
// awaiting 3; won stage paid at position K = 4; failed (lost) has no position.
#include <gtest/gtest.h>

#include "metrics/metric_test_util.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// Four deals created 2024-03-01 10:00 Moscow:
//   M1 taken -> request 03-02 -> invoice 03-04 -> paid 03-08      (forward to won)
//   M2 created directly at invoice -> failed 03-03                 (middle stage, lost)
//   M3 taken -> invoice 03-03 -> request 03-06                     (a backward move)
//   M4 taken -> r_new of pipeline p2 03-02                         (moved to another pipeline)
constexpr std::string_view kMoves = R"(
{"type":"deal","id":"M1","pipeline_id":"p1","stage_id":"taken","amount":"100","responsible_id":"u1","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"M1","to":"request","at":"2024-03-02T10:00:00+03:00","by":"u1"}
{"type":"stage_change","deal_id":"M1","to":"invoice","at":"2024-03-04T10:00:00+03:00","by":"u1"}
{"type":"stage_change","deal_id":"M1","to":"paid","at":"2024-03-08T10:00:00+03:00","by":"u1"}
{"type":"deal","id":"M2","pipeline_id":"p1","stage_id":"invoice","amount":"200","responsible_id":"u2","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"M2","to":"failed","at":"2024-03-03T10:00:00+03:00","by":"u2"}
{"type":"deal","id":"M3","pipeline_id":"p1","stage_id":"taken","amount":"300","responsible_id":"u1","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"M3","to":"invoice","at":"2024-03-03T10:00:00+03:00","by":"u1"}
{"type":"stage_change","deal_id":"M3","to":"request","at":"2024-03-06T10:00:00+03:00","by":"u1"}
{"type":"deal","id":"M4","pipeline_id":"p1","stage_id":"taken","amount":"400","responsible_id":"u2","created_at":"2024-03-01T10:00:00+03:00"}
{"type":"stage_change","deal_id":"M4","to":"r_new","at":"2024-03-02T10:00:00+03:00","by":"u2"}
)";

class MovementTest : public ::testing::Test {
 protected:
  void SetUp() override { engine_ = Load(std::string(kWorkspace) + std::string(kMoves)); }
  json Run(std::string_view metric, std::string_view extra = "") {
    return Report(*engine_, std::string(R"({"metric":")") + std::string(metric) +
                                R"(","period":{"from":"2024-03-01","to":"2024-04-01"},)"
                                R"("as_of":"2024-04-10T07:00:00Z","filters":{"pipeline":["p1"]})" +
                                std::string(extra) + "}");
  }
  std::unique_ptr<Engine> engine_;
};

json Values(const json& answer) {
  json values = json::array();
  for (const json& row : answer["rows"]) values.push_back(row["value"]);
  return values;
}

json Stages(const json& answer) {
  json stages = json::array();
  for (const json& row : answer["rows"]) stages.push_back(row["group"]["stage"]);
  return stages;
}

TEST_F(MovementTest, Funnel) {
  // reached(taken) = every deal ever on p1 at position >= 0: M1..M4 = 4;
  // request: M1 (max 4), M2 (created at 2), M3 (max 2) = 3; invoice: the same 3;
  // awaiting: M1 only (it reached won, position 4) = 1; paid: M1 = 1.
  json answer = Run("funnel");
  EXPECT_EQ(Stages(answer), json::parse(R"(["taken","request","invoice","awaiting","paid"])"));
  EXPECT_EQ(Values(answer), json::parse("[4,3,3,1,1]"));
  EXPECT_EQ(answer["total"], 4);
  EXPECT_EQ(answer["labels"]["stage"]["awaiting"], "Awaiting payment");
}

TEST_F(MovementTest, FunnelConversion) {
  // null on the first row; 3/4, 3/3, 1/3; won: 1/1. Overall: won 1 / first row 4.
  json answer = Run("funnel_conversion");
  EXPECT_EQ(Values(answer), json::parse("[null,0.75,1.0,0.3333,1.0]"));
  EXPECT_EQ(answer["total"], 0.25);
}

TEST_F(MovementTest, StageMovement) {
  // Boundaries 1..4 (request, invoice, awaiting, paid):
  //   M1 0->1 (+request), 1->2 (+invoice), 2->4 (+awaiting, +paid)
  //   M3 0->2 (+request, +invoice), 2->1 (-invoice)
  //   M2 into lost and M4 out of the pipeline cross nothing.
  json answer = Run("stage_movement");
  EXPECT_EQ(Stages(answer), json::parse(R"(["request","invoice","awaiting","paid"])"));
  EXPECT_EQ(Values(answer), json::parse("[2,1,1,1]"));
}

TEST_F(MovementTest, LostFromStage) {
  json answer = Run("lost_from_stage");  // M2 lost from invoice
  EXPECT_EQ(Values(answer), json::parse("[0,0,1,0]"));
}

TEST_F(MovementTest, StageTimeAndConversion) {
  // Visits ended in March: taken M1 1d fwd, M3 2d fwd, M4 1d (left the pipeline: not fwd);
  // request M1 2d fwd; invoice M1 4d fwd, M2 2d (lost), M3 3d (back).
  EXPECT_EQ(Values(Run("stage_time_days")), json::parse("[1.33,2.0,3.0,null]"));
  EXPECT_EQ(Values(Run("stage_conversion")), json::parse("[0.6667,1.0,0.3333,null]"));
}

TEST_F(MovementTest, StageSnapshot) {
  // At M = min(end of March, T) = 03-31 21:00Z only M3 is open on p1: on request since
  // 03-06 07:00Z, 25 days 14 hours = 25.58 days.
  EXPECT_EQ(Values(Run("stage_count")), json::parse("[0,1,0,0]"));
  EXPECT_EQ(Values(Run("stage_amount")), json::parse(R"(["0.00","300.00","0.00","0.00"])"));
  EXPECT_EQ(Values(Run("stage_age_days")), json::parse("[null,25.58,null,null]"));
  // As of 03-05 12:00 Moscow (before M3 went back): invoice holds M3, r_new holds M4 (p2).
  json early =
      Report(*engine_, R"({"metric":"stage_count","period":{"from":"2024-03-01","to":"2024-04-01"},
      "as_of":"2024-03-05T12:00:00+03:00"})");
  EXPECT_EQ(Values(early), json::parse("[0,0,2,0]"));  // M1 and M3 on invoice
}

TEST_F(MovementTest, OtherPipelineFunnel) {
  // In p2 only M4 ever appeared: it reached r_new, never r_done.
  json answer =
      Report(*engine_, R"({"metric":"funnel","period":{"from":"2024-03-01","to":"2024-04-01"},
      "as_of":"2024-04-10T07:00:00Z","filters":{"pipeline":["p2"]}})");
  EXPECT_EQ(Values(answer), json::parse("[1,0]"));
}

TEST_F(MovementTest, GroupedPerStage) {
  // funnel by responsible: u1 has M1, M3; u2 has M2 (at invoice) and M4.
  json answer = Run("funnel", R"(,"group_by":["responsible"])");
  EXPECT_EQ(RowValue(answer, R"({"stage":"taken","responsible":"u1"})"), 2);
  EXPECT_EQ(RowValue(answer, R"({"stage":"invoice","responsible":"u2"})"), 1);
  EXPECT_EQ(RowValue(answer, R"({"stage":"paid","responsible":"u2"})"), 0);
}

TEST_F(MovementTest, OutOfOrderHistory) {
  // The same history with every line reversed gives the same answers.
  std::string text(kMoves);
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  std::string reversed(kWorkspace);
  for (auto line = lines.rbegin(); line != lines.rend(); ++line) reversed += *line + "\n";
  auto engine = Load(reversed);
  for (std::string metric : {"funnel", "stage_movement", "stage_time_days", "stage_count"}) {
    std::string request =
        R"({"metric":")" + metric +
        R"(","period":{"from":"2024-03-01","to":"2024-04-01"},"as_of":"2024-04-10T07:00:00Z"})";
    EXPECT_EQ(Report(*engine, request), Report(*engine_, request)) << metric;
  }
}

}  // namespace
}  // namespace voronka::testing

namespace voronka::testing {
namespace {

// Without filters.pipeline, per-stage reports use the deal pipeline holding the most deals:
// "b" is defined first and "a" has the smallest id, but "c" has two deals of the three.
TEST(DefaultPipelineTest, IsTheDealPipelineWithTheMostDeals) {
  auto engine = Load(R"(
{"type":"pipeline","id":"b","name":"B","stages":[{"id":"b1","name":"B1","semantic":"open"},{"id":"b2","name":"B2","semantic":"won"}]}
{"type":"pipeline","id":"c","name":"C","stages":[{"id":"c1","name":"C1","semantic":"open"},{"id":"c2","name":"C2","semantic":"won"}]}
{"type":"pipeline","id":"a","name":"A","stages":[{"id":"a1","name":"A1","semantic":"open"}]}
{"type":"deal","id":"D1","pipeline_id":"b","stage_id":"b1","created_at":"2024-03-01T10:00:00Z"}
{"type":"deal","id":"D2","pipeline_id":"c","stage_id":"c1","created_at":"2024-03-01T10:00:00Z"}
{"type":"deal","id":"D3","pipeline_id":"c","stage_id":"c1","created_at":"2024-03-02T10:00:00Z"}
)");
  json answer = Report(*engine, R"({"metric":"funnel","period":{"from":"2024-03-01","to":"2024-04-01"},"as_of":"2024-04-10T00:00:00Z"})");
  EXPECT_EQ(Stages(answer), json::parse(R"(["c1","c2"])"));
  EXPECT_EQ(Values(answer), json::parse("[2, 0]"));  // D2 and D3 reached c1; none won
}

}  // namespace
}  // namespace voronka::testing
