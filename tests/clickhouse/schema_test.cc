// `voronka cluster init` and InitCluster on the two-shard test cluster: both shards get every
// table, repeating it keeps the data, and a row lands on the shard of its workspace.
#include "clickhouse/schema.h"

#include <gtest/gtest.h>

#include "testing/clickhouse_server.h"

namespace voronka::clickhouse {
namespace {

class ClickHouseSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override { VORONKA_START_CLICKHOUSE(cluster_); }
  Client Shard(int shard, const std::string& database) const {
    return Client(ParseUrl(cluster_->url(database, shard)).value());
  }
  int64_t Count(const Client& client, const std::string& sql) const {
    Result<Rows> rows = client.Query(sql);
    EXPECT_TRUE(rows.ok()) << rows.message();
    return rows.ok() && rows->size() == 1 ? rows->Int(0, 0) : -1;
  }
  testing::ClickHouseCluster* cluster_ = nullptr;
};

TEST_F(ClickHouseSchemaTest, ClusterServersAreFoundWithTheirHttpPorts) {
  Client client = Shard(2, "any");
  Result<std::vector<Endpoint>> servers = ClusterServers(client, testing::ClickHouseCluster::kName);
  ASSERT_TRUE(servers.ok()) << servers.message();
  ASSERT_EQ(servers->size(), 2u);
  EXPECT_EQ((*servers)[0].port, cluster_->http_port(1));
  EXPECT_EQ((*servers)[1].port, cluster_->http_port(2));
  EXPECT_EQ((*servers)[1].database, "any");

  Result<std::vector<Endpoint>> unknown = ClusterServers(client, "no_such_cluster");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.message().find("no_such_cluster"), std::string::npos);
}

TEST_F(ClickHouseSchemaTest, InitCreatesEveryTableOnBothShardsAndRepeatingItKeepsData) {
  const std::string database = "schema_init";
  Client shard1 = Shard(1, database), shard2 = Shard(2, database);
  ASSERT_TRUE(shard1.ExecuteIn("", "DROP DATABASE IF EXISTS " + database).ok());
  ASSERT_TRUE(shard2.ExecuteIn("", "DROP DATABASE IF EXISTS " + database).ok());
  EXPECT_FALSE(SchemaCluster(shard1).ok()) << "no schema yet";

  Status first = InitCluster(shard1, testing::ClickHouseCluster::kName);
  ASSERT_TRUE(first.ok()) << first.message();
  // local + Distributed
  const int64_t tables = static_cast<int64_t>(FactTables().size() + DerivedTables().size()) * 2;
  const std::string count_tables =
      "SELECT count() FROM system.tables WHERE database = " + Quote(database);
  EXPECT_EQ(Count(shard1, count_tables), tables);
  EXPECT_EQ(Count(shard2, count_tables), tables);
  Result<std::string> cluster = SchemaCluster(shard2);
  ASSERT_TRUE(cluster.ok()) << cluster.message();
  EXPECT_EQ(*cluster, testing::ClickHouseCluster::kName);

  // One batch row for each of two workspaces, written through the Distributed table.
  ASSERT_TRUE(shard1
                  .Execute("INSERT INTO batches FORMAT TabSeparated", "w1\t1\t0\nw2\t2\t0\n",
                           {{"insert_distributed_sync", "1"}})
                  .ok());
  Status again = InitCluster(shard2, testing::ClickHouseCluster::kName);
  ASSERT_TRUE(again.ok()) << again.message();
  EXPECT_EQ(Count(shard1, count_tables), tables);
  EXPECT_EQ(Count(shard2, "SELECT count() FROM batches"), 2) << "init again dropped nothing";
  // Each workspace lives on the shard cityHash64(ws) % 2 picks (shard 1 takes remainder 0).
  for (const std::string ws : {"w1", "w2"}) {
    Result<Rows> home = shard1.Query("SELECT cityHash64(" + Quote(ws) + ") % 2");
    ASSERT_TRUE(home.ok());
    const Client& owner = home->Int(0, 0) == 0 ? shard1 : shard2;
    const Client& other = home->Int(0, 0) == 0 ? shard2 : shard1;
    std::string count = "SELECT count() FROM batches_local WHERE ws = " + Quote(ws);
    EXPECT_EQ(Count(owner, count), 1) << ws;
    EXPECT_EQ(Count(other, count), 0) << ws;
  }
}

TEST_F(ClickHouseSchemaTest, InitMakesAgainOnlyADerivedTableOfAnotherShape) {
  const std::string database = "schema_derived";
  Client shard1 = Shard(1, database), shard2 = Shard(2, database);
  for (const Client* shard : {&shard1, &shard2}) {
    ASSERT_TRUE(shard->ExecuteIn("", "DROP DATABASE IF EXISTS " + database).ok());
  }
  ASSERT_TRUE(InitCluster(shard1, testing::ClickHouseCluster::kName).ok());
  const Settings sync = {{"insert_distributed_sync", "1"}};
  ASSERT_TRUE(shard1.Execute("INSERT INTO batches FORMAT TabSeparated", "w1\t1\t0\n", sync).ok());
  ASSERT_TRUE(shard1
                  .Execute("INSERT INTO deal_fold_marks FORMAT TabSeparated",
                           "w1\t1\t2\t0\t0\t0\t0\n", sync)
                  .ok());
  // deal_fold_deals as an earlier version might have made it: without `fresh`.
  for (const Client* shard : {&shard1, &shard2}) {
    for (const char* table : {"deal_fold_deals", "deal_fold_deals_local"}) {
      ASSERT_TRUE(shard->Execute(std::string("DROP TABLE ") + table).ok());
    }
    ASSERT_TRUE(shard
                    ->Execute("CREATE TABLE deal_fold_deals_local (ws String, builder UInt64, "
                              "id String) ENGINE = MergeTree PARTITION BY builder ORDER BY (ws, "
                              "builder, id)")
                    .ok());
  }
  Status again = InitCluster(shard2, testing::ClickHouseCluster::kName);
  ASSERT_TRUE(again.ok()) << again.message();
  for (const Client* shard : {&shard1, &shard2}) {
    EXPECT_EQ(Count(*shard, "SELECT count() FROM system.columns WHERE database = " +
                                Quote(database) + " AND table = 'deal_fold_deals_local' AND "
                                "name = 'fresh'"),
              1);
  }
  EXPECT_EQ(Count(shard2, "SELECT count() FROM deal_fold_marks"), 1) << "same shape: kept";
  EXPECT_EQ(Count(shard2, "SELECT count() FROM batches"), 1) << "facts are never made again";
  EXPECT_EQ(Count(shard2, "SELECT count() FROM deal_fold_deals"), 0);
}

TEST_F(ClickHouseSchemaTest, CommandInitRunsTwiceAndRejectsABadClusterName) {
  const std::string binary = testing::VoronkaBinary();
  if (binary.empty()) GTEST_SKIP() << "VORONKA_BIN is not set";
  const std::string database = "schema_command";
  std::string command = binary + " cluster init --facts " + cluster_->url(database, 2) +
                        " --cluster " + testing::ClickHouseCluster::kName;
  testing::CommandResult first = testing::RunCommand(command);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_NE(first.output.find(std::to_string(cluster_->http_port(1)) + "/" + database),
            std::string::npos)
      << first.output;
  testing::CommandResult second = testing::RunCommand(command);
  ASSERT_EQ(second.exit_code, 0) << second.output;

  testing::CommandResult unknown = testing::RunCommand(binary + " cluster init --facts " +
                                                       cluster_->url(database) + " --cluster nope");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.output.find("knows no cluster 'nope'"), std::string::npos) << unknown.output;
}

}  // namespace
}  // namespace voronka::clickhouse
