// libFuzzer target: the input is a CSV file read with the fixture mapping
// (tests/importers/fixtures/csv/mapping.json). Every error must name the file and a line.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "importers/csv_deals.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The scratch file, removed at exit.
  static const struct Scratch {
    std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                ("voronka-fuzz-csv-" + std::to_string(getpid()));
    std::string file = (std::filesystem::create_directories(dir), (dir / "deals.csv").string());
    ~Scratch() {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  } scratch;
  const std::string& file = scratch.file;
  static const std::string mapping =
      std::string(VORONKA_SOURCE_DIR) + "/tests/importers/fixtures/csv/mapping.json";
  std::ofstream(file, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  voronka::ImportBatch batch = voronka::ReadCsvDeals(file, mapping, {});
  for (const std::string& error : batch.errors) {
    if (error.rfind("deals.csv: ", 0) != 0) {
      std::fprintf(stderr, "an error names no file: %s\n", error.c_str());
      std::abort();
    }
  }
  return 0;
}
