// Dictionary: ids are dense, in order of first sight, and survive the table growing.
#include "engine/dictionary.h"

#include <gtest/gtest.h>

#include <string>

namespace voronka {
namespace {

TEST(Dictionary, InternsDenseIdsInOrderOfFirstSight) {
  Dictionary ids;
  EXPECT_EQ(ids.Find("a"), kNone);  // an empty dictionary finds nothing
  EXPECT_EQ(ids.Intern("a"), 0);
  EXPECT_EQ(ids.Intern("b"), 1);
  EXPECT_EQ(ids.Intern("a"), 0);  // seen before: the same id
  EXPECT_EQ(ids.Intern(""), 2);   // the empty text is a text like any other
  EXPECT_EQ(ids.size(), 3);
  EXPECT_EQ(ids.Find("b"), 1);
  EXPECT_EQ(ids.Find("c"), kNone);
  EXPECT_EQ(ids.Text(1), "b");
  EXPECT_EQ(ids.Text(kNone), "");
  EXPECT_EQ(ids.Text(99), "");
}

TEST(Dictionary, HundredThousandIdsThroughManyGrowths) {
  // 100 000 texts "a0".."a99999" force the slot table to double 14 times; every text keeps
  // its id i, and texts never interned ("b5") stay unknown.
  Dictionary ids;
  for (int i = 0; i < 100000; ++i) ASSERT_EQ(ids.Intern("a" + std::to_string(i)), i);
  EXPECT_EQ(ids.size(), 100000);
  for (int i = 0; i < 100000; i += 7) {
    ASSERT_EQ(ids.Find("a" + std::to_string(i)), i);
    ASSERT_EQ(ids.Text(i), "a" + std::to_string(i));
  }
  EXPECT_EQ(ids.Find("b5"), kNone);
  EXPECT_EQ(ids.Intern("a12345"), 12345);
}

}  // namespace
}  // namespace voronka
