// Ingest into the fact store on the two-shard test cluster: where rows land, validation as in
// the embedded store, atomic batches (nothing visible before the commit row), idempotency by
// event id, and reading the directory back.
#include "clickhouse/fact_writer.h"

#include <gtest/gtest.h>

#include "clickhouse/directory_reader.h"
#include "clickhouse/fact_import.h"
#include "clickhouse/schema.h"
#include "testing/clickhouse_server.h"

namespace voronka::clickhouse {
namespace {

constexpr const char* kDatabase = "facts_writer";

// A workspace's directory and a little history: 11 lines, 3 with event ids.
const char* kHistory =
    R"({"type":"workspace","name":"Acme","time_zone":"Europe/Warsaw","currency":"PLN"}
{"type":"department","id":"sales","name":"Sales"}
{"type":"user","id":"u1","name":"Anna","department_id":"sales","capacity":30}
{"type":"user","id":"u2","name":"Piotr","active":false}
{"type":"pipeline","id":"p1","name":"B2B","stages":[{"id":"new","name":"New","semantic":"open"},{"id":"won","name":"Won","semantic":"won"},{"id":"lost","name":"Lost","semantic":"lost"}]}
{"type":"company","id":"c1","name":"Kowalski & Syn\tSp. z o.o."}
{"type":"contact","id":"k1","name":"Jan","company_id":"c1"}
{"type":"deal","id":"d1","title":"Roof","pipeline_id":"p1","stage_id":"new","amount":"1200.50","responsible_id":"u1","created_at":"2024-03-01T10:00:00Z","fields":{"Region":"North"}}
{"type":"stage_change","event_id":"e1","deal_id":"d1","to":"won","at":"2024-03-05T10:00:00Z","by":"u1"}
{"type":"activity","event_id":"e2","id":"a1","kind":"call","direction":"out","deal_id":"d1","user_id":"u1","at":"2024-03-02T09:00:00Z","duration_s":120}
{"type":"goal","event_id":"e3","id":"g1","scope":"user","scope_id":"u1","metric":"won_amount","period":"2024-03","target":"5000"}
)";

class FactWriterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (testing::ClickHouseDisabled()) return;
    testing::ClickHouseCluster& cluster = testing::ClickHouseCluster::Shared();
    if (!cluster.error().empty()) return;
    Client client(ParseUrl(cluster.url(kDatabase)).value());
    client.ExecuteIn("", std::string("DROP DATABASE IF EXISTS ") + kDatabase);
    Client(ParseUrl(cluster.url(kDatabase, 2)).value())
        .ExecuteIn("", std::string("DROP DATABASE IF EXISTS ") + kDatabase);
    init_status_ = InitCluster(client, testing::ClickHouseCluster::kName);
  }
  void SetUp() override {
    VORONKA_START_CLICKHOUSE(cluster_);
    ASSERT_TRUE(init_status_.ok()) << init_status_.message();
  }
  Client Shard(int shard) const { return Client(ParseUrl(cluster_->url(kDatabase, shard)).value()); }

  int64_t Count(const Client& client, const std::string& sql) const {
    Result<Rows> rows = client.Query(sql);
    EXPECT_TRUE(rows.ok()) << rows.message();
    return rows.ok() && rows->size() == 1 ? rows->Int(0, 0) : -1;
  }
  // Rows of `table` that readers see for `ws` (committed batches only).
  int64_t Visible(const std::string& table, const std::string& ws) const {
    return Count(Shard(1), "SELECT count() FROM " + table + " WHERE ws = " + Quote(ws) + " AND " +
                               CommittedRows(kDatabase, ws));
  }
  // Rows of `table_local` for `ws` on one shard, committed or not.
  int64_t Stored(int shard, const std::string& table, const std::string& ws) const {
    return Count(Shard(shard), "SELECT count() FROM " + LocalTable(table) + " WHERE ws = " +
                                   Quote(ws));
  }
  // The shard (1 or 2) a workspace lives on: cityHash64(ws) % 2, remainder 0 on shard 1.
  int HomeShard(const std::string& ws) const {
    return Count(Shard(1), "SELECT cityHash64(" + Quote(ws) + ") % 2") == 0 ? 1 : 2;
  }
  // A workspace name not used by another test, on shard `shard`.
  std::string WorkspaceOn(int shard, const std::string& prefix) const {
    for (int i = 0;; ++i) {
      std::string ws = prefix + std::to_string(i);
      if (HomeShard(ws) == shard) return ws;
    }
  }

  static inline Status init_status_;
  testing::ClickHouseCluster* cluster_ = nullptr;
};

TEST_F(FactWriterTest, RecordsLandOnTheShardOfTheirWorkspaceAndReadBackThroughDistributed) {
  const std::string first = WorkspaceOn(1, "land-a"), second = WorkspaceOn(2, "land-b");
  for (const std::string& ws : {first, second}) {
    WriteResult result = WriteNdjson(Shard(2), ws, kHistory);
    ASSERT_TRUE(result.ok()) << result.status.message()
                             << (result.errors.empty() ? "" : result.errors[0]);
    EXPECT_EQ(result.applied, 11);
    EXPECT_EQ(result.skipped, 0);
    EXPECT_NE(result.batch, 0u);
  }
  // All of each workspace on its own shard, nothing on the other.
  for (const std::string table : {"users", "deals", "stage_changes", "activities", "events",
                                  "batches"}) {
    EXPECT_GT(Stored(1, table, first), 0) << table;
    EXPECT_EQ(Stored(2, table, first), 0) << table;
    EXPECT_EQ(Stored(1, table, second), 0) << table;
    EXPECT_GT(Stored(2, table, second), 0) << table;
  }
  // Through the Distributed tables from either shard: 2 users, 1 deal, 1 change, 3 events;
  // the workspace record sets 3 members, the deal 1 custom field.
  EXPECT_EQ(Visible("users", second), 2);
  EXPECT_EQ(Visible("deals", first), 1);
  EXPECT_EQ(Visible("stage_changes", second), 1);
  EXPECT_EQ(Visible("events", first), 3);
  EXPECT_EQ(Visible("settings", first), 3);
  EXPECT_EQ(Visible("deal_fields", second), 1);
  Result<Rows> deal = Shard(1).Query(
      "SELECT amount, responsible_id, created_at, original_amount FROM deals WHERE ws = " +
      Quote(second));
  ASSERT_TRUE(deal.ok()) << deal.message();
  EXPECT_EQ(deal->Int(0, 0), 120050) << "1200.50 in minor units";
  EXPECT_EQ(deal->Text(0, 1), "u1");
  EXPECT_EQ(deal->Int(0, 2), 1709287200000000) << "2024-03-01T10:00:00Z in microseconds";
  EXPECT_TRUE(deal->IsNull(0, 3)) << "no original amount";

  Result<Directory> directory = ReadDirectory(Shard(1), second);
  ASSERT_TRUE(directory.ok()) << directory.message();
  EXPECT_EQ(directory->settings.name, "Acme");
  EXPECT_EQ(directory->settings.time_zone, "Europe/Warsaw");
  EXPECT_EQ(directory->settings.currency, "PLN");
  EXPECT_FALSE(directory->settings.locale.has_value());
  ASSERT_EQ(directory->users.size(), 2u);
  EXPECT_EQ(directory->users[0], (UserRecord{"u1", "Anna", "sales", true, 30}));
  EXPECT_EQ(directory->users[1], (UserRecord{"u2", "Piotr", std::nullopt, false, std::nullopt}));
  ASSERT_EQ(directory->departments.size(), 1u);
  EXPECT_EQ(directory->departments[0], (DepartmentRecord{"sales", "Sales", {}, {}}));
  ASSERT_EQ(directory->pipelines.size(), 1u);
  EXPECT_EQ(directory->pipelines[0],
            (PipelineRecord{"p1",
                            "B2B",
                            Entity::kDeal,
                            {{"new", "New", StageSemantic::kOpen},
                             {"won", "Won", StageSemantic::kWon},
                             {"lost", "Lost", StageSemantic::kLost}}}));
  ASSERT_EQ(directory->companies.size(), 1u);
  EXPECT_EQ(directory->companies[0].name, "Kowalski & Syn\tSp. z o.o.");
  ASSERT_EQ(directory->contacts.size(), 1u);
  EXPECT_EQ(directory->contacts[0], (ContactRecord{"k1", "Jan", "c1"}));
  ASSERT_EQ(directory->goals.size(), 1u);
  EXPECT_EQ(directory->goals[0].target, 500000) << "5000 of a money metric in minor units";
  EXPECT_EQ(directory->goals[0].scope, GoalScope::kUser);
}

TEST_F(FactWriterTest, ABadLineRejectsTheBatchNamingLineAndFieldAndLeavesNoTrace) {
  const std::string ws = WorkspaceOn(1, "bad");
  const char* batch =
      R"({"type":"pipeline","id":"p1","name":"B2B","stages":[{"id":"new","name":"New","semantic":"open"}]}
{"type":"user","id":"u1","name":"Anna"}
{"type":"deal","id":"d1","title":"Roof","pipeline_id":"p1","stage_id":"paied","amount":"1","created_at":"2024-03-01T10:00:00Z"}
)";
  WriteResult result = WriteNdjson(Shard(1), ws, batch);
  EXPECT_TRUE(result.status.ok()) << result.status.message();
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_EQ(result.errors[0], "line 3: deal: unknown stage 'paied'");
  EXPECT_EQ(result.batch, 0u);
  for (const std::string table : {"pipelines", "users", "deals", "batches"}) {
    EXPECT_EQ(Stored(1, table, ws) + Stored(2, table, ws), 0) << table << ": nothing written";
  }

  // A reference to what is stored: the deal of a later batch knows p1 once it is committed.
  ASSERT_TRUE(WriteNdjson(Shard(1), ws,
                          R"({"type":"pipeline","id":"p1","name":"B2B","stages":[{"id":"new","name":"New","semantic":"open"}]})"
                          "\n")
                  .ok());
  WriteResult later = WriteNdjson(
      Shard(2), ws,
      R"({"type":"deal","id":"d1","title":"Roof","pipeline_id":"p1","stage_id":"new","amount":"1","created_at":"2024-03-01T10:00:00Z"})"
      "\n"
      R"({"type":"stage_change","deal_id":"d2","to":"new","at":"2024-03-02T10:00:00Z"})"
      "\n");
  ASSERT_EQ(later.errors.size(), 1u);
  EXPECT_EQ(later.errors[0], "line 2: stage_change: unknown deal 'd2'");
}

TEST_F(FactWriterTest, ABatchWhoseCommitNeverHappenedIsInvisibleAndARetryApplies) {
  const std::string ws = WorkspaceOn(2, "crash");
  bool hook_ran = false;
  WriteResult crashed = WriteNdjson(Shard(1), ws, kHistory, [&] {
    hook_ran = true;
    return Status::Error("simulated crash before the commit");
  });
  ASSERT_TRUE(hook_ran);
  EXPECT_FALSE(crashed.ok());
  EXPECT_EQ(crashed.status.message(), "simulated crash before the commit");
  EXPECT_EQ(Stored(2, "deals", ws), 1) << "the rows were written";
  EXPECT_EQ(Stored(2, "batches", ws), 0) << "but not the batch row";
  for (const std::string table : {"settings", "users", "pipelines", "deals", "stage_changes",
                                  "activities", "goals", "events"}) {
    EXPECT_EQ(Visible(table, ws), 0) << table;
  }
  Result<Directory> directory = ReadDirectory(Shard(2), ws);
  ASSERT_TRUE(directory.ok()) << directory.message();
  EXPECT_TRUE(directory->users.empty());
  EXPECT_FALSE(directory->settings.name.has_value());

  // The retry applies everything, also the records whose event ids the failed attempt wrote.
  WriteResult retried = WriteNdjson(Shard(1), ws, kHistory);
  ASSERT_TRUE(retried.ok()) << retried.status.message();
  EXPECT_EQ(retried.applied, 11);
  EXPECT_EQ(retried.skipped, 0);
  EXPECT_EQ(Visible("deals", ws), 1);
  EXPECT_EQ(Visible("stage_changes", ws), 1);
  EXPECT_EQ(Visible("events", ws), 3);
}

TEST_F(FactWriterTest, ResendingTheSameEventIdsChangesNothing) {
  const std::string ws = WorkspaceOn(1, "again");
  ASSERT_TRUE(WriteNdjson(Shard(1), ws, kHistory).ok());
  WriteResult again = WriteNdjson(Shard(2), ws, kHistory);
  ASSERT_TRUE(again.ok()) << again.status.message();
  EXPECT_EQ(again.skipped, 3) << "the stage change, the activity and the goal";
  EXPECT_EQ(again.applied, 8) << "keyed records without event ids are written as new versions";
  EXPECT_EQ(Visible("stage_changes", ws), 1);
  EXPECT_EQ(Visible("activities", ws), 1);
  EXPECT_EQ(Visible("goals", ws), 1);
  EXPECT_EQ(Visible("events", ws), 3);
  // The re-sent user is a second version of the same user: the directory still has two.
  Result<Directory> directory = ReadDirectory(Shard(1), ws);
  ASSERT_TRUE(directory.ok()) << directory.message();
  EXPECT_EQ(directory->users.size(), 2u);
  EXPECT_EQ(directory->pipelines.size(), 1u);
}

TEST_F(FactWriterTest, TheLatestVersionWinsInTheDirectory) {
  const std::string ws = WorkspaceOn(2, "latest");
  ASSERT_TRUE(WriteNdjson(Shard(1), ws, kHistory).ok());
  WriteResult changed = WriteNdjson(Shard(1), ws,
                                    R"({"type":"workspace","locale":"pl","currency":"EUR"}
{"type":"user","id":"u1","name":"Anna Nowak"}
{"type":"user","id":"u1","name":"Anna Kowalska","department_id":"sales"}
{"type":"goal","id":"g1","deleted":true}
)");
  // A user defined twice in one batch is an error, as in the embedded store.
  ASSERT_EQ(changed.errors.size(), 1u);
  EXPECT_EQ(changed.errors[0], "line 3: user: id 'u1' is already defined on line 2");

  ASSERT_TRUE(WriteNdjson(Shard(1), ws,
                          R"({"type":"workspace","locale":"pl","currency":"EUR"}
{"type":"user","id":"u1","name":"Anna Kowalska","department_id":"sales"}
{"type":"goal","id":"g1","deleted":true}
)")
                  .ok());
  Result<Directory> directory = ReadDirectory(Shard(2), ws);
  ASSERT_TRUE(directory.ok()) << directory.message();
  EXPECT_EQ(directory->settings.name, "Acme") << "a member not re-sent keeps its value";
  EXPECT_EQ(directory->settings.currency, "EUR");
  EXPECT_EQ(directory->settings.locale, "pl");
  ASSERT_EQ(directory->users.size(), 2u);
  EXPECT_EQ(directory->users[0].name, "Anna Kowalska");
  EXPECT_FALSE(directory->users[0].capacity.has_value()) << "the whole record is replaced";
  EXPECT_TRUE(directory->goals.empty()) << "the goal was withdrawn";
}

TEST_F(FactWriterTest, AnImportInChunksAcceptsReferencesDefinedFurtherDown) {
  const std::string ws = WorkspaceOn(1, "import");
  // The stage change (line 1) refers to a deal and a stage defined below it.
  std::string text =
      R"({"type":"stage_change","event_id":"e1","deal_id":"d1","to":"won","at":"2024-03-05T10:00:00Z"})"
      "\n";
  text += kHistory;
  FactImportOptions options;
  options.chunk_lines = 3;  // 12 lines: 4 chunks, each written before the commit
  int chunks = 0;
  options.on_chunk = [&](int64_t) { ++chunks; };
  WriteResult result = ImportFacts(Shard(1), ws, text, options);
  ASSERT_TRUE(result.ok()) << result.status.message()
                           << (result.errors.empty() ? "" : result.errors[0]);
  EXPECT_EQ(chunks, 4);
  EXPECT_EQ(result.applied, 11);
  EXPECT_EQ(result.skipped, 1) << "line 10 repeats event e1 of line 1 in a later chunk";
  EXPECT_EQ(Visible("stage_changes", ws), 1);
  EXPECT_EQ(Visible("deals", ws), 1);

  WriteResult bad = ImportFacts(Shard(1), ws, "{\"type\":\"deal\"}\n" + text, options);
  ASSERT_FALSE(bad.errors.empty());
  EXPECT_EQ(bad.errors[0].rfind("line 1: deal: ", 0), 0u) << bad.errors[0];
  EXPECT_EQ(Visible("deals", ws), 1);
}

// Last in this file: stops the cluster and starts it again.
TEST_F(FactWriterTest, WhileClickHouseIsDownWritesAreUnavailableAndAfterARestartTheyWork) {
  const std::string ws = WorkspaceOn(1, "down");
  Client client = Shard(1);
  cluster_->Stop();
  WriteResult down = WriteNdjson(client, ws, kHistory);
  Status health_while_down = client.Health();
  cluster_->Start();
  ASSERT_TRUE(cluster_->error().empty()) << cluster_->error();
  EXPECT_FALSE(down.ok());
  EXPECT_TRUE(down.status.unavailable()) << down.status.message();
  EXPECT_NE(down.status.message().find("is unreachable"), std::string::npos)
      << down.status.message();
  EXPECT_FALSE(health_while_down.ok());
  EXPECT_TRUE(health_while_down.unavailable());

  WriteResult up = WriteNdjson(client, ws, kHistory);
  ASSERT_TRUE(up.ok()) << up.status.message();
  EXPECT_TRUE(client.Health().ok());
  EXPECT_EQ(Visible("deals", ws), 1);
}

}  // namespace
}  // namespace voronka::clickhouse
