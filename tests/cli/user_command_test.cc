// `voronka user add --crm-user`: an account for a user of the CRM data, its role and name taken
// from that data when not given.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "store/sqlite/account_store.h"
#include "store/sqlite/sqlite_store.h"
#include "testing/process.h"

namespace voronka {
namespace {

using testing::CommandResult;
using testing::TempDir;

CommandResult Voronka(const std::string& arguments) {
  return testing::RunVoronka(arguments);
}

// Anna heads Sales; Boris works in it.
constexpr std::string_view kPeople =
    R"({"type":"department","id":"d1","name":"Sales","head_id":"u1"}
{"type":"user","id":"u1","name":"Anna","department_id":"d1"}
{"type":"user","id":"u2","name":"Boris","department_id":"d1"}
)";

class UserCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string file = dir_.path() + "/people.ndjson";
    std::ofstream(file, std::ios::binary) << kPeople;
    ASSERT_EQ(Voronka("import --data " + data_ + " " + file).exit_code, 0);
  }

  std::optional<Account> Find(const std::string& login) {
    auto store = SqliteStore::Open(data_);
    auto accounts = SqliteAccountStore::Open(store.value()->path());
    return accounts.value()->FindAccountByLogin(login);
  }

  TempDir dir_;
  std::string data_ = dir_.path() + "/data";
};

TEST_F(UserCommandTest, ACrmUserGetsTheirRoleAndNameFromTheData) {
  CommandResult anna = Voronka("user add --data " + data_ + " --crm-user u1 --password anna-pw-1");
  ASSERT_EQ(anna.exit_code, 0) << anna.output;
  EXPECT_NE(anna.output.find("added u1 (head)"), std::string::npos) << anna.output;
  std::optional<Account> account = Find("u1");
  ASSERT_TRUE(account);
  EXPECT_EQ(account->name, "Anna");
  EXPECT_EQ(account->role, "head");
  EXPECT_EQ(account->crm_user_id, "u1");

  CommandResult boris =
      Voronka("user add --data " + data_ + " --crm-user u2 --login boris --password boris-pw-1");
  ASSERT_EQ(boris.exit_code, 0) << boris.output;
  EXPECT_EQ(Find("boris")->role, "manager");
}

TEST_F(UserCommandTest, AnUnknownOrTakenCrmUserIsRefused) {
  CommandResult unknown =
      Voronka("user add --data " + data_ + " --crm-user u17 --password pw-long-1");
  EXPECT_NE(unknown.exit_code, 0);
  EXPECT_NE(unknown.output.find("no CRM user 'u17' in the workspace's data"), std::string::npos)
      << unknown.output;
  EXPECT_FALSE(Find("u17"));
  ASSERT_EQ(Voronka("user add --data " + data_ + " --crm-user u2 --password pw-long-1").exit_code,
            0);
  CommandResult again =
      Voronka("user add --data " + data_ + " --crm-user u2 --login b2 --password pw-long-1");
  EXPECT_NE(again.exit_code, 0);
  EXPECT_NE(again.output.find("CRM user 'u2' has an account already (u2)"), std::string::npos)
      << again.output;
  EXPECT_FALSE(Find("b2"));
}

}  // namespace
}  // namespace voronka
