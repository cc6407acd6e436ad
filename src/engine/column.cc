#include "engine/column.h"

#include <algorithm>
#include <limits>

namespace voronka {

ColumnLineage::~ColumnLineage() {
  for (const Retired& node : retired_) node.destroy(node.node);
  for (const Retired& node : kept_) node.destroy(node.node);
}

uint64_t ColumnLineage::NewWriter() {
  std::lock_guard<std::mutex> lock(mutex_);
  return next_++;
}

uint64_t ColumnLineage::CopyWriter(uint64_t gen, std::vector<Retired>& retired) {
  std::unique_lock<std::mutex> lock(mutex_);
  readers_.insert(gen);
  retired_.insert(retired_.end(), retired.begin(), retired.end());
  retired.clear();
  uint64_t next = next_++;
  // The nodes just listed (retired at `gen`) whose readers are all gone already.
  Sweep(lock, gen - 1);
  return next;
}

size_t ColumnLineage::RetiredNodes() {
  std::lock_guard<std::mutex> lock(mutex_);
  return retired_.size();
}

void ColumnLineage::AddReader(uint64_t gen) {
  std::lock_guard<std::mutex> lock(mutex_);
  readers_.insert(gen);
}

void ColumnLineage::DropReader(uint64_t gen) {
  std::unique_lock<std::mutex> lock(mutex_);
  readers_.erase(readers_.find(gen));
  // Only the nodes retired after `gen` could be reached from it.
  Sweep(lock, gen);
}

bool ColumnLineage::HasReaders() {
  std::lock_guard<std::mutex> lock(mutex_);
  return !readers_.empty();
}

void ColumnLineage::DropWriter(std::vector<Retired>& nodes) {
  std::unique_lock<std::mutex> lock(mutex_);
  retired_.insert(retired_.end(), nodes.begin(), nodes.end());
  nodes.clear();
  Sweep(lock, kKept);
}

void ColumnLineage::Keep(void* node, Destroy destroy) {
  std::lock_guard<std::mutex> lock(mutex_);
  kept_.push_back({node, destroy, kKept, std::numeric_limits<uint64_t>::max()});
}

void ColumnLineage::Sweep(std::unique_lock<std::mutex>& lock, uint64_t after) {
  // A node made at m and retired at r is reached by the readers of generations [m, r). The
  // list is in the order of r (nodes are listed when the writer moves on), so the nodes
  // retired after `after` are its end.
  auto first = std::partition_point(retired_.begin(), retired_.end(),
                                    [&](const Retired& node) { return node.retired <= after; });
  std::vector<Retired> unreached;
  unreached.reserve(static_cast<size_t>(retired_.end() - first));
  size_t kept = static_cast<size_t>(first - retired_.begin());
  for (auto it = first; it != retired_.end(); ++it) {
    const Retired& node = *it;
    auto reader = readers_.lower_bound(node.made);
    if (reader != readers_.end() && *reader < node.retired) {
      retired_[kept++] = node;
    } else {
      unreached.push_back(node);
    }
  }
  retired_.resize(kept);
  lock.unlock();
  for (const Retired& node : unreached) node.destroy(node.node);
}

}  // namespace voronka
