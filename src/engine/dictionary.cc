#include "engine/dictionary.h"

#include <functional>

namespace voronka {

namespace {

uint32_t HashOf(std::string_view text) {
  // std::hash of a string_view is a good byte hash; the mix spreads it over the low bits the
  // table masks with.
  uint64_t h = std::hash<std::string_view>{}(text);
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return static_cast<uint32_t>(h);
}

int32_t IdOf(uint64_t word) {
  return static_cast<int32_t>(static_cast<uint32_t>(word));
}
uint32_t HashOfWord(uint64_t word) {
  return static_cast<uint32_t>(word >> 32);
}
uint64_t WordOf(int32_t id, uint32_t hash) {
  return (uint64_t{hash} << 32) | static_cast<uint32_t>(id);
}

}  // namespace

size_t Dictionary::SlotOf(std::string_view text, uint32_t hash, int32_t limit) const {
  size_t mask = slots_->size - 1;
  size_t slot = hash & mask;
  while (true) {
    uint64_t word = slots_->words[slot].load(std::memory_order_acquire);
    int32_t id = IdOf(word);
    if (id == kNone) return slot;
    // Ids at or past `limit` were interned after this copy was made: not ours, keep probing.
    if (id < limit && HashOfWord(word) == hash && texts_[static_cast<size_t>(id)] == text) {
      return slot;
    }
    slot = (slot + 1) & mask;
  }
}

void Dictionary::Grow() {
  size_t count = slots_ == nullptr ? 16 : slots_->size * 2;
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
  if (slots_ == nullptr || (texts_.size() + 1) * 2 > slots_->size) Grow();
  uint32_t hash = HashOf(text);
  size_t slot = SlotOf(text, hash, size());
  uint64_t word = slots_->words[slot].load(std::memory_order_relaxed);
  if (IdOf(word) != kNone) return IdOf(word);
  int32_t id = size();
  texts_.emplace_back(text);
  slots_->words[slot].store(WordOf(id, hash), std::memory_order_release);
  return id;
}

int32_t Dictionary::Find(std::string_view text) const {
  if (slots_ == nullptr) return kNone;
  size_t slot = SlotOf(text, HashOf(text), size());
  int32_t id = IdOf(slots_->words[slot].load(std::memory_order_acquire));
  return id < size() ? id : kNone;  // an empty slot may have been filled since, by a newer copy
}

const std::string& Dictionary::Text(int32_t id) const {
  static const std::string kEmpty;
  return id < 0 || id >= size() ? kEmpty : texts_[static_cast<size_t>(id)];
}

}  // namespace voronka
