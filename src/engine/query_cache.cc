#include "engine/query_cache.h"

#include <algorithm>

namespace voronka {

std::shared_ptr<const void> QueryCache::Find(std::string_view key) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = std::find_if(entries_.begin(), entries_.end(),
                            [&](const auto& entry) { return entry.first == key; });
  if (found == entries_.end()) return nullptr;
  // Most recently used moves last.
  std::rotate(found, found + 1, entries_.end());
  return entries_.back().second;
}

void QueryCache::Put(std::string key, std::shared_ptr<const void> value) const {
  std::shared_ptr<const void> dropped;  // released outside the lock
  std::lock_guard<std::mutex> lock(mutex_);
  auto found = std::find_if(entries_.begin(), entries_.end(),
                            [&](const auto& entry) { return entry.first == key; });
  if (found != entries_.end()) {
    dropped = std::move(found->second);
    entries_.erase(found);
  } else if (entries_.size() >= kCapacity) {
    dropped = std::move(entries_.front().second);
    entries_.erase(entries_.begin());
  }
  entries_.emplace_back(std::move(key), std::move(value));
}

void QueryCache::Clear() const {
  std::vector<std::pair<std::string, std::shared_ptr<const void>>> dropped;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (entries_.empty()) return;
    dropped.swap(entries_);
  }
}

}  // namespace voronka
