// SPEC §6 visibility of an account: admin all, head their department subtree, manager self.
#include "access/visibility_of.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "engine/engine.h"
#include "ingest/ndjson.h"

namespace voronka {
namespace {

// Sales (d1) has a sub-department North (d2), which has Far North (d4); Support (d3) is apart.
// Anna u1 is in d1, Boris u2 and Gleb u4 in d2, Dina u5 in d4, Vera u3 in d3.
constexpr std::string_view kOrganization =
    R"({"type":"department","id":"d1","name":"Sales","parent_id":null,"head_id":"u1"}
{"type":"department","id":"d2","name":"North","parent_id":"d1"}
{"type":"department","id":"d4","name":"Far North","parent_id":"d2"}
{"type":"department","id":"d3","name":"Support","parent_id":null}
{"type":"user","id":"u1","name":"Anna","department_id":"d1"}
{"type":"user","id":"u2","name":"Boris","department_id":"d2"}
{"type":"user","id":"u3","name":"Vera","department_id":"d3"}
{"type":"user","id":"u4","name":"Gleb","department_id":"d2"}
{"type":"user","id":"u5","name":"Dina","department_id":"d4"}
)";

class VisibilityOfTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ParsedBatch batch = ParseNdjson(kOrganization);
    ASSERT_TRUE(batch.ok()) << batch.errors[0];
    engine_.Apply(batch.records);
  }

  std::vector<std::string> SortedUsers(const Account& account) {
    Engine::ReadView view = engine_.Read();
    Visibility visibility = VisibilityOfAccount(account, view.tables());
    EXPECT_FALSE(visibility.all);
    std::sort(visibility.user_ids.begin(), visibility.user_ids.end());
    return visibility.user_ids;
  }

  static Account Make(const std::string& role, const std::string& crm_user) {
    Account account;
    account.role = role;
    account.crm_user_id = crm_user;
    return account;
  }

  Engine engine_;
};

TEST_F(VisibilityOfTest, AnAdminSeesEverything) {
  Engine::ReadView view = engine_.Read();
  EXPECT_TRUE(VisibilityOfAccount(Make("admin", ""), view.tables()).all);
}

TEST_F(VisibilityOfTest, AHeadSeesTheirDepartmentAndEverySubDepartment) {
  // Anna heads d1: d1 (Anna), d2 (Boris, Gleb), d4 under d2 (Dina); not Vera in d3.
  EXPECT_EQ(SortedUsers(Make("head", "u1")), (std::vector<std::string>{"u1", "u2", "u4", "u5"}));
  // Boris as a head of d2: Boris, Gleb, Dina.
  EXPECT_EQ(SortedUsers(Make("head", "u2")), (std::vector<std::string>{"u2", "u4", "u5"}));
  Engine::ReadView view = engine_.Read();
  EXPECT_EQ(DepartmentOfAccount(Make("head", "u2"), view.tables()), "d2");
}

TEST_F(VisibilityOfTest, AManagerSeesOnlyThemselves) {
  EXPECT_EQ(SortedUsers(Make("manager", "u2")), (std::vector<std::string>{"u2"}));
}

TEST_F(VisibilityOfTest, WhatCannotBePlacedSeesNothing) {
  EXPECT_TRUE(SortedUsers(Make("manager", "")).empty());
  EXPECT_TRUE(SortedUsers(Make("head", "")).empty());
  EXPECT_TRUE(SortedUsers(Make("head", "u404")).empty());  // a CRM user not imported yet
  EXPECT_TRUE(SortedUsers(Make("owner", "u1")).empty());   // not a role
}

TEST_F(VisibilityOfTest, VisibleDepartmentsFollowTheRole) {
  Engine::ReadView view = engine_.Read();
  auto names = [&](const Account& account) {
    std::vector<std::string> out;
    for (int32_t d : VisibleDepartments(account, view.tables())) {
      out.emplace_back(view.tables().departments.ids.Text(d));
    }
    std::sort(out.begin(), out.end());
    return out;
  };
  EXPECT_EQ(names(Make("admin", "")), (std::vector<std::string>{"d1", "d2", "d3", "d4"}));
  EXPECT_EQ(names(Make("head", "u1")), (std::vector<std::string>{"d1", "d2", "d4"}));
  EXPECT_EQ(names(Make("manager", "u3")), (std::vector<std::string>{"d3"}));
}

}  // namespace
}  // namespace voronka
