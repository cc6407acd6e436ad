#include "clickhouse/schema.h"

namespace voronka::clickhouse {

namespace {

// Plain MergeTree, not ReplacingMergeTree: a merge would let a later version from a batch that
// never committed replace a committed one. Every version is kept and the reader picks the
// latest committed one (argMax by (batch, seq)); re-sent keyed records are rare, so the extra
// versions cost little.
//
// Every key starts with ws: a shard holds many workspaces and every query names one, so the
// primary index narrows a read to that workspace's granules first.
const std::vector<TableSchema> kTables = {
    // Workspace settings, one row per member a `workspace` record sets.
    {"settings", "ws String, name String, value String, batch UInt64, seq UInt32", "(ws, name)"},
    // The directory: small, read whole per workspace and looked up by id.
    {"users",
     "ws String, id String, name String, department_id String, active UInt8, "
     "capacity Int32, batch UInt64, seq UInt32",
     "(ws, id)"},
    {"departments",
     "ws String, id String, name String, parent_id String, head_id String, batch UInt64, "
     "seq UInt32",
     "(ws, id)"},
    {"pipelines",
     "ws String, id String, name String, entity UInt8, stage_ids Array(String), "
     "stage_names Array(String), stage_semantics Array(UInt8), batch UInt64, seq UInt32",
     "(ws, id)"},
    {"companies", "ws String, id String, name String, batch UInt64, seq UInt32", "(ws, id)"},
    {"contacts", "ws String, id String, name String, company_id String, batch UInt64, seq UInt32",
     "(ws, id)"},
    // Deals by id: per-deal state joins deals with their stage changes, updates and fields by
    // deal id, and drill-down and ingest validation look deals up by id.
    {"deals",
     "ws String, id String, entity UInt8, title String, pipeline_id String, stage_id String, "
     "amount Int64, original_amount Nullable(Int64), original_currency String, "
     "responsible_id String, company_id String, contact_id String, source String, "
     "deal_type String, created_at Int64, loss_reason String, converted_to String, "
     "batch UInt64, seq UInt32",
     "(ws, id)"},
    // The three per-deal histories are read to derive each deal's state (its stage, owner,
    // amount and fields as of a time), i.e. grouped by deal and ordered by time within it:
    // (ws, deal_id, at) stores them in that order, so the group-by streams and compresses well.
    {"deal_updates",
     "ws String, deal_id String, at Int64, name String, is_null UInt8, value String, "
     "batch UInt64, seq UInt32",
     "(ws, deal_id, at)"},
    {"deal_fields",
     "ws String, deal_id String, key Int64, name String, is_null UInt8, kind UInt8, "
     "value String, items Array(String), batch UInt64, seq UInt32",
     "(ws, deal_id, key)"},
    {"stage_changes",
     "ws String, deal_id String, at Int64, to_stage String, from_stage String, "
     "by_user String, batch UInt64, seq UInt32",
     "(ws, deal_id, at)"},
    // Activities are the largest table (calls, e-mails: tens per deal) and their metrics count
    // them within a period: (ws, at) lets the index skip every granule outside the period.
    // Last touch per deal scans the workspace's activities up to a time, which this serves too.
    {"activities",
     "ws String, id String, kind UInt8, direction UInt8, deal_id String, contact_id String, "
     "company_id String, user_id String, at Int64, duration_s Int32, source String, "
     "score Int16, batch UInt64, seq UInt32",
     "(ws, at)"},
    // Tasks by id: a task's state folds its task_updates in, joined by task id.
    {"tasks",
     "ws String, id String, deal_id String, user_id String, title String, created_at Int64, "
     "deadline Int64, completed_at Int64, batch UInt64, seq UInt32",
     "(ws, id)"},
    {"task_updates",
     "ws String, task_id String, at Int64, name String, is_null UInt8, value String, "
     "batch UInt64, seq UInt32",
     "(ws, task_id, at)"},
    {"goals",
     "ws String, id String, scope UInt8, scope_id String, metric String, period String, "
     "target Int64, deleted UInt8, batch UInt64, seq UInt32",
     "(ws, id)"},
    // Event ids applied: ingest asks for the ids of a batch within one workspace.
    {"events", "ws String, event_id String, batch UInt64, seq UInt32", "(ws, event_id)"},
    // One row per committed batch, written after all its rows: readers filter every table
    // with `(ws, batch) IN (SELECT ws, batch FROM batches_local ...)`.
    {"batches", "ws String, batch UInt64, committed_at Int64", "(ws, batch)"},
};

// Derived from the facts, rebuilt rather than kept correct (fold_store.h): each deal's history
// folded for one set of committed batches, as DealSql folds it, with its latest state's
// position (z_*). A build is a partition, dropped whole when its fold is old.
const std::vector<TableSchema> kDerived = {
    {"deal_folds",
     "ws String, fold UInt64, builder UInt64, id String, entity UInt8, created_at Int64, "
     "first_stage String, amount Int64, responsible String, company String, contact String, "
     "source String, deal_type String, loss_reason String, converted String, title String, "
     "converted_set UInt8, converted_at Int64, field_names Array(String), "
     "field_values Array(Array(String)), touches Array(Int64), update_times Array(Int64), "
     "hist_at Array(Int64), hist_kind Array(UInt8), hist_b Array(UInt64), hist_s Array(UInt32), "
     "hist_stage Array(String), z_n UInt64, z_stage String, z_last_other UInt64, "
     "z_entered Int64",
     "(ws, fold, builder, id)", "builder"},
    // One row per complete build: written after all its rows. base != 0: an overlay on the
    // whole fold (base_fold, base).
    {"deal_fold_marks",
     "ws String, fold UInt64, builder UInt64, base UInt64, base_fold UInt64, max_change Int64, "
     "built_at Int64",
     "(ws, fold, builder)", "builder"},
    // The batches a build folded, recorded before it begins: its fold's key is their key, and
    // the next build refolds only the deals of the batches not among them.
    {"deal_fold_batches", "ws String, builder UInt64, batch UInt64", "(ws, builder, batch)",
     "builder"},
    // The deals an overlay holds rows for: refolded by it (fresh = 1) or carried from the
    // overlay it was built on (fresh = 0).
    {"deal_fold_deals", "ws String, builder UInt64, id String, fresh UInt8", "(ws, builder, id)",
     "builder"},
};

// The engine of a shard's table as created (MergeTree PARTITION BY ... ORDER BY ...).
std::string LocalEngine(const TableSchema& table) {
  std::string partition =
      table.partition_by ? std::string(" PARTITION BY ") + table.partition_by : "";
  return "MergeTree" + partition + " ORDER BY " + table.order_by;
}

// Whether `server`'s table `local` exists in another shape than `table`'s: other columns, or
// another partitioning or order.
Result<bool> OtherShape(const Client& server, const std::string& database,
                        const TableSchema& table) {
  Result<Rows> engine = server.QueryIn(
      "", "SELECT engine_full FROM system.tables WHERE database = " + Quote(database) +
              " AND name = " + Quote(LocalTable(table.name)));
  if (!engine.ok()) return engine.status();
  if (engine->empty()) return false;
  Result<Rows> rows = server.QueryIn("", "DESCRIBE TABLE " + database + "." +
                                             LocalTable(table.name));
  if (!rows.ok()) return rows.status();
  std::string columns;
  for (size_t r = 0; r < rows->size(); ++r) {
    columns += (r ? ", " : "") + rows->Text(r, 0) + " " + rows->Text(r, 1);
  }
  return columns != table.columns || !engine->Text(0, 0).starts_with(LocalEngine(table));
}

}  // namespace

const std::vector<TableSchema>& FactTables() {
  return kTables;
}

const std::vector<TableSchema>& DerivedTables() {
  return kDerived;
}

std::string LocalTable(std::string_view table) {
  return std::string(table) + "_local";
}

Result<std::vector<Endpoint>> ClusterServers(const Client& client, std::string_view cluster) {
  Result<Rows> rows = client.QueryIn(
      "", "SELECT host_address, port, is_local FROM system.clusters WHERE cluster = " +
              Quote(cluster) + " ORDER BY shard_num, replica_num");
  if (!rows.ok()) return rows.status();
  if (rows->empty()) {
    return Status::Error(client.label() + " knows no cluster '" + std::string(cluster) +
                         "' (see <remote_servers> in its configuration)");
  }
  std::optional<int64_t> offset;
  for (size_t row = 0; row < rows->size(); ++row) {
    if (rows->Int(row, 2) == 1) offset = client.endpoint().port - rows->Int(row, 1);
  }
  if (!offset) {
    return Status::Error(client.label() + " is not itself a server of cluster '" +
                         std::string(cluster) +
                         "', so the HTTP ports of its servers are unknown: name them");
  }
  std::vector<Endpoint> servers;
  for (size_t row = 0; row < rows->size(); ++row) {
    Endpoint server;
    server.host = rows->Text(row, 0);
    server.port = static_cast<int>(rows->Int(row, 1) + *offset);
    server.database = client.endpoint().database;
    servers.push_back(std::move(server));
  }
  return servers;
}

Status InitCluster(const Client& client, std::string_view cluster,
                   const std::vector<Endpoint>& given) {
  for (char c : cluster) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      return Status::Error("the cluster name '" + std::string(cluster) +
                           "' has characters other than letters, digits and _");
    }
  }
  std::vector<Endpoint> servers = given;
  if (servers.empty()) {
    Result<std::vector<Endpoint>> found = ClusterServers(client, cluster);
    if (!found.ok()) return found.status();
    servers = std::move(found).value();
  }
  const std::string& database = client.endpoint().database;
  for (const Endpoint& endpoint : servers) {
    Client server(endpoint);
    Status status = server.ExecuteIn("", "CREATE DATABASE IF NOT EXISTS " + database);
    if (!status.ok()) return status;
    std::vector<TableSchema> tables = kTables;
    tables.insert(tables.end(), kDerived.begin(), kDerived.end());
    for (const TableSchema& table : tables) {
      std::string local = database + "." + LocalTable(table.name);
      // A derived table of another shape (made by an earlier version) is dropped and made
      // again: it is rebuilt from the facts, never kept correct.
      if (&table >= &tables[kTables.size()]) {
        Result<bool> other = OtherShape(server, database, table);
        if (!other.ok()) return other.status();
        if (other.value()) {
          for (const std::string& name : {database + "." + table.name, local}) {
            status = server.ExecuteIn("", "DROP TABLE IF EXISTS " + name);
            if (!status.ok()) return status;
          }
        }
      }
      status = server.ExecuteIn("", "CREATE TABLE IF NOT EXISTS " + local + " (" + table.columns +
                                        ") ENGINE = " + LocalEngine(table));
      if (!status.ok()) return status;
      status = server.ExecuteIn("", "CREATE TABLE IF NOT EXISTS " + database + "." + table.name +
                                        " AS " + local + " ENGINE = Distributed(" +
                                        std::string(cluster) + ", " + database + ", " +
                                        LocalTable(table.name) + ", cityHash64(ws))");
      if (!status.ok()) return status;
    }
  }
  return Status::Ok();
}

std::string CommittedRows(std::string_view database, std::string_view ws) {
  return "(ws, batch) IN (SELECT ws, batch FROM " + std::string(database) +
         ".batches_local WHERE ws = " + Quote(ws) + ")";
}

Result<std::string> SchemaCluster(const Client& client) {
  Result<Rows> rows =
      client.QueryIn("", "SELECT engine_full FROM system.tables WHERE database = " +
                             Quote(client.endpoint().database) + " AND name = 'batches'");
  if (!rows.ok()) return rows.status();
  std::string engine = rows->empty() ? "" : rows->Text(0, 0);
  constexpr std::string_view kDistributed = "Distributed(";
  if (!engine.starts_with(kDistributed)) {
    return Status::Error(client.label() +
                         " has no fact tables; create them with `voronka cluster init`");
  }
  size_t end = engine.find(',');
  std::string cluster = engine.substr(kDistributed.size(), end - kDistributed.size());
  while (!cluster.empty() && (cluster.front() == ' ' || cluster.front() == '\'')) {
    cluster.erase(cluster.begin());
  }
  while (!cluster.empty() && (cluster.back() == ' ' || cluster.back() == '\'')) cluster.pop_back();
  return cluster;
}

}  // namespace voronka::clickhouse
