// Column: copy-on-write segments, the fill segment that whole segments of the fill value share
// until a row of them is written, and the lineage that frees a replaced segment once no copy
// can reach it (run under ASan, a segment freed too early or never shows here).
#include "engine/column.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace voronka {
namespace {

using SmallColumn = Column<int32_t, 4>;  // segments of 16 rows

TEST(Column, SegmentsOfTheFillValueShareOneSegmentUntilWritten) {
  SmallColumn column;
  column.resize(100, -1);  // 7 segments (6 whole, one of 4 rows)
  ASSERT_EQ(column.size(), 100u);
  for (size_t row = 0; row < 100; ++row) ASSERT_EQ(std::as_const(column)[row], -1) << row;
  size_t shared = column.allocated_bytes();

  column[35] = 7;  // segment 2 gets its own copy
  EXPECT_EQ(std::as_const(column)[35], 7);
  EXPECT_EQ(std::as_const(column)[34], -1);
  EXPECT_EQ(std::as_const(column)[3], -1);   // segment 0 still reads the fill
  EXPECT_EQ(std::as_const(column)[51], -1);  // and segment 3
  // One segment more: 16 int32 rows and its 8-byte generation (cut from the lineage's chunks,
  // no allocation header).
  EXPECT_EQ(column.allocated_bytes(), shared + 16 * sizeof(int32_t) + 8);
}

TEST(Column, ForEachInVisitsARangeAcrossSegments) {
  SmallColumn column;
  for (int32_t row = 0; row < 70; ++row) column.push_back(row * 10);
  std::vector<std::pair<size_t, int32_t>> seen;
  column.ForEachIn(13, 50, [&](size_t row, int32_t value) { seen.emplace_back(row, value); });
  ASSERT_EQ(seen.size(), 37u);  // rows 13..49: parts of segments 0 and 3, all of 1 and 2
  for (size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].first, 13 + i);
    EXPECT_EQ(seen[i].second, static_cast<int32_t>((13 + i) * 10));
  }
  seen.clear();
  column.ForEachIn(65, 100, [&](size_t row, int32_t value) { seen.emplace_back(row, value); });
  EXPECT_EQ(seen.size(), 5u);  // clipped at the end
  column.ForEachIn(20, 20, [&](size_t row, int32_t value) { seen.emplace_back(row, value); });
  EXPECT_EQ(seen.size(), 5u);  // an empty range
}

TEST(Column, GrowingInsideAFillSegmentKeepsItsRowsAndAWriteAfterACopyIsNotSeenByTheCopy) {
  SmallColumn column;
  column.resize(5, 0);
  column.resize(20, 0);  // rows 5..15 are in the fill segment already, 16..19 in a new one
  SmallColumn snapshot = column;
  column[17] = 3;
  column.resize(40, 9);  // another fill value: rows 20..31 are written, 32..39 share a 9s segment
  EXPECT_EQ(std::as_const(column)[17], 3);
  EXPECT_EQ(std::as_const(column)[19], 0);
  EXPECT_EQ(std::as_const(column)[20], 9);
  EXPECT_EQ(std::as_const(column)[31], 9);
  EXPECT_EQ(std::as_const(column)[39], 9);
  EXPECT_EQ(snapshot.size(), 20u);
  EXPECT_EQ(snapshot[17], 0);  // the copy kept its rows
  std::vector<int32_t> rows(snapshot.begin(), snapshot.end());
  EXPECT_EQ(rows, std::vector<int32_t>(20, 0));
}

TEST(Column, PushBackAfterAResizeWritesItsOwnSegment) {
  SmallColumn column;
  column.resize(16, 5);
  column.push_back(6);
  column.push_back(5);
  EXPECT_EQ(column.size(), 18u);
  EXPECT_EQ(std::as_const(column)[15], 5);
  EXPECT_EQ(std::as_const(column)[16], 6);
  EXPECT_EQ(std::as_const(column)[17], 5);
}

// Rows of a column as a vector, read through a const reference (a non-const read is a write).
template <typename T, int kShift>
std::vector<T> Rows(const Column<T, kShift>& column) {
  return std::vector<T>(column.begin(), column.end());
}

TEST(Column, EveryCopyKeepsTheRowsItWasMadeWithWhileTheWriterGoesOn) {
  SmallColumn column;
  std::vector<int32_t> model;
  std::vector<std::pair<SmallColumn, std::vector<int32_t>>> copies;
  for (int32_t round = 0; round < 6; ++round) {
    for (int32_t i = 0; i < 300; ++i) {
      column.push_back(round * 1000 + i);
      model.push_back(round * 1000 + i);
    }
    for (size_t row = static_cast<size_t>(round); row < model.size(); row += 7) {
      column[row] = -round;  // the same rows again and again: their segments copied each round
      model[row] = -round;
    }
    copies.emplace_back(column, model);
    if (round == 3) copies.erase(copies.begin() + 1);  // a reader in the middle goes first
  }
  EXPECT_EQ(Rows(column), model);
  for (const auto& [copy, rows] : copies) EXPECT_EQ(Rows(copy), rows);
  EXPECT_GT(column.retired_nodes(), 0u);
  copies.erase(copies.begin());  // the oldest reader goes
  column = SmallColumn();        // then the writer
  for (const auto& [copy, rows] : copies) EXPECT_EQ(Rows(copy), rows);
}

TEST(Column, ReplacedSegmentsAreFreedOnceTheLastCopyThatReadsThemIsGone) {
  SmallColumn column;
  for (int32_t row = 0; row < 64; ++row) column.push_back(0);  // 4 segments of its own
  auto old = std::make_unique<SmallColumn>(column);
  column[0] = 1;  // replaces a block and a segment that `old` reads
  auto newer = std::make_unique<SmallColumn>(column);
  column[16] = 2;  // replaces the block again (and a segment both copies read)
  auto newest = std::make_unique<SmallColumn>(column);
  EXPECT_EQ(column.retired_nodes(), 4u);
  newer.reset();  // the block it alone read goes; the segment of row 16 `old` still reads
  EXPECT_EQ(column.retired_nodes(), 3u);
  old.reset();
  EXPECT_EQ(column.retired_nodes(), 0u);
  column[32] = 3;  // retires what `newest` reads, held for it
  newest.reset();
  // Dropped before the writer handed them over: freed when it does, at its next copy.
  EXPECT_EQ(column.retired_nodes(), 2u);
  SmallColumn last = column;
  EXPECT_EQ(column.retired_nodes(), 0u);
  EXPECT_EQ(std::as_const(last)[0], 1);
  EXPECT_EQ(std::as_const(last)[16], 2);
  EXPECT_EQ(std::as_const(last)[32], 3);
}

TEST(Column, ACopyThatIsWrittenBecomesAColumnOfItsOwn) {
  SmallColumn column;
  column.resize(40, 5);
  column[3] = 1;
  SmallColumn copy = column;
  SmallColumn copy_of_copy = copy;
  copy[3] = 2;    // the copy takes its own segments
  copy[20] = 8;   // also where it read the fill
  column[4] = 9;  // the writer goes on
  EXPECT_EQ(std::as_const(column)[3], 1);
  EXPECT_EQ(std::as_const(column)[4], 9);
  EXPECT_EQ(std::as_const(column)[20], 5);
  EXPECT_EQ(std::as_const(copy)[3], 2);
  EXPECT_EQ(std::as_const(copy)[4], 5);
  EXPECT_EQ(std::as_const(copy)[20], 8);
  EXPECT_EQ(std::as_const(copy)[39], 5);
  EXPECT_EQ(std::as_const(copy_of_copy)[3], 1);
  EXPECT_EQ(std::as_const(copy_of_copy)[4], 5);
  copy.resize(60, 5);  // its fill segment is its own, shared again
  EXPECT_EQ(std::as_const(copy)[59], 5);
  SmallColumn moved = std::move(copy);
  moved[50] = 4;
  EXPECT_EQ(std::as_const(moved)[50], 4);
  EXPECT_EQ(std::as_const(moved)[49], 5);
}

TEST(Column, RowsThatOwnMemoryAreCopiedWithTheirSegment) {
  Column<std::string, 2> names;
  for (int i = 0; i < 20; ++i) names.push_back("name " + std::to_string(i));
  Column<std::string, 2> copy = names;
  names[5] += " changed";
  names.push_back("last");
  EXPECT_EQ(std::as_const(names)[5], "name 5 changed");
  EXPECT_EQ(copy.size(), 20u);
  EXPECT_EQ(std::as_const(copy)[5], "name 5");
  copy = names;  // a reader that reads another generation
  EXPECT_EQ(std::as_const(copy)[20], "last");
}

// A column's segments lie one after another in memory as it grows (chunks of 1, 2, 4, ...
// segments), so a pass over it streams; a segment copied for a write after a copy of the
// column goes elsewhere and leaves its neighbours where they are.
TEST(Column, SegmentsAddedInRowOrderLieOneAfterAnother) {
  SmallColumn column;
  for (int32_t row = 0; row < 64 * 16; ++row) column.push_back(row);
  auto address = [&](size_t segment) {
    return reinterpret_cast<uintptr_t>(&std::as_const(column)[segment * 16]);
  };
  constexpr uintptr_t kStride = 16 * sizeof(int32_t) + 8;  // rows and generation
  int adjacent = 0;
  for (size_t segment = 0; segment + 1 < 64; ++segment) {
    if (address(segment + 1) - address(segment) == kStride) ++adjacent;
  }
  // 63 neighbouring pairs less the 6 that straddle chunks (of 1, 2, 4, 8, 16, 32 and 64).
  EXPECT_EQ(adjacent, 57);

  SmallColumn snapshot = column;
  uintptr_t before = address(20), after = address(22);
  column[21 * 16 + 3] = -1;  // segment 21 is copied: the snapshot still reads the old one
  EXPECT_EQ(address(20), before);
  EXPECT_EQ(address(22), after);
  EXPECT_EQ(std::as_const(column)[21 * 16 + 3], -1);
  EXPECT_EQ(std::as_const(snapshot)[21 * 16 + 3], 21 * 16 + 3);
}

// The writer is gone before a copy: the chunks live on with the lineage the copy still holds,
// and (under ASan) each is freed exactly once, with the lineage.
TEST(Column, ChunksOutliveTheWriterWhileACopyReadsThem) {
  auto column = std::make_unique<SmallColumn>();
  for (int32_t row = 0; row < 200; ++row) column->push_back(row);
  SmallColumn copy = *column;
  (*column)[5] = -5;  // a segment of the first chunk replaced, the old one kept for the copy
  column->push_back(200);
  column.reset();
  for (size_t row = 0; row < 200; ++row)
    ASSERT_EQ(std::as_const(copy)[row], static_cast<int32_t>(row)) << row;
  SmallColumn written = copy;  // a copy that is written becomes a writer with chunks of its own
  written[7] = 70;
  written.push_back(1);
  copy = SmallColumn();
  EXPECT_EQ(std::as_const(written)[7], 70);
  EXPECT_EQ(std::as_const(written)[199], 199);
  EXPECT_EQ(written.size(), 201u);
}

// A segment freed once no copy reads it gives its memory to the next segment copied for a
// write, so a writer under a stream of batches does not grow its chunks.
TEST(Column, AFreedSegmentsMemoryIsReusedByTheNextCopy) {
  SmallColumn column;
  for (int32_t row = 0; row < 64; ++row) column.push_back(row);
  uintptr_t first = reinterpret_cast<uintptr_t>(&std::as_const(column)[0]);
  auto snapshot = std::make_unique<SmallColumn>(column);
  column[0] = -1;             // segment 0 copied; the old one is kept for the snapshot
  snapshot.reset();           // and freed with it
  SmallColumn next = column;  // the next version is published
  column[16] = -16;           // segment 1 copied into the freed memory
  EXPECT_EQ(reinterpret_cast<uintptr_t>(&std::as_const(column)[16]), first);
  EXPECT_EQ(std::as_const(next)[16], 16);
  EXPECT_EQ(std::as_const(column)[16], -16);
  EXPECT_EQ(std::as_const(column)[0], -1);
}

// Copies are dropped on other threads than the writer's while it writes and copies again, as
// readers drop the engine's versions.
TEST(Column, ReadersDroppedOnOtherThreadsFreeWhatOnlyTheyReached) {
  SmallColumn column;
  column.resize(4096, 0);
  std::vector<std::thread> readers;
  for (int32_t round = 1; round <= 50; ++round) {
    for (size_t row = static_cast<size_t>(round); row < column.size(); row += 97) {
      column[row] = round;
    }
    auto copy = std::make_unique<SmallColumn>(column);
    readers.emplace_back([copy = std::move(copy), round] {
      int64_t sum = 0;
      for (int32_t value : *copy) sum += value;
      EXPECT_GT(sum, 0) << round;
    });
  }
  for (std::thread& reader : readers) reader.join();
}

}  // namespace
}  // namespace voronka
