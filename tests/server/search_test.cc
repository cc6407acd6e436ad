// GET /search over the history of api_fixture.h: deals D1..D4 titled "Deal of Anna", "Deal of
// Boris", "Deal of Vera", "Deal of Gleb", created March 1st..4th; Xenia's X1 lives in another
// workspace. The head sees Anna, Boris and Gleb; Boris sees his own deal only.
#include <gtest/gtest.h>

#include "api_fixture.h"

namespace voronka {
namespace {

using nlohmann::json;
using testing::Browser;

class SearchTest : public testing::ApiFixture {
 protected:
  // The ids of the deals found for `query`, in the order answered; `total` is the count
  // of all matches (more than the page when paged).
  std::vector<std::string> Found(const Browser& who, const std::string& query,
                                 int64_t total = -1) {
    auto response = Call("GET", "/api/v1/search?" + query, &who);
    EXPECT_EQ(response->status, 200) << response->body;
    json answer = Json(response);
    std::vector<std::string> ids;
    for (const json& item : answer["items"]) ids.push_back(item["id"]);
    EXPECT_EQ(answer["total"], total >= 0 ? total : static_cast<int64_t>(ids.size()))
        << answer.dump();
    return ids;
  }
};

TEST_F(SearchTest, FindsTitlesInAnyCaseNewestFirstAmongTheDealsTheCallerSees) {
  using Ids = std::vector<std::string>;
  EXPECT_EQ(Found(Login("admin"), "q=deal%20OF"), (Ids{"D4", "D3", "D2", "D1"}));
  EXPECT_EQ(Found(Login("admin"), "q=%20vera%20"), (Ids{"D3"}));
  EXPECT_EQ(Found(Login("admin"), "q=nobody"), Ids{});
  EXPECT_EQ(Found(Login("head"), "q=deal"), (Ids{"D4", "D2", "D1"}));
  EXPECT_EQ(Found(Login("boris"), "q=deal"), (Ids{"D2"}));
  EXPECT_EQ(Found(Login("boris"), "q=anna"), Ids{});
  // Paging: the second of the four.
  EXPECT_EQ(Found(Login("admin"), "q=deal&offset=1&limit=1", 4), (Ids{"D3"}));
  // Sorted by another item field: the largest amount first (D4 800.00).
  EXPECT_EQ(Found(Login("admin"), "q=deal&sort=-amount&limit=1", 4), (Ids{"D4"}));
}

TEST_F(SearchTest, ABadQueryIsRefusedWithTheParameterNamed) {
  Browser admin = Login("admin");
  auto short_query = Call("GET", "/api/v1/search?q=%20d%20", &admin);
  EXPECT_EQ(short_query->status, 400);
  EXPECT_EQ(Json(short_query)["error"], "q: give at least 2 characters");
  auto limit = Call("GET", "/api/v1/search?q=deal&limit=1000", &admin);
  EXPECT_EQ(limit->status, 400);
  EXPECT_EQ(Json(limit)["error"], "limit: expected a whole number from 1 to 100");
  EXPECT_EQ(Call("GET", "/api/v1/search?q=deal", nullptr)->status, 401);
}

}  // namespace
}  // namespace voronka
