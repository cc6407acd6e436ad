#include "importers/dump_pages.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "importers/item_reader.h"

namespace voronka {

Result<std::vector<DumpPage>> ReadDumpPages(const std::string& dump_dir,
                                            const std::string& folder) {
  namespace fs = std::filesystem;
  std::vector<DumpPage> pages;
  fs::path directory = fs::path(dump_dir) / folder;
  std::error_code error;
  if (!fs::is_directory(directory, error)) return pages;
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  if (error) return Status::Error(directory.string() + ": " + error.message());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    DumpPage page;
    page.name = folder + "/" + file.filename().string();
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::Error(page.name + ": cannot read the file");
    std::stringstream text;
    text << in.rdbuf();
    try {
      page.body = nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::parse_error& parse_error) {
      return Status::Error(page.name + ": not JSON: byte " + std::to_string(parse_error.byte) +
                           ": the answer is cut or damaged");
    }
    pages.push_back(std::move(page));
  }
  return pages;
}

Result<const nlohmann::json*> PageItems(const DumpPage& page,
                                        const std::vector<std::string>& paths) {
  if (!page.body.is_object()) return Status::Error(page.name + ": the answer is not an object");
  if (page.body.contains("error")) {
    std::string code = page.body["error"].is_string() ? page.body["error"].get<std::string>()
                                                      : page.body["error"].dump();
    std::string description = page.body.value("error_description", "");
    return Status::Error(page.name + ": the page is an API error answer: " + code +
                         (description.empty() ? "" : " (" + description + ")"));
  }
  for (const std::string& path : paths) {
    const nlohmann::json* node = &page.body;
    size_t start = 0;
    while (node != nullptr && start <= path.size()) {
      size_t slash = path.find('/', start);
      std::string key =
          path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
      node = node->is_object() && node->contains(key) ? &(*node)[key] : nullptr;
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    if (node != nullptr && node->is_array()) return node;
  }
  std::string wanted;
  for (const std::string& path : paths) wanted += (wanted.empty() ? "" : " or ") + path;
  return Status::Error(page.name + ": no item list (" + wanted + ") in the answer");
}

DumpFolder ReadDumpFolder(const std::string& dump_dir, const std::string& folder,
                          const std::vector<std::string>& paths, const std::string& id_key,
                          std::vector<std::string>& errors) {
  DumpFolder result;
  result.present = std::filesystem::is_directory(std::filesystem::path(dump_dir) / folder);
  Result<std::vector<DumpPage>> pages = ReadDumpPages(dump_dir, folder);
  if (!pages.ok()) {
    errors.push_back(pages.message());
    return result;
  }
  result.pages = std::move(pages.value());
  std::unordered_map<std::string, size_t> position_of_id;
  for (const DumpPage& page : result.pages) {
    Result<const nlohmann::json*> items = PageItems(page, paths);
    if (!items.ok()) {
      errors.push_back(items.message());
      continue;
    }
    const nlohmann::json& list = *items.value();
    for (size_t i = 0; i < list.size(); ++i) {
      DumpItem item{&list[i], &page.name, i};
      std::optional<std::string> id;
      if (list[i].is_object() && list[i].contains(id_key)) id = JsonText(list[i][id_key]);
      if (id) {
        auto [it, inserted] = position_of_id.emplace(*id, result.items.size());
        if (!inserted) {
          result.items[it->second] = item;
          continue;
        }
      }
      result.items.push_back(item);
    }
  }
  return result;
}

}  // namespace voronka
