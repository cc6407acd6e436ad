// Dictionary: ids are dense, in order of first sight, and survive the table growing.
#include "engine/dictionary.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

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

TEST(Dictionary, AReservedTableIsNotRebuiltWhileItsTextsArrive) {
  // Room for 100 000 texts made up front: the slot table (2^18 slots: at most three quarters
  // full, 2^17 would hold 98 304) holds them all, so the bytes held grow only by the texts and
  // their references.
  Dictionary ids;
  ids.Intern("first");
  ids.Reserve(100000);
  size_t reserved = ids.allocated_bytes();
  EXPECT_GE(reserved, (size_t{1} << 18) * sizeof(uint64_t));
  for (int i = 1; i < 100000; ++i) ASSERT_EQ(ids.Intern("a" + std::to_string(i)), i);
  size_t filled = ids.allocated_bytes();
  // Texts "a1".."a99999" (at most 6 bytes each) and 8-byte references: under 1.5 MB more.
  EXPECT_LT(filled - reserved, size_t{1500000});
  EXPECT_EQ(ids.Find("first"), 0);
  EXPECT_EQ(ids.Find("a99999"), 99999);
  EXPECT_EQ(ids.Find("b1"), kNone);
  // Past the reservation the table grows as before; a smaller reservation changes nothing.
  ids.Reserve(10);
  EXPECT_EQ(ids.allocated_bytes(), filled);
  EXPECT_EQ(ids.Intern("a100000"), 100000);
  EXPECT_EQ(ids.Find("a5"), 5);
}

TEST(Dictionary, LongTextsKeepEveryByte) {
  // Texts are stored one after another in chunks of up to 64 KiB; a text of 20 000 bytes gets
  // a chunk of its own, one of 70 000 bytes (past the 16-bit length of a reference) carries
  // its length before it. Each comes back whole, and short texts around them are unaffected.
  Dictionary ids;
  std::string mid(20000, 'm');
  std::string long_text(70000, 'x');
  long_text[0] = 'a';
  long_text.back() = 'z';
  EXPECT_EQ(ids.Intern("short"), 0);
  EXPECT_EQ(ids.Intern(mid), 1);
  EXPECT_EQ(ids.Intern(long_text), 2);
  EXPECT_EQ(ids.Intern("after"), 3);
  EXPECT_EQ(ids.Text(1), mid);
  EXPECT_EQ(ids.Text(2).size(), 70000u);
  EXPECT_EQ(ids.Text(2), long_text);
  EXPECT_EQ(ids.Find(long_text), 2);
  EXPECT_EQ(ids.Text(0), "short");
  EXPECT_EQ(ids.Text(3), "after");
}

TEST(Dictionary, ACopyKeepsItsTextsWhileTheOriginalGrows) {
  // A copy made after 3 ids keeps finding exactly those 3 and reading their text while the
  // original interns 50 000 more (many new chunks and slot tables).
  Dictionary ids;
  ids.Intern("x");
  ids.Intern("y");
  ids.Intern("z");
  Dictionary copy = ids;
  std::string_view y = copy.Text(1);
  for (int i = 0; i < 50000; ++i) ids.Intern("n" + std::to_string(i));
  EXPECT_EQ(copy.size(), 3);
  EXPECT_EQ(copy.Find("n7"), kNone);
  EXPECT_EQ(copy.Find("z"), 2);
  EXPECT_EQ(y, "y");
  EXPECT_EQ(ids.Find("n7"), 10);
  EXPECT_EQ(ids.Text(3), "n0");
}

}  // namespace
}  // namespace voronka
