// Column: copy-on-write segments, and the fill segment that whole segments of the fill value
// share until a row of them is written.
#include "engine/column.h"

#include <gtest/gtest.h>

#include <cstdint>
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
  // One segment of 16 int32 rows plus its 16-byte allocation header more.
  EXPECT_EQ(column.allocated_bytes(), shared + 16 * sizeof(int32_t) + 16);
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

}  // namespace
}  // namespace voronka
