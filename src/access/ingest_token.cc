#include "access/ingest_token.h"

#include "access/secret.h"

namespace voronka {

Result<std::string> IssueIngestToken(AccountStore& accounts, int64_t workspace_id, int64_t now) {
  std::string token = "vk_" + RandomSecret(32);
  if (Status stored = accounts.AddIngestToken(workspace_id, SecretHash(token), now); !stored.ok()) {
    return stored;
  }
  return token;
}

bool HasIngestToken(const AccountStore& accounts, int64_t workspace_id) {
  for (const IngestTokenInfo& token : accounts.IngestTokens()) {
    if (token.workspace_id == workspace_id) return true;
  }
  return false;
}

}  // namespace voronka
