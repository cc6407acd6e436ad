// Bitrix24 live: page through the REST API of an incoming webhook with `batch` (up to 50 pages
// a request), save the pages in the dump layout of ReadBitrix24Dump, then import them as one
// batch. After the first successful run, deals, leads, companies, contacts, activities and
// tasks are asked only from the start of the previous run on (>DATE_MODIFY and the like, less
// a margin), and stage history past the highest ID imported (>ID).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "importers/import_batch.h"
#include "importers/import_target.h"
#include "model/status.h"

namespace voronka {

// How far a download is, for a progress bar.
struct Bitrix24Progress {
  int64_t pages_saved = 0;  // pages saved by this run
  int64_t pages_known = 0;  // pages known to exist so far (grows as first pages give totals)
  int64_t requests = 0;     // HTTP requests sent, retries included
  std::string method;       // the method of the first page of the latest request
};

// What an incremental sync asks from: the start of the previous successful run (Unix
// seconds) and the highest stage-history IDs it imported. All 0: a full sync.
struct Bitrix24Marks {
  int64_t modified_from = 0;
  int64_t deal_history_id = 0;
  int64_t lead_history_id = 0;
};
// The marks as kept (JSON), and back; zeros for a text that is not such JSON.
std::string Bitrix24MarksText(const Bitrix24Marks& marks);
Bitrix24Marks ParseBitrix24Marks(std::string_view text);

struct Bitrix24SyncOptions {
  // The incoming webhook, e.g. "https://example.bitrix24.ru/rest/1/abcdef0123456789/".
  std::string webhook_url;
  // Where the pages are saved. A run interrupted by an error keeps the methods it finished
  // and starts there again; a successful import empties the folder.
  std::string work_dir;
  // Tries per page on QUERY_LIMIT_EXCEEDED, HTTP 429/5xx or a lost connection, waiting
  // first_backoff, then twice as long each time.
  int max_attempts = 8;
  std::chrono::milliseconds first_backoff{500};
  // Waits between requests (Bitrix24 allows about two a second per portal).
  std::chrono::milliseconds pause{500};
  // Pages asked in one `batch` request (Bitrix24 takes at most 50).
  int batch_size = 50;
  // The high-water marks of the last successful sync; all 0: a full sync.
  Bitrix24Marks previous;
  // Receives this run's marks after a successful import, to be `previous` next time (the
  // command keeps them in the metadata store, importers/crm_state.h); an error it returns is
  // said as a warning.
  std::function<Status(const Bitrix24Marks&)> keep_marks;
  // Incremental syncs ask from the previous start less this, for clocks that disagree.
  std::chrono::seconds overlap{300};
  // How to wait (tests replace it to go fast).
  std::function<void(std::chrono::milliseconds)> sleep;
  std::function<int64_t()> now;  // Unix seconds; empty: the system clock
  // Called after each request, e.g. for a progress bar.
  std::function<void(const Bitrix24Progress&)> on_progress;
};


// Saves every page of every method Voronka reads into work_dir/<method>/ (crm.deal.list/
// 0001.json, ...), then the timeline comments of the deals and leads saved
// (crm.timeline.comment.list/deal-17-0001.json, ...). With marks, only what changed since.
// Methods finished by an earlier interrupted run are not asked again. An error names the
// method, the start and what the portal answered.
Status DownloadBitrix24(const Bitrix24SyncOptions& options, const Bitrix24Marks& marks = {});

// One REST list method to page through: its pages go to work_dir/<method>/<file_prefix>NNNN.json.
struct Bitrix24Call {
  std::string method;
  std::string file_prefix;  // deal and lead history share one folder
  std::string params;       // "entityTypeId=2&filter[OWNER_ID]=17"
};
// DownloadBitrix24 for the given calls only (e.g. one deal and its history).
Status DownloadBitrix24Calls(const Bitrix24SyncOptions& options,
                             const std::vector<Bitrix24Call>& calls);
// "https://example.bitrix24.ru" of a webhook address; empty when it is not one.
std::string Bitrix24Portal(const std::string& webhook_url);

// DownloadBitrix24 (incremental when `previous` has a start), then ReadBitrix24Dump with the
// portal taken from the webhook, then one atomic store into `target`; on success the saved
// pages are removed and keep_marks gets this run's marks.
ImportSummary SyncBitrix24(ImportTarget& target, const Bitrix24SyncOptions& options,
                           std::vector<std::string>* warnings);

}  // namespace voronka
