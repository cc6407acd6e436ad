// Logging in and out, and recognising a session: passwords checked against Argon2id hashes,
// failures throttled per login and per address (counted in the account store, so every server
// on a shared store counts the same attempts), sessions stored by the hash of their id and
// ended after an idle time and at an absolute age.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/status.h"
#include "model/time.h"
#include "store/meta_store.h"

namespace voronka {

struct SessionPolicy {
  int64_t idle_micros = 12 * kMicrosPerHour;
  int64_t absolute_micros = 7 * kMicrosPerDay;
  // last_seen is written at most this often: each write is a commit to the shared database.
  int64_t touch_every_micros = 5 * kMicrosPerMinute;
  int max_failures_per_login = 5;
  int max_failures_per_address = 20;
  int64_t failure_window_micros = 15 * kMicrosPerMinute;
};

// Who is calling, as recognised from a session cookie.
struct Caller {
  Account account;
  std::string csrf_token;
  std::string session_hash;
};

struct LoginResult {
  enum class Outcome { kOk, kRefused, kThrottled, kFailed };
  Outcome outcome = Outcome::kRefused;
  Account account;         // kOk
  std::string session_id;  // kOk: goes into the cookie, never stored
  std::string csrf_token;  // kOk
};

class SessionManager {
 public:
  explicit SessionManager(AccountStore& store, SessionPolicy policy = {});

  // Checks the pair and opens a session. Unknown login, wrong password and an inactive
  // account are all kRefused after the same work; kThrottled when the login or the address
  // has failed its maximum number of times within the last failure window (the password is
  // then not even checked).
  LoginResult Login(std::string_view login, std::string_view password, std::string_view address,
                    int64_t now);

  // The caller of a live session, or none (unknown id, expired, account inactive). An expired
  // session is removed.
  std::optional<Caller> Authenticate(std::string_view session_id, int64_t now);

  // Ends the session (a no-op for an unknown id).
  Status Logout(std::string_view session_id);

  const SessionPolicy& policy() const { return policy_; }

 private:
  AccountStore& store_;
  // Whether `key` failed fewer than `max_failures` times within the window before `now`.
  bool Allowed(const std::string& key, int max_failures, int64_t now) const;

  SessionPolicy policy_;
};

}  // namespace voronka
