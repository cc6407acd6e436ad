#include "engine/time_index.h"

#include <algorithm>
#include <cstddef>
#include <limits>

namespace voronka {

namespace {

constexpr int64_t kNoTimeValue = std::numeric_limits<int64_t>::min();
constexpr int64_t kMicrosPerWeek = int64_t{7} * 24 * 3600 * 1000000;

}  // namespace

int64_t TimeIndex::WeekOf(int64_t at) {
  // Floor division, so that times before 1970 fall in their own (negative) weeks.
  int64_t week = at / kMicrosPerWeek;
  return (at % kMicrosPerWeek < 0) ? week - 1 : week;
}

// The chunk of `week` where `row` is or would go: the first whose last row is not below it,
// or the last chunk.
size_t TimeIndex::ChunkOf(const Week& week, int32_t row) {
  auto found = std::lower_bound(week.lasts.begin(), week.lasts.end(), row);
  if (found == week.lasts.end()) --found;
  return static_cast<size_t>(found - week.lasts.begin());
}

void TimeIndex::Add(int32_t row, int64_t at) {
  if (at == kNoTimeValue) return;
  Week& week = weeks_.Mut()[WeekOf(at)].Mut();
  ++size_;
  // Rows filed in increasing order (a load, new rows) append, filling one chunk after another.
  const bool last = week.lasts.empty() || week.lasts.back() < row;
  if (last && (week.chunks.empty() || week.chunks.back()->size() == kChunkRows)) {
    week.chunks.emplace_back();
    week.lasts.push_back(row);
  }
  size_t c = last ? week.chunks.size() - 1 : ChunkOf(week, row);
  Chunk& rows = week.chunks[c].Mut();
  // Grown by doubling up to a chunk's size.
  if (rows.size() == rows.capacity()) rows.reserve(std::min(kChunkRows, rows.size() * 2 + 16));
  rows.insert(last ? rows.end() : std::lower_bound(rows.begin(), rows.end(), row), row);
  week.lasts[c] = rows.back();
  if (rows.size() > kChunkRows) {
    // A full chunk split in two halves, so that the next rows filed between them fit.
    Chunk upper(rows.begin() + kChunkRows / 2, rows.end());
    rows.resize(kChunkRows / 2);
    rows.shrink_to_fit();
    auto after = static_cast<std::ptrdiff_t>(c) + 1;
    week.lasts[c] = rows.back();
    week.lasts.insert(week.lasts.begin() + after, upper.back());
    week.chunks.insert(week.chunks.begin() + after, CowPtr<Chunk>(std::move(upper)));
  }
}

void TimeIndex::AppendToWeek(int64_t number, const int32_t* rows, size_t count) {
  if (count == 0) return;
  Week& week = weeks_.Mut()[number].Mut();
  size_ += static_cast<int64_t>(count);
  for (size_t next = 0; next < count;) {
    if (week.chunks.empty() || week.chunks.back()->size() == kChunkRows) {
      week.chunks.emplace_back();
      week.lasts.push_back(rows[next]);
    }
    Chunk& chunk = week.chunks.back().Mut();
    size_t take = std::min(kChunkRows - chunk.size(), count - next);
    chunk.insert(chunk.end(), rows + next, rows + next + take);
    week.lasts.back() = chunk.back();
    next += take;
  }
}

void TimeIndex::Remove(int32_t row, int64_t at) {
  if (at == kNoTimeValue) return;
  const int64_t number = WeekOf(at);
  auto filed_week = weeks_->find(number);
  if (filed_week == weeks_->end()) return;
  size_t c = ChunkOf(*filed_week->second, row);
  const Chunk& filed = *filed_week->second->chunks[c];
  auto at_row = std::lower_bound(filed.begin(), filed.end(), row);
  if (at_row == filed.end() || *at_row != row) return;
  auto index = at_row - filed.begin();
  Weeks& weeks = weeks_.Mut();  // may copy the map: found again in the copy
  auto found = weeks.find(number);
  Week& week = found->second.Mut();
  Chunk& rows = week.chunks[c].Mut();
  rows.erase(rows.begin() + index);
  if (rows.empty()) {
    week.chunks.erase(week.chunks.begin() + static_cast<std::ptrdiff_t>(c));
    week.lasts.erase(week.lasts.begin() + static_cast<std::ptrdiff_t>(c));
  } else {
    week.lasts[c] = rows.back();
  }
  --size_;
  if (week.chunks.empty()) weeks.erase(found);
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
  auto end = weeks_->upper_bound(WeekOf(hi - 1));
  for (auto week = weeks_->lower_bound(WeekOf(lo)); week != end; ++week) {
    for (const CowPtr<Chunk>& chunk : week->second->chunks) {
      count += static_cast<int64_t>(chunk->size());
    }
  }
  return count;
}

}  // namespace voronka
