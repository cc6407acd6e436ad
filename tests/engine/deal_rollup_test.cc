// DealRollup on its own: cells by local day and manager, sums of day ranges, a deal withdrawn,
// open and forgotten spans, days growing forward, and what makes it stale (a day before its
// room, a manager past its slots).
#include "engine/deal_rollup.h"

#include <gtest/gtest.h>

#include <limits>
#include <utility>
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
  in.open.push_back({in.created, close >= 0 ? in.close : std::numeric_limits<int64_t>::max()});
  return in;
}

TEST(DealRollupTest, SumsDaysPerManager) {
  DealRollup rollup;
  EXPECT_FALSE(rollup.live());
  rollup.Reset(Moscow(), 2, 19000, 19010, 0);
  ASSERT_TRUE(rollup.live());
  rollup.Add(Deal(0, 19000, 19004, true, 100), 1, Moscow());  // u0: created 19000, won 19004
  rollup.Add(Deal(0, 19001, 19004, true, 50), 1, Moscow());   // u0: created 19001, won 19004
  rollup.Add(Deal(1, 19002, 19003, false, 70), 1, Moscow());  // u1: lost 19003
  rollup.Add(Deal(-1, 19003, -1, false, 5), 1, Moscow());     // no manager: open
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

TEST(DealRollupTest, OpenAndForgottenSpans) {
  // u0's deal (amount 40) created on day 19000 12:00 UTC (15:00 Moscow), open; it is open on
  // (created, 19003 12:00] and again from 19006 12:00 on (it reopened), and forgotten on
  // (19001 12:00, 19002 12:00] and from 19008 12:00 on. Kept with a 14-day forgotten span.
  DealRollup rollup;
  rollup.Reset(Moscow(), 2, 19000, 19010, 14 * kDay);
  EXPECT_EQ(rollup.forgotten_span(), 14 * kDay);
  DealRollupInput deal = Deal(0, 19000, -1, false, 40);
  int64_t noon = 12 * 3600 * int64_t{1000000};
  deal.open = {{deal.created, 19003 * kDay + noon},
               {19006 * kDay + noon, std::numeric_limits<int64_t>::max()}};
  deal.forgotten = {{19001 * kDay + noon, 19002 * kDay + noon},
                    {19008 * kDay + noon, std::numeric_limits<int64_t>::max()}};
  rollup.Add(deal, 1, Moscow());
  // Open at the Moscow midnight starting day D: begun before D less ended before D.
  auto open_at = [&](int64_t day) {
    std::vector<DealDayCell> sums;
    rollup.SumDays(0, day, sums);
    return sums[1].open_from - sums[1].open_to;
  };
  auto forgotten_at = [&](int64_t day) {
    std::vector<SpanDayCell> sums;
    rollup.SumDays(0, day, sums);
    return std::pair<int64_t, int64_t>(sums[1].from - sums[1].to,
                                       sums[1].from_amount - sums[1].to_amount);
  };
  EXPECT_EQ(open_at(19000), 0);  // before its creation
  EXPECT_EQ(open_at(19001), 1);
  EXPECT_EQ(open_at(19003), 1);  // the close at 19003 15:00 comes after this midnight
  EXPECT_EQ(open_at(19004), 0);
  EXPECT_EQ(open_at(19007), 1);  // reopened on 19006
  EXPECT_EQ(forgotten_at(19002), std::pair(int64_t{1}, int64_t{40}));
  EXPECT_EQ(forgotten_at(19003), std::pair(int64_t{0}, int64_t{0}));
  EXPECT_EQ(forgotten_at(19008), std::pair(int64_t{0}, int64_t{0}));
  EXPECT_EQ(forgotten_at(19009), std::pair(int64_t{1}, int64_t{40}));
  EXPECT_EQ(rollup.forgotten_totals()[1].from, 2);  // both begun, one ended
  EXPECT_EQ(rollup.forgotten_totals()[1].to, 1);
  rollup.Add(deal, -1, Moscow());  // withdrawn: nothing left
  EXPECT_EQ(open_at(19007), 0);
  EXPECT_EQ(forgotten_at(19009), std::pair(int64_t{0}, int64_t{0}));
  // Without a forgotten span it keeps none.
  rollup.Reset(Moscow(), 2, 19000, 19010, 0);
  rollup.Add(deal, 1, Moscow());
  std::vector<SpanDayCell> sums;
  EXPECT_EQ(rollup.SumDays(0, 19010, sums), 0);
  EXPECT_TRUE(rollup.forgotten_totals().empty());
  EXPECT_EQ(open_at(19007), 1);
}

TEST(DealRollupTest, AChangeLeavesWhatWithdrawingAndAddingAgainLeaves) {
  // One deal changed by a record: Change(before, after) writes only the cells whose sum moves,
  // and must leave every day's sums as Add(before, -1) then Add(after, 1) does. The cases: the
  // amount changed (the creation day's open-from cell moves, its created count does not), the
  // last touch moved (only forgotten cells move), the deal won, and handed to another manager.
  int64_t noon = 12 * 3600 * int64_t{1000000};
  DealRollupInput open = Deal(0, 19000, -1, false, 40);
  open.forgotten = {{19001 * kDay + noon, std::numeric_limits<int64_t>::max()}};
  DealRollupInput richer = open;
  richer.amount = 55;
  DealRollupInput touched = open;
  touched.forgotten = {{19004 * kDay + noon, std::numeric_limits<int64_t>::max()}};
  DealRollupInput won = Deal(0, 19000, 19005, true, 40);
  DealRollupInput handed = Deal(1, 19000, 19005, true, 40);
  const std::vector<std::pair<DealRollupInput, DealRollupInput>> changes = {
      {open, richer}, {open, touched}, {touched, won}, {won, handed}, {handed, DealRollupInput{}}};
  for (size_t i = 0; i < changes.size(); ++i) {
    SCOPED_TRACE(i);
    const auto& [before, after] = changes[i];
    DealRollup changed, readded;
    for (DealRollup* rollup : {&changed, &readded}) {
      rollup->Reset(Moscow(), 2, 19000, 19010, 14 * kDay);
      rollup->Add(Deal(0, 19002, -1, false, 7), 1, Moscow());  // another deal of u0's
      rollup->Add(before, 1, Moscow());
    }
    changed.Change(before, after, Moscow());
    readded.Add(before, -1, Moscow());
    readded.Add(after, 1, Moscow());
    for (int64_t day = 19000; day <= 19010; ++day) {
      std::vector<DealDayCell> changed_cells, readded_cells;
      changed.SumDays(day, day + 1, changed_cells);
      readded.SumDays(day, day + 1, readded_cells);
      EXPECT_EQ(changed_cells, readded_cells) << "day " << day;
      std::vector<SpanDayCell> changed_spans, readded_spans;
      changed.SumDays(day, day + 1, changed_spans);
      readded.SumDays(day, day + 1, readded_spans);
      EXPECT_EQ(changed_spans, readded_spans) << "day " << day;
    }
    EXPECT_EQ(changed.totals(), readded.totals());
    EXPECT_EQ(changed.forgotten_totals(), readded.forgotten_totals());
  }
  // By hand, the amount change: u0's open-from amount on 19000 is 55, not 40, and the day
  // still counts one creation.
  DealRollup rollup;
  rollup.Reset(Moscow(), 2, 19000, 19010, 14 * kDay);
  rollup.Add(open, 1, Moscow());
  rollup.Change(open, richer, Moscow());
  std::vector<DealDayCell> sums;
  rollup.SumDays(19000, 19001, sums);
  EXPECT_EQ(sums[1].created, 1);
  EXPECT_EQ(sums[1].open_from, 1);
  EXPECT_EQ(sums[1].open_from_amount, 55);
}

TEST(DealRollupTest, AnEmptyRollupIsLaidOutFromItsFirstDeal) {
  // Built before any deal (a workspace's first batch of users and pipelines), its days start
  // at the first deal's, not at 1970.
  DealRollup rollup;
  rollup.Reset(Moscow(), 2, 0, -1, 0);
  ASSERT_TRUE(rollup.live());
  rollup.Add(Deal(0, 19000, -1, false, 1), 1, Moscow());
  std::vector<DealDayCell> sums;
  EXPECT_EQ(rollup.SumDays(0, 19000, sums), 366 * rollup.slots());  // only the room before it
  rollup.SumDays(19000, 19001, sums);
  EXPECT_EQ(sums[1].created, 1);
}

TEST(DealRollupTest, GrowsForwardAndGoesStaleOutsideItsRoom) {
  DealRollup rollup;
  rollup.Reset(Moscow(), 2, 19000, 19000, 0);
  rollup.Add(Deal(1, 19500, -1, false, 1), 1, Moscow());  // a later day: the days grow
  ASSERT_TRUE(rollup.live());
  std::vector<DealDayCell> sums;
  EXPECT_EQ(rollup.SumDays(19500, 19501, sums), rollup.slots());
  EXPECT_EQ(sums[2].created, 1);
  rollup.Add(Deal(1, 19000 - 300, -1, false, 1), 1, Moscow());  // within the room before
  EXPECT_TRUE(rollup.live());
  rollup.Add(Deal(1, 19000 - 400, -1, false, 1), 1, Moscow());  // before it
  EXPECT_FALSE(rollup.live());
  rollup.Reset(Moscow(), 2, 19000, 19000, 0);
  rollup.Add(Deal(rollup.slots(), 19000, -1, false, 1), 1, Moscow());  // past the slots
  EXPECT_FALSE(rollup.live());
  EXPECT_TRUE(rollup.wants_rebuild());
  rollup.Reset(Moscow(), 2, 19000, 19000 + DealRollup::kMaxDays, 0);  // too long a history
  EXPECT_FALSE(rollup.live());
  EXPECT_FALSE(rollup.wants_rebuild());  // not tried again at every publish
  rollup.MarkStale();                    // until asked again
  EXPECT_TRUE(rollup.wants_rebuild());
}

}  // namespace
}  // namespace voronka
