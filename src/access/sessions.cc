#include "access/sessions.h"

#include "access/password.h"
#include "access/secret.h"

namespace voronka {

namespace {

// Logins are case-insensitive (as stored): throttle them the same way.
std::string LoginKey(std::string_view login) {
  std::string key(login);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

}  // namespace

SessionManager::SessionManager(AccountStore& store, SessionPolicy policy)
    : store_(store), policy_(policy) {}

bool SessionManager::Allowed(const std::string& key, int max_failures, int64_t now) const {
  Result<int64_t> failures = store_.LoginFailuresAfter(key, now - policy_.failure_window_micros);
  // A store that cannot be read refuses the account lookup that follows as well.
  return !failures.ok() || failures.value() < max_failures;
}

LoginResult SessionManager::Login(std::string_view login, std::string_view password,
                                  std::string_view address, int64_t now) {
  LoginResult result;
  std::string login_key = "login:" + LoginKey(login);
  std::string address_key = "address:" + std::string(address);
  if (!Allowed(login_key, policy_.max_failures_per_login, now) ||
      !Allowed(address_key, policy_.max_failures_per_address, now)) {
    result.outcome = LoginResult::Outcome::kThrottled;
    return result;
  }
  std::optional<Account> account = store_.FindAccountByLogin(login);
  bool matches = false;
  if (account) {
    matches = VerifyPassword(account->password_hash, password);
  } else {
    VerifyAgainstNothing(password);
  }
  if (!matches || !account->active) {
    int64_t forget_before = now - policy_.failure_window_micros;
    (void)store_.RecordLoginFailure(login_key, now, forget_before);
    (void)store_.RecordLoginFailure(address_key, now, forget_before);
    result.outcome = LoginResult::Outcome::kRefused;
    return result;
  }
  (void)store_.ForgetLoginFailures(login_key);

  SessionRow session;
  std::string session_id = RandomSecret();
  session.id_hash = SecretHash(session_id);
  session.account_id = account->id;
  session.csrf_token = RandomSecret();
  session.created_at = now;
  session.last_seen_at = now;
  if (!store_.CreateSession(session).ok()) {
    result.outcome = LoginResult::Outcome::kFailed;
    return result;
  }
  // A good moment to sweep sessions that ended without a logout.
  (void)store_.DeleteExpiredSessions(now - policy_.idle_micros, now - policy_.absolute_micros);
  result.outcome = LoginResult::Outcome::kOk;
  result.account = std::move(*account);
  result.session_id = std::move(session_id);
  result.csrf_token = std::move(session.csrf_token);
  return result;
}

std::optional<Caller> SessionManager::Authenticate(std::string_view session_id, int64_t now) {
  if (session_id.empty()) return std::nullopt;
  std::string hash = SecretHash(session_id);
  std::optional<SessionRow> session = store_.FindSession(hash);
  if (!session) return std::nullopt;
  if (now - session->last_seen_at >= policy_.idle_micros ||
      now - session->created_at >= policy_.absolute_micros) {
    (void)store_.DeleteSession(hash);
    return std::nullopt;
  }
  std::optional<Account> account = store_.FindAccount(session->account_id);
  if (!account || !account->active) return std::nullopt;
  if (now - session->last_seen_at >= policy_.touch_every_micros) {
    (void)store_.TouchSession(hash, now);
  }
  return Caller{std::move(*account), std::move(session->csrf_token), std::move(hash)};
}

Status SessionManager::Logout(std::string_view session_id) {
  if (session_id.empty()) return Status::Ok();
  return store_.DeleteSession(SecretHash(session_id));
}

}  // namespace voronka
