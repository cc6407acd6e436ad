// TimeIndex: the rows of one table partitioned by the week (UTC, 7 × 24 h from the epoch) of
// one of their time columns, so that a scan of a period reads only the rows of the weeks that
// overlap it instead of every row of the table.
#pragma once

#include <cstdint>
#include <map>
#include <vector>

#include "engine/column.h"

namespace voronka {

class TimeIndex {
 public:
  // Files `row` under the week of `at`. A row is filed at most once per index: callers move it
  // with Move when its time changes. kNoTime (INT64_MIN) rows are not filed.
  void Add(int32_t row, int64_t at);
  // Files `count` rows, in increasing order and each above every row filed there before,
  // under week `number` (WeekOf): what Add gives for each, without looking the week up per
  // row (a bulk load files its new rows week by week).
  void AppendToWeek(int64_t number, const int32_t* rows, size_t count);
  // Refiles `row` from the week of `old_at` to that of `new_at` (either may be kNoTime).
  void Move(int32_t row, int64_t old_at, int64_t new_at);
  // Rows filed under the weeks that overlap [lo, hi): every row whose time lies in [lo, hi)
  // exactly once, along with other rows of the boundary weeks (callers test the time).
  // fn(int32_t row) is called in week order, rows of a week in increasing order.
  template <typename Fn>
  void ForEachCandidate(int64_t lo, int64_t hi, Fn&& fn) const {
    if (lo >= hi) return;
    auto end = weeks_->upper_bound(WeekOf(hi - 1));
    for (auto week = weeks_->lower_bound(WeekOf(lo)); week != end; ++week) {
      for (const CowPtr<Chunk>& chunk : week->second->chunks) {
        for (int32_t row : *chunk) fn(row);
      }
    }
  }
  // The number of rows ForEachCandidate(lo, hi) would visit.
  int64_t CandidateCount(int64_t lo, int64_t hi) const;
  // The number of rows filed.
  int64_t size() const { return size_; }
  // Bytes of the week map, weeks and chunks (with 16 bytes of malloc header per allocation).
  size_t allocated_bytes() const {
    size_t bytes = 0;
    for (const auto& [number, week] : *weeks_) {
      bytes += 64 + 16 + sizeof(Week) + 16 + week->chunks.capacity() * sizeof(CowPtr<Chunk>) + 16 +
               week->lasts.capacity() * sizeof(int32_t);
      for (const CowPtr<Chunk>& chunk : week->chunks) {
        bytes += 8 + sizeof(Chunk) + 16 + chunk->capacity() * sizeof(int32_t);
      }
    }
    return bytes;
  }

  static int64_t WeekOf(int64_t at);

  // Rows per chunk of a week's list (the most a change copies while a snapshot holds it).
  static constexpr size_t kChunkRows = 1024;

 private:
  void Remove(int32_t row, int64_t at);

  // A week's rows in increasing order, in chunks of at most kChunkRows (each chunk's rows
  // below the next chunk's), so that a row is found by two binary searches: a deal whose
  // close time moved was looked for among the ~10 000 rows of its old week, a scan that took a
  // tenth of a batch of stage changes spread over a 1M-deal workspace. Rows filed in
  // increasing order (a load, new rows) append; others are inserted, a full chunk splitting
  // in halves. A copy of the index (an engine snapshot) shares the weeks; the writer's first
  // change of a week in a batch copies its list of chunk pointers (a few dozen) and the one
  // chunk it changes, not every row of the week: the current week of a 1M-deal workspace's
  // activities holds ~200 000 rows, and a batch of calls copied all of them.
  using Chunk = std::vector<int32_t>;
  struct Week {
    std::vector<CowPtr<Chunk>> chunks;  // none empty; a week without rows is no week
    // Each chunk's last row, searched without loading the chunks.
    std::vector<int32_t> lasts;
  };
  static size_t ChunkOf(const Week& week, int32_t row);

  // An ordered map of weeks, not a flat array from the first week: times are any int64 (a
  // deal created in 1970 and one in 2100 must not allocate every week between them). Shared
  // by the copies too: publishing a version copies it only for the indexes a batch changed.
  using Weeks = std::map<int64_t, CowPtr<Week>>;
  CowPtr<Weeks> weeks_{Weeks{}};
  int64_t size_ = 0;
};

}  // namespace voronka
