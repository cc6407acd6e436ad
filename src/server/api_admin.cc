// The admin's routes (SPEC §6): workspace settings, accounts (also made from the CRM's own
// users), ingest tokens; and the check that keeps hidden pages' reports from a role. Every
// route here answers 403 `not allowed` to anyone but an admin, and works only on the admin's
// own workspace: an id of another workspace's account or token answers as a missing one.
#include <algorithm>
#include <cctype>
#include <initializer_list>

#include "access/ingest_token.h"
#include "access/password.h"
#include "access/role.h"
#include "access/secret.h"
#include "access/workspace_settings.h"
#include "model/time.h"
#include "server/api.h"
#include "server/http_util.h"

namespace voronka {

namespace {

using nlohmann::json;

constexpr size_t kMinPasswordLength = 8;
constexpr size_t kMaxLoginLength = 64;

json AccountJson(const Account& account) {
  return json{{"id", account.id},
              {"login", account.login},
              {"name", account.name},
              {"role", account.role},
              {"crm_user_id", account.crm_user_id},
              {"active", account.active},
              {"created_at", FormatInstant(Instant{account.created_at})}};
}

std::string Hex(std::string_view bytes) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

bool ValidLogin(const std::string& login) {
  if (login.empty() || login.size() > kMaxLoginLength) return false;
  return std::all_of(login.begin(), login.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '.' || c == '_' || c == '-' || c == '@';
  });
}

// The role a CRM user gets when invited without one: head when they head their department,
// else manager.
std::string DefaultRoleOf(const Tables& t, int32_t user) {
  size_t row = static_cast<size_t>(user);
  int32_t department = row < t.users.department.size() ? t.users.department[row] : kNone;
  if (department != kNone && static_cast<size_t>(department) < t.departments.head.size() &&
      t.departments.head[static_cast<size_t>(department)] == user) {
    return "head";
  }
  return "manager";
}

// False (and a 400 answered) when one of `names` is in the body but not a string.
bool StringsOnly(httplib::Response& response, const json& body,
                 std::initializer_list<const char*> names) {
  for (const char* name : names) {
    if (body.contains(name) && !body[name].is_string()) {
      SendError(response, 400, std::string(name) + ": expected a string");
      return false;
    }
  }
  return true;
}

}  // namespace

bool Api::RequireAdmin(RouteContext& context) {
  if (context.caller->account.role == "admin") return true;
  SendError(context.response, 403, "not allowed");
  return false;
}

bool Api::AdmitReportRequest(RouteContext& context, json& request) {
  std::shared_ptr<const AdminSettings> settings = runtime_.settings(context.workspace_id);
  if (settings == nullptr || !request.is_object()) return true;  // answered by the handler
  std::string page = request.contains("page") && request["page"].is_string()
                         ? request["page"].get<std::string>()
                         : "";
  std::string metric = request.contains("metric") && request["metric"].is_string()
                           ? request["metric"].get<std::string>()
                           : "";
  if (!MayRequest(*settings, context.caller->account.role, page, metric)) {
    SendError(context.response, 403, "not allowed");
    return false;
  }
  AddReportDefaults(*settings, request);
  return true;
}

void Api::GetSettings(RouteContext& context) {
  if (!RequireAdmin(context)) return;
  std::shared_ptr<const AdminSettings> settings = runtime_.settings(context.workspace_id);
  if (settings == nullptr)
    return SendError(context.response, 503, "the workspace cannot be loaded");
  json answer = AdminSettingsJson(*settings);
  answer["pages"] = DashboardPages();
  answer["workspace"] = WorkspaceJson(context.workspace_id);
  SendJson(context.response, 200, answer);
}

bool Api::ApplyWorkspaceMember(RouteContext& context, const json& member) {
  if (!member.is_object()) {
    SendError(context.response, 400, "workspace: expected an object");
    return false;
  }
  json record = {{"type", "workspace"}};
  for (const auto& [name, value] : member.items()) {
    // The deep link and the threshold are admin settings of their own (deal_url,
    // forgotten_days), which outlive what a CRM import says.
    if (name != "name" && name != "time_zone" && name != "currency" && name != "locale") {
      SendError(context.response, 400, "workspace." + name + ": unknown member");
      return false;
    }
    if (!value.is_string() || value.get<std::string>().empty()) {
      SendError(context.response, 400, "workspace." + name + ": expected a non-empty string");
      return false;
    }
    record[name] = value;
  }
  if (record.size() == 1) return true;
  // Through the ingest path like any workspace record: stored in the same batch log (durable,
  // replayed on start) and applied to the engine the reports read.
  IngestOutcome outcome = runtime_.Ingest(context.workspace_id, record.dump());
  if (outcome.ok()) return true;
  // "line 1: workspace: time_zone: ..." -> "workspace.time_zone: ..."
  std::string message = outcome.errors.front();
  constexpr std::string_view kPrefix = "line 1: workspace: ";
  if (message.rfind(kPrefix, 0) == 0) message = "workspace." + message.substr(kPrefix.size());
  SendError(context.response, 400, message);
  return false;
}

void Api::PutSettings(RouteContext& context) {
  if (!RequireAdmin(context)) return;
  std::optional<json> body = ParseBodyObject(context.request, context.response);
  if (!body) return;
  std::shared_ptr<const AdminSettings> current = runtime_.settings(context.workspace_id);
  if (current == nullptr) return SendError(context.response, 503, "the workspace cannot be loaded");
  // Members given replace the current ones; the others stay.
  json merged = AdminSettingsJson(*current);
  for (const auto& [name, value] : body->items()) {
    if (name != "workspace") merged[name] = value;
  }
  Result<AdminSettings> parsed = ParseAdminSettings(merged);
  if (!parsed.ok()) return SendError(context.response, 400, parsed.message());
  if (body->contains("workspace") && !ApplyWorkspaceMember(context, (*body)["workspace"])) return;
  Result<bool> saved = runtime_.SaveSettings(context.workspace_id, parsed.value(), context.now);
  if (!saved.ok()) return SendError(context.response, 500, "the settings could not be stored");
  json answer = AdminSettingsJson(parsed.value());
  answer["rebuilding"] = saved.value();
  answer["workspace"] = WorkspaceJson(context.workspace_id);
  SendJson(context.response, 200, answer);
}

void Api::ListAccounts(RouteContext& context) {
  if (!RequireAdmin(context)) return;
  json list = json::array();
  for (const Account& account : runtime_.accounts().Accounts(context.workspace_id)) {
    list.push_back(AccountJson(account));
  }
  SendJson(context.response, 200, list);
}

void Api::AddAccount(RouteContext& context) {
  if (!RequireAdmin(context)) return;
  std::optional<json> body = ParseBodyObject(context.request, context.response);
  if (!body ||
      !StringsOnly(context.response, *body, {"crm_user_id", "role", "login", "name", "password"})) {
    return;
  }
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  Account account;
  account.workspace_id = context.workspace_id;
  account.crm_user_id = body->value("crm_user_id", "");
  account.role = body->value("role", "");
  std::string crm_name;
  if (!account.crm_user_id.empty()) {
    Engine::ReadView view = engine->Read();
    const Tables& t = view.tables();
    int32_t user = t.users.ids.Find(account.crm_user_id);
    if (user == kNone) {
      return SendError(context.response, 400,
                       "crm_user_id: no CRM user '" + account.crm_user_id + "' in this workspace");
    }
    crm_name = t.users.name[static_cast<size_t>(user)];
    if (account.role.empty()) account.role = DefaultRoleOf(t, user);
  }
  if (!ParseRole(account.role)) {
    return SendError(context.response, 400, "role: expected admin, head or manager");
  }
  if (account.role != "admin" && account.crm_user_id.empty()) {
    return SendError(context.response, 400,
                     "crm_user_id: a head or a manager needs the CRM user whose deals they see");
  }
  if (!account.crm_user_id.empty()) {
    for (const Account& other : runtime_.accounts().Accounts(context.workspace_id)) {
      if (other.crm_user_id == account.crm_user_id) {
        return SendError(context.response, 409,
                         "crm_user_id: '" + account.crm_user_id + "' has an account already (" +
                             other.login + ")");
      }
    }
  }
  account.login = body->value("login", account.crm_user_id);
  if (!ValidLogin(account.login)) {
    return SendError(context.response, 400,
                     "login: 1-64 letters, digits and . _ - @ (default: the CRM user id)");
  }
  account.name = body->value("name", crm_name.empty() ? account.login : crm_name);
  std::string password = body->value("password", "");
  bool generated = password.empty();
  if (generated) password = RandomSecret(12);
  if (password.size() < kMinPasswordLength) {
    return SendError(context.response, 400, "password: at least 8 characters");
  }
  Result<std::string> hash = HashPassword(password);
  if (!hash.ok()) return SendError(context.response, 500, "the password could not be hashed");
  account.password_hash = hash.value();
  account.created_at = context.now;
  Result<int64_t> id = runtime_.accounts().AddAccount(account);
  if (!id.ok()) return SendError(context.response, 409, id.message());
  account.id = id.value();
  json answer = AccountJson(account);
  if (generated) answer["password"] = password;  // shown once, never stored in clear
  SendJson(context.response, 201, answer);
}

void Api::UpdateAccount(RouteContext& context) {
  if (!RequireAdmin(context)) return;
  std::optional<json> body = ParseBodyObject(context.request, context.response);
  if (!body || !StringsOnly(context.response, *body, {"crm_user_id", "role", "name", "password"})) {
    return;
  }
  int64_t id = 0;
  try {
    id = std::stoll(context.request.matches[1].str());
  } catch (const std::exception&) {
    return SendError(context.response, 404, "not found");
  }
  std::optional<Account> account = runtime_.accounts().FindAccount(id);
  if (!account || account->workspace_id != context.workspace_id) {
    return SendError(context.response, 404, "not found");
  }
  bool self = account->id == context.caller->account.id;
  std::string role = body->value("role", account->role);
  std::string name = body->value("name", account->name);
  std::string crm_user = body->value("crm_user_id", account->crm_user_id);
  if (!ParseRole(role))
    return SendError(context.response, 400, "role: expected admin, head or manager");
  if (role != "admin" && crm_user.empty()) {
    return SendError(context.response, 400,
                     "crm_user_id: a head or a manager needs the CRM user whose deals they see");
  }
  if (self && role != "admin") {
    return SendError(context.response, 400, "role: an admin cannot take their own admin role");
  }
  if (body->contains("active") && !(*body)["active"].is_boolean()) {
    return SendError(context.response, 400, "active: expected true or false");
  }
  if (self && !body->value("active", true)) {
    return SendError(context.response, 400, "active: an admin cannot disable themself");
  }
  if (body->contains("password")) {
    std::string password = (*body)["password"].get<std::string>();
    if (password.size() < kMinPasswordLength) {
      return SendError(context.response, 400, "password: at least 8 characters");
    }
    Result<std::string> hash = HashPassword(password);
    if (!hash.ok()) return SendError(context.response, 500, "the password could not be hashed");
    // Ends the account's sessions: a reset password logs everyone out of it.
    if (!runtime_.accounts().SetPasswordHash(id, hash.value()).ok()) {
      return SendError(context.response, 500, "the password could not be stored");
    }
  }
  if (!runtime_.accounts().UpdateAccount(id, role, name, crm_user).ok()) {
    return SendError(context.response, 500, "the account could not be stored");
  }
  if (body->contains("active") && (*body)["active"].get<bool>() != account->active) {
    if (!runtime_.accounts().SetActive(id, (*body)["active"].get<bool>()).ok()) {
      return SendError(context.response, 500, "the account could not be stored");
    }
  }
  SendJson(context.response, 200, AccountJson(runtime_.accounts().FindAccount(id).value()));
}

void Api::CrmUsers(RouteContext& context) {
  if (!RequireAdmin(context)) return;
  std::shared_ptr<const Engine> engine = EngineOf(context);
  if (engine == nullptr) return;
  std::map<std::string, Account> by_crm_user;
  for (Account& account : runtime_.accounts().Accounts(context.workspace_id)) {
    if (!account.crm_user_id.empty()) by_crm_user[account.crm_user_id] = std::move(account);
  }
  json list = json::array();
  Engine::ReadView view = engine->Read();
  const Tables& t = view.tables();
  for (int32_t u = 0; u < t.users.ids.size(); ++u) {
    size_t row = static_cast<size_t>(u);
    if (row >= t.users.name.size() || row >= t.users.department.size()) continue;
    std::string id(t.users.ids.Text(u));
    int32_t department = t.users.department[row];
    json item = {{"id", id},
                 {"name", t.users.name[row]},
                 {"department_id", department == kNone ? "" : t.departments.ids.Text(department)},
                 {"active", t.users.active[row] != 0},
                 {"default_role", DefaultRoleOf(t, u)},
                 {"account", nullptr}};
    auto found = by_crm_user.find(id);
    if (found != by_crm_user.end()) {
      item["account"] = {{"id", found->second.id},
                         {"login", found->second.login},
                         {"role", found->second.role},
                         {"active", found->second.active}};
    }
    list.push_back(std::move(item));
  }
  SendJson(context.response, 200, list);
}

void Api::ListTokens(RouteContext& context) {
  if (!RequireAdmin(context)) return;
  json list = json::array();
  for (const IngestTokenInfo& token : runtime_.accounts().IngestTokens()) {
    if (token.workspace_id != context.workspace_id) continue;
    list.push_back({{"id", token.id},
                    {"created_at", FormatInstant(Instant{token.created_at})},
                    {"revoked_at",
                     token.revoked_at ? json(FormatInstant(Instant{*token.revoked_at})) : json()}});
  }
  SendJson(context.response, 200, list);
}

void Api::CreateToken(RouteContext& context) {
  if (!RequireAdmin(context)) return;
  Result<std::string> token =
      IssueIngestToken(runtime_.accounts(), context.workspace_id, context.now);
  if (!token.ok()) return SendError(context.response, 500, "the token could not be stored");
  // The token itself is in this answer only; the store keeps its hash.
  SendJson(context.response, 201,
           json{{"id", Hex(SecretHash(token.value())).substr(0, 16)}, {"token", token.value()}});
}

void Api::RevokeToken(RouteContext& context) {
  if (!RequireAdmin(context)) return;
  std::string id = context.request.matches[1].str();
  Result<bool> revoked =
      runtime_.accounts().RevokeIngestTokenOf(context.workspace_id, id, context.now);
  if (!revoked.ok()) return SendError(context.response, 500, "the token could not be revoked");
  if (!revoked.value()) return SendError(context.response, 404, "not found");
  SendJson(context.response, 200, json{{"revoked", id}});
}

}  // namespace voronka
