// What a workspace keeps of its CRM connection (importers/crm_state.h) in a real SQLite
// metadata store, and the move of an older version's files from the data directory into it.
#include "importers/crm_state.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "importers/importer_test_util.h"
#include "store/sqlite/crm_state_store.h"

namespace voronka {
namespace {

// An embedded data directory as an older version left it after `voronka sync bitrix24` and
// `voronka sync amocrm` of workspace "acme": the credentials and marks files beside the
// database.
class CrmStateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto state = SqliteCrmStateStore::Open(fixture_.store->path());
    ASSERT_TRUE(state.ok()) << state.message();
    state_ = std::move(state).value();
    data_ = std::filesystem::path(fixture_.store->path()).parent_path().string();
  }

  std::string File(const std::string& crm, CrmStateKind kind) const {
    return LegacyCrmStateFile(data_, fixture_.workspace, crm, kind);
  }
  void Write(const std::string& crm, CrmStateKind kind, const std::string& text) const {
    std::ofstream(File(crm, kind)) << text;
  }

  testing::ImportFixture fixture_;
  std::unique_ptr<SqliteCrmStateStore> state_;
  std::string data_;
};

TEST_F(CrmStateTest, AnOlderDataDirectorysFilesAreMovedIntoTheStoreOnFirstUse) {
  // The files as the older version wrote them.
  EXPECT_EQ(File("bitrix24", CrmStateKind::kHookCredentials),
            data_ + "/hooks-bitrix24-" + std::to_string(fixture_.workspace) + ".json");
  Write("bitrix24", CrmStateKind::kHookCredentials,
        R"({"bitrix24_webhook": "https://example.bitrix24.ru/rest/1/abc/",)"
        R"( "bitrix24_application_token": "app-token", "amocrm_base_url": "",)"
        R"( "amocrm_token": ""})");
  Write("bitrix24", CrmStateKind::kSyncMarks,
        R"({"modified_from":1712300400,"deal_history_id":1014,"lead_history_id":1021})");
  Write("amocrm", CrmStateKind::kSyncMarks, "1711900000\n");

  Result<std::optional<CrmHookCredentials>> credentials =
      LoadHookCredentials(*state_, data_, fixture_.workspace, "bitrix24");
  ASSERT_TRUE(credentials.ok()) << credentials.message();
  ASSERT_TRUE(credentials->has_value());
  EXPECT_EQ((*credentials)->bitrix24_webhook, "https://example.bitrix24.ru/rest/1/abc/");
  EXPECT_EQ((*credentials)->bitrix24_application_token, "app-token");
  Result<Bitrix24Marks> marks = LoadBitrix24Marks(*state_, data_, fixture_.workspace);
  ASSERT_TRUE(marks.ok()) << marks.message();
  EXPECT_EQ(marks->modified_from, 1712300400);
  EXPECT_EQ(marks->deal_history_id, 1014);
  EXPECT_EQ(marks->lead_history_id, 1021);
  Result<int64_t> started = LoadAmocrmStart(*state_, data_, fixture_.workspace);
  ASSERT_TRUE(started.ok()) << started.message();
  EXPECT_EQ(started.value(), 1711900000);

  // Moved: the files are gone, and the store answers the same without the data directory
  // (as a server of a scale-out setup would).
  EXPECT_FALSE(std::filesystem::exists(File("bitrix24", CrmStateKind::kHookCredentials)));
  EXPECT_FALSE(std::filesystem::exists(File("bitrix24", CrmStateKind::kSyncMarks)));
  EXPECT_FALSE(std::filesystem::exists(File("amocrm", CrmStateKind::kSyncMarks)));
  credentials = LoadHookCredentials(*state_, "", fixture_.workspace, "bitrix24");
  ASSERT_TRUE(credentials.ok() && credentials->has_value());
  EXPECT_EQ((*credentials)->bitrix24_application_token, "app-token");
  EXPECT_EQ(LoadBitrix24Marks(*state_, "", fixture_.workspace)->deal_history_id, 1014);
  EXPECT_EQ(LoadAmocrmStart(*state_, "", fixture_.workspace).value(), 1711900000);

  // What a later sync keeps replaces what was moved; a file left behind is not read again.
  Bitrix24Marks later{1712404800, 1101, 1021};
  ASSERT_TRUE(SaveBitrix24Marks(*state_, fixture_.workspace, later).ok());
  Write("bitrix24", CrmStateKind::kSyncMarks, R"({"modified_from":1})");
  EXPECT_EQ(LoadBitrix24Marks(*state_, data_, fixture_.workspace)->deal_history_id, 1101);
}

TEST_F(CrmStateTest, NothingKeptMeansNoCredentialsAndAFullSync) {
  Result<std::optional<CrmHookCredentials>> credentials =
      LoadHookCredentials(*state_, data_, fixture_.workspace, "amocrm");
  ASSERT_TRUE(credentials.ok()) << credentials.message();
  EXPECT_FALSE(credentials->has_value());
  EXPECT_EQ(LoadBitrix24Marks(*state_, data_, fixture_.workspace)->modified_from, 0);
  EXPECT_EQ(LoadAmocrmStart(*state_, data_, fixture_.workspace).value(), 0);

  // Credentials kept by one workspace are not another's.
  CrmHookCredentials kept;
  kept.amocrm_base_url = "https://teplodom.amocrm.ru";
  kept.amocrm_token = "long-lived";
  ASSERT_TRUE(SaveHookCredentials(*state_, fixture_.workspace, "amocrm", kept).ok());
  credentials = LoadHookCredentials(*state_, data_, fixture_.workspace, "amocrm");
  ASSERT_TRUE(credentials.ok() && credentials->has_value());
  EXPECT_EQ((*credentials)->amocrm_token, "long-lived");
  EXPECT_FALSE(LoadHookCredentials(*state_, data_, fixture_.workspace + 1, "amocrm")->has_value());
  EXPECT_FALSE(LoadHookCredentials(*state_, data_, fixture_.workspace, "bitrix24")->has_value());
}

}  // namespace
}  // namespace voronka
