// TextHash: the hash of the in-memory tables of text ids (the engine's dictionaries, the
// store's id catalogue).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace voronka {

namespace text_hash_detail {

inline uint64_t Load64(const char* bytes) {
  uint64_t word;
  std::memcpy(&word, bytes, sizeof(word));
  return word;
}
inline uint64_t Load32(const char* bytes) {
  uint32_t word;
  std::memcpy(&word, bytes, sizeof(word));
  return word;
}
// The halves of a 128-bit product folded together: every bit of both inputs reaches every bit
// of the result.
inline uint64_t Fold(uint64_t a, uint64_t b) {
  unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

}  // namespace text_hash_detail

// A text's hash for in-memory tables of ids (never stored), in the way of wyhash: a text of up
// to 16 bytes is read as two (overlapping) words, longer ones 16 bytes at a time, and folded by
// 128-bit products. Ids are short (a start-up hashes over a hundred million of them): two loads
// and two products instead of std::hash's byte loop.
inline uint32_t TextHash(std::string_view text) {
  using namespace text_hash_detail;
  constexpr uint64_t kSeed = 0xa0761d6478bd642fULL, kOdd = 0xe7037ed1a0b428dbULL,
                     kLength = 0x8ebc6af09c88c6e3ULL;
  const char* bytes = text.data();
  size_t size = text.size();
  uint64_t seed = kSeed;
  uint64_t a = 0, b = 0;
  if (size > 16) {
    size_t at = 0;
    for (; size - at > 16; at += 16) {
      seed = Fold(Load64(bytes + at) ^ kOdd, Load64(bytes + at + 8) ^ seed);
    }
    a = Load64(bytes + size - 16);
    b = Load64(bytes + size - 8);
  } else if (size >= 8) {
    a = Load64(bytes);
    b = Load64(bytes + size - 8);
  } else if (size >= 4) {
    a = Load32(bytes);
    b = Load32(bytes + size - 4);
  } else if (size > 0) {
    auto byte = [&](size_t i) {
      return static_cast<uint64_t>(static_cast<unsigned char>(bytes[i]));
    };
    a = (byte(0) << 16) | (byte(size / 2) << 8) | byte(size - 1);
  }
  uint64_t h = Fold(a ^ kOdd, b ^ seed);
  return static_cast<uint32_t>(Fold(h ^ kLength ^ size, kOdd));
}

}  // namespace voronka
