#include "store/postgres/account_store.h"

namespace voronka {

namespace {

using postgres::Bytes;
using postgres::Param;
using postgres::Rows;
using postgres::Sql;

constexpr const char* kUniqueViolation = "23505";

#define ACCOUNT_COLUMNS \
  "id, workspace_id, login, name, role, crm_user_id, password_hash, active, created_at"

// ASCII case folding, as the unique index on logins does (see schema.cc).
#define FOLD(column) \
  "translate(" column ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')"

constexpr Sql kAddAccount{
    "account_add",
    "INSERT INTO accounts (workspace_id, login, name, role, crm_user_id, password_hash, active, "
    "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"};
constexpr Sql kAccountByLogin{"account_by_login",
                              "SELECT " ACCOUNT_COLUMNS
                              " FROM accounts WHERE " FOLD("login") " = " FOLD("$1")};
constexpr Sql kAccountById{"account_by_id",
                           "SELECT " ACCOUNT_COLUMNS " FROM accounts WHERE id = $1"};
constexpr Sql kAccounts{"accounts", "SELECT " ACCOUNT_COLUMNS
                                    " FROM accounts "
                                    "WHERE $1::bigint IS NULL OR workspace_id = $1 ORDER BY id"};
constexpr Sql kUpdateAccount{
    "account_update", "UPDATE accounts SET role = $2, name = $3, crm_user_id = $4 WHERE id = $1"};
// One statement, so the new password and the end of the old sessions happen together.
constexpr Sql kSetPassword{"account_password",
                           "WITH changed AS (UPDATE accounts SET password_hash = $2 WHERE id = $1) "
                           "DELETE FROM sessions WHERE account_id = $1"};
constexpr Sql kActivate{"account_activate", "UPDATE accounts SET active = true WHERE id = $1"};
constexpr Sql kDeactivate{"account_deactivate",
                          "WITH changed AS (UPDATE accounts SET active = false WHERE id = $1) "
                          "DELETE FROM sessions WHERE account_id = $1"};

constexpr Sql kCreateSession{
    "session_create",
    "INSERT INTO sessions (id_hash, account_id, csrf_token, created_at, last_seen_at) "
    "VALUES ($1, $2, $3, $4, $5)"};
constexpr Sql kFindSession{
    "session_find",
    "SELECT account_id, csrf_token, created_at, last_seen_at FROM sessions WHERE id_hash = $1"};
constexpr Sql kTouchSession{"session_touch",
                            "UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1"};
constexpr Sql kDeleteSession{"session_delete", "DELETE FROM sessions WHERE id_hash = $1"};
constexpr Sql kDeleteExpired{"sessions_expire",
                             "DELETE FROM sessions WHERE last_seen_at < $1 OR created_at < $2"};

constexpr Sql kLayout{"layout",
                      "SELECT body FROM layouts WHERE workspace_id = $1 AND scope = $2 AND "
                      "owner = $3 AND page = $4"};
constexpr Sql kPutLayout{
    "layout_put",
    "INSERT INTO layouts (workspace_id, scope, owner, page, body, updated_at) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (workspace_id, scope, owner, page) "
    "DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at"};

constexpr Sql kSettings{"settings", "SELECT body FROM workspace_settings WHERE workspace_id = $1"};
constexpr Sql kPutSettings{
    "settings_put",
    "INSERT INTO workspace_settings (workspace_id, body, updated_at) VALUES ($1, $2, $3) "
    "ON CONFLICT (workspace_id) DO UPDATE SET body = excluded.body, "
    "updated_at = excluded.updated_at"};

constexpr Sql kFilters{"filters",
                       "SELECT id, name, body, created_at FROM saved_filters "
                       "WHERE account_id = $1 ORDER BY id"};
constexpr Sql kAddFilter{"filter_add",
                         "INSERT INTO saved_filters (workspace_id, account_id, name, body, "
                         "created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id"};
constexpr Sql kLoginFailures{
    "login_failures", "SELECT count(*) FROM login_failures WHERE key = $1 AND at > $2"};
// One statement: the old failures go and the new one is counted.
constexpr Sql kRecordLoginFailure{
    "login_failure_add",
    "WITH forgotten AS (DELETE FROM login_failures WHERE at < $3) "
    "INSERT INTO login_failures (key, at) VALUES ($1, $2)"};
constexpr Sql kForgetLoginFailures{"login_failures_forget",
                                   "DELETE FROM login_failures WHERE key = $1"};

constexpr Sql kDeleteFilter{"filter_delete",
                            "DELETE FROM saved_filters WHERE id = $1 AND account_id = $2"};

constexpr Sql kAddToken{
    "token_add",
    "INSERT INTO ingest_tokens (token_hash, workspace_id, created_at) VALUES ($1, $2, $3)"};
constexpr Sql kTokenWorkspace{
    "token_workspace",
    "SELECT workspace_id FROM ingest_tokens WHERE token_hash = $1 AND revoked_at IS NULL"};
// The listed id is the first 16 hex digits of the hash, as in the embedded store.
constexpr Sql kTokens{"tokens",
                      "SELECT left(encode(token_hash, 'hex'), 16), workspace_id, created_at, "
                      "revoked_at FROM ingest_tokens ORDER BY created_at"};
// left() rather than LIKE: a prefix typed by an operator may hold % or _.
constexpr Sql kLiveTokensByPrefix{
    "tokens_by_prefix",
    "SELECT token_hash FROM ingest_tokens WHERE revoked_at IS NULL AND "
    "left(encode(token_hash, 'hex'), length($1)) = $1"};
constexpr Sql kLiveTokenOf{"token_of",
                           "SELECT token_hash FROM ingest_tokens WHERE workspace_id = $1 AND "
                           "revoked_at IS NULL AND left(encode(token_hash, 'hex'), 16) = $2"};
constexpr Sql kRevokeToken{
    "token_revoke",
    "UPDATE ingest_tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL"};

#undef ACCOUNT_COLUMNS
#undef FOLD

Account ReadAccount(const Rows& rows, int row) {
  Account account;
  account.id = rows.Int(row, 0);
  account.workspace_id = rows.Int(row, 1);
  account.login = rows.Text(row, 2);
  account.name = rows.Text(row, 3);
  account.role = rows.Text(row, 4);
  account.crm_user_id = rows.IsNull(row, 5) ? "" : rows.Text(row, 5);
  account.password_hash = rows.Text(row, 6);
  account.active = rows.Bool(row, 7);
  account.created_at = rows.Int(row, 8);
  return account;
}

Param OptionalText(std::string_view text) {
  return text.empty() ? Param::Null() : Param(text);
}

// A bytea column in text output: "\x" and hex digits.
std::string ByteaBytes(const std::string& text) {
  std::string bytes;
  auto digit = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 2; i + 1 < text.size(); i += 2) {
    bytes.push_back(static_cast<char>(digit(text[i]) * 16 + digit(text[i + 1])));
  }
  return bytes;
}

}  // namespace

Status PgAccountStore::Health() {
  return pool_->Health();
}

Result<int64_t> PgAccountStore::AddAccount(const Account& account) {
  std::string sqlstate;
  Result<Rows> added = pool_->Run(kAddAccount,
                                  {account.workspace_id, account.login, account.name, account.role,
                                   OptionalText(account.crm_user_id), account.password_hash,
                                   account.active, account.created_at},
                                  "account", /*repeatable=*/false, &sqlstate);
  if (!added.ok()) {
    if (sqlstate == kUniqueViolation) {
      return Status::Error("an account with login '" + account.login + "' exists already");
    }
    return added.status();
  }
  return added->Int(0, 0);
}

std::optional<Account> PgAccountStore::FindAccountByLogin(std::string_view login) const {
  Result<Rows> rows = pool_->Run(kAccountByLogin, {login}, "account", true);
  if (!rows.ok() || rows->size() == 0) return std::nullopt;
  return ReadAccount(*rows, 0);
}

std::optional<Account> PgAccountStore::FindAccount(int64_t id) const {
  Result<Rows> rows = pool_->Run(kAccountById, {id}, "account", true);
  if (!rows.ok() || rows->size() == 0) return std::nullopt;
  return ReadAccount(*rows, 0);
}

std::vector<Account> PgAccountStore::Accounts(std::optional<int64_t> workspace_id) const {
  std::vector<Account> accounts;
  Result<Rows> rows = pool_->Run(kAccounts, {workspace_id}, "accounts", true);
  if (!rows.ok()) return accounts;
  for (int row = 0; row < rows->size(); ++row) accounts.push_back(ReadAccount(*rows, row));
  return accounts;
}

Status PgAccountStore::UpdateAccount(int64_t account_id, std::string_view role,
                                     std::string_view name, std::string_view crm_user_id) {
  Result<Rows> updated = pool_->Run(
      kUpdateAccount, {account_id, role, name, OptionalText(crm_user_id)}, "account", true);
  return updated.ok() ? Status::Ok() : updated.status();
}

Status PgAccountStore::SetPasswordHash(int64_t account_id, std::string_view password_hash) {
  Result<Rows> updated =
      pool_->Run(kSetPassword, {account_id, password_hash}, "account password", true);
  return updated.ok() ? Status::Ok() : updated.status();
}

Status PgAccountStore::SetActive(int64_t account_id, bool active) {
  Result<Rows> updated =
      pool_->Run(active ? kActivate : kDeactivate, {account_id}, "account active", true);
  return updated.ok() ? Status::Ok() : updated.status();
}

Status PgAccountStore::CreateSession(const SessionRow& session) {
  Result<Rows> created = pool_->Run(kCreateSession,
                                    {Bytes{session.id_hash}, session.account_id, session.csrf_token,
                                     session.created_at, session.last_seen_at},
                                    "session", false);
  return created.ok() ? Status::Ok() : created.status();
}

std::optional<SessionRow> PgAccountStore::FindSession(std::string_view id_hash) const {
  Result<Rows> rows = pool_->Run(kFindSession, {Bytes{id_hash}}, "session", true);
  if (!rows.ok() || rows->size() == 0) return std::nullopt;
  SessionRow session;
  session.id_hash = std::string(id_hash);
  session.account_id = rows->Int(0, 0);
  session.csrf_token = rows->Text(0, 1);
  session.created_at = rows->Int(0, 2);
  session.last_seen_at = rows->Int(0, 3);
  return session;
}

Status PgAccountStore::TouchSession(std::string_view id_hash, int64_t at) {
  Result<Rows> touched = pool_->Run(kTouchSession, {Bytes{id_hash}, at}, "session", true);
  return touched.ok() ? Status::Ok() : touched.status();
}

Status PgAccountStore::DeleteSession(std::string_view id_hash) {
  Result<Rows> removed = pool_->Run(kDeleteSession, {Bytes{id_hash}}, "session", true);
  return removed.ok() ? Status::Ok() : removed.status();
}

Status PgAccountStore::DeleteExpiredSessions(int64_t idle_before, int64_t created_before) {
  Result<Rows> removed =
      pool_->Run(kDeleteExpired, {idle_before, created_before}, "sessions", true);
  return removed.ok() ? Status::Ok() : removed.status();
}

std::optional<std::string> PgAccountStore::Layout(int64_t workspace_id, std::string_view scope,
                                                  std::string_view owner,
                                                  std::string_view page) const {
  Result<Rows> rows = pool_->Run(kLayout, {workspace_id, scope, owner, page}, "layout", true);
  if (!rows.ok() || rows->size() == 0) return std::nullopt;
  return rows->Text(0, 0);
}

Status PgAccountStore::PutLayout(int64_t workspace_id, std::string_view scope,
                                 std::string_view owner, std::string_view page,
                                 std::string_view body, int64_t at) {
  Result<Rows> put =
      pool_->Run(kPutLayout, {workspace_id, scope, owner, page, body, at}, "layout", true);
  return put.ok() ? Status::Ok() : put.status();
}

std::optional<std::string> PgAccountStore::WorkspaceSettings(int64_t workspace_id) const {
  Result<Rows> rows = pool_->Run(kSettings, {workspace_id}, "workspace settings", true);
  if (!rows.ok() || rows->size() == 0) return std::nullopt;
  return rows->Text(0, 0);
}

Status PgAccountStore::PutWorkspaceSettings(int64_t workspace_id, std::string_view body,
                                            int64_t at) {
  Result<Rows> put = pool_->Run(kPutSettings, {workspace_id, body, at}, "workspace settings", true);
  return put.ok() ? Status::Ok() : put.status();
}

std::vector<SavedFilter> PgAccountStore::SavedFilters(int64_t account_id) const {
  std::vector<SavedFilter> filters;
  Result<Rows> rows = pool_->Run(kFilters, {account_id}, "saved filters", true);
  if (!rows.ok()) return filters;
  for (int row = 0; row < rows->size(); ++row) {
    SavedFilter filter;
    filter.id = rows->Int(row, 0);
    filter.account_id = account_id;
    filter.name = rows->Text(row, 1);
    filter.body = rows->Text(row, 2);
    filter.created_at = rows->Int(row, 3);
    filters.push_back(std::move(filter));
  }
  return filters;
}

Result<int64_t> PgAccountStore::AddSavedFilter(int64_t workspace_id, const SavedFilter& filter) {
  Result<Rows> added = pool_->Run(
      kAddFilter, {workspace_id, filter.account_id, filter.name, filter.body, filter.created_at},
      "saved filter", false);
  if (!added.ok()) return added.status();
  return added->Int(0, 0);
}

Result<bool> PgAccountStore::DeleteSavedFilter(int64_t account_id, int64_t filter_id) {
  Result<Rows> removed = pool_->Run(kDeleteFilter, {filter_id, account_id}, "saved filter", false);
  if (!removed.ok()) return removed.status();
  return removed->Affected() > 0;
}

Status PgAccountStore::AddIngestToken(int64_t workspace_id, std::string_view token_hash,
                                      int64_t at) {
  Result<Rows> added =
      pool_->Run(kAddToken, {Bytes{token_hash}, workspace_id, at}, "ingest token", false);
  return added.ok() ? Status::Ok() : added.status();
}

std::optional<int64_t> PgAccountStore::WorkspaceOfIngestTokenHash(
    std::string_view token_hash) const {
  Result<Rows> rows = pool_->Run(kTokenWorkspace, {Bytes{token_hash}}, "ingest token", true);
  if (!rows.ok() || rows->size() == 0) return std::nullopt;
  return rows->Int(0, 0);
}

std::vector<IngestTokenInfo> PgAccountStore::IngestTokens() const {
  std::vector<IngestTokenInfo> tokens;
  Result<Rows> rows = pool_->Run(kTokens, {}, "ingest tokens", true);
  if (!rows.ok()) return tokens;
  for (int row = 0; row < rows->size(); ++row) {
    IngestTokenInfo info;
    info.id = rows->Text(row, 0);
    info.workspace_id = rows->Int(row, 1);
    info.created_at = rows->Int(row, 2);
    info.revoked_at = rows->OptInt(row, 3);
    tokens.push_back(std::move(info));
  }
  return tokens;
}

Status PgAccountStore::RevokeIngestToken(std::string_view id_prefix, int64_t at) {
  if (id_prefix.size() < 8) return Status::Error("a token id has at least 8 characters");
  Result<Rows> rows = pool_->Run(kLiveTokensByPrefix, {id_prefix}, "ingest token", true);
  if (!rows.ok()) return rows.status();
  if (rows->size() == 0) return Status::Error("no live token with id " + std::string(id_prefix));
  if (rows->size() > 1) return Status::Error("several tokens start with " + std::string(id_prefix));
  Result<bool> revoked = RevokeIngestTokenHash(ByteaBytes(rows->Text(0, 0)), at);
  return revoked.ok() ? Status::Ok() : revoked.status();
}

Result<bool> PgAccountStore::RevokeIngestTokenOf(int64_t workspace_id, std::string_view id,
                                                 int64_t at) {
  Result<Rows> rows = pool_->Run(kLiveTokenOf, {workspace_id, id}, "ingest token", true);
  if (!rows.ok()) return rows.status();
  if (rows->size() == 0) return false;
  return RevokeIngestTokenHash(ByteaBytes(rows->Text(0, 0)), at);
}

Result<bool> PgAccountStore::RevokeIngestTokenHash(std::string_view token_hash, int64_t at) {
  Result<Rows> revoked = pool_->Run(kRevokeToken, {Bytes{token_hash}, at}, "ingest token", false);
  if (!revoked.ok()) return revoked.status();
  return revoked->Affected() > 0;
}

Result<int64_t> PgAccountStore::LoginFailuresAfter(std::string_view key, int64_t after) const {
  Result<Rows> rows = pool_->Run(kLoginFailures, {key, after}, "login failures", true);
  if (!rows.ok()) return rows.status();
  return rows->Int(0, 0);
}

Status PgAccountStore::RecordLoginFailure(std::string_view key, int64_t at, int64_t forget_before) {
  Result<Rows> added =
      pool_->Run(kRecordLoginFailure, {key, at, forget_before}, "login failures", false);
  return added.ok() ? Status::Ok() : added.status();
}

Status PgAccountStore::ForgetLoginFailures(std::string_view key) {
  Result<Rows> removed = pool_->Run(kForgetLoginFailures, {key}, "login failures", true);
  return removed.ok() ? Status::Ok() : removed.status();
}

}  // namespace voronka
