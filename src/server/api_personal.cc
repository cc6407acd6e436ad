// Per-person state: widget layouts (with the admin's defaults per role) and saved filters.
// Everything here is keyed by the caller's own account; no id from the request can name
// another person's layout or filter.
#include "access/role.h"
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

}  // namespace

void Api::GetLayout(RouteContext& context) {
  std::string page = context.request.get_param_value("page");
  if (!ValidPage(page)) return SendError(context.response, 400, "page: expected a page name");
  const Account& account = context.caller->account;
  AccountStore& accounts = runtime_.accounts();
  std::optional<std::string> body =
      accounts.Layout(account.workspace_id, "account", std::to_string(account.id), page);
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
  if (context.request.has_param("role")) {
    // The default of a role, which only an admin sets.
    if (account.role != "admin") return SendError(context.response, 403, "not allowed");
    std::string role = context.request.get_param_value("role");
    if (!ParseRole(role)) return SendError(context.response, 400, "role: admin, head or manager");
    scope = "role";
    owner = role;
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
