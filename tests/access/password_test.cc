// Argon2id password hashing.
#include "access/password.h"

#include <gtest/gtest.h>

namespace voronka {
namespace {

TEST(PasswordTest, HashIsArgon2idAndVerifiesOnlyTheRightPassword) {
  Result<std::string> hash = HashPassword("correct horse");
  ASSERT_TRUE(hash.ok()) << hash.message();
  EXPECT_EQ(hash.value().rfind("$argon2id$", 0), 0u) << hash.value();
  EXPECT_TRUE(VerifyPassword(hash.value(), "correct horse"));
  EXPECT_FALSE(VerifyPassword(hash.value(), "correct horsE"));
  EXPECT_FALSE(VerifyPassword(hash.value(), ""));
}

TEST(PasswordTest, TheSamePasswordHashesDifferentlyEachTime) {
  // A random salt per hash: equal passwords do not show as equal hashes in the store.
  EXPECT_NE(HashPassword("demo").value(), HashPassword("demo").value());
}

TEST(PasswordTest, AMalformedHashVerifiesNothing) {
  EXPECT_FALSE(VerifyPassword("", "demo"));
  EXPECT_FALSE(VerifyPassword("demo", "demo"));
  EXPECT_FALSE(VerifyPassword("$argon2id$v=19$m=65536,t=2,p=1$broken", "demo"));
}

}  // namespace
}  // namespace voronka
