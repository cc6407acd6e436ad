#include "engine/dictionary.h"

#include <sys/mman.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "model/text_hash.h"

namespace voronka {

namespace {

int32_t IdOf(uint64_t word) {
  return static_cast<int32_t>(static_cast<uint32_t>(word));
}
uint32_t HashOfWord(uint64_t word) {
  return static_cast<uint32_t>(word >> 32);
}
uint64_t WordOf(int32_t id, uint32_t hash) {
  return (uint64_t{hash} << 32) | static_cast<uint32_t>(id);
}

constexpr size_t kLongText = 0xFFFF;          // a reference's length field: "long form"
constexpr size_t kMaxChunk = size_t{1} << 16;  // 64 KiB
constexpr uint64_t kAddressMask = (uint64_t{1} << 48) - 1;

uint64_t RefOf(const char* bytes, size_t length) {
  auto address = reinterpret_cast<uintptr_t>(bytes);
  if ((address & ~kAddressMask) != 0) {
    // Not reachable with the address spaces Linux gives user programs on x86-64 and AArch64.
    std::fprintf(stderr, "Dictionary: a heap address above 2^48\n");
    std::abort();
  }
  return (uint64_t{std::min(length, kLongText)} << 48) | address;
}

std::string_view TextOf(uint64_t ref) {
  const char* bytes = reinterpret_cast<const char*>(static_cast<uintptr_t>(ref & kAddressMask));
  size_t length = static_cast<size_t>(ref >> 48);
  if (length == kLongText) std::memcpy(&length, bytes - sizeof(uint64_t), sizeof(uint64_t));
  return std::string_view(bytes, length);
}

}  // namespace

const char* Dictionary::Arena::Append(std::string_view text) {
  // An empty text takes no bytes (and memcpy must not be given the null data of an empty view).
  if (text.empty()) return "";
  size_t prefix = text.size() >= kLongText ? sizeof(uint64_t) : 0;
  size_t need = prefix + text.size();
  if (need > left_) {
    size_t size = need > kMaxChunk / 4 ? need : next_chunk_;
    if (size == next_chunk_) next_chunk_ = std::min(next_chunk_ * 2, kMaxChunk);
    chunks_.emplace_back(new char[size]);
    allocated_ += size + 16;
    if (size == need && need > kMaxChunk / 4) {
      // A long text gets a chunk of its own; the current chunk keeps its free bytes.
      char* bytes = chunks_.back().get();
      uint64_t length = text.size();
      if (prefix != 0) std::memcpy(bytes, &length, sizeof(length));
      std::memcpy(bytes + prefix, text.data(), text.size());
      return bytes + prefix;
    }
    tail_ = chunks_.back().get();
    left_ = size;
  }
  char* bytes = tail_;
  std::memcpy(bytes + prefix, text.data(), text.size());
  tail_ += need;
  left_ -= need;
  return bytes + prefix;
}

Dictionary::Slots::Slots(size_t count) : size(count) {
  constexpr size_t kHugePage = size_t{2} << 20;
  size_t bytes = count * sizeof(std::atomic<uint64_t>);
  void* memory = nullptr;
  if (bytes >= 2 * kHugePage) {  // count is a power of two: bytes is a multiple of 2 MiB
    memory = std::aligned_alloc(kHugePage, bytes);
    if (memory != nullptr) madvise(memory, bytes, MADV_HUGEPAGE);  // a hint: may be refused
  } else {
    memory = std::malloc(bytes);
  }
  if (memory == nullptr) throw std::bad_alloc();
  words = static_cast<std::atomic<uint64_t>*>(memory);
  for (size_t i = 0; i < count; ++i) new (&words[i]) std::atomic<uint64_t>(kEmptyWord);
}

Dictionary::Slots::~Slots() {
  std::free(words);
}

void Dictionary::Prefetch(std::string_view text) const {
  if (slots_ != nullptr) __builtin_prefetch(&slots_->words[TextHash(text) & (slots_->size - 1)]);
}

size_t Dictionary::SlotOf(std::string_view text, uint32_t hash, int32_t limit) const {
  size_t mask = slots_->size - 1;
  size_t slot = hash & mask;
  while (true) {
    uint64_t word = slots_->words[slot].load(std::memory_order_acquire);
    int32_t id = IdOf(word);
    if (id == kNone) return slot;
    // Ids at or past `limit` were interned after this copy was made: not ours, keep probing.
    if (id < limit && HashOfWord(word) == hash &&
        TextOf(refs_[static_cast<size_t>(id)]) == text) {
      return slot;
    }
    slot = (slot + 1) & mask;
  }
}

void Dictionary::Reserve(size_t texts) {
  size_t count = slots_ == nullptr ? 16 : slots_->size;
  while ((texts + 1) * 4 > count * 3) count *= 2;
  if (slots_ == nullptr || count > slots_->size) GrowTo(count);
}

void Dictionary::GrowTo(size_t count) {
  auto grown = std::make_shared<Slots>(count);
  size_t mask = count - 1;
  if (slots_ != nullptr) {
    for (size_t i = 0; i < slots_->size; ++i) {
      uint64_t word = slots_->words[i].load(std::memory_order_relaxed);
      if (IdOf(word) == kNone) continue;
      size_t slot = HashOfWord(word) & mask;
      while (IdOf(grown->words[slot].load(std::memory_order_relaxed)) != kNone) {
        slot = (slot + 1) & mask;
      }
      grown->words[slot].store(word, std::memory_order_relaxed);
    }
  }
  slots_ = std::move(grown);
}

int32_t Dictionary::Intern(std::string_view text) {
  if (slots_ == nullptr || (refs_.size() + 1) * 4 > slots_->size * 3) {
    GrowTo(slots_ == nullptr ? 16 : slots_->size * 2);
  }
  uint32_t hash = TextHash(text);
  size_t slot = SlotOf(text, hash, size());
  uint64_t word = slots_->words[slot].load(std::memory_order_relaxed);
  if (IdOf(word) != kNone) return IdOf(word);
  int32_t id = size();
  if (arena_ == nullptr) arena_ = std::make_shared<Arena>();
  refs_.push_back(RefOf(arena_->Append(text), text.size()));
  slots_->words[slot].store(WordOf(id, hash), std::memory_order_release);
  return id;
}

int32_t Dictionary::Find(std::string_view text) const {
  if (slots_ == nullptr) return kNone;
  size_t slot = SlotOf(text, TextHash(text), size());
  int32_t id = IdOf(slots_->words[slot].load(std::memory_order_acquire));
  return id < size() ? id : kNone;  // an empty slot may have been filled since, by a newer copy
}

std::string_view Dictionary::Text(int32_t id) const {
  return id < 0 || id >= size() ? std::string_view() : TextOf(refs_[static_cast<size_t>(id)]);
}

size_t Dictionary::allocated_bytes() const {
  size_t bytes = refs_.allocated_bytes();
  if (arena_ != nullptr) bytes += arena_->allocated_bytes();
  if (slots_ != nullptr) bytes += slots_->size * sizeof(uint64_t) + 16;
  return bytes;
}

std::string LowercaseText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char byte = static_cast<unsigned char>(text[i]);
    if (byte >= 'A' && byte <= 'Z') {
      out.push_back(static_cast<char>(byte - 'A' + 'a'));
      continue;
    }
    if (i + 1 < text.size()) {
      unsigned char next = static_cast<unsigned char>(text[i + 1]);
      // Cyrillic capitals in UTF-8: Ѐ-Џ = D0 80..8F (-> D1 90..9F), А-П = D0 90..9F
      // (-> D0 B0..BF), Р-Я = D0 A0..AF (-> D1 80..8F).
      if (byte == 0xD0 && next >= 0x80 && next <= 0xAF) {
        if (next <= 0x8F) {
          out += {static_cast<char>(0xD1), static_cast<char>(next + 0x10)};
        } else if (next <= 0x9F) {
          out += {static_cast<char>(0xD0), static_cast<char>(next + 0x20)};
        } else {
          out += {static_cast<char>(0xD1), static_cast<char>(next - 0x20)};
        }
        ++i;
        continue;
      }
    }
    out.push_back(static_cast<char>(byte));
  }
  return out;
}

}  // namespace voronka
