// `voronka user` and `voronka token` with --meta: the accounts and tokens go to PostgreSQL,
// not to the data directory's database.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "store/meta_store.h"
#include "testing/clickhouse_server.h"
#include "testing/postgres_server.h"

namespace voronka {
namespace {

using testing::CommandResult;
using testing::RunVoronka;

TEST(MetaOptionTest, UserAndTokenCommandsUseThePostgresStore) {
  std::unique_ptr<testing::PostgresServer> postgres;
  VORONKA_START_POSTGRES(postgres);
  testing::TempDir dir;
  std::string data = dir.path() + "/data";
  std::string meta = " --data " + data + " --meta " + postgres->uri();

  CommandResult added =
      RunVoronka("user add" + meta + " --login anna --role admin --password anna-pw-1");
  ASSERT_EQ(added.exit_code, 0) << added.output;
  CommandResult token = RunVoronka("token create" + meta);
  ASSERT_EQ(token.exit_code, 0) << token.output;

  // In PostgreSQL: one account, one token; the data directory's own store has neither.
  Result<MetaStore> shared = OpenMetaStore(postgres->uri(), "");
  ASSERT_TRUE(shared.ok()) << shared.message();
  ASSERT_TRUE(shared->accounts->FindAccountByLogin("anna").has_value());
  ASSERT_EQ(shared->accounts->IngestTokens().size(), 1u);
  CommandResult local = RunVoronka("user list --data " + data);
  ASSERT_EQ(local.exit_code, 0) << local.output;
  EXPECT_EQ(local.output.find("anna"), std::string::npos) << local.output;

  std::string id = shared->accounts->IngestTokens()[0].id;
  CommandResult revoked = RunVoronka("token revoke" + meta + " --id " + id);
  ASSERT_EQ(revoked.exit_code, 0) << revoked.output;
  EXPECT_TRUE(shared->accounts->IngestTokens()[0].revoked_at.has_value());

  CommandResult wrong = RunVoronka("user list --data " + data + " --meta mysql://x");
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.output.find("is not a postgresql://USER@HOST:PORT/DB address"), std::string::npos)
      << wrong.output;
}

// Scale-out: with --meta and --facts the workspace commands need no data directory. The
// workspace goes to PostgreSQL's list, its token and accounts beside it, and `user add
// --crm-user` finds the CRM user (and whether they head their department) in ClickHouse.
TEST(MetaOptionTest, InTheScaleOutModeWorkspacesAndPeopleNeedNoDataDirectory) {
  std::unique_ptr<testing::PostgresServer> postgres;
  VORONKA_START_POSTGRES(postgres);
  testing::ClickHouseCluster* cluster = nullptr;
  VORONKA_START_CLICKHOUSE(cluster);
  std::string facts = cluster->url("cli_" + std::to_string(getpid()));
  std::string stores = " --meta " + postgres->uri() + " --facts " + facts;
  CommandResult init = RunVoronka("cluster init --facts " + facts + " --cluster " +
                                  testing::ClickHouseCluster::kName);
  ASSERT_EQ(init.exit_code, 0) << init.output;

  CommandResult added =
      RunVoronka("workspace add" + stores + " --name acme --time-zone Europe/Moscow");
  ASSERT_EQ(added.exit_code, 0) << added.output;
  CommandResult again = RunVoronka("workspace add" + stores + " --name acme");
  EXPECT_EQ(again.exit_code, 1) << again.output;
  EXPECT_NE(again.output.find("workspace 'acme' exists already"), std::string::npos)
      << again.output;
  CommandResult listed = RunVoronka("workspace list" + stores);
  ASSERT_EQ(listed.exit_code, 0) << listed.output;
  EXPECT_NE(listed.output.find("acme	Europe/Moscow"), std::string::npos) << listed.output;

  // Without --facts (or without --meta) the data directory is needed.
  CommandResult no_data = RunVoronka("workspace list --meta " + postgres->uri());
  EXPECT_NE(no_data.exit_code, 0);
  EXPECT_NE(no_data.output.find("--data is required"), std::string::npos) << no_data.output;

  // Vera heads department d1, Gleb works in it: added by --crm-user alone, Vera is a head
  // and Gleb a manager.
  testing::TempDir dir;
  std::string file = dir.path() + "/org.ndjson";
  std::ofstream(file) << R"({"type":"department","id":"d1","name":"Sales","head_id":"u1"})"
                         "\n"
                      << R"({"type":"user","id":"u1","name":"Vera","department_id":"d1"})"
                         "\n"
                      << R"({"type":"user","id":"u2","name":"Gleb","department_id":"d1"})"
                         "\n";
  CommandResult imported = RunVoronka("import --facts " + facts + " --workspace acme " + file);
  ASSERT_EQ(imported.exit_code, 0) << imported.output;
  for (const char* user : {"u1", "u2"}) {
    CommandResult account = RunVoronka("user add" + stores + " --workspace acme --crm-user " +
                                       user + " --password pw-of-" + user);
    ASSERT_EQ(account.exit_code, 0) << account.output;
  }
  CommandResult unknown =
      RunVoronka("user add" + stores + " --workspace acme --crm-user u9 --password pw-9");
  EXPECT_EQ(unknown.exit_code, 1) << unknown.output;
  EXPECT_NE(unknown.output.find("no CRM user 'u9'"), std::string::npos) << unknown.output;
  CommandResult token = RunVoronka("token create" + stores + " --workspace acme");
  ASSERT_EQ(token.exit_code, 0) << token.output;

  Result<MetaStore> shared = OpenMetaStore(postgres->uri(), "");
  ASSERT_TRUE(shared.ok()) << shared.message();
  int64_t acme = ChooseWorkspace(*shared->workspaces, "acme").value();
  std::optional<Account> vera = shared->accounts->FindAccountByLogin("u1");
  std::optional<Account> gleb = shared->accounts->FindAccountByLogin("u2");
  ASSERT_TRUE(vera.has_value());
  ASSERT_TRUE(gleb.has_value());
  EXPECT_EQ(vera->workspace_id, acme);
  EXPECT_EQ(vera->role, "head");
  EXPECT_EQ(vera->name, "Vera");
  EXPECT_EQ(gleb->role, "manager");
  ASSERT_EQ(shared->accounts->IngestTokens().size(), 1u);
  EXPECT_EQ(shared->accounts->IngestTokens()[0].workspace_id, acme);
}

}  // namespace
}  // namespace voronka
