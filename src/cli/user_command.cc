// `voronka user`: the accounts people log in with.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

#include "access/password.h"
#include "access/role.h"
#include "cli/commands.h"
#include "cli/stores.h"
#include "clickhouse/directory_reader.h"

namespace voronka::cli {

namespace {

struct UserOptions {
  StoreOptions stores;
  std::string login;
  std::string password;
  bool password_stdin = false;
  std::string role;
  std::string crm_user;
  std::string name;
  std::string workspace;
};

[[noreturn]] void Fail(const char* command, const std::string& message, int code) {
  std::fprintf(stderr, "voronka user %s: %s\n", command, message.c_str());
  throw CLI::RuntimeError(code);
}

Stores Open(const char* command, const UserOptions& options) {
  Result<Stores> stores = OpenStores(options.stores);
  if (!stores.ok()) Fail(command, stores.message(), kExitFailure);
  return std::move(stores).value();
}

// The password from --password or, with --password-stdin, the first line of stdin.
std::string ReadPassword(const char* command, const UserOptions& options) {
  std::string password = options.password;
  if (options.password_stdin) {
    if (!options.password.empty())
      Fail(command, "give --password or --password-stdin", kExitBadInput);
    std::getline(std::cin, password);
    if (!password.empty() && password.back() == '\r') password.pop_back();
  }
  if (password.empty()) Fail(command, "a password is required", kExitBadInput);
  return password;
}

// A CRM user as the workspace's data describes them.
struct CrmUser {
  bool found = false;
  std::string name;
  bool heads_department = false;  // the head of their own department
};

// Reads the workspace's users and departments (from the data directory, or in the scale-out
// mode from ClickHouse) and finds user `id` among them.
CrmUser FindCrmUser(const UserOptions& options, const Stores& stores, int64_t workspace_id,
                    const std::string& id) {
  CrmUser user;
  std::optional<std::string> department;
  std::map<std::string, std::optional<std::string>> heads;  // department -> head
  auto look = [&](const RecordBody& body) {
    if (const auto* u = std::get_if<UserRecord>(&body); u != nullptr && u->id == id) {
      user.found = true;
      user.name = u->name;
      department = u->department_id;
    } else if (const auto* d = std::get_if<DepartmentRecord>(&body)) {
      heads[d->id] = d->head_id;
    }
  };
  if (!options.stores.facts_uri.empty()) {
    Result<clickhouse::Client> client = clickhouse::Client::Open(options.stores.facts_uri);
    if (!client.ok()) Fail("add", client.message(), kExitBadInput);
    std::optional<WorkspaceInfo> info = stores.workspaces->FindWorkspace(workspace_id);
    Result<clickhouse::Directory> directory =
        clickhouse::ReadDirectory(client.value(), info ? info->name : "");
    if (!directory.ok()) Fail("add", directory.message(), kExitFailure);
    for (const UserRecord& record : directory->users) look(record);
    for (const DepartmentRecord& record : directory->departments) look(record);
  } else {
    Status loaded =
        stores.records->Load(workspace_id, [&](const Record& record) { look(record.body); });
    if (!loaded.ok()) Fail("add", loaded.message(), kExitFailure);
  }
  user.heads_department = department && heads.count(*department) && heads[*department] == id;
  return user;
}

void AddUser(UserOptions options) {
  std::optional<Role> role = ParseRole(options.role);
  if (!role && !(options.role.empty() && !options.crm_user.empty())) {
    Fail("add", "--role must be admin, head or manager", kExitBadInput);
  }
  if (role && *role != Role::kAdmin && options.crm_user.empty()) {
    Fail("add", "a head or a manager needs --crm-user (the CRM user whose deals they see)",
         kExitBadInput);
  }
  if (options.login.empty()) options.login = options.crm_user;
  if (options.login.empty()) Fail("add", "give --login (or --crm-user)", kExitBadInput);
  std::string password = ReadPassword("add", options);
  Stores stores = Open("add", options);
  Result<int64_t> workspace = ChooseWorkspace(*stores.workspaces, options.workspace);
  if (!workspace.ok()) {
    Fail("add", workspace.message(), options.workspace.empty() ? kExitFailure : kExitBadInput);
  }
  int64_t workspace_id = workspace.value();
  std::string crm_name;
  if (!options.crm_user.empty()) {
    // The account is linked to a CRM user of the data: it must exist there and have no
    // account yet; without --role it is a head when it heads its department, else a manager.
    CrmUser user = FindCrmUser(options, stores, workspace_id, options.crm_user);
    if (!user.found) {
      Fail("add", "no CRM user '" + options.crm_user + "' in the workspace's data", kExitBadInput);
    }
    for (const Account& other : stores.meta.accounts->Accounts(workspace_id)) {
      if (other.crm_user_id == options.crm_user) {
        Fail("add",
             "CRM user '" + options.crm_user + "' has an account already (" + other.login + ")",
             kExitBadInput);
      }
    }
    if (!role) role = user.heads_department ? Role::kHead : Role::kManager;
    crm_name = user.name;
  }
  auto hash = HashPassword(password);
  if (!hash.ok()) Fail("add", hash.message(), kExitFailure);
  Account account;
  account.workspace_id = workspace_id;
  account.login = options.login;
  account.name = !options.name.empty() ? options.name
                 : !crm_name.empty()   ? crm_name
                                       : options.login;
  account.role = std::string(RoleName(*role));
  account.crm_user_id = options.crm_user;
  account.password_hash = hash.value();
  account.created_at = std::chrono::duration_cast<std::chrono::microseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  auto id = stores.meta.accounts->AddAccount(account);
  if (!id.ok()) Fail("add", id.message(), kExitBadInput);
  std::printf("added %s (%s) to workspace %lld\n", account.login.c_str(), account.role.c_str(),
              static_cast<long long>(workspace_id));
}

void ListUsers(const UserOptions& options) {
  Stores stores = Open("list", options);
  std::printf("%-6s %-20s %-10s %-10s %-12s %-7s %s\n", "id", "login", "role", "workspace",
              "crm_user", "active", "name");
  for (const Account& account : stores.meta.accounts->Accounts()) {
    std::printf("%-6lld %-20s %-10s %-10lld %-12s %-7s %s\n", static_cast<long long>(account.id),
                account.login.c_str(), account.role.c_str(),
                static_cast<long long>(account.workspace_id), account.crm_user_id.c_str(),
                account.active ? "yes" : "no", account.name.c_str());
  }
}

void SetPassword(const UserOptions& options) {
  std::string password = ReadPassword("password", options);
  Stores stores = Open("password", options);
  std::optional<Account> account = stores.meta.accounts->FindAccountByLogin(options.login);
  if (!account) Fail("password", "no account " + options.login, kExitBadInput);
  auto hash = HashPassword(password);
  if (!hash.ok()) Fail("password", hash.message(), kExitFailure);
  if (Status status = stores.meta.accounts->SetPasswordHash(account->id, hash.value());
      !status.ok()) {
    Fail("password", status.message(), kExitFailure);
  }
  std::printf("password of %s changed; their sessions are ended\n", account->login.c_str());
}

void SetActive(const UserOptions& options, bool active) {
  const char* command = active ? "enable" : "disable";
  Stores stores = Open(command, options);
  std::optional<Account> account = stores.meta.accounts->FindAccountByLogin(options.login);
  if (!account) Fail(command, "no account " + options.login, kExitBadInput);
  if (Status status = stores.meta.accounts->SetActive(account->id, active); !status.ok()) {
    Fail(command, status.message(), kExitFailure);
  }
  std::printf("%s %s\n", account->login.c_str(), active ? "enabled" : "disabled, sessions ended");
}

}  // namespace

void AddUserCommand(CLI::App& app) {
  CLI::App* user = app.add_subcommand("user", "Manage the accounts people log in with.");
  user->require_subcommand(1);
  auto options = std::make_shared<UserOptions>();

  CLI::App* add = user->add_subcommand(
      "add",
      "Add an account. Examples:\n"
      "  voronka user add --data /var/lib/voronka --login anna --password-stdin --role manager "
      "--crm-user u12 --name 'Anna P.'\n"
      "  voronka user add --data /var/lib/voronka --crm-user u17 --password-stdin\n"
      "    (login u17, the CRM user's name, head if they head their department, else manager)\n"
      "  scale-out: the same with --meta postgresql://... --facts clickhouse://... "
      "instead of --data");
  AddStoreOptions(add, options->stores);
  add->add_option("--login", options->login,
                  "login (unique, case-insensitive; default: the --crm-user id)");
  add->add_option("--password", options->password, "password (prefer --password-stdin)");
  add->add_flag("--password-stdin", options->password_stdin, "read the password from stdin");
  add->add_option("--role", options->role,
                  "admin | head | manager (default with --crm-user: head of their department or "
                  "manager)");
  add->add_option("--crm-user", options->crm_user,
                  "the CRM user id this person is (required for head and manager; must be in "
                  "the workspace's data)");
  add->add_option("--name", options->name, "display name (default: the CRM user's, or the login)");
  add->add_option("--workspace", options->workspace, "workspace name (default: the first)");
  add->callback([options] { AddUser(*options); });

  CLI::App* list = user->add_subcommand("list", "List the accounts of every workspace.");
  AddStoreOptions(list, options->stores);
  list->callback([options] { ListUsers(*options); });

  CLI::App* password =
      user->add_subcommand("password", "Set an account's password (ends its sessions).");
  AddStoreOptions(password, options->stores);
  password->add_option("--login", options->login, "login")->required();
  password->add_option("--password", options->password, "password (prefer --password-stdin)");
  password->add_flag("--password-stdin", options->password_stdin, "read the password from stdin");
  password->callback([options] { SetPassword(*options); });

  CLI::App* disable = user->add_subcommand("disable", "Stop an account from logging in.");
  AddStoreOptions(disable, options->stores);
  disable->add_option("--login", options->login, "login")->required();
  disable->callback([options] { SetActive(*options, false); });

  CLI::App* enable = user->add_subcommand("enable", "Let a disabled account log in again.");
  AddStoreOptions(enable, options->stores);
  enable->add_option("--login", options->login, "login")->required();
  enable->callback([options] { SetActive(*options, true); });
}

}  // namespace voronka::cli
