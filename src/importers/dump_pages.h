// A CRM dump on disk: one folder per API method, one file per page holding the method's
// answer exactly as the API gave it (DUMP/crm.deal.list/0001.json), read in file-name order.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "importers/item_reader.h"
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

// The same items one page at a time, so that only one parsed page is in memory: `visit` gets
// each item with its slot, the index of its id among the folder's distinct ids in the order
// first seen (an item without the id gets a slot of its own). A later copy of an item gets
// the slot of the first, for ItemSlots to replace it. Returns whether the folder exists.
bool StreamDumpFolder(const std::string& dump_dir, const std::string& folder,
                      const std::vector<std::string>& paths, const std::string& id_key,
                      std::vector<std::string>& errors,
                      const std::function<void(const DumpItem& item, size_t slot)>& visit);

// What the items of a streamed folder were converted into, one slot per distinct id: a later
// copy replaces the earlier one, its errors included (the copy on the later page wins).
template <typename T>
class ItemSlots {
 public:
  void Set(size_t slot, std::optional<T> value, std::vector<std::string> errors) {
    if (slot >= slots_.size()) slots_.resize(slot + 1);
    slots_[slot] = {std::move(value), std::move(errors)};
  }
  // The values kept, in the order their ids were first seen; their errors go to `errors`.
  std::vector<T> Take(std::vector<std::string>& errors) {
    std::vector<T> values;
    values.reserve(slots_.size());
    for (Slot& slot : slots_) {
      for (std::string& error : slot.errors) errors.push_back(std::move(error));
      if (slot.value) values.push_back(std::move(*slot.value));
    }
    slots_.clear();
    return values;
  }

 private:
  struct Slot {
    std::optional<T> value;
    std::vector<std::string> errors;
  };
  std::vector<Slot> slots_;
};

// StreamDumpFolder with ItemSlots: `convert(ItemReader&)` reads each item and answers what it
// became (std::optional<T>); an item with errors becomes nothing and its errors (of the copy
// kept) go to `errors`. The values in the order their ids were first seen.
template <typename T, typename Convert>
std::vector<T> ConvertDumpFolder(const std::string& dump_dir, const std::string& folder,
                                 const std::vector<std::string>& paths, const std::string& id_key,
                                 std::vector<std::string>& errors, Convert convert) {
  ItemSlots<T> slots;
  StreamDumpFolder(
      dump_dir, folder, paths, id_key, errors, [&](const DumpItem& entry, size_t slot) {
        std::vector<std::string> item_errors;
        ItemReader item(*entry.item, *entry.page_name, entry.index, id_key, item_errors);
        std::optional<T> value = convert(item);
        if (!item.ok()) value.reset();
        slots.Set(slot, std::move(value), std::move(item_errors));
      });
  return slots.Take(errors);
}

}  // namespace voronka
