// SPEC §6 row visibility of an account over its workspace's engine tables.
#pragma once

#include <string>
#include <string_view>

#include "engine/tables.h"
#include "metrics/visibility.h"
#include "store/meta_store.h"

namespace voronka {

// The CRM department of the account's CRM user in the engine, or "" when it has none.
std::string DepartmentOfAccount(const Account& account, const Tables& tables);

// True when the account's CRM user is in department `department_id` or one below it.
bool AccountInDepartment(const Account& account, const Tables& tables,
                         std::string_view department_id);

// What the account may see: admin everything; head the users of their CRM user's department
// and its sub-departments; manager their own CRM user. Fails closed: an unknown role, a head
// without department or an account without CRM user sees nothing (all = false, no users).
Visibility VisibilityOfAccount(const Account& account, const Tables& tables);

// The department ids a head sees (their department and every sub-department); every
// department for an admin; the manager's own department (for its label) for a manager.
std::vector<int32_t> VisibleDepartments(const Account& account, const Tables& tables);

}  // namespace voronka
