// The account store's admin side: workspace settings, account updates, and revoking an ingest
// token only within its own workspace.
#include "store/sqlite/account_store.h"

#include <gtest/gtest.h>

#include "store_test_util.h"

namespace voronka {
namespace {

using testing::OpenStore;
using testing::TempDir;

class AccountStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenStore(dir_.path());
    main_ = store_->EnsureDefaultWorkspace().value();
    other_ = store_->CreateWorkspace("other").value();
    accounts_ = SqliteAccountStore::Open(store_->path()).value();
  }

  TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<AccountStore> accounts_;
  int64_t main_ = 0;
  int64_t other_ = 0;
};

TEST_F(AccountStoreTest, SettingsArePerWorkspaceAndReplaced) {
  EXPECT_FALSE(accounts_->WorkspaceSettings(main_).has_value());
  ASSERT_TRUE(accounts_->PutWorkspaceSettings(main_, R"({"forgotten_days":3})", 1).ok());
  ASSERT_TRUE(accounts_->PutWorkspaceSettings(main_, R"({"forgotten_days":5})", 2).ok());
  EXPECT_EQ(accounts_->WorkspaceSettings(main_), R"({"forgotten_days":5})");
  EXPECT_FALSE(accounts_->WorkspaceSettings(other_).has_value());
  // Reopened: stored.
  accounts_ = SqliteAccountStore::Open(store_->path()).value();
  EXPECT_EQ(accounts_->WorkspaceSettings(main_), R"({"forgotten_days":5})");
}

TEST_F(AccountStoreTest, AnAccountUpdateSetsRoleNameAndCrmUser) {
  Account account;
  account.workspace_id = main_;
  account.login = "anna";
  account.name = "Anna";
  account.role = "manager";
  account.crm_user_id = "u1";
  account.password_hash = "x";
  int64_t id = accounts_->AddAccount(account).value();
  ASSERT_TRUE(accounts_->UpdateAccount(id, "admin", "Anna P.", "").ok());
  Account stored = accounts_->FindAccount(id).value();
  EXPECT_EQ(stored.role, "admin");
  EXPECT_EQ(stored.name, "Anna P.");
  EXPECT_EQ(stored.crm_user_id, "");
}

TEST_F(AccountStoreTest, ATokenIsRevokedOnlyThroughItsOwnWorkspace) {
  ASSERT_TRUE(store_->CreateIngestToken(main_).ok());
  std::string hash;
  for (const IngestTokenInfo& info : accounts_->IngestTokens()) {
    if (info.workspace_id == main_) hash = info.id;
  }
  ASSERT_EQ(hash.size(), 16u);
  EXPECT_EQ(accounts_->RevokeIngestTokenOf(other_, hash, 5).value(), false);
  EXPECT_FALSE(accounts_->IngestTokens()[0].revoked_at.has_value());
  EXPECT_EQ(accounts_->RevokeIngestTokenOf(main_, hash.substr(0, 8), 5).value(),
            false);  // whole id
  EXPECT_EQ(accounts_->RevokeIngestTokenOf(main_, hash, 5).value(), true);
  EXPECT_EQ(accounts_->IngestTokens()[0].revoked_at, 5);
  EXPECT_EQ(accounts_->RevokeIngestTokenOf(main_, hash, 6).value(), false);  // once
}

}  // namespace
}  // namespace voronka
