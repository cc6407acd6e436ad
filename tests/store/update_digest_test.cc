#include "store/sqlite/update_digest.h"

#include <gtest/gtest.h>

#include <cstring>

namespace voronka::sqlite {
namespace {

bool Same(const UpdateDigest& a, const UpdateDigest& b) {
  return std::memcmp(a.bytes, b.bytes, sizeof a.bytes) == 0;
}

TEST(UpdateDigestTest, EqualContentEqualDigestAnyDifferenceAnother) {
  std::string scratch;
  DealUpdateRecord base;
  base.id = "D1";
  base.at = Instant{1000};
  base.amount = 500;
  UpdateDigest original = DigestOf(base, scratch);
  EXPECT_TRUE(Same(DigestOf(base, scratch), original));

  // Each of these differs from `base` in one way a naive encoding could miss.
  DealUpdateRecord absent_vs_cleared = base;
  absent_vs_cleared.source = std::optional<std::string>();  // cleared, not absent
  DealUpdateRecord empty_vs_absent = base;
  empty_vs_absent.title = "";
  DealUpdateRecord zero_amount = base;
  zero_amount.amount = std::nullopt;
  DealUpdateRecord field_null = base;
  field_null.fields = {{"x", FieldValue{}}};
  DealUpdateRecord field_text = base;
  field_text.fields = {{"x", FieldValue{FieldValue::Kind::kString, "null", 0, false, {}}}};
  DealUpdateRecord shifted = base;  // "ab"+"c" against "a"+"bc" in two string members
  shifted.source = std::optional<std::string>("ab");
  shifted.deal_type = std::optional<std::string>("c");
  DealUpdateRecord shifted_other = base;
  shifted_other.source = std::optional<std::string>("a");
  shifted_other.deal_type = std::optional<std::string>("bc");
  for (const DealUpdateRecord* other :
       {&absent_vs_cleared, &empty_vs_absent, &zero_amount, &field_null, &field_text, &shifted}) {
    EXPECT_FALSE(Same(DigestOf(*other, scratch), original));
  }
  EXPECT_FALSE(Same(DigestOf(field_null, scratch), DigestOf(field_text, scratch)));
  EXPECT_FALSE(Same(DigestOf(shifted, scratch), DigestOf(shifted_other, scratch)));
}

TEST(UpdateDigestTest, TaskUpdatesTellClearedFromAbsent) {
  std::string scratch;
  TaskUpdateRecord reopen;
  reopen.id = "t1";
  reopen.at = Instant{5};
  reopen.completed_at = std::optional<Instant>();
  TaskUpdateRecord nothing = reopen;
  nothing.completed_at = std::nullopt;
  TaskUpdateRecord done = reopen;
  done.completed_at = std::optional<Instant>(Instant{0});
  EXPECT_FALSE(Same(DigestOf(reopen, scratch), DigestOf(nothing, scratch)));
  EXPECT_FALSE(Same(DigestOf(reopen, scratch), DigestOf(done, scratch)));
  EXPECT_TRUE(Same(DigestOf(done, scratch), DigestOf(TaskUpdateRecord(done), scratch)));
}

}  // namespace
}  // namespace voronka::sqlite
