// The ids a workspace has stored, kept in memory so that validating a batch needs no query
// per record: pipelines and their stages, deals and tasks.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ingest/catalog.h"

namespace voronka::sqlite {

// A set of short strings for millions of entries: the characters live back to back in one
// buffer and the table is open addressing over (hash, offset, length), so an insert costs
// no allocation of its own (only amortised growth) and a lookup touches one or two slots.
class IdSet {
 public:
  bool Contains(std::string_view id) const;
  // Adds `id`; false when it was already there.
  bool Insert(std::string_view id);
  size_t size() const { return size_; }
  void Clear();

 private:
  // 16 bytes: at load factor <= 1/2 a million ids take about 32 MB of slots plus their text.
  struct Slot {
    uint64_t offset_plus_one = 0;  // 0: empty
    uint32_t hash = 0;             // low bits of the id's hash: the home slot, cheap rejects
    uint32_t length = 0;
    bool used() const { return offset_plus_one != 0; }
  };
  size_t FindSlot(std::string_view id, uint32_t hash) const;
  void Grow();

  std::string chars_;
  std::vector<Slot> slots_;  // size is zero or a power of two
  size_t size_ = 0;
};

// What validation asks about one workspace (see ingest/catalog.h). Not synchronised: the
// store guards it with its own mutex.
class IdCatalog final : public Catalog {
 public:
  std::optional<std::string_view> PipelineOfStage(std::string_view stage_id) const override;
  bool HasPipeline(std::string_view pipeline_id) const override;
  bool HasDeal(std::string_view deal_id) const override { return deals_.Contains(deal_id); }
  bool HasTask(std::string_view task_id) const override { return tasks_.Contains(task_id); }

  // Makes `stage_ids` (in order) the stages of the pipeline; stages it had before and not
  // now are forgotten.
  void SetPipeline(std::string_view pipeline_id, const std::vector<std::string_view>& stage_ids);
  void AddDeal(std::string_view deal_id) { deals_.Insert(deal_id); }
  void AddTask(std::string_view task_id) { tasks_.Insert(task_id); }

 private:
  // Pipeline ids are interned for the life of the catalog so that the views PipelineOfStage
  // returns never dangle, even after the pipeline is redefined.
  std::deque<std::string> pipeline_names_;
  std::unordered_map<std::string, size_t> pipelines_;  // id -> index in pipeline_names_
  std::unordered_map<std::string, size_t> stages_;     // stage id -> pipeline index
  IdSet deals_;
  IdSet tasks_;
};

}  // namespace voronka::sqlite
