#include "store/sqlite/account_store.h"

#include "store/sqlite/statement.h"

namespace voronka {

namespace {

using sqlite::Connection;
using sqlite::Statement;

constexpr const char* kAccountColumns =
    "id, workspace_id, login, name, role, crm_user_id, password_hash, active, created_at";

Account ReadAccount(const Statement& row) {
  Account account;
  account.id = row.Int(0);
  account.workspace_id = row.Int(1);
  account.login = row.String(2);
  account.name = row.String(3);
  account.role = row.String(4);
  account.crm_user_id = row.OptString(5).value_or("");
  account.password_hash = row.String(6);
  account.active = row.Int(7) != 0;
  account.created_at = row.Int(8);
  return account;
}

void BindBlob(Statement& statement, int index, std::string_view bytes) {
  statement.BindBlob(index, bytes.data(), static_cast<int>(bytes.size()));
}

std::string Hex(const void* data, int size) {
  static const char kDigits[] = "0123456789abcdef";
  std::string out;
  const auto* bytes = static_cast<const unsigned char*>(data);
  for (int i = 0; i < size; ++i) {
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 15]);
  }
  return out;
}

}  // namespace

SqliteAccountStore::~SqliteAccountStore() = default;

Result<std::unique_ptr<SqliteAccountStore>> SqliteAccountStore::Open(const std::string& db_path) {
  // Sessions and layouts are small and written rarely; the same durability as records.
  Result<std::unique_ptr<Connection>> db = Connection::OpenDurable(db_path);
  if (!db.ok()) return db.status();
  std::unique_ptr<SqliteAccountStore> store(new SqliteAccountStore());
  store->db_ = std::move(db).value();
  return store;
}

Result<int64_t> SqliteAccountStore::AddAccount(const Account& account) {
  std::lock_guard lock(mutex_);
  Result<Statement> insert = Statement::Prepare(
      db_->get(),
      "INSERT INTO accounts (workspace_id, login, name, role, crm_user_id, password_hash, "
      "active, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, account.workspace_id);
  insert->Bind(2, std::string_view(account.login));
  insert->Bind(3, std::string_view(account.name));
  insert->Bind(4, std::string_view(account.role));
  if (account.crm_user_id.empty()) {
    insert->BindNull(5);
  } else {
    insert->Bind(5, std::string_view(account.crm_user_id));
  }
  insert->Bind(6, std::string_view(account.password_hash));
  insert->Bind(7, int64_t{account.active ? 1 : 0});
  insert->Bind(8, account.created_at);
  int rc = insert->Step();
  if (rc == SQLITE_CONSTRAINT_UNIQUE) {
    return Status::Error("an account with login '" + account.login + "' exists already");
  }
  if (rc != SQLITE_DONE) return db_->Error("account");
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_->get()));
}

std::optional<Account> SqliteAccountStore::FindAccountByLogin(std::string_view login) const {
  std::lock_guard lock(mutex_);
  Result<Statement> query = Statement::Prepare(
      db_->get(), std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE login = ?1");
  if (!query.ok()) return std::nullopt;
  query->Bind(1, login);
  if (query->Step() != SQLITE_ROW) return std::nullopt;
  return ReadAccount(*query);
}

std::optional<Account> SqliteAccountStore::FindAccount(int64_t id) const {
  std::lock_guard lock(mutex_);
  Result<Statement> query = Statement::Prepare(
      db_->get(), std::string("SELECT ") + kAccountColumns + " FROM accounts WHERE id = ?1");
  if (!query.ok()) return std::nullopt;
  query->Bind(1, id);
  if (query->Step() != SQLITE_ROW) return std::nullopt;
  return ReadAccount(*query);
}

std::vector<Account> SqliteAccountStore::Accounts(std::optional<int64_t> workspace_id) const {
  std::lock_guard lock(mutex_);
  std::vector<Account> accounts;
  Result<Statement> query = Statement::Prepare(
      db_->get(), std::string("SELECT ") + kAccountColumns +
                      " FROM accounts WHERE ?1 IS NULL OR workspace_id = ?1 ORDER BY id");
  if (!query.ok()) return accounts;
  query->Bind(1, workspace_id);
  while (query->Step() == SQLITE_ROW) accounts.push_back(ReadAccount(*query));
  return accounts;
}

Status SqliteAccountStore::UpdateAccount(int64_t account_id, std::string_view role,
                                   std::string_view name, std::string_view crm_user_id) {
  std::lock_guard lock(mutex_);
  Result<Statement> update = Statement::Prepare(
      db_->get(), "UPDATE accounts SET role = ?2, name = ?3, crm_user_id = ?4 WHERE id = ?1");
  if (!update.ok()) return update.status();
  update->Bind(1, account_id);
  update->Bind(2, role);
  update->Bind(3, name);
  if (crm_user_id.empty()) {
    update->BindNull(4);
  } else {
    update->Bind(4, crm_user_id);
  }
  if (update->Step() != SQLITE_DONE) return db_->Error("account");
  return Status::Ok();
}

Status SqliteAccountStore::SetPasswordHash(int64_t account_id, std::string_view password_hash) {
  std::lock_guard lock(mutex_);
  Result<Statement> update =
      Statement::Prepare(db_->get(), "UPDATE accounts SET password_hash = ?2 WHERE id = ?1;");
  if (!update.ok()) return update.status();
  update->Bind(1, account_id);
  update->Bind(2, password_hash);
  if (update->Step() != SQLITE_DONE) return db_->Error("account password");
  Result<Statement> end =
      Statement::Prepare(db_->get(), "DELETE FROM sessions WHERE account_id = ?1");
  if (!end.ok()) return end.status();
  end->Bind(1, account_id);
  if (end->Step() != SQLITE_DONE) return db_->Error("account sessions");
  return Status::Ok();
}

Status SqliteAccountStore::SetActive(int64_t account_id, bool active) {
  std::lock_guard lock(mutex_);
  Result<Statement> update =
      Statement::Prepare(db_->get(), "UPDATE accounts SET active = ?2 WHERE id = ?1");
  if (!update.ok()) return update.status();
  update->Bind(1, account_id);
  update->Bind(2, int64_t{active ? 1 : 0});
  if (update->Step() != SQLITE_DONE) return db_->Error("account active");
  if (active) return Status::Ok();
  Result<Statement> end =
      Statement::Prepare(db_->get(), "DELETE FROM sessions WHERE account_id = ?1");
  if (!end.ok()) return end.status();
  end->Bind(1, account_id);
  if (end->Step() != SQLITE_DONE) return db_->Error("account sessions");
  return Status::Ok();
}

Status SqliteAccountStore::CreateSession(const SessionRow& session) {
  std::lock_guard lock(mutex_);
  Result<Statement> insert = Statement::Prepare(
      db_->get(),
      "INSERT INTO sessions (id_hash, account_id, csrf_token, created_at, last_seen_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return insert.status();
  BindBlob(*insert, 1, session.id_hash);
  insert->Bind(2, session.account_id);
  insert->Bind(3, std::string_view(session.csrf_token));
  insert->Bind(4, session.created_at);
  insert->Bind(5, session.last_seen_at);
  if (insert->Step() != SQLITE_DONE) return db_->Error("session");
  return Status::Ok();
}

std::optional<SessionRow> SqliteAccountStore::FindSession(std::string_view id_hash) const {
  std::lock_guard lock(mutex_);
  Result<Statement> query = Statement::Prepare(
      db_->get(),
      "SELECT account_id, csrf_token, created_at, last_seen_at FROM sessions WHERE id_hash = ?1");
  if (!query.ok()) return std::nullopt;
  BindBlob(*query, 1, id_hash);
  if (query->Step() != SQLITE_ROW) return std::nullopt;
  SessionRow session;
  session.id_hash = std::string(id_hash);
  session.account_id = query->Int(0);
  session.csrf_token = query->String(1);
  session.created_at = query->Int(2);
  session.last_seen_at = query->Int(3);
  return session;
}

Status SqliteAccountStore::TouchSession(std::string_view id_hash, int64_t at) {
  std::lock_guard lock(mutex_);
  Result<Statement> update =
      Statement::Prepare(db_->get(), "UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1");
  if (!update.ok()) return update.status();
  BindBlob(*update, 1, id_hash);
  update->Bind(2, at);
  if (update->Step() != SQLITE_DONE) return db_->Error("session");
  return Status::Ok();
}

Status SqliteAccountStore::DeleteSession(std::string_view id_hash) {
  std::lock_guard lock(mutex_);
  Result<Statement> remove =
      Statement::Prepare(db_->get(), "DELETE FROM sessions WHERE id_hash = ?1");
  if (!remove.ok()) return remove.status();
  BindBlob(*remove, 1, id_hash);
  if (remove->Step() != SQLITE_DONE) return db_->Error("session");
  return Status::Ok();
}

Status SqliteAccountStore::DeleteExpiredSessions(int64_t idle_before, int64_t created_before) {
  std::lock_guard lock(mutex_);
  Result<Statement> remove = Statement::Prepare(
      db_->get(), "DELETE FROM sessions WHERE last_seen_at < ?1 OR created_at < ?2");
  if (!remove.ok()) return remove.status();
  remove->Bind(1, idle_before);
  remove->Bind(2, created_before);
  if (remove->Step() != SQLITE_DONE) return db_->Error("sessions");
  return Status::Ok();
}

std::optional<std::string> SqliteAccountStore::Layout(int64_t workspace_id, std::string_view scope,
                                                std::string_view owner,
                                                std::string_view page) const {
  std::lock_guard lock(mutex_);
  Result<Statement> query = Statement::Prepare(
      db_->get(),
      "SELECT body FROM layouts WHERE workspace_id = ?1 AND scope = ?2 AND owner = ?3 AND "
      "page = ?4");
  if (!query.ok()) return std::nullopt;
  query->Bind(1, workspace_id);
  query->Bind(2, scope);
  query->Bind(3, owner);
  query->Bind(4, page);
  if (query->Step() != SQLITE_ROW) return std::nullopt;
  return query->String(0);
}

Status SqliteAccountStore::PutLayout(int64_t workspace_id, std::string_view scope, std::string_view owner,
                               std::string_view page, std::string_view body, int64_t at) {
  std::lock_guard lock(mutex_);
  Result<Statement> upsert = Statement::Prepare(
      db_->get(),
      "INSERT INTO layouts (workspace_id, scope, owner, page, body, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (workspace_id, scope, owner, page) "
      "DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at");
  if (!upsert.ok()) return upsert.status();
  upsert->Bind(1, workspace_id);
  upsert->Bind(2, scope);
  upsert->Bind(3, owner);
  upsert->Bind(4, page);
  upsert->Bind(5, body);
  upsert->Bind(6, at);
  if (upsert->Step() != SQLITE_DONE) return db_->Error("layout");
  return Status::Ok();
}

std::optional<std::string> SqliteAccountStore::WorkspaceSettings(int64_t workspace_id) const {
  std::lock_guard lock(mutex_);
  Result<Statement> query = Statement::Prepare(
      db_->get(), "SELECT body FROM workspace_settings WHERE workspace_id = ?1");
  if (!query.ok()) return std::nullopt;
  query->Bind(1, workspace_id);
  if (query->Step() != SQLITE_ROW) return std::nullopt;
  return query->String(0);
}

Status SqliteAccountStore::PutWorkspaceSettings(int64_t workspace_id, std::string_view body,
                                          int64_t at) {
  std::lock_guard lock(mutex_);
  Result<Statement> upsert = Statement::Prepare(
      db_->get(),
      "INSERT INTO workspace_settings (workspace_id, body, updated_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (workspace_id) DO UPDATE SET body = excluded.body, "
      "updated_at = excluded.updated_at");
  if (!upsert.ok()) return upsert.status();
  upsert->Bind(1, workspace_id);
  upsert->Bind(2, body);
  upsert->Bind(3, at);
  if (upsert->Step() != SQLITE_DONE) return db_->Error("workspace settings");
  return Status::Ok();
}

std::vector<SavedFilter> SqliteAccountStore::SavedFilters(int64_t account_id) const {
  std::lock_guard lock(mutex_);
  std::vector<SavedFilter> filters;
  Result<Statement> query = Statement::Prepare(
      db_->get(),
      "SELECT id, name, body, created_at FROM saved_filters WHERE account_id = ?1 ORDER BY id");
  if (!query.ok()) return filters;
  query->Bind(1, account_id);
  while (query->Step() == SQLITE_ROW) {
    SavedFilter filter;
    filter.id = query->Int(0);
    filter.account_id = account_id;
    filter.name = query->String(1);
    filter.body = query->String(2);
    filter.created_at = query->Int(3);
    filters.push_back(std::move(filter));
  }
  return filters;
}

Result<int64_t> SqliteAccountStore::AddSavedFilter(int64_t workspace_id, const SavedFilter& filter) {
  std::lock_guard lock(mutex_);
  Result<Statement> insert = Statement::Prepare(
      db_->get(),
      "INSERT INTO saved_filters (workspace_id, account_id, name, body, created_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, workspace_id);
  insert->Bind(2, filter.account_id);
  insert->Bind(3, std::string_view(filter.name));
  insert->Bind(4, std::string_view(filter.body));
  insert->Bind(5, filter.created_at);
  if (insert->Step() != SQLITE_DONE) return db_->Error("saved filter");
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db_->get()));
}

Result<bool> SqliteAccountStore::DeleteSavedFilter(int64_t account_id, int64_t filter_id) {
  std::lock_guard lock(mutex_);
  Result<Statement> remove =
      Statement::Prepare(db_->get(), "DELETE FROM saved_filters WHERE id = ?1 AND account_id = ?2");
  if (!remove.ok()) return remove.status();
  remove->Bind(1, filter_id);
  remove->Bind(2, account_id);
  if (remove->Step() != SQLITE_DONE) return db_->Error("saved filter");
  return sqlite3_changes(db_->get()) > 0;
}

Status SqliteAccountStore::AddIngestToken(int64_t workspace_id, std::string_view token_hash,
                                          int64_t at) {
  std::lock_guard lock(mutex_);
  Result<Statement> insert = Statement::Prepare(
      db_->get(),
      "INSERT INTO ingest_tokens (token_hash, workspace_id, created_at) VALUES (?1, ?2, ?3)");
  if (!insert.ok()) return insert.status();
  BindBlob(*insert, 1, token_hash);
  insert->Bind(2, workspace_id);
  insert->Bind(3, at);
  if (insert->Step() != SQLITE_DONE) return db_->Error("ingest token");
  return Status::Ok();
}

std::optional<int64_t> SqliteAccountStore::WorkspaceOfIngestTokenHash(std::string_view token_hash) const {
  std::lock_guard lock(mutex_);
  Result<Statement> query = Statement::Prepare(
      db_->get(),
      "SELECT workspace_id FROM ingest_tokens WHERE token_hash = ?1 AND revoked_at IS NULL");
  if (!query.ok()) return std::nullopt;
  BindBlob(*query, 1, token_hash);
  if (query->Step() != SQLITE_ROW) return std::nullopt;
  return query->Int(0);
}

std::vector<IngestTokenInfo> SqliteAccountStore::IngestTokens() const {
  std::lock_guard lock(mutex_);
  std::vector<IngestTokenInfo> tokens;
  Result<Statement> query = Statement::Prepare(
      db_->get(),
      "SELECT token_hash, workspace_id, created_at, revoked_at FROM ingest_tokens "
      "ORDER BY created_at");
  if (!query.ok()) return tokens;
  while (query->Step() == SQLITE_ROW) {
    IngestTokenInfo info;
    info.id = Hex(sqlite3_column_blob(query->get(), 0), sqlite3_column_bytes(query->get(), 0))
                  .substr(0, 16);
    info.workspace_id = query->Int(1);
    info.created_at = query->Int(2);
    info.revoked_at = query->OptInt(3);
    tokens.push_back(std::move(info));
  }
  return tokens;
}

Status SqliteAccountStore::RevokeIngestToken(std::string_view id_prefix, int64_t at) {
  if (id_prefix.size() < 8) return Status::Error("a token id has at least 8 characters");
  std::string matched_hash;
  int matches = 0;
  {
    std::lock_guard lock(mutex_);
    Result<Statement> query = Statement::Prepare(
        db_->get(), "SELECT token_hash FROM ingest_tokens WHERE revoked_at IS NULL");
    if (!query.ok()) return query.status();
    while (query->Step() == SQLITE_ROW) {
      const void* blob = sqlite3_column_blob(query->get(), 0);
      int size = sqlite3_column_bytes(query->get(), 0);
      if (Hex(blob, size).rfind(id_prefix, 0) == 0) {
        ++matches;
        matched_hash.assign(static_cast<const char*>(blob), static_cast<size_t>(size));
      }
    }
  }
  if (matches == 0) return Status::Error("no live token with id " + std::string(id_prefix));
  if (matches > 1) return Status::Error("several tokens start with " + std::string(id_prefix));
  Result<bool> revoked = RevokeIngestTokenHash(matched_hash, at);
  if (!revoked.ok()) return revoked.status();
  return Status::Ok();
}

Result<bool> SqliteAccountStore::RevokeIngestTokenOf(int64_t workspace_id, std::string_view id,
                                               int64_t at) {
  std::string matched_hash;
  {
    std::lock_guard lock(mutex_);
    Result<Statement> query = Statement::Prepare(
        db_->get(),
        "SELECT token_hash FROM ingest_tokens WHERE workspace_id = ?1 AND revoked_at IS NULL");
    if (!query.ok()) return query.status();
    query->Bind(1, workspace_id);
    while (query->Step() == SQLITE_ROW) {
      const void* blob = sqlite3_column_blob(query->get(), 0);
      int size = sqlite3_column_bytes(query->get(), 0);
      if (Hex(blob, size).substr(0, 16) == id) {
        matched_hash.assign(static_cast<const char*>(blob), static_cast<size_t>(size));
      }
    }
  }
  if (matched_hash.empty()) return false;
  return RevokeIngestTokenHash(matched_hash, at);
}

Result<bool> SqliteAccountStore::RevokeIngestTokenHash(std::string_view token_hash, int64_t at) {
  std::lock_guard lock(mutex_);
  Result<Statement> update = Statement::Prepare(
      db_->get(),
      "UPDATE ingest_tokens SET revoked_at = ?2 WHERE token_hash = ?1 AND revoked_at IS NULL");
  if (!update.ok()) return update.status();
  BindBlob(*update, 1, token_hash);
  update->Bind(2, at);
  if (update->Step() != SQLITE_DONE) return db_->Error("ingest token");
  return sqlite3_changes(db_->get()) > 0;
}

Result<int64_t> SqliteAccountStore::LoginFailuresAfter(std::string_view key,
                                                      int64_t after) const {
  std::lock_guard lock(mutex_);
  Result<Statement> count = Statement::Prepare(
      db_->get(), "SELECT count(*) FROM login_failures WHERE key = ?1 AND at > ?2");
  if (!count.ok()) return count.status();
  count->Bind(1, key);
  count->Bind(2, after);
  if (count->Step() != SQLITE_ROW) return db_->Error("login failures");
  return count->Int(0);
}

Status SqliteAccountStore::RecordLoginFailure(std::string_view key, int64_t at,
                                              int64_t forget_before) {
  std::lock_guard lock(mutex_);
  Result<Statement> forget =
      Statement::Prepare(db_->get(), "DELETE FROM login_failures WHERE at < ?1");
  if (!forget.ok()) return forget.status();
  forget->Bind(1, forget_before);
  if (forget->Step() != SQLITE_DONE) return db_->Error("login failures");
  Result<Statement> insert =
      Statement::Prepare(db_->get(), "INSERT INTO login_failures (key, at) VALUES (?1, ?2)");
  if (!insert.ok()) return insert.status();
  insert->Bind(1, key);
  insert->Bind(2, at);
  if (insert->Step() != SQLITE_DONE) return db_->Error("login failures");
  return Status::Ok();
}

Status SqliteAccountStore::ForgetLoginFailures(std::string_view key) {
  std::lock_guard lock(mutex_);
  Result<Statement> forget =
      Statement::Prepare(db_->get(), "DELETE FROM login_failures WHERE key = ?1");
  if (!forget.ok()) return forget.status();
  forget->Bind(1, key);
  if (forget->Step() != SQLITE_DONE) return db_->Error("login failures");
  return Status::Ok();
}

}  // namespace voronka
