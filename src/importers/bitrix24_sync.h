// Bitrix24 live: page through the REST API of an incoming webhook, save the pages in the
// dump layout of ReadBitrix24Dump, then import them as one batch.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "importers/import_batch.h"
#include "model/status.h"

namespace voronka {

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
  // How to wait (tests replace it to go fast).
  std::function<void(std::chrono::milliseconds)> sleep;
  // Called with each method and start before its request, e.g. for progress.
  std::function<void(const std::string& method, int64_t start)> on_request;
};

// Saves every page of every method Voronka reads into work_dir/<method>/ (crm.deal.list/
// 0001.json, ...). Methods finished by an earlier interrupted run are not asked again.
// An error names the method, the start and what the portal answered.
Status DownloadBitrix24(const Bitrix24SyncOptions& options);

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

// DownloadBitrix24, then ReadBitrix24Dump with the portal taken from the webhook, then one
// atomic store; on success the saved pages are removed so that the next run asks again.
ImportSummary SyncBitrix24(SqliteStore& store, int64_t workspace_id,
                           const Bitrix24SyncOptions& options, std::vector<std::string>* warnings);

}  // namespace voronka
