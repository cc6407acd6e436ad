// `voronka token create --workspace W`: a token of the named workspace, not the first one.
#include <gtest/gtest.h>

#include "access/secret.h"
#include "store/sqlite/account_store.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/process.h"

namespace voronka {
namespace {

using testing::CommandResult;
using testing::RunVoronka;
using testing::TempDir;

TEST(TokenCommandTest, ATokenOpensTheNamedWorkspace) {
  TempDir dir;
  std::string data = dir.path() + "/data";
  ASSERT_EQ(RunVoronka("token create --data " + data).exit_code, 0);  // the default workspace
  CommandResult added = RunVoronka("workspace add --data " + data + " --name Romashka");
  ASSERT_EQ(added.exit_code, 0) << added.output;
  CommandResult created = RunVoronka("token create --data " + data + " --workspace Romashka");
  ASSERT_EQ(created.exit_code, 0) << created.output;
  std::string token = created.output.substr(0, created.output.find_first_of("\r\n"));

  auto store = SqliteStore::Open(data);
  ASSERT_TRUE(store.ok());
  int64_t romashka = 0;
  for (const WorkspaceInfo& info : store.value()->Workspaces()) {
    if (info.name == "Romashka") romashka = info.id;
  }
  ASSERT_NE(romashka, 0);
  auto accounts = SqliteAccountStore::Open(store.value()->path());
  EXPECT_EQ(accounts.value()->WorkspaceOfIngestTokenHash(SecretHash(token)), romashka);

  CommandResult unknown = RunVoronka("token create --data " + data + " --workspace Lutik");
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.output.find("no workspace named Lutik"), std::string::npos) << unknown.output;
}

}  // namespace
}  // namespace voronka
