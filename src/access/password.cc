#include "access/password.h"

#include <sodium.h>

#include "access/secret.h"

namespace voronka {

Result<std::string> HashPassword(std::string_view password) {
  EnsureSodium();
  char hash[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(hash, password.data(), password.size(),
                            crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::Error("password: not enough memory to hash");
  }
  return std::string(hash);
}

bool VerifyPassword(std::string_view hash, std::string_view password) {
  EnsureSodium();
  // crypto_pwhash_str_verify wants a NUL-terminated string no longer than STRBYTES.
  if (hash.empty() || hash.size() >= crypto_pwhash_STRBYTES) return false;
  std::string terminated(hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

void VerifyAgainstNothing(std::string_view password) {
  // A hash of a random password made once; verifying against it costs what a real check does.
  static const std::string decoy = [] {
    unsigned char random[16];
    EnsureSodium();
    randombytes_buf(random, sizeof random);
    Result<std::string> hash =
        HashPassword(std::string_view(reinterpret_cast<const char*>(random), sizeof random));
    return hash.ok() ? hash.value() : std::string();
  }();
  (void)VerifyPassword(decoy, password);
}

}  // namespace voronka
