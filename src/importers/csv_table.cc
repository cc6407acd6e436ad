#include "importers/csv_table.h"

#include <iconv.h>

#include <array>

namespace voronka {

bool IsValidUtf8(std::string_view bytes) {
  size_t i = 0;
  while (i < bytes.size()) {
    auto byte = static_cast<unsigned char>(bytes[i]);
    size_t extra = 0;
    if (byte < 0x80) {
      extra = 0;
    } else if ((byte >> 5) == 0x6) {
      extra = 1;
    } else if ((byte >> 4) == 0xE) {
      extra = 2;
    } else if ((byte >> 3) == 0x1E) {
      extra = 3;
    } else {
      return false;
    }
    if (i + extra >= bytes.size() && extra > 0) return false;
    for (size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(bytes[i + k]) >> 6) != 0x2) return false;
    }
    i += extra + 1;
  }
  return true;
}

Result<std::string> Windows1251ToUtf8(std::string_view bytes) {
  iconv_t converter = iconv_open("UTF-8", "WINDOWS-1251");
  if (converter == reinterpret_cast<iconv_t>(-1)) {
    return Status::Error("this system's iconv cannot convert from Windows-1251");
  }
  std::string output(bytes.size() * 3 + 4, '\0');  // one byte becomes at most three
  char* in = const_cast<char*>(bytes.data());
  size_t in_left = bytes.size();
  char* out = output.data();
  size_t out_left = output.size();
  size_t result = iconv(converter, &in, &in_left, &out, &out_left);
  iconv_close(converter);
  if (result == static_cast<size_t>(-1)) {
    return Status::Error("byte " + std::to_string(bytes.size() - in_left + 1) +
                         " is not Windows-1251");
  }
  output.resize(output.size() - out_left);
  return output;
}

namespace {

char DetectDelimiter(std::string_view text) {
  std::array<char, 3> candidates = {',', ';', '\t'};
  std::array<int, 3> counts = {0, 0, 0};
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    if (!quoted && (c == '\n' || c == '\r')) break;
    for (size_t k = 0; k < candidates.size(); ++k) counts[k] += !quoted && c == candidates[k];
  }
  size_t best = 0;
  for (size_t k = 1; k < candidates.size(); ++k) {
    if (counts[k] > counts[best]) best = k;
  }
  return candidates[best];
}

}  // namespace

Result<CsvTable> ParseCsv(std::string_view bytes, std::string_view encoding, char delimiter) {
  std::string converted;
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    bytes.remove_prefix(3);
  } else if (encoding == "windows-1251" || (encoding == "auto" && !IsValidUtf8(bytes))) {
    Result<std::string> utf8 = Windows1251ToUtf8(bytes);
    if (!utf8.ok()) return utf8.status();
    converted = std::move(utf8.value());
    bytes = converted;
  } else if (encoding != "auto" && encoding != "utf-8") {
    return Status::Error("encoding '" + std::string(encoding) +
                         "' is not one of utf-8, windows-1251, auto");
  }
  if (encoding == "utf-8" && !IsValidUtf8(bytes)) {
    return Status::Error("the file is not valid UTF-8; set \"encoding\": \"windows-1251\"");
  }

  CsvTable table;
  table.delimiter = delimiter != 0 ? delimiter : DetectDelimiter(bytes);
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false;
  bool cell_started = false;
  int64_t line = 1;
  int64_t row_line = 1;
  int64_t quote_line = 0;
  auto end_row = [&] {
    bool blank = row.empty() && cell.empty() && !cell_started;
    if (!blank) {
      row.push_back(std::move(cell));
      if (table.header.empty() && table.rows.empty()) {
        table.header = std::move(row);
      } else {
        table.rows.push_back(std::move(row));
        table.lines.push_back(row_line);
      }
    }
    row.clear();
    cell.clear();
    cell_started = false;
  };
  for (size_t i = 0; i < bytes.size(); ++i) {
    char c = bytes[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < bytes.size() && bytes[i + 1] == '"') {
          cell.push_back('"');
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        cell.push_back(c);
      }
      continue;
    }
    if (c == '"') {
      quoted = true;
      cell_started = true;
      quote_line = line;
    } else if (c == table.delimiter) {
      row.push_back(std::move(cell));
      cell.clear();
      cell_started = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') ++i;
      end_row();
      ++line;
      row_line = line;
    } else {
      cell.push_back(c);
      cell_started = true;
    }
  }
  if (quoted) {
    return Status::Error("line " + std::to_string(quote_line) +
                         ": a quote opened here is never closed");
  }
  end_row();
  if (table.header.empty()) return Status::Error("the file is empty");
  return table;
}

}  // namespace voronka
