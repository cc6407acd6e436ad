// What the dump fuzzers share. An input is "<page path>\n<page text>": the page path names a
// page of the fixture dump (e.g. "crm.deal.list/0001.json"), whose text is replaced by the
// rest of the input in a scratch copy of the dump, which is then read as a whole. Paths that
// are not pages of the fixture are ignored, so the fuzzer mutates page texts, not file names.
//
// Checked on every input: the reader does not crash or leak (ASan, UBSan), and every error it
// reports names a page of the dump, so a refused batch says where it went wrong.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>

#include "importers/import_batch.h"

namespace voronka::fuzz {

class ScratchDump {
 public:
  // Copies the fixture dump `name` (tests/importers/fixtures/<name>) to a scratch folder.
  explicit ScratchDump(const std::string& name) {
    namespace fs = std::filesystem;
    fs::path source = fs::path(VORONKA_SOURCE_DIR) / "tests/importers/fixtures" / name;
    dir_ = fs::temp_directory_path() / ("voronka-fuzz-" + name + "-" + std::to_string(getpid()));
    fs::remove_all(dir_);
    fs::copy(source, dir_, fs::copy_options::recursive);
    for (const fs::directory_entry& entry : fs::recursive_directory_iterator(dir_)) {
      if (entry.is_regular_file() && entry.path().extension() == ".json") {
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        pages_[fs::relative(entry.path(), dir_).string()] = text.str();
      }
    }
  }

  ~ScratchDump() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // Reads the dump with one page replaced as the input says, checks the errors, restores it.
  void Run(const uint8_t* data, size_t size,
           const std::function<ImportBatch(const std::string& dir)>& read) {
    std::string input(reinterpret_cast<const char*>(data), size);
    size_t newline = input.find('\n');
    if (newline == std::string::npos) return;
    auto page = pages_.find(input.substr(0, newline));
    if (page == pages_.end()) return;
    Write(page->first, input.substr(newline + 1));
    ImportBatch batch = read(dir_.string());
    for (const std::string& error : batch.errors) {
      if (error.find(".json") == std::string::npos && error.rfind(dir_.string(), 0) != 0) {
        std::fprintf(stderr, "an error names no page: %s\n", error.c_str());
        std::abort();
      }
    }
    Write(page->first, page->second);
  }

 private:
  void Write(const std::string& page, const std::string& text) {
    std::ofstream(dir_ / page, std::ios::binary | std::ios::trunc) << text;
  }

  std::filesystem::path dir_;
  std::map<std::string, std::string> pages_;  // relative path -> original text
};

}  // namespace voronka::fuzz
