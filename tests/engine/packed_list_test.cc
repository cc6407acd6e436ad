// PackedList: a list in one exactly sized heap block, null when empty, whose blocks the column
// holding it owns: a copy of the column shares them, a change copies the one block it changes
// when a copy may read it (run under ASan, a block freed too early, twice or never shows here).
#include "engine/packed_list.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <utility>
#include <vector>

#include "engine/column.h"

namespace voronka {
namespace {

std::vector<int64_t> Items(const PackedList<int64_t>& list) {
  return std::vector<int64_t>(list.begin(), list.end());
}

using Lists = Column<PackedList<int64_t>, 2>;  // segments of 4 rows

std::vector<int64_t> Row(const Lists& lists, size_t row) {
  return Items(lists[row]);  // a const read: a non-const one is a write
}

TEST(PackedList, InsertsAndErasesLikeAVector) {
  PackedList<int64_t> list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.heap_bytes(), 0u);
  ListEdit<int64_t> edit(list, 1);
  edit.push_back(3);
  edit.insert(list.begin(), 1);
  edit.insert(list.begin() + 1, 2);
  edit.push_back(4);
  EXPECT_EQ(Items(list), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(list.front(), 1);
  EXPECT_EQ(list.back(), 4);
  EXPECT_EQ(std::vector<int64_t>(list.rbegin(), list.rend()), (std::vector<int64_t>{4, 3, 2, 1}));
  EXPECT_EQ(list.heap_bytes(), 8 + 4 * sizeof(int64_t) + 16);  // header, items, malloc header
  EXPECT_EQ(list.gen(), 1u);

  PackedList<int64_t> copy = list.CopyAt(2);  // a block of its own, made at another generation
  edit.erase(list.begin() + 1);
  EXPECT_EQ(Items(list), (std::vector<int64_t>{1, 3, 4}));
  EXPECT_EQ(Items(copy), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(copy.gen(), 2u);

  ListEdit<int64_t> copy_edit(copy, 2);
  copy_edit.erase_if([](int64_t item) { return item % 2 == 0; });
  EXPECT_EQ(Items(copy), (std::vector<int64_t>{1, 3}));
  copy_edit.erase_if([](int64_t) { return true; });
  EXPECT_TRUE(copy.empty());  // the block is gone
  EXPECT_EQ(copy.begin(), copy.end());

  edit.erase(list.begin());
  edit.erase(list.end() - 1);
  edit.erase(list.end());  // end(): nothing
  EXPECT_EQ(Items(list), (std::vector<int64_t>{3}));
  edit.erase(list.begin());
  EXPECT_TRUE(list.empty());
}

TEST(PackedList, AColumnsCopyKeepsItsListsWhileTheWriterChangesThem) {
  Lists lists;
  lists.resize(10);
  lists.Edit(3).push_back(1);
  lists.Edit(3).push_back(2);  // the writer's own block: changed in place
  lists.Edit(8).push_back(80);
  auto copy = std::make_unique<Lists>(lists);
  const void* shared = std::as_const(lists)[3].block();
  EXPECT_EQ(std::as_const(*copy)[3].block(), shared);  // a copy shares the blocks

  lists.Edit(3).push_back(3);  // copied: the copy still reads the one it shares
  EXPECT_NE(std::as_const(lists)[3].block(), shared);
  EXPECT_EQ(Row(lists, 3), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(Row(*copy, 3), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(std::as_const(lists)[8].block(),
            std::as_const(*copy)[8].block());  // unchanged: still shared
  EXPECT_GT(lists.retired_nodes(), 0u);

  copy.reset();  // the old block goes with the copy's generation, at the writer's next copy
  Lists next = lists;
  EXPECT_EQ(lists.retired_nodes(), 0u);
  lists.Edit(8).erase_if([](int64_t) { return true; });
  EXPECT_TRUE(std::as_const(lists)[8].empty());
  EXPECT_EQ(Row(next, 8), (std::vector<int64_t>{80}));
  EXPECT_EQ(Row(next, 3), (std::vector<int64_t>{1, 2, 3}));
}

TEST(PackedList, ACopyThatIsWrittenHasListsOfItsOwn) {
  Lists lists;
  lists.resize(6);
  lists.Edit(1).push_back(10);
  lists.Edit(5).push_back(50);
  Lists copy = lists;
  copy.Edit(1).push_back(11);  // the copy becomes a column of its own, blocks and all
  lists.Edit(5).push_back(51);
  lists.Edit(1).push_back(12);
  EXPECT_EQ(Row(copy, 1), (std::vector<int64_t>{10, 11}));
  EXPECT_EQ(Row(copy, 5), (std::vector<int64_t>{50}));
  EXPECT_EQ(Row(lists, 1), (std::vector<int64_t>{10, 12}));
  EXPECT_EQ(Row(lists, 5), (std::vector<int64_t>{50, 51}));
  EXPECT_NE(std::as_const(copy)[5].block(), std::as_const(lists)[5].block());
}

TEST(PackedList, ACopyReadsItsListsAfterTheWriterIsGone) {
  auto lists = std::make_unique<Lists>();
  for (int64_t row = 0; row < 9; ++row) {
    lists->resize(static_cast<size_t>(row) + 1);
    for (int64_t item = 0; item <= row; ++item)
      lists->Edit(static_cast<size_t>(row)).push_back(item);
  }
  Lists copy = *lists;
  lists->Edit(4).push_back(-1);  // one block copied, the old one kept for the copy
  lists.reset();                 // the writer's blocks are kept for the copy too
  for (size_t row = 0; row < 9; ++row) ASSERT_EQ(std::as_const(copy)[row].size(), row + 1) << row;
  EXPECT_EQ(std::as_const(copy)[4].back(), 4);
}

}  // namespace
}  // namespace voronka
