// What a request derives from one version of the tables and the next requests on the same
// version can reuse: the filter bitmaps of a filtered dashboard (nine headline numbers under
// one filter build one bitmap instead of nine). It belongs to one version: a copy of the
// tables (the next version the engine publishes) starts empty, and applying a record to the
// tables empties it, so nothing cached outlives the data it was computed from.
//
// Entries are type-erased (the engine does not know what the metrics layer keeps) and few:
// the most recently used kCapacity, each released with its last reader. Thread-safe: a
// version is read by many requests at once.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace voronka {

class QueryCache {
 public:
  static constexpr size_t kCapacity = 8;

  QueryCache() = default;
  // A copy is another version of the tables: it starts empty.
  QueryCache(const QueryCache& /*other*/) {}
  QueryCache& operator=(const QueryCache& other) {
    if (this != &other) Clear();
    return *this;
  }

  // The entry under `key`, or null.
  std::shared_ptr<const void> Find(std::string_view key) const;
  // Keeps `value` under `key` (replacing an entry under it), dropping the least recently used
  // entry beyond kCapacity.
  void Put(std::string key, std::shared_ptr<const void> value) const;
  void Clear() const;

 private:
  mutable std::mutex mutex_;
  // Most recently used last.
  mutable std::vector<std::pair<std::string, std::shared_ptr<const void>>> entries_;
};

// Find, typed: the caller knows what it put under its own keys.
template <typename T>
std::shared_ptr<const T> FindCached(const QueryCache& cache, std::string_view key) {
  return std::static_pointer_cast<const T>(cache.Find(key));
}

}  // namespace voronka
