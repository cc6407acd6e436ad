#include "store/sqlite/id_catalog.h"

#include "model/text_hash.h"

namespace voronka::sqlite {

size_t IdSet::FindSlot(std::string_view id, uint32_t hash) const {
  size_t mask = slots_.size() - 1;
  for (size_t index = hash & mask;; index = (index + 1) & mask) {
    const Slot& slot = slots_[index];
    if (!slot.used()) return index;
    if (slot.hash == hash && slot.length == id.size() &&
        std::string_view(chars_.data() + slot.offset_plus_one - 1, slot.length) == id) {
      return index;
    }
  }
}

bool IdSet::Contains(std::string_view id) const {
  if (size_ == 0) return false;
  return slots_[FindSlot(id, TextHash(id))].used();
}

bool IdSet::Insert(std::string_view id) {
  // Keep the load factor at most 1/2 so probe runs stay short.
  if ((size_ + 1) * 2 > slots_.size()) Grow();
  uint32_t hash = TextHash(id);
  Slot& slot = slots_[FindSlot(id, hash)];
  if (slot.used()) return false;
  slot = Slot{chars_.size() + 1, hash, static_cast<uint32_t>(id.size())};
  chars_.append(id);
  ++size_;
  return true;
}

void IdSet::Grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.empty() ? 64 : old.size() * 2, Slot{});
  size_t mask = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (!slot.used()) continue;
    size_t index = slot.hash & mask;
    while (slots_[index].used()) index = (index + 1) & mask;
    slots_[index] = slot;
  }
}

void IdSet::Clear() {
  chars_.clear();
  slots_.clear();
  size_ = 0;
}

std::optional<std::string_view> IdCatalog::PipelineOfStage(std::string_view stage_id) const {
  auto found = stages_.find(std::string(stage_id));
  if (found == stages_.end()) return std::nullopt;
  return std::string_view(pipeline_names_[found->second]);
}

bool IdCatalog::HasPipeline(std::string_view pipeline_id) const {
  return pipelines_.count(std::string(pipeline_id)) > 0;
}

void IdCatalog::SetPipeline(std::string_view pipeline_id,
                            const std::vector<std::string_view>& stage_ids) {
  auto [entry, inserted] = pipelines_.try_emplace(std::string(pipeline_id), 0);
  if (inserted) {
    entry->second = pipeline_names_.size();
    pipeline_names_.emplace_back(pipeline_id);
  }
  size_t index = entry->second;
  // Pipelines are few and small; a scan over all stages is cheaper than another index.
  std::erase_if(stages_, [index](const auto& stage) { return stage.second == index; });
  for (std::string_view stage : stage_ids) stages_[std::string(stage)] = index;
}

}  // namespace voronka::sqlite
