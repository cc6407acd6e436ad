// DealRollup on its own: cells by local day and manager, sums of day ranges, a deal withdrawn,
// days growing forward, and what makes it stale (a day before its room, a manager past its
// slots).
#include "engine/deal_rollup.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

namespace voronka {
namespace {

constexpr int64_t kDay = int64_t{24} * 3600 * 1000000;

// Moscow is UTC+3 all year since 2014.
TimeZone Moscow() {
  return TimeZone::Find("Europe/Moscow").value();
}

// A deal of `user` created on day `created` (UTC days since 1970, 12:00 UTC) and won or lost
// on day `close`.
DealRollupInput Deal(int32_t user, int64_t created, int64_t close, bool won, int64_t amount) {
  DealRollupInput in;
  in.counted = true;
  in.user = user;
  in.created = created * kDay + 12 * 3600 * int64_t{1000000};
  in.won = won;
  in.lost = !won && close >= 0;
  in.close = close >= 0 ? close * kDay + 12 * 3600 * int64_t{1000000} : 0;
  in.amount = amount;
  in.open_until = close >= 0 ? in.close : std::numeric_limits<int64_t>::max();
  return in;
}

TEST(DealRollupTest, SumsDaysPerManager) {
  DealRollup rollup;
  EXPECT_FALSE(rollup.live());
  rollup.Reset(Moscow(), 2, 19000, 19010);
  ASSERT_TRUE(rollup.live());
  rollup.Add(Deal(0, 19000, 19004, true, 100), 1, Moscow());   // u0: created 19000, won 19004
  rollup.Add(Deal(0, 19001, 19004, true, 50), 1, Moscow());    // u0: created 19001, won 19004
  rollup.Add(Deal(1, 19002, 19003, false, 70), 1, Moscow());   // u1: lost 19003
  rollup.Add(Deal(-1, 19003, -1, false, 5), 1, Moscow());      // no manager: open
  std::vector<DealDayCell> sums;
  rollup.SumDays(19000, 19005, sums);
  ASSERT_EQ(sums.size(), static_cast<size_t>(rollup.slots()));
  EXPECT_EQ(sums[1].created, 2);
  EXPECT_EQ(sums[1].created_won, 2);
  EXPECT_EQ(sums[1].won, 2);
  EXPECT_EQ(sums[1].won_amount, 150);
  EXPECT_EQ(sums[1].won_cycle, 4 * kDay + 3 * kDay);
  EXPECT_EQ(sums[2].lost, 1);
  EXPECT_EQ(sums[2].lost_amount, 70);
  EXPECT_EQ(sums[0].created, 1);
  EXPECT_EQ(sums[0].open_from, 1);  // still open: no end
  EXPECT_EQ(sums[0].open_to, 0);
  // In work at the midnight starting day 19004 (Moscow), u0: both created before, neither
  // closed before: 2 from, 0 to. At the one starting 19005: both closed on 19004.
  rollup.SumDays(0, 19004, sums);
  EXPECT_EQ(sums[1].open_from - sums[1].open_to, 2);
  EXPECT_EQ(sums[1].open_from_amount - sums[1].open_to_amount, 150);
  rollup.SumDays(0, 19005, sums);
  EXPECT_EQ(sums[1].open_from - sums[1].open_to, 0);
  rollup.SumDays(19004, 19005, sums);  // only the wins' day
  EXPECT_EQ(sums[1].created, 0);
  EXPECT_EQ(sums[1].won, 2);
  // The second win withdrawn: one left.
  rollup.Add(Deal(0, 19001, 19004, true, 50), -1, Moscow());
  rollup.SumDays(19000, 19005, sums);
  EXPECT_EQ(sums[1].won, 1);
  EXPECT_EQ(sums[1].won_amount, 100);
  EXPECT_EQ(sums[1].created, 1);
}

TEST(DealRollupTest, AnEmptyRollupIsLaidOutFromItsFirstDeal) {
  // Built before any deal (a workspace's first batch of users and pipelines), its days start
  // at the first deal's, not at 1970.
  DealRollup rollup;
  rollup.Reset(Moscow(), 2, 0, -1);
  ASSERT_TRUE(rollup.live());
  rollup.Add(Deal(0, 19000, -1, false, 1), 1, Moscow());
  std::vector<DealDayCell> sums;
  EXPECT_EQ(rollup.SumDays(0, 19000, sums), 366 * rollup.slots());  // only the room before it
  rollup.SumDays(19000, 19001, sums);
  EXPECT_EQ(sums[1].created, 1);
}

TEST(DealRollupTest, GrowsForwardAndGoesStaleOutsideItsRoom) {
  DealRollup rollup;
  rollup.Reset(Moscow(), 2, 19000, 19000);
  rollup.Add(Deal(1, 19500, -1, false, 1), 1, Moscow());  // a later day: the days grow
  ASSERT_TRUE(rollup.live());
  std::vector<DealDayCell> sums;
  EXPECT_EQ(rollup.SumDays(19500, 19501, sums), rollup.slots());
  EXPECT_EQ(sums[2].created, 1);
  rollup.Add(Deal(1, 19000 - 300, -1, false, 1), 1, Moscow());  // within the room before
  EXPECT_TRUE(rollup.live());
  rollup.Add(Deal(1, 19000 - 400, -1, false, 1), 1, Moscow());  // before it
  EXPECT_FALSE(rollup.live());
  rollup.Reset(Moscow(), 2, 19000, 19000);
  rollup.Add(Deal(rollup.slots(), 19000, -1, false, 1), 1, Moscow());  // past the slots
  EXPECT_FALSE(rollup.live());
  EXPECT_TRUE(rollup.wants_rebuild());
  rollup.Reset(Moscow(), 2, 19000, 19000 + DealRollup::kMaxDays);  // too long a history
  EXPECT_FALSE(rollup.live());
  EXPECT_FALSE(rollup.wants_rebuild());  // not tried again at every publish
  rollup.MarkStale();                     // until asked again
  EXPECT_TRUE(rollup.wants_rebuild());
}

}  // namespace
}  // namespace voronka
