// A list of strings kept in one text column as a JSON array (the sharing lists of a saved
// report), the same in every metadata store.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace voronka {

std::string JsonList(const std::vector<std::string>& values);
// A list stored by JsonList; anything else (never written by a store) reads as empty.
std::vector<std::string> ParseJsonList(std::string_view text);

}  // namespace voronka
