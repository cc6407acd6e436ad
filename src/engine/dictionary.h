// Dictionary: interns strings to dense int32 ids so that columns and hot loops hold integers.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>  // kept for includers that relied on it
#include <vector>

#include "engine/column.h"

namespace voronka {

// The id of "nothing" in every interned column (no responsible, no company, ...).
inline constexpr int32_t kNone = -1;

// Copying a dictionary is cheap (the texts are a Column, the slot table is shared), so engine
// snapshots copy it per batch. The copy and the original may then be used from different
// threads, one interning and the others finding: see Intern and Find.
class Dictionary {
 public:
  // The id of `text`, adding it when new. Ids are 0, 1, 2, ... in order of first sight.
  int32_t Intern(std::string_view text);
  // The id of `text`, or kNone when it was never interned (in this copy: ids added after the
  // copy was made are not found in it).
  int32_t Find(std::string_view text) const;
  // The text of an id; "" for kNone.
  const std::string& Text(int32_t id) const;
  int32_t size() const { return static_cast<int32_t>(texts_.size()); }

 private:
  // Open addressing over ids (linear probing, at most half full): 8 bytes a slot instead of a
  // node per string, because activity ids alone are tens of millions per workspace. A slot
  // keeps 32 bits of its text's hash, so a probe compares text only when those bits match
  // (a text compare is a cache miss into `texts_`). Slots are atomic words (id in the low half,
  // hash in the high half) shared by every copy: Intern only ever fills an empty slot, with a
  // new id that older copies do not know, and Find skips ids past its own size, so a copy
  // finds exactly its own texts while a newer one interns. Growing builds a new table; older
  // copies keep theirs.
  struct Slots {
    explicit Slots(size_t count) : words(new std::atomic<uint64_t>[count]), size(count) {
      for (size_t i = 0; i < count; ++i) words[i].store(kEmptyWord, std::memory_order_relaxed);
    }
    std::unique_ptr<std::atomic<uint64_t>[]> words;
    size_t size;
  };
  static constexpr uint64_t kEmptyWord = static_cast<uint32_t>(kNone);

  // The slot holding `text` among ids below `limit`, or the empty slot ending its probe.
  size_t SlotOf(std::string_view text, uint32_t hash, int32_t limit) const;
  void Grow();

  Column<std::string> texts_;
  std::shared_ptr<Slots> slots_;  // size a power of two
};

}  // namespace voronka
