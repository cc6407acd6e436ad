// Dictionary: interns strings to dense int32 ids so that columns and hot loops hold integers.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/column.h"

namespace voronka {

// The id of "nothing" in every interned column (no responsible, no company, ...).
inline constexpr int32_t kNone = -1;

// Copying a dictionary is cheap (the per-id references are a Column, the text bytes and the
// slot table are shared), so engine snapshots copy it per batch. The copy and the original may
// then be used from different threads, one interning and the others finding: see Intern and
// Find.
class Dictionary {
 public:
  // The id of `text`, adding it when new. Ids are 0, 1, 2, ... in order of first sight.
  int32_t Intern(std::string_view text);
  // The id of `text`, or kNone when it was never interned (in this copy: ids added after the
  // copy was made are not found in it).
  int32_t Find(std::string_view text) const;
  // Starts loading the slot where `text`'s lookup begins, for an Intern or Find a few records
  // later: a bulk load of tens of millions of ids waits on one cache miss per lookup otherwise.
  void Prefetch(std::string_view text) const;
  // The text of an id; "" for kNone. The bytes stay valid as long as any copy of this
  // dictionary lives.
  std::string_view Text(int32_t id) const;
  int32_t size() const { return static_cast<int32_t>(refs_.size()); }
  // Makes room for `texts` texts in all, so that interning up to that many never rebuilds the
  // slot table on the way (a bulk load that knows how many are coming).
  void Reserve(size_t texts);
  // Bytes held for the texts, their references and the slot table (16 bytes of malloc header
  // per allocation), for memory accounting.
  size_t allocated_bytes() const;

 private:
  // The texts' bytes, one after another in chunks that never move (tens of millions of
  // activity ids cost their length plus an 8-byte reference each, not a 32-byte std::string
  // and a heap block). Shared by every copy and only appended to, by the writer: a copy reads
  // only the bytes of its own ids, written before it was made, so appending never changes
  // memory a reader can reach. Freed with the last copy.
  class Arena {
   public:
    // Stores `text` and returns where its bytes begin (texts of 64 KiB or more are preceded
    // by their 8-byte length).
    const char* Append(std::string_view text);
    size_t allocated_bytes() const { return allocated_; }

   private:
    std::vector<std::unique_ptr<char[]>> chunks_;
    char* tail_ = nullptr;  // free bytes of the last chunk
    size_t left_ = 0;
    size_t next_chunk_ = 256;  // chunks grow to 64 KiB, so small dictionaries stay small
    size_t allocated_ = 0;
  };

  // Open addressing over ids (linear probing, at most three quarters full): 8 bytes a slot
  // instead of a node per string, because activity ids alone are tens of millions per
  // workspace. A slot keeps 32 bits of its text's hash, so a probe compares text only when
  // those bits match (a text compare is a cache miss into the arena). Slots are atomic words
  // (id in the low half, hash in the high half) shared by every copy: Intern only ever fills an
  // empty slot, with a new id that older copies do not know, and Find skips ids past its own
  // size, so a copy finds exactly its own texts while a newer one interns. Growing builds a new
  // table; older copies keep theirs.
  // A table of 4 MiB or more asks for huge pages: its lookups land anywhere in it, and with
  // 4 KiB pages each would also miss the TLB.
  struct Slots {
    explicit Slots(size_t count);
    ~Slots();
    Slots(const Slots&) = delete;
    Slots& operator=(const Slots&) = delete;
    std::atomic<uint64_t>* words;
    size_t size;
  };
  static constexpr uint64_t kEmptyWord = static_cast<uint32_t>(kNone);

  // The slot holding `text` among ids below `limit`, or the empty slot ending its probe.
  size_t SlotOf(std::string_view text, uint32_t hash, int32_t limit) const;
  // Replaces the slot table with one of `count` slots (a power of two) holding every id.
  void GrowTo(size_t count);

  // Per id, where its text is: the address of its first byte in the arena (low 48 bits; user
  // space addresses fit in 47 on x86-64 and 48 on AArch64) and its length (high 16 bits;
  // 0xFFFF: the length is the 8 bytes before the text).
  Column<uint64_t> refs_;
  std::shared_ptr<Arena> arena_;
  std::shared_ptr<Slots> slots_;  // size a power of two
};

// Lowercases UTF-8 Latin and Cyrillic letters (А-Я, Ё, and A-Z); other bytes are kept.
std::string LowercaseText(std::string_view text);

}  // namespace voronka
