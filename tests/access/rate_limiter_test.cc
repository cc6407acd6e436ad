// Failed-login throttling windows.
#include "access/rate_limiter.h"

#include <gtest/gtest.h>

namespace voronka {
namespace {

constexpr int64_t kMinute = 60'000'000;

TEST(RateLimiterTest, AKeyIsRefusedAfterItsFailuresUntilTheWindowEnds) {
  RateLimiter limiter(3, 15 * kMinute);
  // Failures at minutes 0, 1, 2: the third uses up the key's allowance.
  for (int minute = 0; minute < 3; ++minute) {
    EXPECT_TRUE(limiter.Allowed("anna", minute * kMinute));
    limiter.RecordFailure("anna", minute * kMinute);
  }
  EXPECT_FALSE(limiter.Allowed("anna", 3 * kMinute));
  EXPECT_FALSE(limiter.Allowed("anna", 14 * kMinute));
  EXPECT_TRUE(limiter.Allowed("boris", 3 * kMinute));  // other keys are not affected
  // The window began at minute 0 and lasts 15 minutes.
  EXPECT_TRUE(limiter.Allowed("anna", 15 * kMinute));
}

TEST(RateLimiterTest, ResetForgetsTheFailures) {
  RateLimiter limiter(2, 15 * kMinute);
  limiter.RecordFailure("anna", 0);
  limiter.RecordFailure("anna", 0);
  EXPECT_FALSE(limiter.Allowed("anna", 1));
  limiter.Reset("anna");
  EXPECT_TRUE(limiter.Allowed("anna", 1));
}

}  // namespace
}  // namespace voronka
