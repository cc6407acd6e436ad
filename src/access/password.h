// Password hashing for accounts: Argon2id through libsodium's crypto_pwhash_str.
#pragma once

#include <string>
#include <string_view>

#include "model/status.h"

namespace voronka {

// An Argon2id hash string ("$argon2id$v=19$m=...") with a random salt and libsodium's
// interactive limits (64 MiB, 2 passes). Fails only when memory is short.
Result<std::string> HashPassword(std::string_view password);

// True when `password` matches `hash`; false for any other password or a malformed hash.
bool VerifyPassword(std::string_view hash, std::string_view password);

// Spends the time of one verification without any account, so that an unknown login takes as
// long to refuse as a wrong password.
void VerifyAgainstNothing(std::string_view password);

}  // namespace voronka
