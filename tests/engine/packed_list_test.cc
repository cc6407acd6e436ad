// PackedList: a list in one exactly sized heap block, null when empty.
#include "engine/packed_list.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace voronka {
namespace {

std::vector<int64_t> Items(const PackedList<int64_t>& list) {
  return std::vector<int64_t>(list.begin(), list.end());
}

TEST(PackedList, InsertsErasesAndCopiesLikeAVector) {
  PackedList<int64_t> list;
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.heap_bytes(), 0u);
  list.push_back(3);
  list.insert(list.begin(), 1);
  list.insert(list.begin() + 1, 2);
  list.push_back(4);
  EXPECT_EQ(Items(list), (std::vector<int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(list.front(), 1);
  EXPECT_EQ(list.back(), 4);
  EXPECT_EQ(std::vector<int64_t>(list.rbegin(), list.rend()), (std::vector<int64_t>{4, 3, 2, 1}));
  EXPECT_EQ(list.heap_bytes(), 8 + 4 * sizeof(int64_t) + 16);  // count, items, malloc header

  PackedList<int64_t> copy = list;
  list.erase(list.begin() + 1);
  EXPECT_EQ(Items(list), (std::vector<int64_t>{1, 3, 4}));
  EXPECT_EQ(Items(copy), (std::vector<int64_t>{1, 2, 3, 4}));  // the copy has its own block

  copy.erase_if([](int64_t item) { return item % 2 == 0; });
  EXPECT_EQ(Items(copy), (std::vector<int64_t>{1, 3}));
  copy.erase_if([](int64_t) { return true; });
  EXPECT_TRUE(copy.empty());  // the block is gone
  EXPECT_EQ(copy.begin(), copy.end());

  copy = std::move(list);
  EXPECT_EQ(Items(copy), (std::vector<int64_t>{1, 3, 4}));
  copy.erase(copy.begin());
  copy.erase(copy.end() - 1);
  copy.erase(copy.begin());
  EXPECT_TRUE(copy.empty());
}

}  // namespace
}  // namespace voronka
