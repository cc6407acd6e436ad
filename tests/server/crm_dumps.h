// Changed copies of the CRM fixtures (tests/importers/fixtures) for the webhook tests: a
// portal as it is after something happened there.
#pragma once

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "importers/fixture_crms.h"
#include "importers/importer_test_util.h"

namespace voronka::testing {

// Changes every item of every page of FOLDER_DIR (the array at `path`) by `change(item)`, and
// appends `added` to the first page's array when given.
inline void EditDump(const std::string& folder_dir, const json::json_pointer& path,
                     const std::function<void(json&)>& change, const json& added = nullptr) {
  bool appended = false;
  std::set<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(folder_dir)) {
    if (entry.is_regular_file()) names.insert(entry.path().string());
  }
  for (const std::string& name : names) {
    json page = json::parse(ReadText(name));
    for (json& item : page[path]) change(item);
    if (!added.is_null() && !appended) {
      page[path].push_back(added);
      appended = true;
    }
    std::ofstream(name) << page.dump();
  }
}

// Makes the Bitrix24 dump at DUMP what the portal is after the fixture's import: deal 3
// (45 500.50, PREPAYMENT_INVOICE) won on 03-30 12:00 (history row 1030), and a new call 110 on
// deal 6 that day.
inline void ChangeBitrix24OnMarch30(const std::string& dump) {
  EditDump(dump + "/crm.deal.list", json::json_pointer("/result"), [](json& deal) {
    if (deal["ID"] == "3") {
      deal["STAGE_ID"] = "WON";
      deal["DATE_MODIFY"] = "2024-03-30T12:00:00+03:00";
    }
  });
  json row = {{"ID", 1030},
              {"TYPE_ID", 2},
              {"OWNER_ID", 3},
              {"STAGE_ID", "WON"},
              {"CATEGORY_ID", 0},
              {"STAGE_SEMANTIC_ID", "S"},
              {"CREATED_TIME", "2024-03-30T12:00:00+03:00"}};
  EditDump(
      dump + "/crm.stagehistory.list", json::json_pointer("/result/items"), [](json&) {}, row);
  json activities = json::parse(ReadText(dump + "/crm.activity.list/0001.json"))["result"];
  json call = activities[0];  // call 101, deal 1
  call["ID"] = "110";
  call["OWNER_ID"] = "6";
  call["START_TIME"] = "2024-03-30T10:00:00+03:00";
  call["END_TIME"] = "2024-03-30T10:05:00+03:00";
  EditDump(
      dump + "/crm.activity.list", json::json_pointer("/result"), [](json&) {}, call);
}

// A copy of the Bitrix24 fixture in DIR, changed as above.
inline std::string ChangedBitrix24(const TempDir& dir) {
  std::string dump = CopyFixture(dir, "bitrix24");
  ChangeBitrix24OnMarch30(dump);
  return dump;
}

}  // namespace voronka::testing
