// The people side of the embedded store (AccountStore over SQLite): accounts, sessions,
// per-user layouts and saved filters, and ingest tokens. Lives in the same database as the
// records (schema migrations 2 and 3) on a connection of its own; open it after
// SqliteStore::Open has migrated.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"
#include "store/meta_store.h"

namespace voronka {

namespace sqlite {
class Connection;
}

// Thread-safe; every call is one short statement on the store's own connection.
class SqliteAccountStore final : public AccountStore {
 public:
  ~SqliteAccountStore() override;
  // Opens DIR/voronka.db at `db_path`, which must already be migrated.
  static Result<std::unique_ptr<SqliteAccountStore>> Open(const std::string& db_path);

  Status Health() override { return Status::Ok(); }

  Result<int64_t> AddAccount(const Account& account) override;
  std::optional<Account> FindAccountByLogin(std::string_view login) const override;
  std::optional<Account> FindAccount(int64_t id) const override;
  std::vector<Account> Accounts(std::optional<int64_t> workspace_id) const override;
  Status UpdateAccount(int64_t account_id, std::string_view role, std::string_view name,
                       std::string_view crm_user_id) override;
  Status SetPasswordHash(int64_t account_id, std::string_view password_hash) override;
  Status SetActive(int64_t account_id, bool active) override;

  Status CreateSession(const SessionRow& session) override;
  std::optional<SessionRow> FindSession(std::string_view id_hash) const override;
  Status TouchSession(std::string_view id_hash, int64_t at) override;
  Status DeleteSession(std::string_view id_hash) override;
  Status DeleteExpiredSessions(int64_t idle_before, int64_t created_before) override;

  std::optional<std::string> Layout(int64_t workspace_id, std::string_view scope,
                                    std::string_view owner, std::string_view page) const override;
  Status PutLayout(int64_t workspace_id, std::string_view scope, std::string_view owner,
                   std::string_view page, std::string_view body, int64_t at) override;

  std::optional<std::string> WorkspaceSettings(int64_t workspace_id) const override;
  Status PutWorkspaceSettings(int64_t workspace_id, std::string_view body, int64_t at) override;

  std::vector<SavedFilter> SavedFilters(int64_t account_id) const override;
  Result<int64_t> AddSavedFilter(int64_t workspace_id, const SavedFilter& filter) override;
  Result<bool> DeleteSavedFilter(int64_t account_id, int64_t filter_id) override;

  Status AddIngestToken(int64_t workspace_id, std::string_view token_hash, int64_t at) override;
  std::optional<int64_t> WorkspaceOfIngestTokenHash(std::string_view token_hash) const override;
  std::vector<IngestTokenInfo> IngestTokens() const override;
  Status RevokeIngestToken(std::string_view id_prefix, int64_t at) override;
  Result<bool> RevokeIngestTokenOf(int64_t workspace_id, std::string_view id, int64_t at) override;
  Result<bool> RevokeIngestTokenHash(std::string_view token_hash, int64_t at) override;
  Result<int64_t> LoginFailuresAfter(std::string_view key, int64_t after) const override;
  Status RecordLoginFailure(std::string_view key, int64_t at, int64_t forget_before) override;
  Status ForgetLoginFailures(std::string_view key) override;

 private:
  SqliteAccountStore() = default;
  mutable std::mutex mutex_;  // guards db_
  std::unique_ptr<sqlite::Connection> db_;
};

}  // namespace voronka
