// What a workspace keeps of its CRM connection, in the metadata store (CrmStateStore: SQLite in
// the embedded mode, PostgreSQL with --meta, so every server of a scale-out setup reads the
// same): the credentials its webhooks fetch with, kept by a successful `voronka sync`, and the
// marks its next incremental sync starts from.
//
// Earlier versions kept them as files in the data directory (hooks-<crm>-<ws>.json,
// sync-bitrix24-<ws>.marks, sync-amocrm-<ws>.since). When the store has nothing and
// `legacy_dir` (the data directory, "" when there is none) holds such a file, its text is moved
// into the store on that first use and the file removed, so an upgraded install keeps working.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "importers/bitrix24_sync.h"
#include "model/status.h"
#include "store/meta_store.h"

namespace voronka {

// What a workspace's hooks use. A secret: never answered by an API, never logged.
struct CrmHookCredentials {
  std::string bitrix24_webhook;            // incoming webhook of the portal
  std::string bitrix24_application_token;  // of the outbound webhook; empty: not checked
  std::string amocrm_base_url;
  std::string amocrm_token;
};

Status SaveHookCredentials(CrmStateStore& store, int64_t workspace_id, const std::string& crm,
                           const CrmHookCredentials& credentials);
// None when the workspace has none (no `voronka sync` ran for it yet); an error when the store
// cannot be read or what it holds is not credentials.
Result<std::optional<CrmHookCredentials>> LoadHookCredentials(CrmStateStore& store,
                                                              const std::string& legacy_dir,
                                                              int64_t workspace_id,
                                                              const std::string& crm);

// Zeros (a full sync) when none are kept.
Result<Bitrix24Marks> LoadBitrix24Marks(CrmStateStore& store, const std::string& legacy_dir,
                                        int64_t workspace_id);
Status SaveBitrix24Marks(CrmStateStore& store, int64_t workspace_id, const Bitrix24Marks& marks);

// The Unix time the last successful amoCRM sync started; 0 (a full sync) when none is kept.
Result<int64_t> LoadAmocrmStart(CrmStateStore& store, const std::string& legacy_dir,
                                int64_t workspace_id);
Status SaveAmocrmStart(CrmStateStore& store, int64_t workspace_id, int64_t started_at);

// The file of the data directory where earlier versions kept a kind of state.
std::string LegacyCrmStateFile(const std::string& data_dir, int64_t workspace_id,
                               const std::string& crm, CrmStateKind kind);

}  // namespace voronka
