// PackedList<T>: a per-row list of plain items (a deal's stage history, its update times, its
// long gaps between touches) in one heap block of exactly its items, behind an 8-byte pointer
// that is null when the list is empty.
//
// A column of lists holds one per row, and most rows of some lists are empty: a std::vector
// costs 24 bytes a row plus its spare capacity, this costs 8. Copying a list (which a column
// does for every list of a segment it copies) is one allocation of the list's size. Changes
// reallocate: the lists are short and change a few times each.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <new>
#include <type_traits>
#include <utility>

namespace voronka {

template <typename T>
class PackedList {
  static_assert(std::is_trivially_copyable_v<T> && alignof(T) <= 8);

 public:
  PackedList() = default;
  PackedList(const PackedList& other) : block_(Clone(other.block_)) {}
  PackedList(PackedList&& other) noexcept : block_(std::exchange(other.block_, nullptr)) {}
  PackedList& operator=(PackedList other) noexcept {
    std::swap(block_, other.block_);
    return *this;
  }
  ~PackedList() { std::free(block_); }

  size_t size() const { return block_ == nullptr ? 0 : Size(block_); }
  bool empty() const { return block_ == nullptr; }
  const T* begin() const { return block_ == nullptr ? nullptr : Items(block_); }
  const T* end() const { return begin() + size(); }
  T* begin() { return block_ == nullptr ? nullptr : Items(block_); }
  T* end() { return begin() + size(); }
  std::reverse_iterator<const T*> rbegin() const { return std::reverse_iterator<const T*>(end()); }
  std::reverse_iterator<const T*> rend() const { return std::reverse_iterator<const T*>(begin()); }
  const T& operator[](size_t i) const { return begin()[i]; }
  const T& front() const { return *begin(); }
  const T& back() const { return end()[-1]; }
  // Bytes of its heap block (with a 16-byte malloc header), for memory accounting.
  size_t heap_bytes() const { return block_ == nullptr ? 0 : kHeader + size() * sizeof(T) + 16; }

  // Inserts `item` before `at` (a pointer into this list, or end()).
  void insert(const T* at, const T& item) {
    size_t index = static_cast<size_t>(at - begin());
    size_t count = size();
    Resize(count + 1);
    T* items = Items(block_);
    std::memmove(items + index + 1, items + index, (count - index) * sizeof(T));
    items[index] = item;
  }
  void push_back(const T& item) { insert(end(), item); }
  void erase(const T* at) {
    size_t index = static_cast<size_t>(at - begin());
    size_t count = size();
    if (index >= count) return;  // end(): nothing to erase
    T* items = Items(block_);
    std::memmove(items + index, items + index + 1, (count - index - 1) * sizeof(T));
    Resize(count - 1);
  }
  // Removes every item for which pred(item) holds, keeping the others' order.
  template <typename Pred>
  void erase_if(Pred&& pred) {
    size_t kept = 0;
    T* items = begin();
    for (size_t i = 0; i < size(); ++i) {
      if (!pred(items[i])) items[kept++] = items[i];
    }
    if (kept != size()) Resize(kept);
  }

 private:
  // The block: the item count (in 8 bytes, so that items of 8-byte alignment follow), then
  // the items.
  static constexpr size_t kHeader = 8;
  static size_t Size(const void* block) {
    uint64_t size = 0;
    std::memcpy(&size, block, sizeof size);
    return static_cast<size_t>(size);
  }
  static T* Items(void* block) { return reinterpret_cast<T*>(static_cast<char*>(block) + kHeader); }
  static const T* Items(const void* block) {
    return reinterpret_cast<const T*>(static_cast<const char*>(block) + kHeader);
  }
  static void* Clone(const void* block) {
    if (block == nullptr) return nullptr;
    size_t bytes = kHeader + Size(block) * sizeof(T);
    void* copy = std::malloc(bytes);
    if (copy == nullptr) throw std::bad_alloc();
    std::memcpy(copy, block, bytes);
    return copy;
  }
  // Makes the block hold `count` items (the first min(count, size()) kept); none: no block.
  void Resize(size_t count) {
    if (count == 0) {
      std::free(block_);
      block_ = nullptr;
      return;
    }
    void* grown = std::realloc(block_, kHeader + count * sizeof(T));
    if (grown == nullptr) throw std::bad_alloc();
    block_ = grown;
    uint64_t size = count;
    std::memcpy(block_, &size, sizeof size);
  }

  void* block_ = nullptr;
};

}  // namespace voronka
