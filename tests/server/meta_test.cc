// GET /api/v1/meta's metric catalogue (BuildMeta): what the report builder offers per metric.
#include <gtest/gtest.h>

#include "engine/engine.h"
#include "ingest/ndjson.h"
#include "server/meta.h"

namespace voronka {
namespace {

using nlohmann::json;

const json* FindByName(const json& list, const std::string& name) {
  for (const json& item : list) {
    if (item["name"] == name) return &item;
  }
  return nullptr;
}

TEST(Meta, MetricCatalogueNamesKindsObjectsAndDates) {
  Engine engine;
  ParsedBatch batch = ParseNdjson(
      R"({"type":"pipeline","id":"p1","name":"B2B","entity":"deal","stages":[{"id":"s1","name":"New","semantic":"open"},{"id":"s2","name":"Won","semantic":"won"}]}
{"type":"deal","id":"D1","title":"A","pipeline_id":"p1","stage_id":"s1","amount":"1.00","created_at":"2024-03-01T10:00:00Z","fields":{"contract_date":"2024-03-10","delivery":"yes"}})");
  ASSERT_TRUE(batch.ok());
  engine.Apply(batch.records);
  Account admin;
  admin.role = "admin";
  Visibility all;
  all.all = true;
  json meta = BuildMeta(engine.Read().tables(), admin, all);
  const json& metrics = meta["metrics"];

  const json* deal_count = FindByName(metrics, "deal_count");
  ASSERT_NE(deal_count, nullptr);
  EXPECT_EQ((*deal_count)["kind"], "count");
  EXPECT_EQ((*deal_count)["objects"], json({"deals", "leads"}));
  EXPECT_EQ((*deal_count)["takes_date"], true);
  // The date custom field of this workspace is offered by name; delivery is not a date.
  EXPECT_EQ((*deal_count)["dates"],
            json({"created", "modified", "closed", "fields.contract_date"}));
  EXPECT_EQ((*deal_count)["per_stage"], false);

  const json* task_count = FindByName(metrics, "task_count");
  ASSERT_NE(task_count, nullptr);
  EXPECT_EQ((*task_count)["objects"], json({"tasks"}));
  EXPECT_EQ((*task_count)["dates"], json({"created", "deadline", "completed"}));

  EXPECT_EQ((*FindByName(metrics, "deal_amount"))["kind"], "money");
  EXPECT_EQ((*FindByName(metrics, "deal_avg_amount"))["kind"], "money_mean");
  EXPECT_EQ((*FindByName(metrics, "won_amount"))["dates"], json({"closed"}));
  EXPECT_EQ((*FindByName(metrics, "funnel"))["per_stage"], true);
  EXPECT_EQ((*FindByName(metrics, "in_work_count"))["takes_date"], false);
  EXPECT_EQ((*FindByName(metrics, "activity_count"))["objects"], json({"activities"}));
  EXPECT_EQ((*FindByName(metrics, "conversion_rate"))["kind"], "ratio");
}

}  // namespace
}  // namespace voronka
