// The content digest of deal and task updates: how the store recognises an exact repeat
// (same id, time and content) without comparing every stored update column by column.
#pragma once

#include <string>

#include "model/records.h"

namespace voronka::sqlite {

// BLAKE2b over a self-delimiting encoding of the update (a tag per member telling absent,
// cleared or set; lengths before strings), so two different contents never share an input
// and a collision needs 2^64 work. 16 bytes keep the unique index small.
struct UpdateDigest {
  unsigned char bytes[16];
};

// `scratch` is reused between calls so that digesting allocates nothing in steady state.
UpdateDigest DigestOf(const DealUpdateRecord& update, std::string& scratch);
UpdateDigest DigestOf(const TaskUpdateRecord& update, std::string& scratch);

}  // namespace voronka::sqlite
