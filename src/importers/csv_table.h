// A CSV file as rows of UTF-8 cells: RFC 4180 quoting (quotes doubled inside, line breaks
// inside quotes), delimiter ',' ';' or tab, UTF-8 (with or without BOM) or Windows-1251.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/status.h"

namespace voronka {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<int64_t> lines;  // lines[i]: the file line where rows[i] starts (header is 1)
  char delimiter = ',';
};

// `encoding`: "utf-8", "windows-1251", or "auto" (UTF-8 when the bytes are valid UTF-8,
// else Windows-1251, the encoding of spreadsheets saved by Russian-language Excel).
// `delimiter` 0 means: the one of , ; tab that occurs most in the header line.
// Blank lines are skipped. A quote left open is an error naming the line it opened on.
Result<CsvTable> ParseCsv(std::string_view bytes, std::string_view encoding, char delimiter);

// The text converted from Windows-1251 to UTF-8 (by iconv).
Result<std::string> Windows1251ToUtf8(std::string_view bytes);
bool IsValidUtf8(std::string_view bytes);

}  // namespace voronka
