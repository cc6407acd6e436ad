// amoCRM live: page through API v4 with a long-lived token (HAL paging by _links.next), save
// the pages in the dump layout of ReadAmocrmDump, then import them as one batch. After the
// first successful run, leads, contacts, companies, tasks and events are asked only from the
// start of the previous run on (less a margin), which the import applies as changes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "importers/import_batch.h"
#include "importers/import_target.h"
#include "importers/sync_pages.h"

namespace voronka {

struct AmocrmSyncOptions {
  // The account, e.g. "https://example.amocrm.ru"; "/api/v4/..." is appended.
  std::string base_url;
  std::string token;  // sent as "Authorization: Bearer <token>"
  // Where the pages are saved. A run interrupted by an error keeps the paths it finished and
  // starts there again; a successful import empties the folder.
  std::string work_dir;
  // The Unix time the last successful sync started; 0: a full sync.
  int64_t previous_start = 0;
  // Receives this run's start after a successful import, to be previous_start next time (the
  // command keeps it in the metadata store, importers/crm_state.h); an error it returns is
  // said as a warning.
  std::function<Status(int64_t started_at)> keep_start;
  // amoCRM allows 7 requests a second per integration: requests start at least this apart.
  std::chrono::milliseconds min_interval{143};
  // Tries per page on HTTP 429/5xx or a lost connection, waiting first_backoff, then twice as
  // long each time.
  int max_attempts = 8;
  std::chrono::milliseconds first_backoff{1000};
  // Incremental syncs ask from the previous start less this, for clocks that disagree.
  std::chrono::seconds overlap{300};
  SleepFunction sleep;                 // how to wait (tests replace it)
  std::function<int64_t()> now;        // Unix seconds; empty: the system clock
  std::function<void(const std::string& target)> on_request;  // before each request
};

// Saves every page Voronka reads into work_dir (leads/0001.json, leads/pipelines/0001.json,
// events/..., see docs/import.md). `since` > 0 asks only what changed from then on.
// An error names the path, the page and what the account answered.
Status DownloadAmocrm(const AmocrmSyncOptions& options, int64_t since);

// One path to page through: its pages go to work_dir/<path>/NNNN.json.
struct AmocrmCall {
  std::string path;   // after /api/v4/, e.g. "leads"
  std::string query;  // "limit=250&filter[id][]=9003"
};
// DownloadAmocrm for the given calls only (e.g. one lead with its events).
Status DownloadAmocrmCalls(const AmocrmSyncOptions& options, const std::vector<AmocrmCall>& calls);
// The query of the events a sync asks for ("limit=100&filter[type][]=lead_status_changed&...").
std::string AmocrmEventTypes();

// DownloadAmocrm (incremental when previous_start is set), ReadAmocrmDump, one atomic store
// into `target`; on success the pages are removed and keep_start gets this run's start.
ImportSummary SyncAmocrm(ImportTarget& target, const AmocrmSyncOptions& options,
                         std::vector<std::string>* warnings);

}  // namespace voronka
