// Indexes and counters kept on apply for fast scans: the week-partitioned time index, the
// deals' creation and close indexes, the open interval (created_at, open_until] and the
// per-pipeline deal counts.
#include "engine/time_index.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "engine/engine.h"
#include "ingest/ndjson.h"

namespace voronka {
namespace {

void Feed(Engine& engine, std::string_view ndjson) {
  ParsedBatch batch = ParseNdjson(ndjson);
  for (const std::string& error : batch.errors) ADD_FAILURE() << error;
  engine.Apply(batch.records);
}

int64_t Micros(std::string_view text) {
  return ParseInstant(text).value().micros;
}

std::vector<int32_t> Candidates(const TimeIndex& index, std::string_view from,
                                std::string_view to) {
  std::vector<int32_t> rows;
  index.ForEachCandidate(Micros(from), Micros(to), [&](int32_t row) { rows.push_back(row); });
  std::sort(rows.begin(), rows.end());
  return rows;
}

TEST(TimeIndex, VisitsTheRowsOfTheWeeksOverlappingTheRange) {
  // Weeks start on Thursdays (the epoch, 1970-01-01, was a Thursday) at 00:00 UTC.
  // Row 0 Thu 2024-03-07, row 1 Wed 2024-03-13 (same week), row 2 Thu 2024-03-14 (next week),
  // row 3 2024-04-01, row 4 1960-01-01 (before the epoch: a negative week).
  TimeIndex index;
  index.Add(0, Micros("2024-03-07T00:00:00Z"));
  index.Add(1, Micros("2024-03-13T23:59:59Z"));
  index.Add(2, Micros("2024-03-14T00:00:00Z"));
  index.Add(3, Micros("2024-04-01T12:00:00Z"));
  index.Add(4, Micros("1960-01-01T00:00:00Z"));
  index.Add(5, std::numeric_limits<int64_t>::min());  // no time: not filed
  EXPECT_EQ(index.size(), 5);
  // [03-10, 03-14): only the week of 03-07..03-13 overlaps: rows 0 and 1 (row 0 is outside the
  // range itself; callers test the time).
  EXPECT_EQ(Candidates(index, "2024-03-10T00:00:00Z", "2024-03-14T00:00:00Z"),
            (std::vector<int32_t>{0, 1}));
  // [03-10, 03-14T00:00:01): the next week starts inside: rows 0, 1, 2.
  EXPECT_EQ(Candidates(index, "2024-03-10T00:00:00Z", "2024-03-14T00:00:01Z"),
            (std::vector<int32_t>{0, 1, 2}));
  EXPECT_EQ(index.CandidateCount(Micros("2024-03-01T00:00:00Z"), Micros("2024-05-01T00:00:00Z")),
            4);
  EXPECT_EQ(Candidates(index, "1959-12-30T00:00:00Z", "1960-01-02T00:00:00Z"),
            (std::vector<int32_t>{4}));
  // An empty range visits nothing.
  EXPECT_TRUE(Candidates(index, "2024-03-10T00:00:00Z", "2024-03-10T00:00:00Z").empty());

  // Row 1 moves to April: it leaves March's weeks and joins row 3's week.
  index.Move(1, Micros("2024-03-13T23:59:59Z"), Micros("2024-04-02T00:00:00Z"));
  EXPECT_EQ(Candidates(index, "2024-03-10T00:00:00Z", "2024-03-14T00:00:00Z"),
            (std::vector<int32_t>{0}));
  EXPECT_EQ(Candidates(index, "2024-04-01T00:00:00Z", "2024-04-03T00:00:00Z"),
            (std::vector<int32_t>{1, 3}));
  // Moving to "no time" unfiles the row.
  index.Move(3, Micros("2024-04-01T12:00:00Z"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(index.size(), 4);
  EXPECT_EQ(Candidates(index, "2024-04-01T00:00:00Z", "2024-04-03T00:00:00Z"),
            (std::vector<int32_t>{1}));
}

TEST(TimeIndex, AWeekOfManyChunksKeepsItsRowsInOrderAndACopyKeepsItsOwn) {
  // 2.5 chunks of rows in one week (rows 0..N-1, filed in order), a copy taken as a snapshot
  // takes one, then the writer unfiles every row of the first chunk but one, all of the second
  // and the last row, and files three more. The copy still lists every row it had; the writer
  // lists the rest in increasing order, and counts them.
  const int32_t n = static_cast<int32_t>(TimeIndex::kChunkRows * 5 / 2);
  const int64_t at = Micros("2024-03-07T12:00:00Z");
  TimeIndex index;
  for (int32_t row = 0; row < n; ++row) index.Add(row, at);
  const TimeIndex copy = index;
  const int32_t chunk = static_cast<int32_t>(TimeIndex::kChunkRows);
  std::vector<int32_t> kept;
  for (int32_t row = 0; row < n; ++row) {
    bool removed = (row < chunk && row != 7) || (row >= chunk && row < 2 * chunk) || row == n - 1;
    if (removed) {
      index.Move(row, at, std::numeric_limits<int64_t>::min());
    } else {
      kept.push_back(row);
    }
  }
  for (int32_t row : {n + 2, n, n + 1}) index.Add(row, at);
  for (int32_t row : {n, n + 1, n + 2}) kept.push_back(row);
  std::vector<int32_t> listed;
  index.ForEachCandidate(at, at + 1, [&](int32_t row) { listed.push_back(row); });
  EXPECT_EQ(listed, kept);
  EXPECT_EQ(index.size(), static_cast<int64_t>(kept.size()));
  EXPECT_EQ(index.CandidateCount(at, at + 1), static_cast<int64_t>(kept.size()));
  std::vector<int32_t> copied;
  copy.ForEachCandidate(at, at + 1, [&](int32_t row) { copied.push_back(row); });
  ASSERT_EQ(copied.size(), static_cast<size_t>(n));
  for (int32_t row = 0; row < n; ++row) EXPECT_EQ(copied[static_cast<size_t>(row)], row);
  EXPECT_EQ(copy.CandidateCount(at, at + 1), n);
  // Unfiling every row leaves no week behind.
  for (int32_t row : kept) index.Move(row, at, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(index.size(), 0);
  EXPECT_EQ(index.CandidateCount(at, at + 1), 0);
  EXPECT_EQ(index.allocated_bytes(), 0u);
}

// Rows filed out of order into one week (several chunks' worth, so full chunks split), some
// unfiled again, others moved to the next week, while copies are taken: each lists exactly
// the rows a sorted set kept beside it holds at that moment, in increasing order.
TEST(TimeIndex, RowsFiledInAnyOrderAreListedInIncreasingOrder) {
  const int64_t week1 = Micros("2024-03-07T12:00:00Z");
  const int64_t week2 = Micros("2024-03-14T12:00:00Z");
  const int32_t n = static_cast<int32_t>(TimeIndex::kChunkRows * 3);
  // Rows 0..n-1 in a fixed shuffled order: i * 7919 mod n visits each once (7919 is prime and
  // does not divide n = 3 * 4096).
  auto shuffled = [&](int32_t i) { return static_cast<int32_t>((int64_t{i} * 7919) % n); };
  TimeIndex index;
  std::vector<int32_t> in1, in2;  // the model: rows filed under each week
  auto listed = [](const TimeIndex& idx, int64_t at) {
    std::vector<int32_t> rows;
    idx.ForEachCandidate(at, at + 1, [&](int32_t row) { rows.push_back(row); });
    return rows;
  };
  auto sorted = [](std::vector<int32_t> rows) {
    std::sort(rows.begin(), rows.end());
    return rows;
  };
  for (int32_t i = 0; i < n; ++i) {
    index.Add(shuffled(i), week1);
    in1.push_back(shuffled(i));
  }
  const TimeIndex filed = index;
  ASSERT_EQ(listed(index, week1), sorted(in1));
  // Every third row leaves the index, every fifth left moves to the next week.
  std::vector<int32_t> rest;
  for (int32_t i = 0; i < n; ++i) {
    int32_t row = shuffled(i);
    if (i % 3 == 0) {
      index.Move(row, week1, std::numeric_limits<int64_t>::min());
    } else if (i % 5 == 0) {
      index.Move(row, week1, week2);
      in2.push_back(row);
    } else {
      rest.push_back(row);
    }
  }
  EXPECT_EQ(listed(index, week1), sorted(rest));
  EXPECT_EQ(listed(index, week2), sorted(in2));
  EXPECT_EQ(index.size(), static_cast<int64_t>(rest.size() + in2.size()));
  EXPECT_EQ(index.CandidateCount(week1, week1 + 1), static_cast<int64_t>(rest.size()));
  // Unfiling a row that is not filed there changes nothing.
  index.Move(in2.front(), week1, std::numeric_limits<int64_t>::min());
  EXPECT_EQ(listed(index, week2), sorted(in2));
  // The copy taken after filing still lists every row.
  EXPECT_EQ(listed(filed, week1), sorted(in1));
  EXPECT_EQ(filed.size(), n);
}

constexpr std::string_view kPipelines = R"(
{"type":"pipeline","id":"p1","name":"B2B","entity":"deal","stages":[{"id":"a","name":"A","semantic":"open"},{"id":"b","name":"B","semantic":"open"},{"id":"won","name":"Won","semantic":"won"},{"id":"lost","name":"Lost","semantic":"lost"}]}
{"type":"pipeline","id":"p2","name":"Retail","entity":"deal","stages":[{"id":"r","name":"R","semantic":"open"},{"id":"r_won","name":"Won","semantic":"won"}]}
{"type":"pipeline","id":"L","name":"Leads","entity":"lead","stages":[{"id":"l_new","name":"New","semantic":"open"},{"id":"l_bad","name":"Junk","semantic":"lost"}]}
)";

// S: a 03-01, b 03-03, won 03-05: open until 03-05.
// R: a 03-01, won 03-05, b 03-07 (reopened), lost 03-09: its past needs its history.
// O: a 03-10, never closed: open for ever.
// Q: r (pipeline p2) 03-02, lost 03-04 (a stage of p1): open until 03-04.
// N: a lead on l_new 03-01, converted 03-06: open until the conversion.
constexpr std::string_view kDeals = R"(
{"type":"deal","id":"S","pipeline_id":"p1","stage_id":"a","amount":"10","created_at":"2024-03-01T00:00:00Z"}
{"type":"stage_change","deal_id":"S","to":"b","at":"2024-03-03T00:00:00Z"}
{"type":"stage_change","deal_id":"S","to":"won","at":"2024-03-05T00:00:00Z"}
{"type":"deal","id":"R","pipeline_id":"p1","stage_id":"a","amount":"10","created_at":"2024-03-01T00:00:00Z"}
{"type":"stage_change","deal_id":"R","to":"won","at":"2024-03-05T00:00:00Z"}
{"type":"stage_change","deal_id":"R","to":"b","at":"2024-03-07T00:00:00Z"}
{"type":"stage_change","deal_id":"R","to":"lost","at":"2024-03-09T00:00:00Z"}
{"type":"deal","id":"O","pipeline_id":"p1","stage_id":"a","amount":"10","created_at":"2024-03-10T00:00:00Z"}
{"type":"deal","id":"Q","pipeline_id":"p2","stage_id":"r","amount":"10","created_at":"2024-03-02T00:00:00Z"}
{"type":"stage_change","deal_id":"Q","to":"lost","at":"2024-03-04T00:00:00Z"}
{"type":"deal","entity":"lead","id":"N","pipeline_id":"L","stage_id":"l_new","amount":"0","created_at":"2024-03-01T00:00:00Z"}
{"type":"deal_update","id":"N","at":"2024-03-06T00:00:00Z","set":{"converted_to":"S"}}
)";

TEST(DealIndexes, OpenUntilIsTheFirstCloseUnlessTheDealReopens) {
  Engine engine;
  Feed(engine, std::string(kPipelines) + std::string(kDeals));
  Engine::ReadView view = engine.Read();
  const DealTable& deals = view.tables().deals;
  auto until = [&](std::string_view id) {
    return deals.open_until[static_cast<size_t>(deals.ids.Find(id))];
  };
  EXPECT_EQ(until("S"), Micros("2024-03-05T00:00:00Z"));
  EXPECT_EQ(until("R"), kReopens);
  EXPECT_EQ(until("O"), kOpenForever);
  EXPECT_EQ(until("Q"), Micros("2024-03-04T00:00:00Z"));
  EXPECT_EQ(until("N"), Micros("2024-03-06T00:00:00Z"));
}

TEST(DealIndexes, CreationAndCloseIndexesFollowTheLatestState) {
  Engine engine;
  Feed(engine, std::string(kPipelines) + std::string(kDeals));
  // The deals filed under the weeks of [from, to) in the creation or the close index.
  auto ids = [&](TimeIndex DealTable::*index, std::string_view from, std::string_view to) {
    Engine::ReadView view = engine.Read();
    const DealTable& deals = view.tables().deals;
    std::vector<std::string> out;
    for (int32_t row : Candidates(deals.*index, from, to)) out.emplace_back(deals.ids.Text(row));
    std::sort(out.begin(), out.end());
    return out;
  };
  auto created = &DealTable::created_index;
  auto closed = &DealTable::close_index;
  // Created in the week 2024-02-29..03-06: S, R, Q, N; O (03-10) is in the next week.
  EXPECT_EQ(ids(created, "2024-03-01T00:00:00Z", "2024-03-02T00:00:00Z"),
            (std::vector<std::string>{"N", "Q", "R", "S"}));
  // Closed now: S (won 03-05), Q (lost 03-04), R (lost 03-09), N (converted 03-06). O is open.
  EXPECT_EQ(ids(closed, "2024-03-01T00:00:00Z", "2024-03-20T00:00:00Z"),
            (std::vector<std::string>{"N", "Q", "R", "S"}));
  EXPECT_EQ(ids(closed, "2024-03-07T00:00:00Z", "2024-03-08T00:00:00Z"),
            (std::vector<std::string>{"R"}));  // R's latest close, 03-09, is in that week
  // O wins on 04-01: it joins the close index in April's week; S is re-created on 03-20.
  Feed(engine, R"({"type":"stage_change","deal_id":"O","to":"won","at":"2024-04-01T00:00:00Z"}
{"type":"deal","id":"S","pipeline_id":"p1","stage_id":"a","amount":"10","created_at":"2024-03-20T00:00:00Z"})");
  EXPECT_EQ(ids(closed, "2024-04-01T00:00:00Z", "2024-04-02T00:00:00Z"),
            (std::vector<std::string>{"O"}));
  EXPECT_EQ(ids(created, "2024-03-20T00:00:00Z", "2024-03-21T00:00:00Z"),
            (std::vector<std::string>{"S"}));
  EXPECT_EQ(ids(created, "2024-03-01T00:00:00Z", "2024-03-02T00:00:00Z"),
            (std::vector<std::string>{"N", "Q", "R"}));
}

TEST(DealIndexes, PipelineDealCountsFollowTheLatestStage) {
  Engine engine;
  Feed(engine, std::string(kPipelines) + std::string(kDeals));
  auto count = [&](std::string_view pipeline) {
    Engine::ReadView view = engine.Read();
    const Tables& t = view.tables();
    size_t p = static_cast<size_t>(t.pipelines.ids.Find(pipeline));
    return p < t.deals.pipeline_deals.size() ? t.deals.pipeline_deals[p] : 0;
  };
  // Latest stages: S won, R lost, O a (p1); Q lost (a p1 stage); N l_new (L).
  EXPECT_EQ(count("p1"), 4);
  EXPECT_EQ(count("p2"), 0);
  EXPECT_EQ(count("L"), 1);
  // Q moves back to r: p2 has one deal, p1 three. Then p2 is redefined with r2 instead of r:
  // r belongs to no pipeline and p2 has no deal again.
  Feed(engine, R"({"type":"stage_change","deal_id":"Q","to":"r","at":"2024-03-08T00:00:00Z"})");
  EXPECT_EQ(count("p1"), 3);
  EXPECT_EQ(count("p2"), 1);
  Feed(
      engine,
      R"({"type":"pipeline","id":"p2","name":"Retail","entity":"deal","stages":[{"id":"r2","name":"R2","semantic":"open"},{"id":"r_won","name":"Won","semantic":"won"}]})");
  EXPECT_EQ(count("p2"), 0);
}

}  // namespace
}  // namespace voronka
