#include "clickhouse/fold_store.h"

#include <algorithm>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
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
// Builds never marked are dropped this long after they began (a server killed while building).
constexpr int64_t kAbandonedAfter = 6LL * 3600 * 1000 * 1000;

// The key of a set of committed batches of `ws`, as an expression over their `batch` column.
std::string SetKey() {
  return "cityHash64(count(), sum(batch))";
}

std::string Number(uint64_t value) {
  return "toUInt64(" + std::to_string(value) + ")";
}

// The first mark of `ws` that `where` keeps, in `order` (fold = 0 when none), read from the
// Distributed deal_fold_marks: subqueries of `where` run on the workspace's shard.
Result<StoredFold> FirstMark(const Client& client, const std::string& ws, const std::string& where,
                             const std::string& order) {
  Result<Rows> rows = client.Query(
      "SELECT toString(fold), toString(builder), toString(base), toString(base_fold), "
      "toString(max_change) FROM deal_fold_marks WHERE ws = " +
      Quote(ws) + " AND " + where + " ORDER BY " + order + " LIMIT 1");
  if (!rows.ok()) return rows.status();
  StoredFold stored;
  if (rows->empty()) return stored;
  return StoredFold{client.endpoint().database, ws,
                    rows->UInt(0, 0),           rows->UInt(0, 1),
                    rows->UInt(0, 2),           rows->UInt(0, 3),
                    rows->Int(0, 4),            ""};
}

// The complete copy of the fold of the batches of `ws` committed now, if any (fold = 0 when
// none). One statement: the key is taken on the workspace's shard (IN reads the shard's own
// batches, as CommittedRows does).
Result<StoredFold> MarkedFold(const Client& client, const std::string& ws) {
  return FirstMark(client, ws,
                   "fold IN (SELECT " + SetKey() + " FROM " + client.endpoint().database +
                       ".batches_local WHERE ws = " + Quote(ws) + ")",
                   "builder");
}

// The tables of a build, each partitioned by builder; its mark first, so that no reader finds
// a build partly dropped.
constexpr const char* kBuildTables[] = {"deal_fold_marks", "deal_folds", "deal_fold_batches",
                                        "deal_fold_deals"};

// Drops the given builds on every server of the cluster (a build is a partition of each of
// kBuildTables). Best effort: a build left behind costs disk, not answers.
void DropBuilds(const Client& client, const std::vector<uint64_t>& builders) {
  if (builders.empty()) return;
  Result<std::string> cluster = SchemaCluster(client);
  if (!cluster.ok()) return;
  Result<std::vector<Endpoint>> servers = ClusterServers(client, *cluster);
  if (!servers.ok()) return;
  for (const Endpoint& endpoint : servers.value()) {
    Client server(endpoint);
    for (uint64_t builder : builders) {
      for (const char* table : kBuildTables) {
        (void)server.Execute("ALTER TABLE " + LocalTable(table) + " DROP PARTITION " +
                             std::to_string(builder));
      }
    }
  }
}

// Drops the folds of `ws` that no reader or build uses any more: all but the newest kFoldsKept
// and those pushed out of them less than `superseded_kept` ago, and the whole folds these
// overlay.
void DropOldFolds(const Client& client, const std::string& ws, int64_t superseded_kept) {
  Result<Rows> marks = client.Query(
      "SELECT toString(builder), toString(base), toString(built_at) FROM deal_fold_marks "
      "WHERE ws = " +
      Quote(ws) + " ORDER BY built_at DESC, builder DESC");
  if (!marks.ok()) return;
  int64_t superseded = NowMicros() - superseded_kept;
  std::set<uint64_t> kept;
  for (size_t r = 0; r < marks->size(); ++r) {
    if (r < kFoldsKept || marks->Int(r - kFoldsKept, 2) > superseded) {
      kept.insert(marks->UInt(r, 0));
      kept.insert(marks->UInt(r, 1));
    }
  }
  std::vector<uint64_t> dropped;
  for (size_t r = 0; r < marks->size(); ++r) {
    if (!kept.contains(marks->UInt(r, 0))) dropped.push_back(marks->UInt(r, 0));
  }
  DropBuilds(client, dropped);
}

// Drops the builds of `ws` that were never marked and began long enough ago that no build still
// runs (a server killed while building): nothing reads them, only their disk is freed. A
// builder id is its start time in microseconds times 1024 (NewBatchId).
void DropAbandonedBuilds(const Client& client, const std::string& ws) {
  uint64_t cutoff = static_cast<uint64_t>(NowMicros() - kAbandonedAfter) << 10;
  // The condition runs in each read of a Distributed table, so on the workspace's shard, where
  // its marks are.
  std::string old = " WHERE ws = " + Quote(ws) + " AND builder < " + std::to_string(cutoff) +
                    " AND builder NOT IN (SELECT builder FROM " + client.endpoint().database +
                    "." + LocalTable("deal_fold_marks") + " WHERE ws = " + Quote(ws) + ")";
  Result<Rows> abandoned = client.Query(
      "SELECT DISTINCT toString(builder) FROM (SELECT builder FROM deal_folds" + old +
      " UNION ALL SELECT builder FROM deal_fold_batches" + old + ")");
  if (!abandoned.ok()) return;
  std::vector<uint64_t> builders;
  for (size_t r = 0; r < abandoned->size(); ++r) builders.push_back(abandoned->UInt(r, 0));
  DropBuilds(client, builders);
}

// The column names of a table's schema ("a Type, b Type(X, Y)" -> a, b).
std::vector<std::string> ColumnNames(std::string_view columns) {
  std::vector<std::string> names;
  int depth = 0;
  bool at_name = true;
  std::string name;
  for (char c : columns) {
    if (c == '(') ++depth;
    if (c == ')') --depth;
    if (depth == 0 && c == ',') {
      at_name = true;
      continue;
    }
    if (at_name && c == ' ' && !name.empty()) {
      names.push_back(name);
      name.clear();
      at_name = false;
    } else if (at_name && c != ' ') {
      name += c;
    }
  }
  return names;
}

// One build of the fold of the batches of a workspace committed when it begins: a whole fold,
// or an overlay on the newest fold when few of its deals changed since.
class FoldBuild {
 public:
  FoldBuild(const Client& client, const std::string& ws, const Tables& directory,
            const FoldPolicy& policy)
      : client_(client),
        database_(client.endpoint().database),
        ws_(ws),
        directory_(directory),
        policy_(policy) {}

  // The fold built and marked (fold = 0 when an overlay took too long); its rows are dropped
  // again when it is not marked.
  Result<StoredFold> Run() {
    Result<StoredFold> built = Build();
    if (!built.ok() || built->fold == 0) {
      DropBuilds(client_, {builder_});
      return built;
    }
    DropOldFolds(client_, ws_, policy_.superseded_kept);
    DropAbandonedBuilds(client_, ws_);
    return built;
  }

 private:
  Result<StoredFold> Build() {
    Status recorded = RecordBatches();
    if (!recorded.ok()) return recorded;
    Result<StoredFold> previous = NewestFold();
    if (!previous.ok()) return previous;
    if (previous->fold != 0) {
      Result<StoredFold> overlay = Overlay(previous.value());
      if (!overlay.ok() || overlay->fold != 0 || !overlay->missing.empty()) return overlay;
    }
    return Whole();
  }

  std::string InWs() const { return "ws = " + Quote(ws_); }
  std::string Local(const char* table) const { return database_ + "." + LocalTable(table); }
  // The batches build `builder` folds, as a subquery run on the workspace's shard.
  std::string BatchesOf(uint64_t builder) const {
    return "SELECT batch FROM " + Local("deal_fold_batches") + " WHERE " + InWs() +
           " AND builder = " + std::to_string(builder);
  }
  Result<uint64_t> Count(const std::string& sql) const {
    Result<Rows> rows = client_.Query(sql);
    if (!rows.ok()) return rows.status();
    return rows->UInt(0, 0);
  }

  // Records the batches of the workspace committed now as this build's; its key is theirs.
  Status RecordBatches() {
    Status recorded = client_.Execute("INSERT INTO deal_fold_batches SELECT ws, " +
                                          Number(builder_) + ", batch FROM batches WHERE " +
                                          InWs(),
                                      {}, kSyncInsert);
    if (!recorded.ok()) return recorded;
    Result<Rows> key = client_.Query("SELECT toString(" + SetKey() +
                                     ") FROM deal_fold_batches WHERE " + InWs() +
                                     " AND builder = " + std::to_string(builder_));
    if (!key.ok()) return key.status();
    fold_ = key->UInt(0, 0);
    return Status::Ok();
  }

  // The newest marked fold of the workspace whose batches are all among this build's (fold = 0
  // when there is none): a fold another server marked meanwhile for more batches is passed
  // over, not a reason to build whole.
  Result<StoredFold> NewestFold() const {
    return FirstMark(client_, ws_,
                     "builder NOT IN (SELECT builder FROM " + Local("deal_fold_batches") +
                         " WHERE " + InWs() + " AND batch NOT IN (" + BatchesOf(builder_) + "))",
                     "built_at DESC, builder DESC");
  }

  // An overlay on `previous` (and on its base when it is itself one): the deals of the batches
  // it did not fold are folded again, the rows of the other deals `previous` holds are copied.
  // fold = 0 when the overlay would hold too many deals (a whole fold is built instead).
  Result<StoredFold> Overlay(const StoredFold& previous) {
    int64_t began = NowMicros();
    uint64_t base = previous.base != 0 ? previous.base : previous.builder;
    uint64_t base_fold = previous.base != 0 ? previous.base_fold : previous.fold;
    Status status = client_.Execute(
        "INSERT INTO deal_fold_deals " + ChangedDeals(previous.builder), {}, kSyncInsert);
    if (status.ok() && previous.base != 0) {
      status = client_.Execute(
          "INSERT INTO deal_fold_deals SELECT ws, " + Number(builder_) +
              ", id, toUInt8(0) FROM deal_fold_deals WHERE " + InWs() +
              " AND builder = " + std::to_string(previous.builder) + " AND id NOT IN (SELECT id "
              "FROM " + Local("deal_fold_deals") + " WHERE " + InWs() +
              " AND builder = " + std::to_string(builder_) + ")",
          {}, kSyncInsert);
    }
    if (!status.ok()) return status;
    Result<Rows> counts = client_.Query(
        "SELECT count(), countIf(fresh = 1) FROM deal_fold_deals WHERE " + InWs() +
        " AND builder = " + std::to_string(builder_));
    if (!counts.ok()) return counts.status();
    Result<uint64_t> base_deals =
        Count("SELECT count() FROM deal_folds WHERE " + InWs() + " AND fold = " +
              std::to_string(base_fold) + " AND builder = " + std::to_string(base));
    if (!base_deals.ok()) return base_deals.status();
    uint64_t limit = std::max(policy_.overlay_floor,
                              static_cast<uint64_t>(policy_.overlay_share *
                                                    static_cast<double>(base_deals.value())));
    if (counts->UInt(0, 0) > limit) return StoredFold{};
    if (previous.base != 0) {
      status = client_.Execute(
          "INSERT INTO deal_folds SELECT " + CopiedColumns() + " FROM deal_folds WHERE " +
              InWs() + " AND fold = " + std::to_string(previous.fold) +
              " AND builder = " + std::to_string(previous.builder) + " AND id IN (SELECT id FROM " +
              Local("deal_fold_deals") + " WHERE " + InWs() +
              " AND builder = " + std::to_string(builder_) + " AND fresh = 0)",
          {}, kBuild);
      if (!status.ok()) return status;
    }
    status = FoldDeals(counts->UInt(0, 1), builder_);
    if (!status.ok()) return status;
    // Not marked when the folds it stands on may have been dropped meanwhile (superseded_kept
    // = 0: nothing builds alongside).
    if (policy_.superseded_kept > 0 && NowMicros() - began > policy_.superseded_kept * 2 / 3) {
      StoredFold late;
      late.missing = "the overlay took longer than the folds it stands on are kept";
      return late;
    }
    return Mark(base, base_fold, previous.max_change);
  }

  // An INSERT's SELECT of the deals changed by the batches of this build that `previous` did
  // not fold: named by their rows, and every deal an activity or task of theirs ever named (a
  // re-sent item leaves its earlier deal).
  std::string ChangedDeals(uint64_t previous) const {
    std::string in_new = "(ws, batch) IN (SELECT ws, batch FROM " + Local("deal_fold_batches") +
                         " WHERE " + InWs() + " AND builder = " + std::to_string(builder_) +
                         " AND batch NOT IN (" + BatchesOf(previous) + "))";
    std::string where = " WHERE " + InWs() + " AND " + in_new;
    std::string items = " WHERE " + InWs() + " AND id IN (SELECT ";
    return "SELECT " + Quote(ws_) + ", " + Number(builder_) +
           ", id, toUInt8(1) FROM (SELECT DISTINCT id FROM (SELECT id FROM deals" + where +
           " UNION ALL SELECT deal_id FROM deal_updates" + where +
           " UNION ALL SELECT deal_id FROM deal_fields" + where +
           " UNION ALL SELECT deal_id FROM stage_changes" + where +
           " UNION ALL SELECT deal_id FROM activities" + items + "id FROM " + Local("activities") +
           where + ") UNION ALL SELECT deal_id FROM tasks" + items + "id FROM " + Local("tasks") +
           where + ") UNION ALL SELECT deal_id FROM tasks" + items + "task_id FROM " +
           Local("task_updates") + where + ")) WHERE id != '')";
  }

  // deal_folds' columns, with this build's fold and builder.
  std::string CopiedColumns() const {
    std::string columns;
    const TableSchema& folds = *std::find_if(
        DerivedTables().begin(), DerivedTables().end(),
        [](const TableSchema& table) { return std::string_view(table.name) == "deal_folds"; });
    for (const std::string& name : ColumnNames(folds.columns)) {
      std::string value = name == "fold"      ? Number(fold_)
                          : name == "builder" ? Number(builder_)
                                              : name;
      columns += (columns.empty() ? "" : ", ") + value;
    }
    return columns;
  }

  // A whole fold: every deal of the workspace.
  Result<StoredFold> Whole() {
    Result<uint64_t> deals = Count("SELECT count() FROM deals WHERE " + InWs());
    if (!deals.ok()) return deals.status();
    Status folded = FoldDeals(deals.value(), 0);
    if (!folded.ok()) return folded;
    return Mark(0, 0, std::numeric_limits<int64_t>::min());
  }

  // Folds about `deals` deals (those build `only` refolds, or all when 0) over this build's
  // batches, in parts of about deals_per_part deals (by a hash of the deal id), each within a
  // query's memory and time.
  Status FoldDeals(uint64_t deals, uint64_t only) {
    DealSql sql(directory_,
                InWs() + " AND (ws, batch) IN (SELECT ws, batch FROM " +
                    Local("deal_fold_batches") + " WHERE " + InWs() +
                    " AND builder = " + std::to_string(builder_) + ")",
                {}, true);
    uint64_t parts = deals / std::max<uint64_t>(policy_.deals_per_part, 1) + 1;
    for (uint64_t part = 0; part < parts; ++part) {
      sql.SetPart(DealSql::Part{database_, ws_, parts, part, only});
      Status inserted = client_.Execute(
          "INSERT INTO deal_folds " + sql.FoldRows(ws_, fold_, builder_), {}, kBuild);
      if (!inserted.ok()) return inserted;
    }
    return Status::Ok();
  }

  // Marks this build complete: an overlay on `base` when that is not 0. `floor`: the latest
  // instant the rows this build did not fold depend on.
  Result<StoredFold> Mark(uint64_t base, uint64_t base_fold, int64_t floor) {
    // The latest instant a state depends on: a stage entry, a creation, a lead's conversion.
    Result<Rows> latest = client_.Query(
        "SELECT toString(max(greatest(greatest(arrayReduce('max', hist_at), converted_at), "
        "created_at))), count() FROM deal_folds WHERE " +
        InWs() + " AND fold = " + std::to_string(fold_) +
        " AND builder = " + std::to_string(builder_));
    if (!latest.ok()) return latest.status();
    int64_t max_change = latest->UInt(0, 1) == 0 ? floor : std::max(floor, latest->Int(0, 0));
    if (max_change == std::numeric_limits<int64_t>::min()) max_change = 0;
    StoredFold stored{database_, ws_, fold_, builder_, base, base_fold, max_change, ""};
    std::string mark;
    AppendTsv(mark, ws_);
    for (int64_t value : {static_cast<int64_t>(fold_), static_cast<int64_t>(builder_),
                          static_cast<int64_t>(base), static_cast<int64_t>(base_fold)}) {
      mark += '\t' + std::to_string(static_cast<uint64_t>(value));
    }
    mark += '\t' + std::to_string(max_change) + '\t' + std::to_string(NowMicros()) + '\n';
    Status marked =
        client_.Execute("INSERT INTO deal_fold_marks FORMAT TabSeparated", mark, kSyncInsert);
    if (!marked.ok()) return marked;
    return stored;
  }

  const Client& client_;
  std::string database_, ws_;
  const Tables& directory_;
  FoldPolicy policy_;
  uint64_t builder_ = NewBatchId();
  uint64_t fold_ = 0;
};

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
                               const FoldPolicy& policy) {
  Result<StoredFold> marked = MarkedFold(client, ws);
  if (!marked.ok()) return NoneUnlessUnavailable(marked.status());
  if (marked->fold != 0) return marked;
  // One build of a workspace at a time in this process: requests arriving meanwhile wait and
  // find its mark.
  std::lock_guard<std::mutex> lock(BuildingLock(ws));
  marked = MarkedFold(client, ws);
  if (!marked.ok()) return NoneUnlessUnavailable(marked.status());
  if (marked->fold != 0) return marked;
  Result<StoredFold> built = FoldBuild(client, ws, directory, policy).Run();
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
