#include "access/visibility_of.h"

#include "access/role.h"

namespace voronka {

namespace {

size_t Row(int32_t id) {
  return static_cast<size_t>(id);
}

int32_t UserRow(const Account& account, const Tables& t) {
  if (account.crm_user_id.empty()) return kNone;
  int32_t user = t.users.ids.Find(account.crm_user_id);
  return user;
}

int32_t DepartmentRow(const Account& account, const Tables& t) {
  int32_t user = UserRow(account, t);
  if (user == kNone || Row(user) >= t.users.department.size()) return kNone;
  return t.users.department[Row(user)];
}

// True when `department` is `root` or below it. Walks at most as many parents as there are
// departments, so a cycle in bad data cannot loop forever.
bool IsWithin(const Tables& t, int32_t department, int32_t root) {
  int32_t at = department;
  for (int32_t steps = 0; at != kNone && steps <= t.departments.ids.size(); ++steps) {
    if (at == root) return true;
    if (Row(at) >= t.departments.parent.size()) return false;
    at = t.departments.parent[Row(at)];
  }
  return false;
}

}  // namespace

std::string DepartmentOfAccount(const Account& account, const Tables& tables) {
  int32_t department = DepartmentRow(account, tables);
  return std::string(tables.departments.ids.Text(department));  // "" for kNone
}

bool AccountInDepartment(const Account& account, const Tables& tables,
                         std::string_view department_id) {
  int32_t root = tables.departments.ids.Find(department_id);
  int32_t own = DepartmentRow(account, tables);
  return root != kNone && own != kNone && IsWithin(tables, own, root);
}

Visibility VisibilityOfAccount(const Account& account, const Tables& t) {
  Visibility visibility;
  visibility.all = false;
  std::optional<Role> role = ParseRole(account.role);
  if (!role) return visibility;
  switch (*role) {
    case Role::kAdmin:
      visibility.all = true;
      break;
    case Role::kManager:
      if (!account.crm_user_id.empty()) visibility.user_ids.push_back(account.crm_user_id);
      break;
    case Role::kHead: {
      int32_t root = DepartmentRow(account, t);
      if (root == kNone) break;
      for (int32_t u = 0; u < t.users.ids.size(); ++u) {
        if (IsWithin(t, t.users.department[Row(u)], root)) {
          visibility.user_ids.emplace_back(t.users.ids.Text(u));
        }
      }
      break;
    }
  }
  return visibility;
}

std::vector<int32_t> VisibleDepartments(const Account& account, const Tables& t) {
  std::vector<int32_t> departments;
  std::optional<Role> role = ParseRole(account.role);
  if (!role) return departments;
  int32_t own = DepartmentRow(account, t);
  for (int32_t d = 0; d < t.departments.ids.size(); ++d) {
    bool visible = false;
    switch (*role) {
      case Role::kAdmin:
        visible = true;
        break;
      case Role::kHead:
        visible = own != kNone && IsWithin(t, d, own);
        break;
      case Role::kManager:
        visible = d == own;
        break;
    }
    if (visible) departments.push_back(d);
  }
  return departments;
}

}  // namespace voronka
