#include "access/rate_limiter.h"

namespace voronka {

namespace {

constexpr size_t kPruneAbove = 10000;  // keys held before ended windows are swept

}  // namespace

bool RateLimiter::Allowed(std::string_view key, int64_t now) const {
  std::lock_guard lock(mutex_);
  auto found = windows_.find(std::string(key));
  if (found == windows_.end()) return true;
  const Window& window = found->second;
  if (now - window.started_at >= window_micros_) return true;
  return window.failures < max_failures_;
}

void RateLimiter::RecordFailure(std::string_view key, int64_t now) {
  std::lock_guard lock(mutex_);
  if (windows_.size() > kPruneAbove) Prune(now);
  Window& window = windows_[std::string(key)];
  if (window.failures == 0 || now - window.started_at >= window_micros_) {
    window.started_at = now;
    window.failures = 0;
  }
  ++window.failures;
}

void RateLimiter::Reset(std::string_view key) {
  std::lock_guard lock(mutex_);
  windows_.erase(std::string(key));
}

void RateLimiter::Prune(int64_t now) {
  for (auto it = windows_.begin(); it != windows_.end();) {
    if (now - it->second.started_at >= window_micros_) {
      it = windows_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace voronka
