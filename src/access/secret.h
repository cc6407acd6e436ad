// Random secrets (session ids, CSRF tokens) and the one-way hash under which they are stored.
#pragma once

#include <string>
#include <string_view>

namespace voronka {

// Initialises libsodium once; aborts when the system has no secure random source.
void EnsureSodium();

// `bytes` random bytes as URL-safe base64 without padding.
std::string RandomSecret(size_t bytes = 32);

// BLAKE2b of a high-entropy secret (a session id, an ingest token), as raw bytes. Such secrets
// cannot be guessed, so a fast hash suffices; a copy of the database yields no usable secret.
// The same hash the store keeps for ingest tokens.
std::string SecretHash(std::string_view secret);

// Compares two strings in time independent of where they differ.
bool EqualInConstantTime(std::string_view a, std::string_view b);

}  // namespace voronka
