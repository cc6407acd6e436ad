#include "engine/column.h"

#include <algorithm>
#include <limits>

namespace voronka {

ColumnLineage::~ColumnLineage() {
  for (const Retired& node : retired_) node.destroy(node.node, *this);
  for (const Retired& node : kept_) node.destroy(node.node, *this);
  for (void* chunk : chunks_) ::operator delete(chunk);
}

void* ColumnLineage::TakeSlot(size_t bytes, bool grows) {
  std::lock_guard<std::mutex> lock(mutex_);
  return grows ? Cut(growth_, bytes) : Reuse(free_slots_, copies_, bytes);
}

void* ColumnLineage::Reuse(std::vector<void*>& free, Run& run, size_t bytes) {
  if (free.empty()) return Cut(run, bytes);
  void* slot = free.back();
  free.pop_back();
  return slot;
}

void* ColumnLineage::Cut(Run& run, size_t bytes) {
  if (run.left == 0) {
    constexpr size_t kMaxChunkBytes = size_t{1} << 20;
    size_t most = std::max<size_t>(1, kMaxChunkBytes / bytes);
    size_t slots = std::clamp<size_t>(run.last * 2, 1, most);
    size_t chunk_bytes = slots * bytes;
    run.next = static_cast<char*>(::operator new(chunk_bytes));
    chunks_.push_back(run.next);
    run.left = run.last = slots;
  }
  void* slot = run.next;
  run.next += bytes;
  --run.left;
  return slot;
}

void ColumnLineage::GiveSlot(void* slot) {
  std::lock_guard<std::mutex> lock(mutex_);
  free_slots_.push_back(slot);
}

void* ColumnLineage::TakeBlockSlot(size_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  return Reuse(free_block_slots_, blocks_, bytes);
}

void ColumnLineage::GiveBlockSlot(void* slot) {
  std::lock_guard<std::mutex> lock(mutex_);
  free_block_slots_.push_back(slot);
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
  for (const Retired& node : unreached) node.destroy(node.node, *this);
}

}  // namespace voronka
