// Saved reports over HTTP: a saved report answers what the same POST /report answers for the
// same viewer; sharing with roles and departments decides who finds it; only the owner and
// admins change it. History: api_fixture.h (D1 Anna 100.00, D2 Boris 200.00, D3 Vera 400.00
// won in March 2024; D4 Gleb 800.00 open).
#include <gtest/gtest.h>

#include "api_fixture.h"

namespace voronka {
namespace {

using nlohmann::json;
using testing::Browser;
using testing::MarchReport;

class SavedReportsApiTest : public testing::ApiFixture {
 protected:
  // Saves a report as `who`; returns its id (0 when refused).
  int64_t Save(const Browser& who, const std::string& name, const std::string& request,
               const std::string& sharing = "") {
    auto response = Call("POST", "/api/v1/saved-reports", &who,
                         R"({"name":")" + name + R"(","chart":"bars","report":)" + request +
                             sharing + "}");
    EXPECT_EQ(response->status, 201) << response->body;
    return response->status == 201 ? Json(response)["id"].get<int64_t>() : 0;
  }
  std::string Path(int64_t id, const std::string& tail = "") {
    return "/api/v1/saved-reports/" + std::to_string(id) + tail;
  }
  std::vector<std::string> Names(const Browser& who) {
    std::vector<std::string> names;
    for (const json& report : Json(Call("GET", "/api/v1/saved-reports", &who))) {
      names.push_back(report["name"]);
    }
    return names;
  }
};

const std::string kWonByManager = MarchReport("won_amount", R"(,"group_by":["responsible"])");

TEST_F(SavedReportsApiTest, ASavedReportAnswersAsTheSameReportForEachViewer) {
  Browser admin = Login("admin");
  int64_t id = Save(admin, "Won by manager", kWonByManager, R"(,"shared_roles":["manager"])");
  Browser boris = Login("boris");
  for (const Browser* who : {&admin, &boris}) {
    json direct = Json(Call("POST", "/api/v1/report", who, kWonByManager));
    json saved = Json(Call("POST", Path(id, "/report"), who, "{}"));
    EXPECT_EQ(saved["rows"], direct["rows"]);
    EXPECT_EQ(saved["total"], direct["total"]);
    EXPECT_EQ(saved["saved_report"]["chart"], "bars");
  }
  // By hand: the admin sees 100 + 200 + 400 won; Boris, a manager, his own 200.00 only.
  EXPECT_EQ(Json(Call("POST", Path(id, "/report"), &admin, "{}"))["total"], "700.00");
  json mine = Json(Call("POST", Path(id, "/report"), &boris, "{}"));
  EXPECT_EQ(mine["total"], "200.00");
  ASSERT_EQ(mine["rows"].size(), 1u);
  EXPECT_EQ(mine["rows"][0]["group"]["responsible"], "u2");
}

TEST_F(SavedReportsApiTest, TheDashboardsPeriodAndFiltersApplyOnTop) {
  Browser admin = Login("admin");
  int64_t id = Save(admin, "Won", MarchReport("won_amount"));
  // The filter bar's source "web": D1 and D2 won → 300.00.
  EXPECT_EQ(Json(Call("POST", Path(id, "/report"), &admin, R"({"filters":{"source":["web"]}})"))["total"],
            "300.00");
  // February has no won deal.
  EXPECT_EQ(Json(Call("POST", Path(id, "/report"), &admin,
                      R"({"period":{"from":"2024-02-01","to":"2024-03-01"}})"))["total"],
            "0.00");
}

TEST_F(SavedReportsApiTest, SharingDecidesWhoFindsIt) {
  Browser admin = Login("admin");
  Browser head = Login("head");
  Browser boris = Login("boris");
  Browser vera = Login("vera");
  Save(admin, "private", MarchReport("won_count"));
  Save(admin, "for managers", MarchReport("won_count"), R"(,"shared_roles":["manager"])");
  // North (d2) is Boris's department; Anna's head account is in Sales (d1), above it.
  Save(admin, "for North", MarchReport("won_count"), R"(,"shared_departments":["d2"])");
  // Sales (d1) includes North: Boris finds it too.
  Save(head, "for Sales", MarchReport("won_count"), R"(,"shared_departments":["d1"])");
  EXPECT_EQ(Names(admin),
            (std::vector<std::string>{"private", "for managers", "for North", "for Sales"}));
  EXPECT_EQ(Names(head), (std::vector<std::string>{"for Sales"}));
  EXPECT_EQ(Names(boris), (std::vector<std::string>{"for managers", "for North", "for Sales"}));
  EXPECT_EQ(Names(vera), (std::vector<std::string>{"for managers"}));
  // Another workspace's admin sees none of them.
  EXPECT_TRUE(Names(Login("xadmin")).empty());
}

TEST_F(SavedReportsApiTest, OnlyTheOwnerOrAnAdminChangesIt) {
  Browser admin = Login("admin");
  Browser head = Login("head");
  Browser boris = Login("boris");
  int64_t id = Save(head, "head's", MarchReport("won_count"), R"(,"shared_roles":["manager"])");
  std::string edit = R"({"name":"renamed","report":)" + MarchReport("won_amount") + "}";
  // Boris may open it, not change or delete it.
  EXPECT_EQ(Call("GET", Path(id), &boris)->status, 200);
  EXPECT_EQ(Call("PUT", Path(id), &boris, edit)->status, 403);
  EXPECT_EQ(Call("DELETE", Path(id), &boris)->status, 403);
  // The owner renames it; the admin deletes it; then it is gone for everyone.
  auto renamed = Call("PUT", Path(id), &head, edit);
  ASSERT_EQ(renamed->status, 200) << renamed->body;
  EXPECT_EQ(Json(renamed)["name"], "renamed");
  EXPECT_EQ(Json(renamed)["shared_roles"], json::array());  // a PUT replaces the sharing too
  EXPECT_EQ(Call("GET", Path(id), &boris)->status, 404);
  EXPECT_EQ(Call("DELETE", Path(id), &admin)->status, 200);
  EXPECT_EQ(Call("GET", Path(id), &head)->status, 404);
  EXPECT_EQ(Call("POST", Path(id, "/report"), &head, "{}")->status, 404);
}

TEST_F(SavedReportsApiTest, BadReportsAreRefusedWithTheField) {
  Browser admin = Login("admin");
  Browser boris = Login("boris");
  auto post = [&](const Browser& who, const std::string& body) {
    return Call("POST", "/api/v1/saved-reports", &who, body);
  };
  const std::string report = MarchReport("won_count");
  auto expect_error = [&](const Browser& who, const std::string& body, int status,
                          const std::string& starts_with) {
    auto response = post(who, body);
    EXPECT_EQ(response->status, status) << body;
    std::string error = Json(response).value("error", "");
    EXPECT_EQ(error.rfind(starts_with, 0), 0u) << error;
  };
  expect_error(admin, R"({"report":)" + report + "}", 400, "name:");
  expect_error(admin, R"({"name":"x"})", 400, "report:");
  expect_error(admin, R"({"name":"x","chart":"donut","report":)" + report + "}", 400, "chart:");
  expect_error(admin, R"({"name":"x","report":{"metric":"won_smth"}})", 400, "report:");
  expect_error(admin, R"({"name":"x","shared_roles":["boss"],"report":)" + report + "}", 400,
               "shared_roles:");
  expect_error(admin, R"({"name":"x","shared_departments":["d9"],"report":)" + report + "}", 400,
               "shared_departments:");
  // A manager keeps reports to themself.
  expect_error(boris, R"({"name":"x","shared_roles":["manager"],"report":)" + report + "}", 403,
               "only admins and heads");
  EXPECT_TRUE(Json(Call("GET", "/api/v1/saved-reports", &admin)).empty());
}

TEST_F(SavedReportsApiTest, SavedReportsSurviveARestart) {
  Browser admin = Login("admin");
  int64_t id = Save(admin, "kept", MarchReport("won_amount"), R"(,"shared_roles":["head"])");
  Restart();
  Browser head = Login("head");
  json report = Json(Call("GET", Path(id), &head));
  EXPECT_EQ(report["name"], "kept");
  EXPECT_EQ(report["owner"], "admin");
  // Anna's head account sees Sales and North: D1 100.00 + D2 200.00.
  EXPECT_EQ(Json(Call("POST", Path(id, "/report"), &head, "{}"))["total"], "300.00");
}

}  // namespace
}  // namespace voronka
