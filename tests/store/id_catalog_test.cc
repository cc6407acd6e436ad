#include "store/sqlite/id_catalog.h"

#include <gtest/gtest.h>

#include <string>

namespace voronka::sqlite {
namespace {

TEST(IdSetTest, HoldsManyIdsThroughGrowth) {
  IdSet set;
  // 100 000 ids force the table through eleven doublings from 64 slots.
  for (int i = 0; i < 100000; ++i) EXPECT_TRUE(set.Insert("D" + std::to_string(i)));
  EXPECT_EQ(set.size(), 100000u);
  for (int i = 0; i < 100000; i += 997) EXPECT_TRUE(set.Contains("D" + std::to_string(i)));
  EXPECT_FALSE(set.Insert("D5"));  // already there
  EXPECT_FALSE(set.Contains("D100000"));
  EXPECT_FALSE(set.Contains("D"));
  EXPECT_FALSE(set.Contains(""));
  EXPECT_TRUE(set.Insert(""));  // the empty id is an id like any other
  EXPECT_TRUE(set.Contains(""));
  set.Clear();
  EXPECT_EQ(set.size(), 0u);
  EXPECT_FALSE(set.Contains("D5"));
}

TEST(IdCatalogTest, ARedefinedPipelineForgetsItsOldStages) {
  IdCatalog catalog;
  catalog.SetPipeline("p1", {"taken", "invoice", "paid"});
  catalog.SetPipeline("p2", {"new"});
  EXPECT_EQ(catalog.PipelineOfStage("invoice"), "p1");
  std::optional<std::string_view> held = catalog.PipelineOfStage("paid");
  catalog.SetPipeline("p1", {"taken", "paid"});
  EXPECT_EQ(catalog.PipelineOfStage("invoice"), std::nullopt);
  EXPECT_EQ(catalog.PipelineOfStage("paid"), "p1");
  EXPECT_EQ(catalog.PipelineOfStage("new"), "p2");
  EXPECT_EQ(held, "p1");  // views handed out stay valid
  EXPECT_TRUE(catalog.HasPipeline("p2"));
  EXPECT_FALSE(catalog.HasPipeline("p3"));
  catalog.AddDeal("D1");
  catalog.AddTask("t1");
  EXPECT_TRUE(catalog.HasDeal("D1"));
  EXPECT_FALSE(catalog.HasDeal("t1"));
  EXPECT_TRUE(catalog.HasTask("t1"));
}

}  // namespace
}  // namespace voronka::sqlite
