// PackedList<T>: a per-row list of plain items (a deal's stage history, its update times, its
// long gaps between touches) in one heap block of exactly its items, behind an 8-byte handle
// that is null when the list is empty.
//
// A column of lists holds one per row, and most rows of some lists are empty: a std::vector
// costs 24 bytes a row plus its spare capacity, this costs 8. The handle is a plain value:
// copying it shares the block. The column holding it owns the blocks (Column::Edit in
// engine/column.h): a copy of a segment of lists copies 8 bytes a row, and a change of a list
// copies that one block when an older version of the column may still read it. The block
// records the generation of the column that made it for that check.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <new>
#include <stdexcept>
#include <type_traits>

namespace voronka {

template <typename T>
class ListEdit;

template <typename T>
class PackedList {
  static_assert(std::is_trivially_copyable_v<T> && alignof(T) <= 8);

 public:
  // Column (engine/column.h) owns the blocks of such rows.
  static constexpr bool kOwnsBlock = true;
  using Editor = ListEdit<T>;
  // Items a list holds at most, and generations a block records (they fit its 8-byte header).
  static constexpr int kSizeBits = 24;
  static constexpr uint64_t kMaxSize = (uint64_t{1} << kSizeBits) - 1;
  static constexpr uint64_t kMaxGen = (uint64_t{1} << (64 - kSizeBits)) - 1;

  size_t size() const { return block_ == nullptr ? 0 : Header(block_) & kMaxSize; }
  bool empty() const { return block_ == nullptr; }
  const T* begin() const { return block_ == nullptr ? nullptr : Items(block_); }
  const T* end() const { return begin() + size(); }
  std::reverse_iterator<const T*> rbegin() const { return std::reverse_iterator<const T*>(end()); }
  std::reverse_iterator<const T*> rend() const { return std::reverse_iterator<const T*>(begin()); }
  const T& operator[](size_t i) const { return begin()[i]; }
  const T& front() const { return *begin(); }
  const T& back() const { return end()[-1]; }
  // Bytes of its heap block (with a 16-byte malloc header), for memory accounting.
  size_t heap_bytes() const { return block_ == nullptr ? 0 : kHeader + size() * sizeof(T) + 16; }
  // The same block (handles, not items: how a column tells a shared fill of empty lists).
  bool operator==(const PackedList& other) const { return block_ == other.block_; }

  // For the column that owns the block: the generation that made it (0 when empty), the
  // block, a copy of it made at `gen`, and freeing it.
  uint64_t gen() const { return block_ == nullptr ? 0 : Header(block_) >> kSizeBits; }
  void* block() const { return block_; }
  PackedList CopyAt(uint64_t gen) const {
    PackedList copy;
    if (block_ == nullptr) return copy;
    size_t bytes = kHeader + size() * sizeof(T);
    copy.block_ = std::malloc(bytes);
    if (copy.block_ == nullptr) throw std::bad_alloc();
    std::memcpy(copy.block_, block_, bytes);
    copy.SetHeader(size(), gen);
    return copy;
  }
  static void Free(void* block) { std::free(block); }

 private:
  friend class ListEdit<T>;
  // The block: its header (generation << kSizeBits | item count, in 8 bytes so that items of
  // 8-byte alignment follow), then the items.
  static constexpr size_t kHeader = 8;
  static uint64_t Header(const void* block) {
    uint64_t header = 0;
    std::memcpy(&header, block, sizeof header);
    return header;
  }
  void SetHeader(size_t count, uint64_t gen) {
    if (gen > kMaxGen) throw std::overflow_error("a list's column outlived 2^40 versions");
    uint64_t header = gen << kSizeBits | count;
    std::memcpy(block_, &header, sizeof header);
  }
  static T* Items(void* block) { return reinterpret_cast<T*>(static_cast<char*>(block) + kHeader); }
  static const T* Items(const void* block) {
    return reinterpret_cast<const T*>(static_cast<const char*>(block) + kHeader);
  }
  T* items() { return block_ == nullptr ? nullptr : Items(block_); }
  // Makes the block (made at `gen`) hold `count` items, the first min(count, size()) kept;
  // none: no block.
  void Resize(size_t count, uint64_t gen) {
    if (count == 0) {
      std::free(block_);
      block_ = nullptr;
      return;
    }
    if (count > kMaxSize) throw std::length_error("a list of more than 16 777 215 items");
    void* grown = std::realloc(block_, kHeader + count * sizeof(T));
    if (grown == nullptr) throw std::bad_alloc();
    block_ = grown;
    SetHeader(count, gen);
  }

  void* block_ = nullptr;
};

// Changes of one list whose block the column made its own at `gen` (Column::Edit): they change
// the block in place or reallocate it, and a list that had none gets one made at `gen`.
template <typename T>
class ListEdit {
 public:
  ListEdit(PackedList<T>& list, uint64_t gen) : list_(list), gen_(gen) {}

  const T* begin() const { return list_.begin(); }
  const T* end() const { return list_.end(); }

  // Inserts `item` before `at` (a pointer into the list, or end()).
  void insert(const T* at, const T& item) {
    size_t index = static_cast<size_t>(at - list_.begin());
    size_t count = list_.size();
    list_.Resize(count + 1, gen_);
    T* items = list_.items();
    std::memmove(items + index + 1, items + index, (count - index) * sizeof(T));
    items[index] = item;
  }
  void push_back(const T& item) { insert(list_.end(), item); }
  void erase(const T* at) {
    size_t index = static_cast<size_t>(at - list_.begin());
    size_t count = list_.size();
    if (index >= count) return;  // end(): nothing to erase
    T* items = list_.items();
    std::memmove(items + index, items + index + 1, (count - index - 1) * sizeof(T));
    list_.Resize(count - 1, gen_);
  }
  // Removes every item for which pred(item) holds, keeping the others' order.
  template <typename Pred>
  void erase_if(Pred&& pred) {
    size_t kept = 0;
    size_t count = list_.size();
    T* items = list_.items();
    for (size_t i = 0; i < count; ++i) {
      if (!pred(items[i])) items[kept++] = items[i];
    }
    if (kept != count) list_.Resize(kept, gen_);
  }

 private:
  PackedList<T>& list_;
  uint64_t gen_;
};

}  // namespace voronka
