// Ingest tokens: issued here, kept (as their hash) in the metadata store, so every server
// sharing that store accepts them.
#pragma once

#include <cstdint>
#include <string>

#include "model/status.h"
#include "store/meta_store.h"

namespace voronka {

// A new random token of the workspace ("vk_" and 256 random bits); only its hash is stored.
// The token itself is returned once.
Result<std::string> IssueIngestToken(AccountStore& accounts, int64_t workspace_id, int64_t now);

// True when the workspace was ever issued a token (revoked ones count).
bool HasIngestToken(const AccountStore& accounts, int64_t workspace_id);

}  // namespace voronka
