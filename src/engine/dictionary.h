// Dictionary: interns strings to dense int32 ids so that columns and hot loops hold integers.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
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
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
  };
  std::unordered_map<std::string, int32_t, Hash, std::equal_to<>> ids_;
  std::vector<std::string> texts_;
};

}  // namespace voronka
