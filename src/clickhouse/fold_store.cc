#include "clickhouse/fold_store.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "clickhouse/fact_writer.h"
#include "clickhouse/schema.h"
#include "model/clock.h"

namespace voronka::clickhouse {

namespace {

// The build folds every row of the workspace at once (at 1M deals, 36M rows: more than the
// server's per-query memory): its GROUP BYs spill to disk past 2 GB instead of failing.
const Settings kBuild = {{"insert_distributed_sync", "1"},
                         {"max_bytes_before_external_group_by", "2000000000"}};

// Folds kept per workspace: the newest, and the one before for readers that started on it.
constexpr size_t kFoldsKept = 2;


// The key of a set of committed batches of `ws`, as an expression over batches_local.
std::string SetKey() {
  return "cityHash64(count(), sum(batch))";
}

// The key of the set of batches of `ws` committed now.
Result<uint64_t> CommittedSet(const Client& client, const std::string& ws) {
  Result<Rows> rows =
      client.Query("SELECT toString(" + SetKey() + ") FROM batches WHERE ws = " + Quote(ws));
  if (!rows.ok()) return rows.status();
  return rows->UInt(0, 0);
}

// The complete copy of the fold of the batches of `ws` committed now, if any (fold = 0 when
// none). One statement: the key is taken on the workspace's shard (IN reads the shard's own
// batches, as CommittedRows does).
Result<StoredFold> MarkedFold(const Client& client, const std::string& ws) {
  Result<Rows> rows = client.Query(
      "SELECT toString(fold), toString(builder), toString(max_change) FROM deal_fold_marks "
      "WHERE ws = " +
      Quote(ws) + " AND fold IN (SELECT " + SetKey() + " FROM " + client.endpoint().database +
      ".batches_local WHERE ws = " + Quote(ws) + ") ORDER BY builder LIMIT 1");
  if (!rows.ok()) return rows.status();
  StoredFold stored;
  if (rows->empty()) return stored;
  stored.ws = ws;
  stored.fold = rows->UInt(0, 0);
  stored.builder = rows->UInt(0, 1);
  stored.max_change = rows->Int(0, 2);
  return stored;
}

// Drops the rows of the given builds on every server of the cluster (a build is a partition
// of deal_folds_local). Best effort: a fold left behind costs disk, not answers.
void DropBuilds(const Client& client, const std::vector<uint64_t>& builders) {
  if (builders.empty()) return;
  Result<std::string> cluster = SchemaCluster(client);
  if (!cluster.ok()) return;
  Result<std::vector<Endpoint>> servers = ClusterServers(client, *cluster);
  if (!servers.ok()) return;
  for (const Endpoint& endpoint : servers.value()) {
    Client server(endpoint);
    for (uint64_t builder : builders) {
      (void)server.Execute("ALTER TABLE " + LocalTable("deal_folds") + " DROP PARTITION " +
                           std::to_string(builder));
    }
  }
}

// Drops the builds of the folds of `ws` older than the newest kFoldsKept: of the next few
// (earlier ones were dropped when these were built, a failed drop is retried a few times).
void DropOldFolds(const Client& client, const std::string& ws) {
  constexpr size_t kRetried = 8;
  Result<Rows> marks = client.Query(
      "SELECT toString(fold), groupArray(toString(builder)) FROM deal_fold_marks WHERE ws = " +
      Quote(ws) + " GROUP BY fold ORDER BY max(built_at) DESC LIMIT " +
      std::to_string(kFoldsKept + kRetried));
  if (!marks.ok()) return;
  std::vector<uint64_t> builders;
  for (size_t r = kFoldsKept; r < marks->size(); ++r) {
    for (const std::string& builder : marks->Array(r, 1)) builders.push_back(std::stoull(builder));
  }
  DropBuilds(client, builders);
}

// Drops the builds of `ws` that were never marked and began long enough ago that no build still
// runs (a server killed while building): nothing reads them, only their disk is freed. A
// builder id is its start time in microseconds times 1024 (NewBatchId).
void DropAbandonedBuilds(const Client& client, const std::string& ws) {
  constexpr int64_t kAbandonedAfter = 6LL * 3600 * 1000 * 1000;
  uint64_t cutoff = static_cast<uint64_t>(NowMicros() - kAbandonedAfter) << 10;
  Result<Rows> abandoned =
      client.Query("SELECT DISTINCT toString(builder) FROM deal_folds WHERE ws = " + Quote(ws) +
                   " AND builder < " + std::to_string(cutoff) +
                   " AND builder NOT IN (SELECT builder FROM " + client.endpoint().database + "." +
                   LocalTable("deal_fold_marks") + " WHERE ws = " + Quote(ws) + ")");
  if (!abandoned.ok()) return;
  std::vector<uint64_t> builders;
  for (size_t r = 0; r < abandoned->size(); ++r) builders.push_back(abandoned->UInt(r, 0));
  DropBuilds(client, builders);
}

// Marks build `builder` of fold `fold` of `ws` complete, unless the committed batches changed
// since the fold's key was taken (fold = 0 then).
Result<StoredFold> MarkBuild(const Client& client, const std::string& ws, uint64_t fold,
                             uint64_t builder) {
  Result<uint64_t> after = CommittedSet(client, ws);
  if (!after.ok()) return after.status();
  if (after.value() != fold) {
    StoredFold none;
    none.missing = "batches were committed while the fold was built";
    return none;
  }
  // The latest instant a state depends on: a stage entry, a creation, a lead's conversion.
  Result<Rows> latest = client.Query(
      "SELECT toString(max(greatest(greatest(arrayReduce('max', hist_at), converted_at), "
      "created_at))) FROM deal_folds WHERE ws = " +
      Quote(ws) + " AND fold = " + std::to_string(fold) +
      " AND builder = " + std::to_string(builder));
  if (!latest.ok()) return latest.status();
  StoredFold stored{ws, fold, builder, latest->empty() ? 0 : latest->Int(0, 0), ""};
  std::string mark;
  AppendTsv(mark, ws);
  mark += '\t' + std::to_string(fold) + '\t' + std::to_string(builder) + '\t' +
          std::to_string(stored.max_change) + '\t' + std::to_string(NowMicros()) + '\n';
  Status marked =
      client.Execute("INSERT INTO deal_fold_marks FORMAT TabSeparated", mark, kSyncInsert);
  if (!marked.ok()) return marked;
  return stored;
}

// Builds fold `fold` of `ws` and marks it complete (fold = 0 when it could not be marked: its
// rows are dropped again).
Result<StoredFold> BuildFold(const Client& client, const std::string& ws, const Tables& directory,
                             uint64_t fold, uint64_t deals_per_part) {
  uint64_t builder = NewBatchId();
  const std::string& database = client.endpoint().database;
  DealSql deals(directory, "ws = " + Quote(ws) + " AND " + CommittedRows(database, ws), {}, true);
  // In parts of about deals_per_part deals (by a hash of the deal id), each within a query's
  // memory and time.
  Result<Rows> count = client.Query("SELECT count() FROM deals WHERE ws = " + Quote(ws));
  Status inserted = count.status();
  uint64_t parts = count.ok() ? count->UInt(0, 0) / std::max<uint64_t>(deals_per_part, 1) + 1 : 0;
  for (uint64_t part = 0; part < parts && inserted.ok(); ++part) {
    deals.SetPart(DealSql::Part{database, ws, parts, part});
    inserted =
        client.Execute("INSERT INTO deal_folds " + deals.FoldRows(ws, fold, builder), {}, kBuild);
  }
  Result<StoredFold> marked =
      inserted.ok() ? MarkBuild(client, ws, fold, builder) : Result<StoredFold>(inserted);
  if (!marked.ok() || marked->fold == 0) {
    DropBuilds(client, {builder});
    return marked;
  }
  DropOldFolds(client, ws);
  DropAbandonedBuilds(client, ws);
  return marked;
}

std::mutex& BuildingLock(const std::string& ws) {
  static std::mutex guard;
  static std::map<std::string, std::unique_ptr<std::mutex>> locks;
  std::lock_guard<std::mutex> lock(guard);
  std::unique_ptr<std::mutex>& mine = locks[ws];
  if (!mine) mine = std::make_unique<std::mutex>();
  return *mine;
}

// Unavailable errors go to the caller; any other failure means no fold (folded per query).
Result<StoredFold> NoneUnlessUnavailable(const Status& status) {
  if (status.unavailable()) return status;
  StoredFold none;
  none.missing = status.message();
  return none;
}

}  // namespace

Result<StoredFold> CurrentFold(const Client& client, const std::string& ws, const Tables& directory,
                               uint64_t deals_per_part) {
  Result<StoredFold> marked = MarkedFold(client, ws);
  if (!marked.ok()) return NoneUnlessUnavailable(marked.status());
  if (marked->fold != 0) return marked;
  // One build of a workspace at a time in this process: requests arriving meanwhile wait and
  // find its mark.
  std::lock_guard<std::mutex> lock(BuildingLock(ws));
  marked = MarkedFold(client, ws);
  if (!marked.ok()) return NoneUnlessUnavailable(marked.status());
  if (marked->fold != 0) return marked;
  Result<uint64_t> fold = CommittedSet(client, ws);
  if (!fold.ok()) return NoneUnlessUnavailable(fold.status());
  Result<StoredFold> built = BuildFold(client, ws, directory, fold.value(), deals_per_part);
  if (!built.ok()) return NoneUnlessUnavailable(built.status());
  return built;
}

Result<DealRewrites> DealReading(const Client& client, const std::string& ws,
                                 const Tables& directory, const std::string& price_field,
                                 const std::string& source_field) {
  DealRewrites reading;
  reading.price_field = price_field;
  reading.source_field = source_field;
  if (!reading.defaults()) return reading;
  Result<StoredFold> stored = CurrentFold(client, ws, directory);
  if (!stored.ok()) return stored.status();
  reading.stored = std::move(stored).value();
  return reading;
}

}  // namespace voronka::clickhouse
