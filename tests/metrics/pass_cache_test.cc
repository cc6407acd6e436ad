// The filter bitmaps a version of the tables keeps for the next requests (ScanContext,
// Tables::cache): a request reuses them only under the same filters, visibility and state, and
// never after the data changed.
#include <gtest/gtest.h>

#include "engine/query_cache.h"
#include "metrics/metric_test_util.h"

namespace voronka::testing {
namespace {

using nlohmann::json;

// March 2024 (Moscow), as of 2024-04-10:
//   D1 u1, delivery yes, created 03-01, in "taken";
//   D2 u1, delivery no,  created 03-02, in "taken", moved to "invoice" on 03-20;
//   D3 u2, delivery yes, created 03-03, in "taken".
constexpr std::string_view kHistory = R"(
{"type":"deal","id":"D1","pipeline_id":"p1","stage_id":"taken","amount":"100","responsible_id":"u1","created_at":"2024-03-01T10:00:00+03:00","fields":{"delivery":"yes"}}
{"type":"deal","id":"D2","pipeline_id":"p1","stage_id":"taken","amount":"200","responsible_id":"u1","created_at":"2024-03-02T10:00:00+03:00","fields":{"delivery":"no"}}
{"type":"stage_change","deal_id":"D2","to":"invoice","at":"2024-03-20T10:00:00+03:00","by":"u1"}
{"type":"deal","id":"D3","pipeline_id":"p1","stage_id":"taken","amount":"300","responsible_id":"u2","created_at":"2024-03-03T10:00:00+03:00","fields":{"delivery":"yes"}}
)";

// created_count in March under `filters`, as of `as_of`.
json Created(const Engine& engine, const json& filters, const Visibility& visibility = {},
             const char* as_of = "2024-04-10T00:00:00Z") {
  json request = {{"metric", "created_count"},
                  {"period", {{"from", "2024-03-01"}, {"to", "2024-04-01"}}},
                  {"as_of", as_of},
                  {"filters", filters}};
  json answer = Report(engine, request.dump(), visibility);
  return answer.is_null() ? answer : answer["rows"][0]["value"];
}

Visibility Only(const char* user) {
  Visibility visibility;
  visibility.all = false;
  visibility.user_ids = {user};
  return visibility;
}

class PassCacheTest : public ::testing::Test {
 protected:
  void SetUp() override { engine_ = Load(std::string(kWorkspace) + std::string(kHistory)); }
  std::unique_ptr<Engine> engine_;
};

TEST_F(PassCacheTest, OtherFilterValuesAreNotServedTheFirstOnesBitmap) {
  json yes = {{"fields.delivery", {"yes"}}};
  json no = {{"fields.delivery", {"no"}}};
  EXPECT_EQ(Created(*engine_, yes), 2);  // D1, D3
  EXPECT_EQ(Created(*engine_, no), 1);   // D2
  EXPECT_EQ(Created(*engine_, yes), 2);
  EXPECT_EQ(Created(*engine_, json{{"fields.delivery", {{"not_in", {"yes"}}}}}), 1);  // D2
  EXPECT_EQ(Created(*engine_, json{{"fields.delivery", {"yes"}}, {"responsible", {"u2"}}}),
            1);  // D3
}

TEST_F(PassCacheTest, EachCallerGetsTheBitmapOfTheirOwnVisibility) {
  json yes = {{"fields.delivery", {"yes"}}};
  EXPECT_EQ(Created(*engine_, yes, Only("u1")), 1);  // D1
  EXPECT_EQ(Created(*engine_, yes), 2);              // D1, D3
  EXPECT_EQ(Created(*engine_, yes, Only("u2")), 1);  // D3
  EXPECT_EQ(Created(*engine_, yes, Only("u3")), 0);  // none of u3's
}

TEST_F(PassCacheTest, AStageFilterAsOfAnotherTimeReadsTheStateAtThatTime) {
  json taken = {{"stage", {"taken"}}};
  EXPECT_EQ(Created(*engine_, taken), 2);  // D1, D3 now; D2 moved on 03-20
  EXPECT_EQ(Created(*engine_, taken, {}, "2024-03-10T00:00:00Z"), 3);  // D2 still in "taken"
  EXPECT_EQ(Created(*engine_, taken), 2);
}

TEST_F(PassCacheTest, ABatchChangingTheFieldIsSeenByTheNextRequest) {
  json yes = {{"fields.delivery", {"yes"}}};
  EXPECT_EQ(Created(*engine_, yes), 2);
  Feed(*engine_,
       R"({"type":"deal_update","id":"D2","at":"2024-03-25T10:00:00+03:00","set":{"fields":{"delivery":"yes"}}})");
  EXPECT_EQ(Created(*engine_, yes), 3);  // D1, D2, D3
}

TEST_F(PassCacheTest, RecordsAppliedToTheTablesThemselvesEmptyTheirCache) {
  // Tables changed in place (not through a published version) must not keep what was derived.
  Engine::ReadView view = engine_->Read();
  Tables tables = view.tables();
  tables.cache.Put("x", std::make_shared<int>(1));
  ASSERT_NE(tables.cache.Find("x"), nullptr);
  ParsedBatch batch = ParseNdjson(
      R"({"type":"deal_update","id":"D2","at":"2024-03-25T10:00:00+03:00","set":{"amount":"1"}})");
  ASSERT_TRUE(batch.errors.empty());
  ApplyRecord(tables, batch.records[0].body);
  EXPECT_EQ(tables.cache.Find("x"), nullptr);
}

TEST(QueryCache, KeepsTheMostRecentlyUsedAndCopiesStartEmpty) {
  QueryCache cache;
  for (int i = 0; i < static_cast<int>(QueryCache::kCapacity); ++i) {
    cache.Put("k" + std::to_string(i), std::make_shared<int>(i));
  }
  ASSERT_NE(cache.Find("k0"), nullptr);  // k0 is now the most recent; k1 the least
  cache.Put("new", std::make_shared<int>(99));
  EXPECT_EQ(cache.Find("k1"), nullptr);
  ASSERT_NE(FindCached<int>(cache, "k0"), nullptr);
  EXPECT_EQ(*FindCached<int>(cache, "k0"), 0);
  EXPECT_EQ(*FindCached<int>(cache, "new"), 99);
  cache.Put("new", std::make_shared<int>(7));  // replaces
  EXPECT_EQ(*FindCached<int>(cache, "new"), 7);

  QueryCache copy(cache);
  EXPECT_EQ(copy.Find("k0"), nullptr);
  EXPECT_NE(cache.Find("k0"), nullptr);
  copy.Put("c", std::make_shared<int>(1));
  cache = copy;
  EXPECT_EQ(cache.Find("k0"), nullptr);
  EXPECT_EQ(cache.Find("c"), nullptr);
}

}  // namespace
}  // namespace voronka::testing
