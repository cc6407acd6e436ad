// The people side of the store: accounts, sessions, per-user layouts and saved filters, and
// the revocation of ingest tokens. Lives in the same database as the records (schema
// migrations 2 and 3) on a connection of its own; open it after SqliteStore::Open has migrated.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"

namespace voronka {

namespace sqlite {
class Connection;
}

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

// Thread-safe; every call is one short statement on the store's own connection.
class AccountStore {
 public:
  ~AccountStore();
  // Opens DIR/voronka.db at `db_path`, which must already be migrated.
  static Result<std::unique_ptr<AccountStore>> Open(const std::string& db_path);

  // Adds an account (id and created_at are assigned); logins are unique, case-insensitive.
  Result<int64_t> AddAccount(const Account& account);
  std::optional<Account> FindAccountByLogin(std::string_view login) const;
  std::optional<Account> FindAccount(int64_t id) const;
  // Every account, by id; of one workspace when `workspace_id` is set.
  std::vector<Account> Accounts(std::optional<int64_t> workspace_id = std::nullopt) const;
  // Sets the role, name and CRM user of an account (a new role applies to its next request).
  Status UpdateAccount(int64_t account_id, std::string_view role, std::string_view name,
                       std::string_view crm_user_id);
  // Replaces the password hash and ends the account's sessions.
  Status SetPasswordHash(int64_t account_id, std::string_view password_hash);
  // Activates or deactivates; deactivating ends the account's sessions.
  Status SetActive(int64_t account_id, bool active);

  Status CreateSession(const SessionRow& session);
  std::optional<SessionRow> FindSession(std::string_view id_hash) const;
  Status TouchSession(std::string_view id_hash, int64_t at);
  Status DeleteSession(std::string_view id_hash);
  // Removes sessions last seen before `idle_before` or created before `created_before`.
  Status DeleteExpiredSessions(int64_t idle_before, int64_t created_before);

  // A stored layout body of (scope, owner, page): scope "account" or "role".
  std::optional<std::string> Layout(int64_t workspace_id, std::string_view scope,
                                    std::string_view owner, std::string_view page) const;
  Status PutLayout(int64_t workspace_id, std::string_view scope, std::string_view owner,
                   std::string_view page, std::string_view body, int64_t at);

  // The admin's settings of a workspace as stored (JSON), or none when never saved.
  std::optional<std::string> WorkspaceSettings(int64_t workspace_id) const;
  Status PutWorkspaceSettings(int64_t workspace_id, std::string_view body, int64_t at);

  std::vector<SavedFilter> SavedFilters(int64_t account_id) const;
  Result<int64_t> AddSavedFilter(int64_t workspace_id, const SavedFilter& filter);
  // True when the account had a filter with this id (and it is gone now).
  Result<bool> DeleteSavedFilter(int64_t account_id, int64_t filter_id);

  // The workspace of a token's hash when issued and not revoked.
  std::optional<int64_t> WorkspaceOfIngestTokenHash(std::string_view token_hash) const;
  std::vector<IngestTokenInfo> IngestTokens() const;
  // Revokes the token whose hash (hex) starts with `id_prefix` (at least 8 characters);
  // an error when none or several match.
  Status RevokeIngestToken(std::string_view id_prefix, int64_t at);
  // Revokes the live token of `workspace_id` whose listed id is `id`; false when none.
  Result<bool> RevokeIngestTokenOf(int64_t workspace_id, std::string_view id, int64_t at);
  // Revokes a token given by its hash; false when no such live token.
  Result<bool> RevokeIngestTokenHash(std::string_view token_hash, int64_t at);

 private:
  AccountStore() = default;
  mutable std::mutex mutex_;  // guards db_
  std::unique_ptr<sqlite::Connection> db_;
};

}  // namespace voronka
