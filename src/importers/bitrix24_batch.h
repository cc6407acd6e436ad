// Bitrix24 REST through `batch`: many list pages in one request, each saved in the dump layout
// as if it had been asked alone ({"result": ..., "total": N, "next": N}).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "importers/bitrix24_sync.h"
#include "model/status.h"

namespace voronka::bitrix24 {

struct Webhook {
  std::string origin;  // "https://example.bitrix24.ru"
  std::string path;    // "/rest/1/abcdef/"
};
Result<Webhook> ParseWebhook(const std::string& url);

// A query value with every byte but the unreserved ones percent-encoded, so that a value such
// as "2024-03-01T00:00:00+00:00" survives inside a batch command.
std::string QueryValue(const std::string& value);

// Pages through list methods 50 pages (options.batch_size) a request. The first page of each
// call tells its total and page size; the remaining pages are then asked together, across
// methods. A busy portal (HTTP 429/5xx, QUERY_LIMIT_EXCEEDED or OPERATION_TIME_LIMIT, for the
// whole batch or one command of it) is asked again after a backoff; any other error stops.
class BatchPager {
 public:
  BatchPager(const Bitrix24SyncOptions& options, Webhook webhook, Bitrix24Progress& progress);

  // Saves every page of every call to work_dir/<method>/<file_prefix>NNNN.json and calls
  // `finished(i)` once the last page of calls[i] is saved. An error names the pages asked.
  Status Run(const std::vector<Bitrix24Call>& calls,
             const std::function<Status(size_t call)>& finished);

 private:
  const Bitrix24SyncOptions& options_;
  Webhook webhook_;
  Bitrix24Progress& progress_;
  bool requested_ = false;  // a request was sent: the next one waits options.pause first
};

}  // namespace voronka::bitrix24
