// The stored folds (clickhouse/fold_store.h) on a small history whose numbers a person counts
// by hand: a report reads the fold of the batches committed now, a batch makes the next report
// build a new one, old folds are dropped, and a state in the past is still read from history.
#include "clickhouse/fold_store.h"

#include <gtest/gtest.h>

#include <chrono>

#include "clickhouse/fact_writer.h"
#include "clickhouse/report.h"
#include "differential_fixture.h"

namespace voronka::clickhouse {
namespace {

using nlohmann::json;
constexpr const char* kDatabase = "voronka_folds";

// Pipeline p1: new, offer (open), won, lost. D1 (u1, 100.00) created 1 March, won 10 March;
// D2 (u1, 200.00) created 2 March, open at offer since 5 March; D3 (u2, 50.00) created
// 3 March, lost 12 March.
constexpr const char* kHistory =
    R"({"type":"workspace","name":"Folds","time_zone":"UTC","currency":"RUB"}
{"type":"user","id":"u1","name":"Ann"}
{"type":"user","id":"u2","name":"Bob"}
{"type":"pipeline","id":"p1","name":"Sales","stages":[{"id":"new","name":"New","semantic":"open"},{"id":"offer","name":"Offer","semantic":"open"},{"id":"won","name":"Won","semantic":"won"},{"id":"lost","name":"Lost","semantic":"lost"}]}
{"type":"deal","id":"D1","title":"One","pipeline_id":"p1","stage_id":"new","amount":"100.00","responsible_id":"u1","created_at":"2024-03-01T09:00:00Z"}
{"type":"deal","id":"D2","title":"Two","pipeline_id":"p1","stage_id":"new","amount":"200.00","responsible_id":"u1","created_at":"2024-03-02T09:00:00Z"}
{"type":"deal","id":"D3","title":"Three","pipeline_id":"p1","stage_id":"new","amount":"50.00","responsible_id":"u2","created_at":"2024-03-03T09:00:00Z"}
{"type":"stage_change","deal_id":"D1","to":"won","at":"2024-03-10T09:00:00Z"}
{"type":"stage_change","deal_id":"D2","to":"offer","at":"2024-03-05T09:00:00Z"}
{"type":"stage_change","deal_id":"D3","to":"lost","at":"2024-03-12T09:00:00Z"}
)";

class FoldStoreTest : public testing::FreshDatabaseTest {
 protected:
  FoldStoreTest() : FreshDatabaseTest(kDatabase) {}

  void Write(const std::string& ndjson) {
    WriteResult written = WriteNdjson(Shard(), "w", ndjson);
    ASSERT_TRUE(written.ok()) << written.status.message()
                              << (written.errors.empty() ? "" : written.errors.front());
  }
  // The total of `metric` over March 2024 as of `as_of`.
  json Total(const std::string& metric, const std::string& as_of = "2024-06-01T00:00:00Z") {
    json request = {{"metric", metric},
                    {"period", {{"from", "2024-03-01"}, {"to", "2024-04-01"}}},
                    {"as_of", as_of}};
    Result<json> answer = RunReport(Shard(), "w", request, Instant{0});
    EXPECT_TRUE(answer.ok()) << answer.message();
    return answer.ok() ? answer.value()["total"] : json();
  }
  int64_t Count(const std::string& sql) {
    Result<Rows> rows = Shard().Query(sql);
    EXPECT_TRUE(rows.ok()) << rows.message();
    return rows.ok() ? rows->Int(0, 0) : -1;
  }
  Tables NoDirectory() { return Tables{}; }
};

TEST_F(FoldStoreTest, AReportReadsTheFoldOfTheBatchesCommittedNow) {
  Write(kHistory);
  EXPECT_EQ(Total("won_count"), 1);                              // D1
  EXPECT_EQ(Total("in_work_count", "2024-04-01T00:00:00Z"), 1);  // D2 at the end of March
  EXPECT_EQ(Count("SELECT count() FROM deal_fold_marks WHERE ws = 'w'"), 1)
      << "the first report built the fold, the second read it";
  EXPECT_EQ(Count("SELECT count() FROM deal_folds WHERE ws = 'w'"), 3);

  // D2 is won on 20 March: the next report sees it through a new fold.
  Write(R"({"type":"stage_change","deal_id":"D2","to":"won","at":"2024-03-20T09:00:00Z"})");
  EXPECT_EQ(Total("won_count"), 2);
  EXPECT_EQ(Total("won_amount"), "300.00");
  // As of 15 March only D1 was won: the state before then comes from D2's history.
  EXPECT_EQ(Total("won_count", "2024-03-15T00:00:00Z"), 1);
  EXPECT_EQ(Count("SELECT uniqExact(fold) FROM deal_fold_marks WHERE ws = 'w'"), 2);
}

TEST_F(FoldStoreTest, ABatchIsFoldedAsAnOverlayOfTheDealsItChanged) {
  Write(kHistory);
  Result<StoredFold> whole = CurrentFold(Shard(), "w", NoDirectory());
  ASSERT_TRUE(whole.ok()) << whole.message();
  EXPECT_EQ(whole->base, 0u) << "the first fold is whole";
  // D2 is won on 20 March: only D2 is folded again.
  Write(R"({"type":"stage_change","deal_id":"D2","to":"won","at":"2024-03-20T09:00:00Z"})");
  Result<StoredFold> overlay = CurrentFold(Shard(), "w", NoDirectory());
  ASSERT_TRUE(overlay.ok()) << overlay.message();
  EXPECT_EQ(overlay->base, whole->builder);
  EXPECT_EQ(overlay->base_fold, whole->fold);
  EXPECT_EQ(Count("SELECT count() FROM deal_folds WHERE ws = 'w' AND builder = " +
                  std::to_string(overlay->builder)),
            1);
  EXPECT_EQ(overlay->max_change, ParseInstant("2024-03-20T09:00:00Z")->micros);
  // D1 and D2 won, 300.00; as of 15 March only D1; D3 still lost (from the whole fold).
  EXPECT_EQ(Total("won_count"), 2);
  EXPECT_EQ(Total("won_amount"), "300.00");
  EXPECT_EQ(Total("won_count", "2024-03-15T00:00:00Z"), 1);
  EXPECT_EQ(Total("lost_count"), 1);
  EXPECT_EQ(Total("created_count"), 3);
}

TEST_F(FoldStoreTest, AnOverlayOnAnOverlayCarriesTheDealsOfTheOneBefore) {
  Write(kHistory);
  ASSERT_TRUE(CurrentFold(Shard(), "w", NoDirectory()).ok());
  // D2 worth 250.00 from 6 March, then D3 won (not lost) on 13 March.
  Write(R"({"type":"deal_update","id":"D2","at":"2024-03-06T09:00:00Z","set":{"amount":"250.00"}})");
  ASSERT_TRUE(CurrentFold(Shard(), "w", NoDirectory()).ok());
  Write(R"({"type":"stage_change","deal_id":"D3","to":"won","at":"2024-03-13T09:00:00Z"})");
  Result<StoredFold> second = CurrentFold(Shard(), "w", NoDirectory());
  ASSERT_TRUE(second.ok()) << second.message();
  ASSERT_NE(second->base, 0u);
  // The second overlay holds D3 folded again and D2 carried from the first.
  Result<Rows> deals = Shard().Query(
      "SELECT id, fresh FROM deal_fold_deals WHERE ws = 'w' AND builder = " +
      std::to_string(second->builder) + " ORDER BY id");
  ASSERT_TRUE(deals.ok()) << deals.message();
  ASSERT_EQ(deals->size(), 2u);
  EXPECT_EQ(deals->Text(0, 0), "D2");
  EXPECT_EQ(deals->Int(0, 1), 0);
  EXPECT_EQ(deals->Text(1, 0), "D3");
  EXPECT_EQ(deals->Int(1, 1), 1);
  // Created in March: 100 + 250 + 50 = 400.00; won: D1 (100.00) and D3 (50.00).
  EXPECT_EQ(Total("deal_amount"), "400.00");
  EXPECT_EQ(Total("won_count"), 2);
  EXPECT_EQ(Total("won_amount"), "150.00");
  EXPECT_EQ(Total("lost_count"), 0);
}

TEST_F(FoldStoreTest, AnActivityMovedToAnotherDealIsRefoldedOnBoth) {
  Write(kHistory);
  Write(
      R"({"type":"activity","id":"A1","kind":"call","direction":"out","deal_id":"D1","user_id":"u1","at":"2024-03-04T10:00:00Z"})");
  ASSERT_TRUE(CurrentFold(Shard(), "w", NoDirectory()).ok());
  // A1 re-sent as a call on D2; a task on D3 completed in a later batch.
  Write(
      R"({"type":"activity","id":"A1","kind":"call","direction":"out","deal_id":"D2","user_id":"u1","at":"2024-03-06T10:00:00Z"})"
      "\n"
      R"({"type":"task","id":"T1","title":"Call","deal_id":"D3","user_id":"u2","created_at":"2024-03-07T10:00:00Z","deadline":"2024-03-08T10:00:00Z","completed_at":null})");
  ASSERT_TRUE(CurrentFold(Shard(), "w", NoDirectory()).ok());
  Write(R"({"type":"task_update","id":"T1","at":"2024-03-09T10:00:00Z","set":{"completed_at":"2024-03-09T10:00:00Z"}})");
  Result<StoredFold> fold = CurrentFold(Shard(), "w", NoDirectory());
  ASSERT_TRUE(fold.ok()) << fold.message();
  ASSERT_NE(fold->base, 0u);
  Result<Rows> rows = Shard().Query(
      "SELECT id, toString(touches) FROM deal_folds WHERE ws = 'w' AND builder = " +
      std::to_string(fold->builder) + " ORDER BY id");
  ASSERT_TRUE(rows.ok()) << rows.message();
  ASSERT_EQ(rows->size(), 3u);
  auto at = [](const char* text) { return std::to_string(ParseInstant(text)->micros); };
  EXPECT_EQ(rows->Text(0, 0), "D1");
  EXPECT_EQ(rows->Text(0, 1), "[]") << "A1 left D1";
  EXPECT_EQ(rows->Text(1, 0), "D2");
  EXPECT_EQ(rows->Text(1, 1), "[" + at("2024-03-06T10:00:00Z") + "]");
  EXPECT_EQ(rows->Text(2, 0), "D3");
  EXPECT_EQ(rows->Text(2, 1),
            "[" + at("2024-03-07T10:00:00Z") + "," + at("2024-03-09T10:00:00Z") + "]");
}

TEST_F(FoldStoreTest, OnlyTheNewestTwoFoldsAndTheWholeOneUnderThemAreKept) {
  Write(kHistory);
  FoldPolicy now;  // a fold out of the newest two goes at once
  now.superseded_kept = 0;
  ASSERT_TRUE(CurrentFold(Shard(), "w", NoDirectory(), now).ok());
  // Four more batches, a fold after each: D2's amount goes 210.00, 220.00, 230.00, 240.00
  // (set on 6, 7, 8, 9 March), so the deals created in March are worth 350.00 + 10.00 a step.
  for (int step = 1; step <= 4; ++step) {
    Write(R"({"type":"deal_update","id":"D2","at":"2024-03-0)" + std::to_string(5 + step) +
          R"(T09:00:00Z","set":{"amount":")" + std::to_string(200 + 10 * step) + R"(.00"}})");
    ASSERT_TRUE(CurrentFold(Shard(), "w", NoDirectory(), now).ok());
    EXPECT_EQ(Total("deal_amount"), std::to_string(350 + 10 * step) + ".00");
  }
  // The whole fold (3 deals) and the last two overlays (D2 each).
  EXPECT_EQ(Count("SELECT count() FROM deal_fold_marks WHERE ws = 'w'"), 3);
  EXPECT_EQ(Count("SELECT uniqExact(fold) FROM deal_folds WHERE ws = 'w'"), 3);
  EXPECT_EQ(Count("SELECT count() FROM deal_folds WHERE ws = 'w'"), 5);
  EXPECT_EQ(Count("SELECT uniqExact(builder) FROM deal_fold_batches WHERE ws = 'w'"), 3);

  // An overlay may hold no deal at all here: the next fold is whole, and the old ones go
  // once out of the newest two.
  now.overlay_floor = 0;
  now.overlay_share = 0;
  for (int step = 5; step <= 6; ++step) {
    Write(R"({"type":"deal_update","id":"D2","at":"2024-03-1)" + std::to_string(step) +
          R"(T09:00:00Z","set":{"amount":")" + std::to_string(200 + 10 * step) + R"(.00"}})");
    Result<StoredFold> whole = CurrentFold(Shard(), "w", NoDirectory(), now);
    ASSERT_TRUE(whole.ok()) << whole.message();
    EXPECT_EQ(whole->base, 0u);
    EXPECT_EQ(Total("deal_amount"), std::to_string(350 + 10 * step) + ".00");
  }
  EXPECT_EQ(Count("SELECT count() FROM deal_fold_marks WHERE ws = 'w' AND base = 0"), 2);
  EXPECT_EQ(Count("SELECT count() FROM deal_fold_marks WHERE ws = 'w'"), 2);
  EXPECT_EQ(Count("SELECT count() FROM deal_folds WHERE ws = 'w'"), 6);
}

TEST_F(FoldStoreTest, AFoldOutOfTheNewestTwoIsKeptWhileAReaderMayUseIt) {
  Write(kHistory);
  ASSERT_TRUE(CurrentFold(Shard(), "w", NoDirectory()).ok());
  for (int step = 1; step <= 3; ++step) {
    Write(R"({"type":"deal_update","id":"D2","at":"2024-03-0)" + std::to_string(5 + step) +
          R"(T09:00:00Z","set":{"amount":")" + std::to_string(200 + 10 * step) + R"(.00"}})");
    ASSERT_TRUE(CurrentFold(Shard(), "w", NoDirectory()).ok());
  }
  // Four folds within the last half hour: all kept.
  EXPECT_EQ(Count("SELECT count() FROM deal_fold_marks WHERE ws = 'w'"), 4);
}

TEST_F(FoldStoreTest, ABuildNeverMarkedIsDroppedOnceItIsHoursOld) {
  Write(kHistory);
  // Two builds of a server killed while building (rows, no mark): one begun seven hours ago,
  // one a minute ago (it may still run).
  int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count();
  auto builder = [&](int64_t ago) {
    return std::to_string(static_cast<uint64_t>(now - ago) << 10);
  };
  std::string old_builder = builder(7LL * 3600 * 1000 * 1000);
  std::string young_builder = builder(60LL * 1000 * 1000);
  // And one begun seven hours ago that was marked (just now): it is no abandoned build.
  std::string marked_builder = builder(7LL * 3600 * 1000 * 1000 + 1);
  const Settings sync = {{"insert_distributed_sync", "1"}};
  for (const std::string& b : {old_builder, young_builder, marked_builder}) {
    ASSERT_TRUE(Shard()
                    .Execute("INSERT INTO deal_folds (ws, fold, builder, id) VALUES ('w', 7, " + b +
                                 ", 'D1')",
                             {}, sync)
                    .ok());
  }
  ASSERT_TRUE(Shard()
                  .Execute("INSERT INTO deal_fold_marks VALUES ('w', 7, " + marked_builder +
                               ", 0, 0, 0, " + std::to_string(now) + ")",
                           {}, sync)
                  .ok());
  EXPECT_EQ(Total("won_count"), 1);  // builds and marks the fold, then cleans up
  EXPECT_EQ(Count("SELECT count() FROM deal_folds WHERE ws = 'w' AND builder = " + old_builder), 0);
  EXPECT_EQ(Count("SELECT count() FROM deal_folds WHERE ws = 'w' AND builder = " + young_builder),
            1);
  EXPECT_EQ(Count("SELECT count() FROM deal_folds WHERE ws = 'w' AND builder = " + marked_builder),
            1);
  // 3 deals + the young + the marked one
  EXPECT_EQ(Count("SELECT count() FROM deal_folds WHERE ws = 'w'"), 5);
}

TEST_F(FoldStoreTest, ABatchThatNeverCommittedIsNotInTheFold) {
  Write(kHistory);
  WriteResult ghost = WriteNdjson(
      Shard(), "w",
      R"({"type":"stage_change","deal_id":"D2","to":"won","at":"2024-03-20T09:00:00Z"})",
      [] { return Status::Error("the writer stopped before the commit"); });
  ASSERT_FALSE(ghost.ok());
  EXPECT_EQ(Total("won_count"), 1);
  Result<StoredFold> fold = CurrentFold(Shard(), "w", NoDirectory());
  ASSERT_TRUE(fold.ok()) << fold.message();
  EXPECT_NE(fold->fold, 0u);
  // The latest change the fold depends on: D3 lost on 12 March.
  EXPECT_EQ(fold->max_change, ParseInstant("2024-03-12T09:00:00Z")->micros);
}

TEST_F(FoldStoreTest, AFoldBuiltInPartsHoldsEveryDealOnceWithItsOwnTouches) {
  Write(kHistory);
  // A call on D1, re-sent later as a call on D2: it touches D2 only. A task on D3.
  Write(
      R"({"type":"activity","id":"A1","kind":"call","direction":"out","deal_id":"D1","user_id":"u1","at":"2024-03-04T10:00:00Z"})");
  Write(
      R"({"type":"activity","id":"A1","kind":"call","direction":"out","deal_id":"D2","user_id":"u1","at":"2024-03-06T10:00:00Z"})"
      "\n"
      R"({"type":"task","id":"T1","title":"Call","deal_id":"D3","user_id":"u2","created_at":"2024-03-07T10:00:00Z","deadline":"2024-03-08T10:00:00Z","completed_at":null})");
  // One deal per part: three parts of a hash of the deal id, some of them empty.
  FoldPolicy one_per_part;
  one_per_part.deals_per_part = 1;
  Result<StoredFold> fold = CurrentFold(Shard(), "w", NoDirectory(), one_per_part);
  ASSERT_TRUE(fold.ok()) << fold.message();
  ASSERT_NE(fold->fold, 0u) << fold->missing;
  Result<Rows> rows =
      Shard().Query("SELECT id, toString(touches) FROM deal_folds WHERE ws = 'w' ORDER BY id");
  ASSERT_TRUE(rows.ok()) << rows.message();
  ASSERT_EQ(rows->size(), 3u);
  EXPECT_EQ(rows->Text(0, 0), "D1");
  EXPECT_EQ(rows->Text(0, 1), "[]");
  EXPECT_EQ(rows->Text(1, 0), "D2");
  EXPECT_EQ(rows->Text(1, 1),
            "[" + std::to_string(ParseInstant("2024-03-06T10:00:00Z")->micros) + "]");
  EXPECT_EQ(rows->Text(2, 0), "D3");
  EXPECT_EQ(rows->Text(2, 1),
            "[" + std::to_string(ParseInstant("2024-03-07T10:00:00Z")->micros) + "]");
  // The reports read it: D1 won, the three created in March worth 350.00.
  EXPECT_EQ(Total("won_count"), 1);
  EXPECT_EQ(Total("deal_amount"), "350.00");
  EXPECT_EQ(Count("SELECT count() FROM deal_fold_marks WHERE ws = 'w'"), 1);
}

}  // namespace
}  // namespace voronka::clickhouse
