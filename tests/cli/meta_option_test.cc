// `voronka user` and `voronka token` with --meta: the accounts and tokens go to PostgreSQL,
// not to the data directory's database.
#include <gtest/gtest.h>

#include "store/meta_store.h"
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

}  // namespace
}  // namespace voronka
