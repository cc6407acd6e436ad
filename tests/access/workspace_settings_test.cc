// Workspace settings: parsing with errors that name the member, and the rewrite of records.
#include "access/workspace_settings.h"

#include <gtest/gtest.h>

namespace voronka {
namespace {

using nlohmann::json;

AdminSettings Parsed(const std::string& text) {
  Result<AdminSettings> parsed = ParseAdminSettings(json::parse(text));
  EXPECT_TRUE(parsed.ok()) << parsed.message();
  return parsed.ok() ? parsed.value() : AdminSettings{};
}

std::string Error(const std::string& text) {
  Result<AdminSettings> parsed = ParseAdminSettings(json::parse(text));
  return parsed.ok() ? "" : parsed.message();
}

TEST(WorkspaceSettingsTest, BadMembersAreNamed) {
  EXPECT_EQ(Error(R"({"forgotten_days":0})"),
            "forgotten_days: expected a whole number of days, 1..3650");
  EXPECT_EQ(Error(R"({"colour":"red"})"), "settings: unknown member 'colour'");
  EXPECT_EQ(Error(R"({"capacities":{"u1":-1}})"),
            "capacities.u1: expected a whole number 0..1000000");
  EXPECT_EQ(Error(R"({"hidden_pages":{"manager":["secret"]}})"),
            "hidden_pages.manager: unknown page \"secret\"");
  EXPECT_EQ(Error(R"({"hidden_pages":{"boss":[]}})"), "hidden_pages.boss: not a role");
  EXPECT_EQ(Error(R"({"deal_url":"https://crm/deal"})"),
            "deal_url: expected a URL template with {id}");
  EXPECT_EQ(Error(R"({"activity_weights":{"fax":1}})"), "activity_weights: unknown kind 'fax'");
}

TEST(WorkspaceSettingsTest, JsonRoundTrips) {
  AdminSettings settings = Parsed(
      R"({"stage_semantics":{"s1":"won"},"price_field":"fields.budget","source_field":"deal_type",
          "forgotten_days":7,"activity_weights":{"call":2.5},"capacities":{"u1":10},
          "deal_url":"https://crm/{id}","users_may_hide_widgets":false,
          "hidden_pages":{"manager":["forgotten"]}})");
  EXPECT_EQ(Parsed(AdminSettingsJson(settings).dump()), settings);
  EXPECT_EQ((*settings.activity_weights)[static_cast<size_t>(ActivityKind::kCall)],
            5);  // half points
  EXPECT_EQ(Parsed("{}"), AdminSettings{});
}

TEST(WorkspaceSettingsTest, RewriteTakesAmountAndSourceFromFields) {
  AdminSettings settings =
      Parsed(R"({"price_field":"fields.budget","source_field":"fields.channel"})");
  DealRecord deal;
  deal.id = "D1";
  deal.amount = 100;
  deal.source = "web";
  FieldValue budget;
  budget.kind = FieldValue::Kind::kString;
  budget.text = "12.50";
  FieldValue channel;
  channel.kind = FieldValue::Kind::kList;
  channel.items = {"fair", "web"};
  deal.fields = {{"budget", budget}, {"channel", channel}};
  RecordBody body = deal;
  RewriteRecord(settings, body);
  EXPECT_EQ(std::get<DealRecord>(body).amount, 1250);
  EXPECT_EQ(std::get<DealRecord>(body).source, "fair");  // the first item of a list
  // An update: the CRM's amount and source no longer count; the fields do, null clears.
  DealUpdateRecord update;
  update.id = "D1";
  update.amount = 999;
  update.source = std::optional<std::string>("web");
  update.fields = {{"budget", FieldValue{}}};
  body = update;
  RewriteRecord(settings, body);
  EXPECT_EQ(std::get<DealUpdateRecord>(body).amount, 0);
  EXPECT_FALSE(std::get<DealUpdateRecord>(body).source.has_value());
}

TEST(WorkspaceSettingsTest, RewriteOverridesStagesCapacitiesAndLinks) {
  AdminSettings settings = Parsed(
      R"({"stage_semantics":{"paid":"lost"},"capacities":{"u1":7},"deal_url":"https://x/{id}"})");
  PipelineRecord pipeline;
  pipeline.stages = {{"new", "New", StageSemantic::kOpen}, {"paid", "Paid", StageSemantic::kWon}};
  RecordBody body = pipeline;
  RewriteRecord(settings, body);
  EXPECT_EQ(std::get<PipelineRecord>(body).stages[0].semantic, StageSemantic::kOpen);
  EXPECT_EQ(std::get<PipelineRecord>(body).stages[1].semantic, StageSemantic::kLost);
  UserRecord user;
  user.id = "u1";
  body = user;
  RewriteRecord(settings, body);
  EXPECT_EQ(std::get<UserRecord>(body).capacity, 7);
  WorkspaceRecord workspace;
  workspace.deal_url = "https://crm/{id}";
  body = workspace;
  RewriteRecord(settings, body);
  EXPECT_EQ(std::get<WorkspaceRecord>(body).deal_url, "https://x/{id}");
}

TEST(WorkspaceSettingsTest, HiddenPagesLimitRequests) {
  AdminSettings settings = Parsed(R"({"hidden_pages":{"manager":["forgotten"]}})");
  EXPECT_FALSE(MayRequest(settings, "manager", "", "forgotten_amount"));  // Forgotten only
  EXPECT_TRUE(MayRequest(settings, "manager", "", "forgotten_count"));    // also on Overview
  EXPECT_FALSE(MayRequest(settings, "manager", "forgotten", "won_amount"));
  EXPECT_TRUE(MayRequest(settings, "head", "forgotten", "forgotten_amount"));
  EXPECT_TRUE(MayRequest(settings, "manager", "builder", "cohort_win_rate"));  // on no page
  EXPECT_EQ(VisiblePages(settings, "manager").size(), DashboardPages().size() - 1);
}

TEST(WorkspaceSettingsTest, ChangesThatRebuildTheEngine) {
  AdminSettings before;
  EXPECT_FALSE(
      NeedsRebuild(before, Parsed(R"({"forgotten_days":3,"activity_weights":{"call":2}})")));
  EXPECT_TRUE(NeedsRebuild(before, Parsed(R"({"stage_semantics":{"s":"won"}})")));
  EXPECT_TRUE(NeedsRebuild(before, Parsed(R"({"capacities":{"u":1}})")));
  EXPECT_TRUE(NeedsRebuild(Parsed(R"({"forgotten_days":3})"), before));  // back to the CRM's
}

}  // namespace
}  // namespace voronka
