#include "access/role.h"

namespace voronka {

std::optional<Role> ParseRole(std::string_view text) {
  if (text == "admin") return Role::kAdmin;
  if (text == "head") return Role::kHead;
  if (text == "manager") return Role::kManager;
  return std::nullopt;
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kAdmin:
      return "admin";
    case Role::kHead:
      return "head";
    case Role::kManager:
      return "manager";
  }
  return "manager";
}

}  // namespace voronka
