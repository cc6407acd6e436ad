// Per-person state: widget layouts (with the admin's defaults per department and per role) and
// saved filters.
// Everything here is keyed by the caller's own account; no id from the request can name
// another person's layout or filter.
#include "access/role.h"
#include "access/visibility_of.h"
#include "server/api.h"
#include "server/http_util.h"

namespace voronka {

namespace {

using nlohmann::json;

constexpr size_t kMaxLayoutBytes = 64 * 1024;
constexpr size_t kMaxFilterBytes = 64 * 1024;
constexpr size_t kMaxFiltersPerAccount = 200;

// Page names are short identifiers chosen by the dashboard.
bool ValidPage(const std::string& page) {
  if (page.empty() || page.size() > 64) return false;
  for (char c : page) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// True when a layout ({"widgets": {id: {..., "hidden": true}}}) hides a widget.
bool HidesWidgets(const json& layout) {
  if (!layout.is_object() || !layout.contains("widgets") || !layout["widgets"].is_object()) {
    return false;
  }
  for (const auto& [id, widget] : layout["widgets"].items()) {
    if (widget.is_object() && widget.value("hidden", false) == true) return true;
  }
  return false;
}

}  // namespace

void Api::GetLayout(RouteContext& context) {
  std::string page = context.request.get_param_value("page");
  if (!ValidPage(page)) return SendError(context.response, 400, "page: expected a page name");
  const Account& account = context.caller->account;
  AccountStore& accounts = runtime_.accounts();
  // The person's own layout, else the default of their department (the nearest one up the
  // tree that has one), else the default of their role.
  std::optional<std::string> body =
      accounts.Layout(account.workspace_id, "account", std::to_string(account.id), page);
  if (!body) {
    if (std::shared_ptr<const Engine> engine = runtime_.engine(account.workspace_id)) {
      std::vector<std::string> departments;
      {
        Engine::ReadView view = engine->Read();
        const Tables& t = view.tables();
        int32_t user = account.crm_user_id.empty() ? kNone : t.users.ids.Find(account.crm_user_id);
        int32_t at = user == kNone || static_cast<size_t>(user) >= t.users.department.size()
                         ? kNone
                         : t.users.department[static_cast<size_t>(user)];
        // At most as many steps as departments: a cycle in bad data cannot loop forever.
        for (int32_t steps = 0; at != kNone && steps <= t.departments.ids.size(); ++steps) {
          departments.emplace_back(t.departments.ids.Text(at));
          if (static_cast<size_t>(at) >= t.departments.parent.size()) break;
          at = t.departments.parent[static_cast<size_t>(at)];
        }
      }
      for (const std::string& department : departments) {
        body = accounts.Layout(account.workspace_id, "department", department, page);
        if (body) break;
      }
    }
  }
  if (!body) body = accounts.Layout(account.workspace_id, "role", account.role, page);
  context.response.status = 200;
  context.response.set_content(body.value_or("null"), "application/json; charset=utf-8");
}

void Api::PutLayout(RouteContext& context) {
  std::string page = context.request.get_param_value("page");
  if (!ValidPage(page)) return SendError(context.response, 400, "page: expected a page name");
  if (context.request.body.size() > kMaxLayoutBytes) {
    return SendError(context.response, 413, "a layout is at most 64 KiB");
  }
  json layout = json::parse(context.request.body, nullptr, /*allow_exceptions=*/false);
  if (layout.is_discarded()) return SendError(context.response, 400, "a layout must be JSON");
  const Account& account = context.caller->account;
  std::string scope = "account";
  std::string owner = std::to_string(account.id);
  bool for_role = context.request.has_param("role");
  bool for_department = context.request.has_param("department");
  if (for_role || for_department) {
    // The default of a role or a department, which only an admin sets.
    if (account.role != "admin") return SendError(context.response, 403, "not allowed");
    if (for_role && for_department) {
      return SendError(context.response, 400, "give role or department, not both");
    }
  }
  if (for_role) {
    std::string role = context.request.get_param_value("role");
    if (!ParseRole(role)) return SendError(context.response, 400, "role: admin, head or manager");
    scope = "role";
    owner = role;
  } else if (for_department) {
    std::string department = context.request.get_param_value("department");
    if (!ValidPage(department)) {
      return SendError(context.response, 400, "department: expected a department id");
    }
    scope = "department";
    owner = department;
  } else if (account.role != "admin" && HidesWidgets(layout)) {
    std::shared_ptr<const AdminSettings> settings = runtime_.settings(account.workspace_id);
    if (settings && !settings->users_may_hide_widgets) {
      return SendError(context.response, 403, "hiding widgets is switched off in this workspace");
    }
  }
  Status stored = runtime_.accounts().PutLayout(account.workspace_id, scope, owner, page,
                                                layout.dump(), context.now);
  if (!stored.ok()) return SendError(context.response, 500, "the layout could not be stored");
  SendJson(context.response, 200, json{{"page", page}, {"scope", scope}});
}

void Api::GetFilters(RouteContext& context) {
  json list = json::array();
  for (const SavedFilter& filter : runtime_.accounts().SavedFilters(context.caller->account.id)) {
    json body = json::parse(filter.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded() || !body.is_object()) body = json::object();
    list.push_back({{"id", filter.id},
                    {"name", filter.name},
                    {"filters", body.value("filters", json::object())},
                    {"period", body.value("period", json())}});
  }
  SendJson(context.response, 200, list);
}

void Api::AddFilter(RouteContext& context) {
  if (context.request.body.size() > kMaxFilterBytes) {
    return SendError(context.response, 413, "a saved filter is at most 64 KiB");
  }
  std::optional<json> body = ParseBodyObject(context.request, context.response);
  if (!body) return;
  if (!(*body)["name"].is_string() || (*body)["name"].get<std::string>().empty()) {
    return SendError(context.response, 400, "name: expected a non-empty string");
  }
  json filters = body->value("filters", json::object());
  if (!filters.is_object()) return SendError(context.response, 400, "filters: expected an object");
  json period = body->value("period", json());
  if (!period.is_null() && !period.is_object()) {
    return SendError(context.response, 400, "period: expected an object");
  }
  const Account& account = context.caller->account;
  if (runtime_.accounts().SavedFilters(account.id).size() >= kMaxFiltersPerAccount) {
    return SendError(context.response, 400, "too many saved filters; delete some first");
  }
  SavedFilter filter;
  filter.account_id = account.id;
  filter.name = (*body)["name"].get<std::string>();
  filter.body = json{{"filters", filters}, {"period", period}}.dump();
  filter.created_at = context.now;
  Result<int64_t> id = runtime_.accounts().AddSavedFilter(account.workspace_id, filter);
  if (!id.ok()) return SendError(context.response, 500, "the filter could not be stored");
  SendJson(
      context.response, 201,
      json{{"id", id.value()}, {"name", filter.name}, {"filters", filters}, {"period", period}});
}

void Api::DeleteFilter(RouteContext& context) {
  int64_t id = 0;
  try {
    id = std::stoll(context.request.matches[1].str());
  } catch (const std::exception&) {
    return SendError(context.response, 404, "not found");
  }
  Result<bool> deleted = runtime_.accounts().DeleteSavedFilter(context.caller->account.id, id);
  if (!deleted.ok()) return SendError(context.response, 500, "the filter could not be deleted");
  // Someone else's filter and no filter at all get the same answer.
  if (!deleted.value()) return SendError(context.response, 404, "not found");
  SendJson(context.response, 200, json{{"deleted", id}});
}

}  // namespace voronka
