// The three roles of SPEC §6.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace voronka {

enum class Role { kAdmin, kHead, kManager };

// "admin", "head", "manager"; anything else is none.
std::optional<Role> ParseRole(std::string_view text);
std::string_view RoleName(Role role);

}  // namespace voronka
