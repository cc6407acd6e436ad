// The metadata of every workspace: accounts, sessions, layouts, settings, saved filters, ingest
// tokens (AccountStore), saved reports (SavedReportStore) and what a workspace keeps of its
// CRM connection (CrmStateStore). Two implementations: SQLite in
// the data directory (embedded, store/sqlite/) and PostgreSQL shared by several servers
// (scale-out, store/postgres/); OpenMetaStore picks one. Both keep the same promises, which
// tests/store/meta_store_test.cc checks against each.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"
#include "store/workspace_store.h"

namespace voronka {

// A person who logs in. `role` is "admin", "head" or "manager"; `crm_user_id` is the CRM
// user this person is (it decides what they see); `password_hash` is an Argon2id string.
struct Account {
  int64_t id = 0;
  int64_t workspace_id = 0;
  std::string login;
  std::string name;
  std::string role;
  std::string crm_user_id;  // "" when none
  std::string password_hash;
  bool active = true;
  int64_t created_at = 0;  // micros UTC
};

// A stored session: only the hash of its id is kept.
struct SessionRow {
  std::string id_hash;
  int64_t account_id = 0;
  std::string csrf_token;
  int64_t created_at = 0;    // micros UTC
  int64_t last_seen_at = 0;  // micros UTC
};

struct SavedFilter {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string name;
  std::string body;  // JSON: {"filters":{...},"period":{...}}
  int64_t created_at = 0;
};

// One ingest token as listed to an operator: a short id (the start of its hash, hex).
struct IngestTokenInfo {
  std::string id;
  int64_t workspace_id = 0;
  int64_t created_at = 0;
  std::optional<int64_t> revoked_at;
};

// Thread-safe. A lookup that fails for a reason other than "not there" (the database is
// unreachable) answers as "not there"; Health() then says what is wrong.
class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Ok while the database answers; otherwise the reason, in words an operator can act on.
  // After a failure it tries to reconnect, so it turns Ok by itself once the database is back.
  virtual Status Health() = 0;

  // Adds an account (id is assigned); logins are unique, case-insensitive.
  virtual Result<int64_t> AddAccount(const Account& account) = 0;
  virtual std::optional<Account> FindAccountByLogin(std::string_view login) const = 0;
  virtual std::optional<Account> FindAccount(int64_t id) const = 0;
  // Every account, by id; of one workspace when `workspace_id` is set.
  virtual std::vector<Account> Accounts(
      std::optional<int64_t> workspace_id = std::nullopt) const = 0;
  // Sets the role, name and CRM user of an account (a new role applies to its next request).
  virtual Status UpdateAccount(int64_t account_id, std::string_view role, std::string_view name,
                               std::string_view crm_user_id) = 0;
  // Replaces the password hash and ends the account's sessions.
  virtual Status SetPasswordHash(int64_t account_id, std::string_view password_hash) = 0;
  // Activates or deactivates; deactivating ends the account's sessions.
  virtual Status SetActive(int64_t account_id, bool active) = 0;

  virtual Status CreateSession(const SessionRow& session) = 0;
  virtual std::optional<SessionRow> FindSession(std::string_view id_hash) const = 0;
  virtual Status TouchSession(std::string_view id_hash, int64_t at) = 0;
  virtual Status DeleteSession(std::string_view id_hash) = 0;
  // Removes sessions last seen before `idle_before` or created before `created_before`.
  virtual Status DeleteExpiredSessions(int64_t idle_before, int64_t created_before) = 0;

  // A stored layout body of (scope, owner, page): scope "account" or "role".
  virtual std::optional<std::string> Layout(int64_t workspace_id, std::string_view scope,
                                            std::string_view owner,
                                            std::string_view page) const = 0;
  virtual Status PutLayout(int64_t workspace_id, std::string_view scope, std::string_view owner,
                           std::string_view page, std::string_view body, int64_t at) = 0;

  // The admin's settings of a workspace as stored (JSON), or none when never saved.
  virtual std::optional<std::string> WorkspaceSettings(int64_t workspace_id) const = 0;
  virtual Status PutWorkspaceSettings(int64_t workspace_id, std::string_view body, int64_t at) = 0;

  virtual std::vector<SavedFilter> SavedFilters(int64_t account_id) const = 0;
  virtual Result<int64_t> AddSavedFilter(int64_t workspace_id, const SavedFilter& filter) = 0;
  // True when the account had a filter with this id (and it is gone now).
  virtual Result<bool> DeleteSavedFilter(int64_t account_id, int64_t filter_id) = 0;

  // Stores a newly issued token of the workspace by its hash (raw bytes).
  virtual Status AddIngestToken(int64_t workspace_id, std::string_view token_hash, int64_t at) = 0;
  // The workspace of a token's hash when issued and not revoked.
  virtual std::optional<int64_t> WorkspaceOfIngestTokenHash(std::string_view token_hash) const = 0;
  // Every token, revoked ones included, oldest first.
  virtual std::vector<IngestTokenInfo> IngestTokens() const = 0;
  // Revokes the token whose hash (hex) starts with `id_prefix` (at least 8 characters);
  // an error when none or several match.
  virtual Status RevokeIngestToken(std::string_view id_prefix, int64_t at) = 0;
  // Revokes the live token of `workspace_id` whose listed id is `id`; false when none.
  virtual Result<bool> RevokeIngestTokenOf(int64_t workspace_id, std::string_view id,
                                           int64_t at) = 0;
  // Revokes a token given by its hash; false when no such live token.
  virtual Result<bool> RevokeIngestTokenHash(std::string_view token_hash, int64_t at) = 0;

  // Failed logins, counted per key (a login, an address) for throttling: kept in the store so
  // that every server on it counts the same attempts. The number of failures of `key` later
  // than `after`.
  virtual Result<int64_t> LoginFailuresAfter(std::string_view key, int64_t after) const = 0;
  // Counts a failure of `key` at `at`, and forgets every key's failures before `forget_before`.
  virtual Status RecordLoginFailure(std::string_view key, int64_t at, int64_t forget_before) = 0;
  // Forgets the failures of `key` (after a successful login).
  virtual Status ForgetLoginFailures(std::string_view key) = 0;
};

// A report saved from the report builder: a name, the body (the report request of SPEC §3
// and how to chart it, as JSON), the owner, and the roles and departments the owner shares
// it with. Who may open one is decided by the caller (server/api_reports.cc).
struct SavedReport {
  int64_t id = 0;
  int64_t workspace_id = 0;
  int64_t owner_account_id = 0;
  std::string name;
  std::string body;                             // JSON object
  std::vector<std::string> shared_roles;        // "admin", "head", "manager"
  std::vector<std::string> shared_departments;  // CRM department ids (sub-departments included)
  int64_t created_at = 0;                       // micros UTC
  int64_t updated_at = 0;
};

// Thread-safe; keeps rows, always within one workspace.
class SavedReportStore {
 public:
  virtual ~SavedReportStore() = default;

  // Every saved report of the workspace, by id.
  virtual std::vector<SavedReport> List(int64_t workspace_id) const = 0;
  // The report `id` when it belongs to `workspace_id`.
  virtual std::optional<SavedReport> Find(int64_t workspace_id, int64_t id) const = 0;
  // Stores a new report (id, created_at and updated_at are assigned from `at`).
  virtual Result<int64_t> Add(const SavedReport& report, int64_t at) = 0;
  // Replaces name, body and sharing of report.id in report.workspace_id; false when none.
  virtual Result<bool> Update(const SavedReport& report, int64_t at) = 0;
  // False when the workspace has no report `id`.
  virtual Result<bool> Delete(int64_t workspace_id, int64_t id) = 0;
};

// What a workspace keeps of its connection to a CRM ("bitrix24", "amocrm"), per workspace and
// CRM: the credentials its outbound webhooks fetch with (a secret: never answered by an API,
// never logged) and where its next incremental sync starts. Bodies are the importers' own
// texts (importers/crm_state.h); the store only keeps them. Thread-safe.
enum class CrmStateKind { kHookCredentials, kSyncMarks };

class CrmStateStore {
 public:
  virtual ~CrmStateStore() = default;
  // The body kept, none when never put; an error when the database cannot be read.
  virtual Result<std::optional<std::string>> Get(int64_t workspace_id, std::string_view crm,
                                                 CrmStateKind kind) const = 0;
  // Replaces the body kept (at: micros UTC).
  virtual Status Put(int64_t workspace_id, std::string_view crm, CrmStateKind kind,
                     std::string_view body, int64_t at) = 0;
};

// The name a kind is kept under ("hook_credentials", "sync_marks").
std::string_view CrmStateKindName(CrmStateKind kind);

// The parts of the metadata, from one database.
struct MetaStore {
  std::unique_ptr<AccountStore> accounts;
  std::unique_ptr<SavedReportStore> saved_reports;
  std::unique_ptr<CrmStateStore> crm_state;
  // PostgreSQL only: the shared list of workspaces, used when the facts are in ClickHouse
  // (with SQLite the data directory's store lists them).
  std::unique_ptr<WorkspaceStore> workspaces;
};

// With an empty `meta_uri`: the SQLite database at `sqlite_path` (already migrated by
// SqliteStore::Open). With "postgresql://USER@HOST:PORT/DB" (or "postgres://..."): that
// PostgreSQL database, its schema created or migrated on open.
Result<MetaStore> OpenMetaStore(std::string_view meta_uri, const std::string& sqlite_path);

}  // namespace voronka
