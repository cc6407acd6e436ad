// ValidateReferences: stages, pipelines, deals and tasks named across the batch and the store.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "ingest/ndjson.h"

namespace voronka {
namespace {

// What a workspace has stored: pipeline "stored_p" with stages "s_new" and "s_won", deal
// "D_old", task "t_old".
class FakeCatalog final : public Catalog {
 public:
  std::optional<std::string_view> PipelineOfStage(std::string_view stage) const override {
    auto it = stages_.find(std::string(stage));
    if (it == stages_.end()) return std::nullopt;
    return std::string_view(it->second);
  }
  bool HasPipeline(std::string_view id) const override { return id == "stored_p"; }
  bool HasDeal(std::string_view id) const override { return id == "D_old"; }
  bool HasTask(std::string_view id) const override { return id == "t_old"; }

 private:
  std::map<std::string, std::string> stages_ = {{"s_new", "stored_p"}, {"s_won", "stored_p"}};
};

constexpr const char* kPipelineP1 =
    R"({"type":"pipeline","id":"p1","name":"B2B","stages":[{"id":"new","name":"New","semantic":"open"},)"
    R"({"id":"won","name":"Won","semantic":"won"}]})";

std::string Deal(const char* id, const char* pipeline, const char* stage) {
  return std::string(R"({"type":"deal","id":")") + id + R"(","pipeline_id":")" + pipeline +
         R"(","stage_id":")" + stage + R"(","created_at":"2024-03-01T10:00:00Z"})";
}

std::vector<std::string> Validate(const std::vector<std::string>& lines,
                                  const Catalog& catalog = FakeCatalog()) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  ParsedBatch batch = ParseNdjson(text);
  EXPECT_TRUE(batch.ok()) << batch.errors[0];
  ValidateReferences(batch, catalog);
  return batch.errors;
}

TEST(ReferencesTest, AConsistentBatchHasNoErrors) {
  EXPECT_EQ(
      Validate(
          {kPipelineP1, Deal("D1", "p1", "new"),
           R"({"type":"stage_change","deal_id":"D1","to":"won","at":"2024-03-02T10:00:00Z"})",
           R"({"type":"deal_update","id":"D1","at":"2024-03-02T10:00:00Z","set":{"title":"x"}})",
           R"({"type":"activity","id":"a1","kind":"call","deal_id":"D1","at":"2024-03-02T10:00:00Z"})",
           R"({"type":"task","id":"t1","deal_id":"D1","created_at":"2024-03-02T10:00:00Z"})",
           R"({"type":"task_update","id":"t1","at":"2024-03-03T10:00:00Z","set":{"deadline":null}})"}),
      std::vector<std::string>{});
}

TEST(ReferencesTest, OutOfOrderLinesAreFine) {
  // The stage change and the deal come before the pipeline and the deal they name.
  EXPECT_EQ(
      Validate(
          {R"({"type":"stage_change","deal_id":"D1","to":"won","at":"2024-03-02T10:00:00Z"})",
           R"({"type":"task_update","id":"t1","at":"2024-03-03T10:00:00Z","set":{"user_id":"u"}})",
           Deal("D1", "p1", "new"), kPipelineP1,
           R"({"type":"task","id":"t1","created_at":"2024-03-02T10:00:00Z"})"}),
      std::vector<std::string>{});
}

TEST(ReferencesTest, StoredPipelinesDealsAndTasksCount) {
  EXPECT_EQ(
      Validate(
          {Deal("D1", "stored_p", "s_new"),
           R"({"type":"stage_change","deal_id":"D_old","to":"s_won","at":"2024-03-02T10:00:00Z"})",
           R"({"type":"task_update","id":"t_old","at":"2024-03-03T10:00:00Z","set":{"user_id":"u"}})"}),
      std::vector<std::string>{});
}

TEST(ReferencesTest, UnknownNamesAreReportedOnTheirLines) {
  EXPECT_EQ(
      Validate(
          {kPipelineP1, Deal("D1", "p9", "new"),  // line 2: no such pipeline
           Deal("D2", "p1", "paied"),             // line 3: no such stage
           Deal("D3", "p1", "s_new"),             // line 4: a stage of another pipeline
           R"({"type":"stage_change","deal_id":"D9","to":"paied","at":"2024-03-02T10:00:00Z"})",
           R"({"type":"deal_update","id":"D9","at":"2024-03-02T10:00:00Z","set":{"title":"x"}})",
           R"({"type":"activity","id":"a1","kind":"call","deal_id":"D9","at":"2024-03-02T10:00:00Z"})",
           R"({"type":"task","id":"t1","deal_id":"D9","created_at":"2024-03-02T10:00:00Z"})",
           R"({"type":"task_update","id":"t9","at":"2024-03-03T10:00:00Z","set":{"deadline":null}})"}),
      (std::vector<std::string>{
          "line 2: deal: unknown pipeline 'p9'",
          "line 3: deal: unknown stage 'paied'",
          "line 4: deal: stage 's_new' belongs to pipeline 'stored_p', not to 'p1'",
          "line 5: stage_change: unknown deal 'D9'",
          "line 5: stage_change: unknown stage 'paied'",
          "line 6: deal_update: unknown deal 'D9'",
          "line 7: activity: unknown deal 'D9'",
          "line 8: task: unknown deal 'D9'",
          "line 9: task_update: unknown task 't9'",
      }));
}

TEST(ReferencesTest, APipelineInTheBatchReplacesTheStoredOne) {
  // The batch redefines stored_p without s_won: s_won is no longer a stage of anything.
  const char* redefined =
      R"({"type":"pipeline","id":"stored_p","name":"New","stages":[{"id":"s_new","name":"N","semantic":"open"}]})";
  EXPECT_EQ(
      Validate(
          {redefined,
           R"({"type":"stage_change","deal_id":"D_old","to":"s_won","at":"2024-03-02T10:00:00Z"})",
           Deal("D1", "stored_p", "s_new")}),
      (std::vector<std::string>{"line 2: stage_change: unknown stage 's_won'"}));
}

TEST(ReferencesTest, DuplicateIdsNameBothLines) {
  EXPECT_EQ(
      Validate(
          {R"({"type":"user","id":"u1","name":"A"})",
           R"({"type":"company","id":"u1","name":"A"})",  // another type: fine
           R"({"type":"user","id":"u1","name":"B"})", Deal("D1", "stored_p", "s_new"),
           Deal("D1", "stored_p", "s_new"),
           R"({"type":"goal","id":"g","scope":"workspace","metric":"won_count","period":"2024","target":1})",
           R"({"type":"goal","id":"g","scope":"workspace","metric":"won_count","period":"2025","target":1})"}),
      (std::vector<std::string>{"line 3: user: id 'u1' is already defined on line 1",
                                "line 5: deal: id 'D1' is already defined on line 4",
                                "line 7: goal: id 'g' is already defined on line 6"}));
}

TEST(ReferencesTest, UpdatesOfOneDealAreNotDuplicates) {
  EXPECT_EQ(
      Validate(
          {Deal("D1", "stored_p", "s_new"),
           R"({"type":"deal_update","id":"D1","at":"2024-03-02T10:00:00Z","set":{"title":"x"}})",
           R"({"type":"deal_update","id":"D1","at":"2024-03-03T10:00:00Z","set":{"title":"y"}})"}),
      std::vector<std::string>{});
}

TEST(ReferencesTest, DuplicateEventIds) {
  EXPECT_EQ(Validate({R"({"type":"company","event_id":"e1","id":"c1","name":"A"})",
                      R"({"type":"company","event_id":"e2","id":"c2","name":"A"})",
                      R"({"type":"contact","event_id":"e1","id":"k1","name":"A"})"}),
            (std::vector<std::string>{"line 3: contact: event_id 'e1' is already used on line 1"}));
}

TEST(ReferencesTest, StageIdsAreUniqueInAWorkspace) {
  const char* p2_reuses_new =
      R"({"type":"pipeline","id":"p2","name":"P2","stages":[{"id":"new","name":"N","semantic":"open"}]})";
  const char* p3_reuses_stored =
      R"({"type":"pipeline","id":"p3","name":"P3","stages":[{"id":"s_won","name":"N","semantic":"open"}]})";
  EXPECT_EQ(Validate({kPipelineP1, p2_reuses_new, p3_reuses_stored}),
            (std::vector<std::string>{
                "line 2: pipeline: stage 'new' is already a stage of pipeline 'p1' (line 1); stage "
                "ids are unique in a workspace",
                "line 3: pipeline: stage 's_won' is already a stage of stored pipeline 'stored_p'; "
                "stage ids are unique in a workspace"}));
}

TEST(ReferencesTest, LinesFollowTheFirstLineOffset) {
  ParsedBatch batch = ParseNdjson(Deal("D1", "p9", "new") + "\n", 501);
  ValidateReferences(batch, EmptyCatalog());
  EXPECT_EQ(batch.errors, (std::vector<std::string>{"line 501: deal: unknown pipeline 'p9'"}));
}

TEST(ReferencesTest, AppendsAfterParseErrors) {
  std::string text = "{\"type\":\"dael\"}\n" + Deal("D1", "p9", "new") + "\n";
  ParsedBatch batch = ParseNdjson(text);
  ValidateReferences(batch, EmptyCatalog());
  EXPECT_EQ(batch.errors, (std::vector<std::string>{"line 1: unknown record type 'dael'",
                                                    "line 2: deal: unknown pipeline 'p9'"}));
}

}  // namespace
}  // namespace voronka
