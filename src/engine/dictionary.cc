#include "engine/dictionary.h"

namespace voronka {

int32_t Dictionary::Intern(std::string_view text) {
  auto found = ids_.find(text);
  if (found != ids_.end()) return found->second;
  int32_t id = size();
  texts_.emplace_back(text);
  ids_.emplace(std::string(text), id);
  return id;
}

int32_t Dictionary::Find(std::string_view text) const {
  auto found = ids_.find(text);
  return found == ids_.end() ? kNone : found->second;
}

const std::string& Dictionary::Text(int32_t id) const {
  static const std::string kEmpty;
  return id < 0 || id >= size() ? kEmpty : texts_[static_cast<size_t>(id)];
}

}  // namespace voronka
