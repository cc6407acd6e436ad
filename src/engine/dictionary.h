// Dictionary: interns strings to dense int32 ids so that columns and hot loops hold integers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>  // kept for includers that relied on it
#include <vector>

namespace voronka {

// The id of "nothing" in every interned column (no responsible, no company, ...).
inline constexpr int32_t kNone = -1;

class Dictionary {
 public:
  // The id of `text`, adding it when new. Ids are 0, 1, 2, ... in order of first sight.
  int32_t Intern(std::string_view text);
  // The id of `text`, or kNone when it was never interned.
  int32_t Find(std::string_view text) const;
  // The text of an id; "" for kNone.
  const std::string& Text(int32_t id) const;
  int32_t size() const { return static_cast<int32_t>(texts_.size()); }

 private:
  // Open addressing over ids (linear probing, at most half full): 8 bytes a slot instead of a
  // node per string, because activity ids alone are tens of millions per workspace. A slot
  // keeps 32 bits of its text's hash, so a probe compares text only when those bits match
  // (a text compare is a cache miss into `texts_`).
  struct Slot {
    int32_t id = kNone;  // kNone: empty
    uint32_t hash = 0;
  };
  size_t SlotOf(std::string_view text, uint32_t hash) const;
  void Grow();

  std::vector<std::string> texts_;
  std::vector<Slot> slots_;  // size a power of two
};

}  // namespace voronka
