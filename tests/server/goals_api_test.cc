// Goals over HTTP: set, listed, changed and withdrawn as canonical goal records, with the
// rights of SPEC §6. History: api_fixture.h (Sales d1 head Anna u1, its sub-department North
// d2 with Boris u2 and Gleb u4, Support d3 with Vera u3; won in March 2024: D1 Anna 100.00,
// D2 Boris 200.00, D3 Vera 400.00).
#include <gtest/gtest.h>

#include "api_fixture.h"

namespace voronka {
namespace {

using nlohmann::json;
using testing::Browser;
using testing::MarchReport;

class GoalsApiTest : public testing::ApiFixture {
 protected:
  httplib::Result Set(const Browser& who, const std::string& body) {
    return Call("POST", "/api/v1/goals", &who, body);
  }
  std::vector<std::string> Ids(const Browser& who) {
    std::vector<std::string> ids;
    for (const json& goal : Json(Call("GET", "/api/v1/goals", &who))) ids.push_back(goal["id"]);
    return ids;
  }
  json Progress(const Browser& who) {
    return Json(Call("POST", "/api/v1/report", &who, MarchReport("goal_progress")))["rows"];
  }
};

TEST_F(GoalsApiTest, AGoalSetHereShowsItsProgress) {
  Browser admin = Login("admin");
  auto set = Set(admin, R"({"id":"boris-march","scope":"user","scope_id":"u2","metric":"won_amount","period":"2024-03","target":"500"})");
  ASSERT_EQ(set->status, 201) << set->body;
  EXPECT_EQ(Json(set)["target"], "500.00");
  // Boris won D2 of 200.00 in March: 40% of 500.00.
  json rows = Progress(admin);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["group"]["goal"], "boris-march");
  EXPECT_EQ(rows[0]["value"], "200.00");
  EXPECT_EQ(rows[0]["target"], "500.00");
  EXPECT_EQ(rows[0]["percent"], 40.0);
  // A new target: 200.00 of 250.00 is 80%.
  auto changed = Call("PUT", "/api/v1/goals/boris-march", &admin,
                      R"({"scope":"user","scope_id":"u2","metric":"won_amount","period":"2024-03","target":"250"})");
  ASSERT_EQ(changed->status, 200) << changed->body;
  EXPECT_EQ(Progress(admin)[0]["percent"], 80.0);
  // Withdrawn: no row, not listed, and a second withdrawal finds nothing.
  EXPECT_EQ(Call("DELETE", "/api/v1/goals/boris-march", &admin)->status, 200);
  EXPECT_TRUE(Progress(admin).empty());
  EXPECT_TRUE(Ids(admin).empty());
  EXPECT_EQ(Call("DELETE", "/api/v1/goals/boris-march", &admin)->status, 404);
}

TEST_F(GoalsApiTest, AHeadSetsGoalsOfTheirDepartmentsAManagerNone) {
  Browser admin = Login("admin");
  Browser head = Login("head");
  Browser boris = Login("boris");
  const std::string tail = R"(,"metric":"won_count","period":"2024-03","target":3})";
  EXPECT_EQ(Set(head, R"({"id":"north","scope":"department","scope_id":"d2")" + tail)->status, 201);
  EXPECT_EQ(Set(head, R"({"id":"gleb","scope":"user","scope_id":"u4")" + tail)->status, 201);
  EXPECT_EQ(Set(head, R"({"id":"support","scope":"department","scope_id":"d3")" + tail)->status, 403);
  EXPECT_EQ(Set(head, R"({"id":"vera","scope":"user","scope_id":"u3")" + tail)->status, 403);
  EXPECT_EQ(Set(head, R"({"id":"all","scope":"workspace")" + tail)->status, 403);
  EXPECT_EQ(Set(boris, R"({"id":"mine","scope":"user","scope_id":"u2")" + tail)->status, 403);
  ASSERT_EQ(Set(admin, R"({"id":"vera","scope":"user","scope_id":"u3")" + tail)->status, 201);
  ASSERT_EQ(Set(admin, R"({"id":"all","scope":"workspace")" + tail)->status, 201);
  // Who sees which: the admin all; the head North, Gleb and the company's; Boris his own
  // department's and the company's; nobody but the admin Vera's.
  EXPECT_EQ(Ids(admin), (std::vector<std::string>{"all", "gleb", "north", "vera"}));
  EXPECT_EQ(Ids(head), (std::vector<std::string>{"all", "gleb", "north"}));
  EXPECT_EQ(Ids(boris), (std::vector<std::string>{"all", "north"}));
  // The head may not change or withdraw the company's goal nor see Vera's.
  EXPECT_EQ(Call("DELETE", "/api/v1/goals/all", &head)->status, 403);
  EXPECT_EQ(Call("DELETE", "/api/v1/goals/vera", &head)->status, 404);
  EXPECT_EQ(Call("PUT", "/api/v1/goals/north", &boris,
                 R"({"scope":"department","scope_id":"d2")" + tail)
                ->status,
            403);
  // Nor move a goal of theirs onto a department they do not run.
  EXPECT_EQ(Call("PUT", "/api/v1/goals/north", &head,
                 R"({"scope":"department","scope_id":"d3")" + tail)
                ->status,
            403);
}

TEST_F(GoalsApiTest, BadGoalsAreRefusedWithTheField) {
  Browser admin = Login("admin");
  auto error_of = [&](const std::string& body) {
    auto response = Set(admin, body);
    EXPECT_EQ(response->status, 400) << body;
    return Json(response).value("error", "");
  };
  EXPECT_EQ(error_of(R"({"scope":"team","metric":"won_count","period":"2024-03","target":1})")
                .rfind("scope:", 0),
            0u);
  EXPECT_EQ(error_of(R"({"scope":"user","scope_id":"u9","metric":"won_count","period":"2024-03","target":1})")
                .rfind("scope_id:", 0),
            0u);
  EXPECT_EQ(error_of(R"({"scope":"workspace","metric":"funnel","period":"2024-03","target":1})")
                .rfind("metric:", 0),
            0u);
  EXPECT_NE(error_of(R"({"scope":"workspace","metric":"won_amount","period":"2024-03","target":"lots"})")
                .find("target"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"scope":"workspace","metric":"won_amount","period":"March","target":"5"})")
                .find("period"),
            std::string::npos);
  EXPECT_TRUE(Ids(admin).empty());
}

}  // namespace
}  // namespace voronka
