// Visibility: which part of a workspace a request may see (filled by the access layer).
#pragma once

#include <string>
#include <vector>

namespace voronka {

// When `all` is false, only deals whose responsible is in `user_ids` exist for a request, and
// only activities and tasks whose user is in `user_ids` or that belong to such deals.
struct Visibility {
  bool all = true;
  std::vector<std::string> user_ids;
};

}  // namespace voronka
