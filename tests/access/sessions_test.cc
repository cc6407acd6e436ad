// Login, session expiry (idle and absolute), logout and throttling, over a real store.
#include "access/sessions.h"

#include <gtest/gtest.h>

#include "access/password.h"
#include "store/sqlite/account_store.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/process.h"

namespace voronka {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000'000;  // an arbitrary instant, micros

class SessionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = SqliteStore::Open(dir_.path()).value();
    workspace_ = store_->EnsureDefaultWorkspace().value();
    accounts_ = SqliteAccountStore::Open(store_->path()).value();
    Account account;
    account.workspace_id = workspace_;
    account.login = "Anna";
    account.name = "Anna P.";
    account.role = "manager";
    account.crm_user_id = "u1";
    account.password_hash = HashPassword("secret").value();
    anna_ = accounts_->AddAccount(account).value();
    sessions_ = std::make_unique<SessionManager>(*accounts_, policy_);
  }

  testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<AccountStore> accounts_;
  int64_t workspace_ = 0;
  int64_t anna_ = 0;
  SessionPolicy policy_;  // 12 h idle, 7 days absolute, 5 failures per login
  std::unique_ptr<SessionManager> sessions_;
};

TEST_F(SessionsTest, LoginOpensASessionStoredOnlyAsAHash) {
  LoginResult login = sessions_->Login("anna", "secret", "10.0.0.1", kT0);  // login is case-free
  ASSERT_EQ(login.outcome, LoginResult::Outcome::kOk);
  EXPECT_EQ(login.account.id, anna_);
  EXPECT_FALSE(login.session_id.empty());
  EXPECT_FALSE(login.csrf_token.empty());
  EXPECT_FALSE(accounts_->FindSession(login.session_id).has_value());  // the raw id is not a key
  std::optional<Caller> caller = sessions_->Authenticate(login.session_id, kT0 + 1);
  ASSERT_TRUE(caller.has_value());
  EXPECT_EQ(caller->account.login, "Anna");
  EXPECT_EQ(caller->csrf_token, login.csrf_token);
  EXPECT_FALSE(sessions_->Authenticate("not-a-session", kT0 + 1).has_value());
}

TEST_F(SessionsTest, UnknownLoginAndWrongPasswordAreTheSameRefusal) {
  EXPECT_EQ(sessions_->Login("nobody", "secret", "10.0.0.1", kT0).outcome,
            LoginResult::Outcome::kRefused);
  EXPECT_EQ(sessions_->Login("anna", "wrong", "10.0.0.1", kT0).outcome,
            LoginResult::Outcome::kRefused);
}

TEST_F(SessionsTest, ASessionEndsAfter12HoursIdle) {
  LoginResult login = sessions_->Login("anna", "secret", "10.0.0.1", kT0);
  // Used 11 hours later: alive, and the idle clock restarts from there.
  EXPECT_TRUE(sessions_->Authenticate(login.session_id, kT0 + 11 * kMicrosPerHour));
  EXPECT_TRUE(sessions_->Authenticate(login.session_id, kT0 + 22 * kMicrosPerHour));
  // Then 12 hours of silence: ended, and it stays ended.
  EXPECT_FALSE(sessions_->Authenticate(login.session_id, kT0 + 34 * kMicrosPerHour));
  EXPECT_FALSE(sessions_->Authenticate(login.session_id, kT0 + 34 * kMicrosPerHour + 1));
}

TEST_F(SessionsTest, ASessionEndsAfter7DaysEvenWhenUsed) {
  LoginResult login = sessions_->Login("anna", "secret", "10.0.0.1", kT0);
  // Used every 10 hours: never idle for 12, yet 7 days after login it is over.
  int64_t at = kT0;
  while (at + 10 * kMicrosPerHour < kT0 + 7 * kMicrosPerDay) {
    at += 10 * kMicrosPerHour;
    ASSERT_TRUE(sessions_->Authenticate(login.session_id, at)) << (at - kT0) / kMicrosPerHour;
  }
  EXPECT_FALSE(sessions_->Authenticate(login.session_id, kT0 + 7 * kMicrosPerDay));
}

TEST_F(SessionsTest, LogoutEndsTheSession) {
  LoginResult login = sessions_->Login("anna", "secret", "10.0.0.1", kT0);
  ASSERT_TRUE(sessions_->Logout(login.session_id).ok());
  EXPECT_FALSE(sessions_->Authenticate(login.session_id, kT0 + 1));
}

TEST_F(SessionsTest, ADisabledAccountCannotLogInAndLosesItsSessions) {
  LoginResult login = sessions_->Login("anna", "secret", "10.0.0.1", kT0);
  ASSERT_TRUE(accounts_->SetActive(anna_, false).ok());
  EXPECT_FALSE(sessions_->Authenticate(login.session_id, kT0 + 1));
  EXPECT_EQ(sessions_->Login("anna", "secret", "10.0.0.1", kT0 + 2).outcome,
            LoginResult::Outcome::kRefused);
}

TEST_F(SessionsTest, FiveFailuresForOneLoginBlockItFor15MinutesEvenWithTheRightPassword) {
  for (int i = 0; i < 5; ++i) {
    // From five different addresses: the per-login limit is what stops this.
    EXPECT_EQ(sessions_->Login("anna", "guess", "10.0.0." + std::to_string(i), kT0).outcome,
              LoginResult::Outcome::kRefused);
  }
  EXPECT_EQ(sessions_->Login("anna", "secret", "10.0.0.9", kT0 + 1).outcome,
            LoginResult::Outcome::kThrottled);
  EXPECT_EQ(sessions_->Login("anna", "secret", "10.0.0.9", kT0 + 15 * kMicrosPerMinute).outcome,
            LoginResult::Outcome::kOk);
}

TEST_F(SessionsTest, TwentyFailuresFromOneAddressBlockIt) {
  for (int i = 0; i < 20; ++i) {
    // Twenty different logins, so the per-login limit never triggers.
    EXPECT_EQ(sessions_->Login("user" + std::to_string(i), "guess", "10.0.0.1", kT0).outcome,
              LoginResult::Outcome::kRefused);
  }
  EXPECT_EQ(sessions_->Login("anna", "secret", "10.0.0.1", kT0 + 1).outcome,
            LoginResult::Outcome::kThrottled);
  EXPECT_EQ(sessions_->Login("anna", "secret", "10.0.0.2", kT0 + 1).outcome,
            LoginResult::Outcome::kOk);
}

}  // namespace
}  // namespace voronka
