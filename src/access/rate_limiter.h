// Login throttling: counts failed logins per key (a login, an address) in a time window and
// refuses further attempts for a key that reached its limit until its window ends.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

namespace voronka {

class RateLimiter {
 public:
  // At most `max_failures` failures per key within `window_micros` from the first of them.
  RateLimiter(int max_failures, int64_t window_micros)
      : max_failures_(max_failures), window_micros_(window_micros) {}

  // False while the key has used up its failures in its current window.
  bool Allowed(std::string_view key, int64_t now) const;
  // Counts one failure of the key at `now`.
  void RecordFailure(std::string_view key, int64_t now);
  // Forgets the key's failures (after a successful login).
  void Reset(std::string_view key);

 private:
  struct Window {
    int64_t started_at = 0;
    int failures = 0;
  };
  // Drops windows that have ended, so memory stays bounded by recent failures.
  void Prune(int64_t now);

  const int max_failures_;
  const int64_t window_micros_;
  mutable std::mutex mutex_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace voronka
