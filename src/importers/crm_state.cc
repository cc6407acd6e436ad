#include "importers/crm_state.h"
#include "model/clock.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace voronka {

namespace {

namespace fs = std::filesystem;

constexpr char kBitrix24[] = "bitrix24";
constexpr char kAmocrm[] = "amocrm";


// The body kept in the store; when there is none, the text of the data directory's old file,
// moved into the store (and the file removed once the store has it).
Result<std::optional<std::string>> TakeState(CrmStateStore& store, const std::string& legacy_dir,
                                             int64_t workspace_id, const std::string& crm,
                                             CrmStateKind kind) {
  Result<std::optional<std::string>> kept = store.Get(workspace_id, crm, kind);
  if (!kept.ok() || kept->has_value() || legacy_dir.empty()) return kept;
  fs::path file = LegacyCrmStateFile(legacy_dir, workspace_id, crm, kind);
  std::ifstream in(file, std::ios::binary);
  if (!in) return kept;
  std::stringstream text;
  text << in.rdbuf();
  in.close();
  if (Status put = store.Put(workspace_id, crm, kind, text.str(), NowMicros()); !put.ok()) {
    return put;
  }
  std::error_code ignored;
  fs::remove(file, ignored);
  return std::optional<std::string>(text.str());
}

}  // namespace

std::string LegacyCrmStateFile(const std::string& data_dir, int64_t workspace_id,
                               const std::string& crm, CrmStateKind kind) {
  std::string workspace = std::to_string(workspace_id);
  if (kind == CrmStateKind::kHookCredentials) {
    return (fs::path(data_dir) / ("hooks-" + crm + "-" + workspace + ".json")).string();
  }
  const char* extension = crm == kBitrix24 ? ".marks" : ".since";
  return (fs::path(data_dir) / ("sync-" + crm + "-" + workspace + extension)).string();
}

Status SaveHookCredentials(CrmStateStore& store, int64_t workspace_id, const std::string& crm,
                           const CrmHookCredentials& credentials) {
  nlohmann::json json = {{"bitrix24_webhook", credentials.bitrix24_webhook},
                         {"bitrix24_application_token", credentials.bitrix24_application_token},
                         {"amocrm_base_url", credentials.amocrm_base_url},
                         {"amocrm_token", credentials.amocrm_token}};
  return store.Put(workspace_id, crm, CrmStateKind::kHookCredentials, json.dump(), NowMicros());
}

Result<std::optional<CrmHookCredentials>> LoadHookCredentials(CrmStateStore& store,
                                                              const std::string& legacy_dir,
                                                              int64_t workspace_id,
                                                              const std::string& crm) {
  Result<std::optional<std::string>> body =
      TakeState(store, legacy_dir, workspace_id, crm, CrmStateKind::kHookCredentials);
  if (!body.ok()) return body.status();
  if (!body->has_value()) return std::optional<CrmHookCredentials>();
  nlohmann::json json = nlohmann::json::parse(**body, nullptr, false);
  if (!json.is_object()) {
    return Status::Error("the workspace's " + crm +
                         " credentials are unreadable: run `voronka sync " + crm + "` again");
  }
  CrmHookCredentials credentials;
  credentials.bitrix24_webhook = json.value("bitrix24_webhook", "");
  credentials.bitrix24_application_token = json.value("bitrix24_application_token", "");
  credentials.amocrm_base_url = json.value("amocrm_base_url", "");
  credentials.amocrm_token = json.value("amocrm_token", "");
  return std::optional<CrmHookCredentials>(std::move(credentials));
}

Result<Bitrix24Marks> LoadBitrix24Marks(CrmStateStore& store, const std::string& legacy_dir,
                                        int64_t workspace_id) {
  Result<std::optional<std::string>> body =
      TakeState(store, legacy_dir, workspace_id, kBitrix24, CrmStateKind::kSyncMarks);
  if (!body.ok()) return body.status();
  return body->has_value() ? ParseBitrix24Marks(**body) : Bitrix24Marks{};
}

Status SaveBitrix24Marks(CrmStateStore& store, int64_t workspace_id, const Bitrix24Marks& marks) {
  return store.Put(workspace_id, kBitrix24, CrmStateKind::kSyncMarks, Bitrix24MarksText(marks),
                   NowMicros());
}

Result<int64_t> LoadAmocrmStart(CrmStateStore& store, const std::string& legacy_dir,
                                int64_t workspace_id) {
  Result<std::optional<std::string>> body =
      TakeState(store, legacy_dir, workspace_id, kAmocrm, CrmStateKind::kSyncMarks);
  if (!body.ok()) return body.status();
  if (!body->has_value()) return int64_t{0};
  // The old file's text: the Unix time and a newline.
  int64_t started_at = 0;
  std::istringstream(**body) >> started_at;
  return started_at;
}

Status SaveAmocrmStart(CrmStateStore& store, int64_t workspace_id, int64_t started_at) {
  return store.Put(workspace_id, kAmocrm, CrmStateKind::kSyncMarks,
                   std::to_string(started_at) + "\n", NowMicros());
}

}  // namespace voronka
