// AccountStore over PostgreSQL: the accounts, sessions, layouts, settings, saved filters and
// ingest tokens that several servers share. The same promises as SqliteAccountStore.
#pragma once

#include <memory>

#include "store/meta_store.h"
#include "store/postgres/connection.h"

namespace voronka {

// Thread-safe; each call is one statement on a connection of the shared pool.
class PgAccountStore final : public AccountStore {
 public:
  explicit PgAccountStore(std::shared_ptr<postgres::Pool> pool) : pool_(std::move(pool)) {}

  Status Health() override;

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
  std::shared_ptr<postgres::Pool> pool_;
};

}  // namespace voronka
