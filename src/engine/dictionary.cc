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

}  // namespace

size_t Dictionary::SlotOf(std::string_view text, uint32_t hash) const {
  size_t mask = slots_.size() - 1;
  size_t slot = hash & mask;
  while (slots_[slot].id != kNone &&
         (slots_[slot].hash != hash || texts_[static_cast<size_t>(slots_[slot].id)] != text)) {
    slot = (slot + 1) & mask;
  }
  return slot;
}

void Dictionary::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 16 : old.size() * 2, Slot{});
  size_t mask = slots_.size() - 1;
  for (const Slot& entry : old) {
    if (entry.id == kNone) continue;
    size_t slot = entry.hash & mask;
    while (slots_[slot].id != kNone) slot = (slot + 1) & mask;
    slots_[slot] = entry;
  }
}

int32_t Dictionary::Intern(std::string_view text) {
  if ((texts_.size() + 1) * 2 > slots_.size()) Grow();
  uint32_t hash = HashOf(text);
  size_t slot = SlotOf(text, hash);
  if (slots_[slot].id != kNone) return slots_[slot].id;
  int32_t id = size();
  texts_.emplace_back(text);
  slots_[slot] = Slot{id, hash};
  return id;
}

int32_t Dictionary::Find(std::string_view text) const {
  if (slots_.empty()) return kNone;
  return slots_[SlotOf(text, HashOf(text))].id;
}

const std::string& Dictionary::Text(int32_t id) const {
  static const std::string kEmpty;
  return id < 0 || id >= size() ? kEmpty : texts_[static_cast<size_t>(id)];
}

}  // namespace voronka
