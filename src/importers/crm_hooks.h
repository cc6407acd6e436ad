// Outbound webhooks of the CRMs, live: an event names what changed (a deal, a lead, an
// activity, a task); what it is now is fetched back over the CRM's API with the credentials
// the workspace's last `voronka sync` kept (importers/crm_state.h), saved as a small dump and
// read by the dump readers, so the records and their event ids are exactly those a sync makes
// and nothing counts twice.
#pragma once

#include <cstdint>
#include <string>

#include "importers/amocrm_sync.h"
#include "importers/bitrix24_sync.h"
#include "importers/import_batch.h"

namespace voronka {

// "a=1&b%5Bc%5D=2" -> {{"a","1"},{"b[c]","2"}}, in order.
std::vector<std::pair<std::string, std::string>> ParseFormBody(const std::string& body);

// What an event came to: `bad_event` says what is wrong with the event itself, `fetch_error`
// what the CRM answered when asked for what changed; otherwise the batch (empty for events
// Voronka does not follow, such as deletions; it may hold reader errors naming pages).
struct HookBatch {
  std::string bad_event;
  std::string fetch_error;
  ImportBatch batch;
};

// A Bitrix24 event (event=ONCRMDEALADD|ONCRMDEALUPDATE|ONCRMLEADADD|ONCRMLEADUPDATE|
// ONCRMACTIVITYADD|ONCRMACTIVITYUPDATE, data[FIELDS][ID]=...). `fetch` names the webhook and
// a scratch work_dir. The batch is empty for events Voronka does not follow (deletions).
// An error says what is wrong with the event or what the portal answered.
HookBatch Bitrix24HookBatch(const std::vector<std::pair<std::string, std::string>>& form,
                            const Bitrix24SyncOptions& fetch);

// An amoCRM event (leads[add|update|status|responsible|restore][N][id]=..., leads[note][N]
// [note][element_id]=..., task[add|update][N][element_id]=... with element_type 2): each
// lead named, with its whole event history and its tasks.
HookBatch AmocrmHookBatch(const std::vector<std::pair<std::string, std::string>>& form,
                          const AmocrmSyncOptions& fetch);

}  // namespace voronka
