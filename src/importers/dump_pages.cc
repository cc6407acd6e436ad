#include "importers/dump_pages.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "importers/item_reader.h"

namespace voronka {

namespace {

namespace fs = std::filesystem;

// The *.json files of DUMP/folder by name; none when the folder is missing.
Result<std::vector<fs::path>> PageFiles(const std::string& dump_dir, const std::string& folder) {
  std::vector<fs::path> files;
  fs::path directory = fs::path(dump_dir) / folder;
  std::error_code error;
  if (!fs::is_directory(directory, error)) return files;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory, error)) {
    if (entry.is_regular_file() && entry.path().extension() == ".json") {
      files.push_back(entry.path());
    }
  }
  if (error) return Status::Error(directory.string() + ": " + error.message());
  std::sort(files.begin(), files.end());
  return files;
}

Result<DumpPage> ReadPage(const std::string& folder, const fs::path& file) {
  DumpPage page;
  page.name = folder + "/" + file.filename().string();
  std::string text;
  {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Status::Error(page.name + ": cannot read the file");
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = std::move(buffer).str();
  }
  try {
    page.body = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& parse_error) {
    return Status::Error(page.name + ": not JSON: byte " + std::to_string(parse_error.byte) +
                         ": the answer is cut or damaged");
  }
  return page;
}

}  // namespace

Result<std::vector<DumpPage>> ReadDumpPages(const std::string& dump_dir,
                                            const std::string& folder) {
  Result<std::vector<fs::path>> files = PageFiles(dump_dir, folder);
  if (!files.ok()) return files.status();
  std::vector<DumpPage> pages;
  for (const fs::path& file : files.value()) {
    Result<DumpPage> page = ReadPage(folder, file);
    if (!page.ok()) return page.status();
    pages.push_back(std::move(page.value()));
  }
  return pages;
}

bool StreamDumpFolder(const std::string& dump_dir, const std::string& folder,
                      const std::vector<std::string>& paths, const std::string& id_key,
                      std::vector<std::string>& errors,
                      const std::function<void(const DumpItem& item, size_t slot)>& visit) {
  bool present = fs::is_directory(fs::path(dump_dir) / folder);
  Result<std::vector<fs::path>> files = PageFiles(dump_dir, folder);
  if (!files.ok()) {
    errors.push_back(files.message());
    return present;
  }
  std::unordered_map<std::string, size_t> slot_of_id;
  size_t slots = 0;
  for (const fs::path& file : files.value()) {
    Result<DumpPage> page = ReadPage(folder, file);
    if (!page.ok()) {
      // As ReadDumpPages: a page that cannot be read stops the folder.
      errors.push_back(page.message());
      return present;
    }
    Result<const nlohmann::json*> items = PageItems(page.value(), paths);
    if (!items.ok()) {
      errors.push_back(items.message());
      continue;
    }
    const nlohmann::json& list = *items.value();
    for (size_t i = 0; i < list.size(); ++i) {
      size_t slot = slots;
      std::optional<std::string> id;
      if (list[i].is_object() && list[i].contains(id_key)) id = JsonText(list[i][id_key]);
      if (id) {
        auto [it, inserted] = slot_of_id.emplace(std::move(*id), slots);
        slot = it->second;
        if (inserted) ++slots;
      } else {
        ++slots;
      }
      visit(DumpItem{&list[i], &page->name, i}, slot);
    }
  }
  return present;
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
