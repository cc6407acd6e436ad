#include "engine/time_index.h"

#include <algorithm>
#include <cstddef>
#include <limits>

namespace voronka {

namespace {

constexpr int64_t kNoTimeValue = std::numeric_limits<int64_t>::min();
constexpr int64_t kMicrosPerWeek = int64_t{7} * 24 * 3600 * 1000000;

// The index of the last `row` in rows[0, count), or -1. Compared 16 at a time without an
// early exit inside a block, which the compiler turns into vector compares: a week of a large
// table holds tens of thousands of rows, and a row that moves is looked for in its old week.
ptrdiff_t FindLast(const int32_t* rows, size_t count, int32_t row) {
  constexpr size_t kBlock = 16;
  size_t end = count;
  for (; end >= kBlock; end -= kBlock) {
    const int32_t* block = rows + end - kBlock;
    int hit = 0;
    for (size_t i = 0; i < kBlock; ++i) hit |= block[i] == row;
    if (hit == 0) continue;
    for (size_t i = kBlock; i-- > 0;) {
      if (block[i] == row) return static_cast<ptrdiff_t>(end - kBlock + i);
    }
  }
  for (size_t i = end; i-- > 0;) {
    if (rows[i] == row) return static_cast<ptrdiff_t>(i);
  }
  return -1;
}

}  // namespace

int64_t TimeIndex::WeekOf(int64_t at) {
  // Floor division, so that times before 1970 fall in their own (negative) weeks.
  int64_t week = at / kMicrosPerWeek;
  return (at % kMicrosPerWeek < 0) ? week - 1 : week;
}

void TimeIndex::Add(int32_t row, int64_t at) {
  if (at == kNoTimeValue) return;
  Week& week = weeks_[WeekOf(at)].Mut();
  if (week.chunks.empty() || week.chunks.back()->size() == kChunkRows) week.chunks.emplace_back();
  Chunk& rows = week.chunks.back().Mut();
  // Grown by doubling up to a chunk's size: only each week's last chunk has room to spare.
  if (rows.size() == rows.capacity()) rows.reserve(std::min(kChunkRows, rows.size() * 2 + 16));
  rows.push_back(row);
  ++size_;
}

void TimeIndex::Remove(int32_t row, int64_t at) {
  if (at == kNoTimeValue) return;
  auto found = weeks_.find(WeekOf(at));
  if (found == weeks_.end()) return;
  // Searched from the back: a row that moves usually was filed recently.
  const std::vector<CowPtr<Chunk>>& chunks = found->second->chunks;
  for (size_t c = chunks.size(); c-- > 0;) {
    const Chunk& filed = *chunks[c];
    ptrdiff_t index = FindLast(filed.data(), filed.size(), row);
    if (index < 0) continue;
    Week& week = found->second.Mut();
    Chunk& rows = week.chunks[c].Mut();
    rows.erase(rows.begin() + index);
    if (rows.empty()) week.chunks.erase(week.chunks.begin() + static_cast<std::ptrdiff_t>(c));
    --size_;
    if (week.chunks.empty()) weeks_.erase(found);
    return;
  }
}

void TimeIndex::Move(int32_t row, int64_t old_at, int64_t new_at) {
  if (old_at != kNoTimeValue && new_at != kNoTimeValue && WeekOf(old_at) == WeekOf(new_at)) {
    return;
  }
  Remove(row, old_at);
  Add(row, new_at);
}

int64_t TimeIndex::CandidateCount(int64_t lo, int64_t hi) const {
  if (lo >= hi) return 0;
  int64_t count = 0;
  auto end = weeks_.upper_bound(WeekOf(hi - 1));
  for (auto week = weeks_.lower_bound(WeekOf(lo)); week != end; ++week) {
    for (const CowPtr<Chunk>& chunk : week->second->chunks) {
      count += static_cast<int64_t>(chunk->size());
    }
  }
  return count;
}

}  // namespace voronka
