// The ClickHouse schema of the scale-out fact store (the contract: docs/scale-out.md) and
// `voronka cluster init`, which creates it on every server of a cluster.
//
// For every table T: `T_local`, a MergeTree on every shard, and `T`, a Distributed table over
// them sharded by cityHash64(ws), so one workspace lives wholly on one shard. Rows are never
// updated: every version stays, tagged (batch, seq), and readers take the latest version among
// committed batches (a row counts only when its batch is in `batches`).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "clickhouse/client.h"
#include "model/status.h"

namespace voronka::clickhouse {

// One table of the schema.
struct TableSchema {
  const char* name;      // the Distributed table; the shard's table is name + "_local"
  const char* columns;   // "ws String, id String, ..." in insert order
  const char* order_by;  // the MergeTree sorting key
  const char* partition_by = nullptr;
};

// Every table of facts, `batches` last.
const std::vector<TableSchema>& FactTables();
// The tables derived from them (deal_folds and its bookkeeping: fold_store.h).
const std::vector<TableSchema>& DerivedTables();

// The shard table's name: "deals" -> "deals_local".
std::string LocalTable(std::string_view table);

// The servers of `cluster` (every replica of every shard) as `client` sees them in
// system.clusters, reached over HTTP in `client`'s database. system.clusters lists native
// ports; each server's HTTP port is taken to be its native port plus the offset that holds on
// the server `client` talks to (the default 8123/9000 pair, or our test cluster's N/N+1).
Result<std::vector<Endpoint>> ClusterServers(const Client& client, std::string_view cluster);

// Creates the database and every table (local and Distributed) on each server of `cluster`
// (`servers`, when not empty, replaces the discovery above). Idempotent: what exists is kept,
// but for a derived table of another shape than this version's, made again empty.
// ON CLUSTER is not used: distributed DDL needs ZooKeeper, which this setup does not require.
Status InitCluster(const Client& client, std::string_view cluster,
                   const std::vector<Endpoint>& servers = {});

// A WHERE condition keeping the rows of committed batches of workspace `ws` in a query of a
// Distributed table in `database`:
// "(ws, batch) IN (SELECT ws, batch FROM DB.batches_local WHERE ws = 'x')".
// The subquery reads the shard's local table: a workspace and its batches live on one shard,
// and 18.16 refuses a Distributed table inside IN (distributed_product_mode = 'deny'). The
// database is named because a shard resolves the subquery in its default database.
std::string CommittedRows(std::string_view database, std::string_view ws);

// The cluster that the Distributed tables of `client`'s database point at; an error when the
// schema was not created there (`voronka cluster init`).
Result<std::string> SchemaCluster(const Client& client);

}  // namespace voronka::clickhouse
