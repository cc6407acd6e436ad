// A CRM dump on disk: one folder per API method, one file per page holding the method's
// answer exactly as the API gave it (DUMP/crm.deal.list/0001.json), read in file-name order.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/status.h"

namespace voronka {

struct DumpPage {
  std::string name;     // "crm.deal.list/0001.json": how errors name the page
  nlohmann::json body;  // the parsed answer
};

// Every *.json page of DUMP/folder, by file name. A missing folder has no pages; a page that
// is not JSON is an error naming it and the byte where parsing stopped.
Result<std::vector<DumpPage>> ReadDumpPages(const std::string& dump_dir, const std::string& folder);

// The items of a page: the array at the first of `paths` present in the body (a path is
// member names joined by '/', e.g. "result/items" or "_embedded/leads"). An answer that is
// an API error ({"error": ...}) or has none of the paths is an error naming the page.
Result<const nlohmann::json*> PageItems(const DumpPage& page,
                                        const std::vector<std::string>& paths);

// One item of a folder, with the page it is on.
struct DumpItem {
  const nlohmann::json* item;
  const std::string* page_name;
  size_t index;  // 0-based in its page
};

// Every item of a folder's pages. Paging by offset repeats an item when the CRM changes
// during the dump, so items are deduplicated by `id_key`: the copy on the later page wins,
// at the place the item was first seen. Page errors are appended to `errors`.
struct DumpFolder {
  std::vector<DumpPage> pages;
  std::vector<DumpItem> items;
  bool present = false;  // the folder exists in the dump
};
DumpFolder ReadDumpFolder(const std::string& dump_dir, const std::string& folder,
                          const std::vector<std::string>& paths, const std::string& id_key,
                          std::vector<std::string>& errors);

}  // namespace voronka
