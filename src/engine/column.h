// Copy-on-write building blocks of the engine's snapshots (see Engine in engine/engine.h).
//
// CowPtr<T> is a reference-counted value: copying it shares the value, and the holder that
// wants to change it calls Mut(), which copies the value first when anyone else still holds it.
// Column<T> is a table column cut into fixed-size segments, each a CowPtr, grouped in blocks
// of 64 held the same way, so a copy of a column is a copy of its block pointers and a write
// copies only the block and the segment it lands in.
//
// Threading: one thread (the engine's writer) copies and changes a given object; other threads
// only read the copies it handed out. Mut() sees "nobody else holds this" only after every
// other holder dropped its reference (acquire on the count, release on each drop), so the
// writer never changes memory a reader can still reach.
#pragma once

#include <algorithm>
#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <type_traits>
#include <utility>
#include <vector>

namespace voronka {

template <typename T>
class CowPtr {
 public:
  CowPtr() = default;  // null until Mut() creates a value
  explicit CowPtr(T value) : box_(new Box{{1}, std::move(value)}) {}
  CowPtr(const CowPtr& other) : box_(other.box_) {
    if (box_ != nullptr) box_->refs.fetch_add(1, std::memory_order_relaxed);
  }
  CowPtr(CowPtr&& other) noexcept : box_(std::exchange(other.box_, nullptr)) {}
  CowPtr& operator=(CowPtr other) noexcept {
    std::swap(box_, other.box_);
    return *this;
  }
  ~CowPtr() { Release(); }

  bool null() const { return box_ == nullptr; }
  // Both hold the same value (not a copy of it).
  bool Shares(const CowPtr& other) const { return box_ == other.box_; }
  const T& operator*() const { return box_->value; }
  const T* operator->() const { return &box_->value; }
  // The value, for changing: copied first when another holder shares it (a value-initialized
  // one is created when null).
  T& Mut() {
    if (box_ == nullptr) {
      box_ = new Box{};
    } else if (box_->refs.load(std::memory_order_acquire) != 1) {
      Box* copy = new Box{{1}, box_->value};
      Release();
      box_ = copy;
    }
    return box_->value;
  }

 private:
  struct Box {
    std::atomic<int32_t> refs{1};
    T value{};
  };
  void Release() {
    if (box_ != nullptr && box_->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete box_;
    box_ = nullptr;
  }

  Box* box_ = nullptr;
};

// A column of rows in segments of 2^kShift rows, grouped 64 to a block: a copy of the column
// copies one pointer per block (a few hundred for a 22M-row column), and a write copies the
// row's block of segment pointers and its segment when an older copy still holds them. Reads
// are by row number like a vector; the non-const operator[] is a write, so the writer reads
// through a const reference where it only reads. Rows past size() are value-initialized and
// unused.
//
// Segments that resize() adds whole, holding nothing but the fill value, all share one fill
// segment until a row of them is written (which copies it like any shared segment), so a
// column that is mostly its default (an activity's contact when activities name none, a
// custom field few deals have) costs memory only for the segments that hold other values.
// Reads are unchanged: a fill segment is an ordinary segment. Writers that store the default
// often compare first (`if (column[row] != v)` through a const reference) to keep it shared.
template <typename T, int kShift = 12>
class Column {
 public:
  static constexpr size_t kSegmentRows = size_t{1} << kShift;
  static constexpr size_t kMask = kSegmentRows - 1;
  static constexpr int kBlockShift = kShift + 6;
  static constexpr size_t kBlockSegments = 64;

  Column() = default;
  // A copy shares every block; from then on the original's next write must check again
  // whether its segment is shared, so the copy makes the original forget its writable segment.
  Column(const Column& other)
      : blocks_(other.blocks_), size_(other.size_), fill_(other.fill_),
        fill_value_(other.fill_value_) {
    other.Forget();
  }
  Column(Column&& other) noexcept
      : blocks_(std::move(other.blocks_)),
        size_(std::exchange(other.size_, 0)),
        hot_segment_(std::exchange(other.hot_segment_, kNoSegment)),
        hot_rows_(other.hot_rows_),
        fill_(std::move(other.fill_)),
        fill_value_(std::move(other.fill_value_)) {}
  Column& operator=(const Column& other) {
    if (this != &other) {
      blocks_ = other.blocks_;
      size_ = other.size_;
      hot_segment_ = kNoSegment;
      fill_ = other.fill_;
      fill_value_ = other.fill_value_;
      other.Forget();
    }
    return *this;
  }
  Column& operator=(Column&& other) noexcept {
    blocks_ = std::move(other.blocks_);
    size_ = std::exchange(other.size_, 0);
    hot_segment_ = std::exchange(other.hot_segment_, kNoSegment);
    hot_rows_ = other.hot_rows_;
    fill_ = std::move(other.fill_);
    fill_value_ = std::move(other.fill_value_);
    return *this;
  }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Bytes held by the block table, blocks and segments (not the heap memory rows may own;
  // with a malloc header of 16 bytes per allocation; the fill segment once), for memory
  // accounting.
  size_t allocated_bytes() const {
    size_t bytes = blocks_.capacity() * sizeof(CowPtr<Block>);
    if (!fill_.null()) bytes += sizeof(Segment) + 16;
    for (const CowPtr<Block>& block : blocks_) {
      if (block.null()) continue;
      bytes += sizeof(Block) + 16;
      for (const CowPtr<Segment>& segment : block->segments) {
        if (!segment.null() && !segment.Shares(fill_)) bytes += sizeof(Segment) + 16;
      }
    }
    return bytes;
  }

  // Calls fn(size_t row, const T& value) for every row in order, a segment at a time through a
  // plain pointer: a scan of a whole column pays the segment lookup once per 4 096 rows, not
  // per row.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    for (size_t begin = 0; begin < size_; begin += kSegmentRows) {
      const Block& block = *blocks_[begin >> kBlockShift];
      const T* rows = (*block.segments[(begin >> kShift) & (kBlockSegments - 1)]).rows;
      size_t count = std::min(kSegmentRows, size_ - begin);
      for (size_t i = 0; i < count; ++i) fn(begin + i, rows[i]);
    }
  }

  const T& operator[](size_t row) const {
    const Block& block = *blocks_[row >> kBlockShift];
    return (*block.segments[(row >> kShift) & (kBlockSegments - 1)]).rows[row & kMask];
  }
  // A write: the row's block and segment are made the column's own (copied when a published
  // version still holds them). The segment last made writable is remembered, so a run of
  // writes into one segment (a bulk load, a batch's new rows) checks the sharing once.
  T& operator[](size_t row) {
    size_t segment = row >> kShift;
    if (segment != hot_segment_) {
      Block& block = blocks_[row >> kBlockShift].Mut();
      hot_rows_ = block.segments[segment & (kBlockSegments - 1)].Mut().rows;
      hot_segment_ = segment;
    }
    return hot_rows_[row & kMask];
  }
  const T& back() const { return (*this)[size_ - 1]; }

  void push_back(T value) {
    if ((size_ >> kBlockShift) == blocks_.size()) blocks_.emplace_back();
    (*this)[size_] = std::move(value);
    ++size_;
  }
  template <typename... Args>
  void emplace_back(Args&&... args) {
    push_back(T(std::forward<Args>(args)...));
  }
  // Grows to `rows` rows, the new ones set to `fill` (shrinking is not supported). Whole new
  // segments share the column's fill segment (see the class comment).
  void resize(size_t rows, const T& fill = T()) {
    if constexpr (kShareFill) {
      while (size_ < rows) {
        size_t segment = size_ >> kShift;
        size_t segment_end = (segment + 1) << kShift;
        if ((size_ & kMask) == 0) {  // a new segment: the fill segment of `fill`
          if ((size_ >> kBlockShift) == blocks_.size()) blocks_.emplace_back();
          if (fill_.null() || !(fill_value_ == fill)) {
            fill_ = CowPtr<Segment>(FilledSegment(fill));
            fill_value_ = fill;
          }
          Block& block = blocks_[size_ >> kBlockShift].Mut();
          block.segments[segment & (kBlockSegments - 1)] = fill_;
          if (hot_segment_ == segment) hot_segment_ = kNoSegment;
          size_ = std::min(rows, segment_end);
        } else if (fill_value_ == fill &&
                   blocks_[size_ >> kBlockShift]->segments[segment & (kBlockSegments - 1)]
                       .Shares(fill_)) {
          size_ = std::min(rows, segment_end);  // its rows hold `fill` already
        } else {
          (*this)[size_] = fill;
          ++size_;
        }
      }
    } else {
      while (size_ < rows) push_back(fill);
    }
  }

  class const_iterator {
   public:
    using iterator_category = std::forward_iterator_tag;
    using value_type = T;
    using difference_type = std::ptrdiff_t;
    using pointer = const T*;
    using reference = const T&;
    const_iterator(const Column* column, size_t row) : column_(column), row_(row) {}
    const T& operator*() const { return (*column_)[row_]; }
    const T* operator->() const { return &(*column_)[row_]; }
    const_iterator& operator++() {
      ++row_;
      return *this;
    }
    bool operator==(const const_iterator& other) const { return row_ == other.row_; }

   private:
    const Column* column_;
    size_t row_;
  };
  const_iterator begin() const { return const_iterator(this, 0); }
  const_iterator end() const { return const_iterator(this, size_); }

 private:
  struct Segment {
    T rows[kSegmentRows];
  };
  struct Block {
    CowPtr<Segment> segments[kBlockSegments];  // null past the column's last segment
  };
  static constexpr size_t kNoSegment = ~size_t{0};
  // Plain values compared with ==: their new segments may share a fill segment.
  static constexpr bool kShareFill = std::is_trivially_copyable_v<T> && std::equality_comparable<T>;

  static Segment FilledSegment(const T& fill) {
    Segment segment;
    std::fill(std::begin(segment.rows), std::end(segment.rows), fill);
    return segment;
  }

  // Only the writer copies a column it writes to; a published column is never written, and
  // its hot segment is already none, so readers copying it write nothing here.
  void Forget() const {
    if (hot_segment_ != kNoSegment) hot_segment_ = kNoSegment;
  }

  std::vector<CowPtr<Block>> blocks_;
  size_t size_ = 0;
  // The segment whose rows this column alone holds, writable without a check until the
  // column is copied; kNoSegment when none.
  mutable size_t hot_segment_ = kNoSegment;
  T* hot_rows_ = nullptr;
  // The segment of `fill_value_` rows that resize() shares (null until it is first needed).
  CowPtr<Segment> fill_;
  T fill_value_{};
};

}  // namespace voronka
