// Copy-on-write building blocks of the engine's snapshots (see Engine in engine/engine.h).
//
// CowPtr<T> is a reference-counted value: copying it shares the value, and the holder that
// wants to change it calls Mut(), which copies the value first when anyone else still holds it.
// Mut() sees "nobody else holds this" only after every other holder dropped its reference
// (acquire on the count, release on each drop), so the writer never changes memory a reader
// can still reach.
//
// Column<T> is a table column cut into fixed-size segments grouped in blocks of 64, so a copy
// of a column is a copy of its block pointers and a write copies only the block and the
// segment it lands in. Its nodes are not reference counted: see ColumnLineage.
//
// Threading: one thread (the engine's writer) copies and changes a given column; other threads
// only read the copies it handed out, copy them, and drop them.
#pragma once

#include <algorithm>
#include <atomic>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <mutex>
#include <set>
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

// The memory of a column and of every copy made of it, which share its blocks and segments.
//
// A batch spread over a large table copies one segment and one block per changed row and
// column. With reference counts, copying a block would touch the count of each of its 64
// segments, and dropping the replaced version would touch them again: cache misses on every
// segment of the table for a batch of a few hundred rows. Instead, every node records the
// generation that made it, and nothing is counted:
// - the column written to (the writer) is at some generation g; a copy of it is a reader at g,
//   and the writer moves on to a new generation;
// - the writer changes in place the nodes of its own generation (no copy can reach them), and
//   copies any older node first: the older node is retired, reachable only from readers of a
//   generation in [its generation, the writer's);
// - a retired node is freed once no reader of such a generation is left.
// A reader that is written to (a copy changed on purpose) first copies every node into a
// lineage of its own. Nodes the writer shares between slots (the fill segment) are kept until
// the lineage ends.
//
// The lineage also holds the memory of its columns' segments, cut from chunks of its own
// (TakeSlot): allocated one by one, a column's 4 KiB segments lay interleaved with those of
// every column written in the same rows, and a pass over a whole column stalled at each one
// (5-6x slower than over the same rows in one array).
class ColumnLineage {
 public:
  using Destroy = void (*)(void* node, ColumnLineage& lineage);
  // The generation of nodes shared between slots (Keep), never written in place.
  static constexpr uint64_t kKept = 0;
  // A node the writer replaced while at generation `retired`.
  struct Retired {
    void* node;
    Destroy destroy;
    uint64_t made;
    uint64_t retired;
  };

  ColumnLineage() = default;
  ColumnLineage(const ColumnLineage&) = delete;
  ColumnLineage& operator=(const ColumnLineage&) = delete;
  ~ColumnLineage();

  // The generation of a new writer.
  uint64_t NewWriter();
  // The writer at `gen` was copied: the copy reads at `gen`. Takes the nodes the writer retired
  // meanwhile and returns the writer's next generation.
  uint64_t CopyWriter(uint64_t gen, std::vector<Retired>& retired);
  // A reader at `gen` was copied.
  void AddReader(uint64_t gen);
  // A reader at `gen` is gone: frees every retired node no remaining reader can reach.
  void DropReader(uint64_t gen);
  // Whether a copy of the writer is still there.
  bool HasReaders();
  // The nodes kept for readers.
  size_t RetiredNodes();
  // The writer is gone, its nodes listed in `nodes` as retired at its generation.
  void DropWriter(std::vector<Retired>& nodes);
  // A node shared between slots: freed with the lineage.
  void Keep(void* node, Destroy destroy);

  // Memory for one segment of `bytes` bytes (the same for every segment of the lineage). A
  // segment the column adds in row order (`grows`: new rows, a whole copy) is cut from the
  // chunk of such segments, so they lie one after another; a copy made for a write reuses
  // the slot of a freed segment first. Chunks grow from one slot to about 1 MiB, and are freed
  // with the lineage. Writer thread only.
  void* TakeSlot(size_t bytes, bool grows);
  // A segment's memory is free again (the segment destroyed). Any thread.
  void GiveSlot(void* slot);
  // The same for blocks (of one size too), from chunks of their own: a batch spread over a
  // table copies a block of every column it writes per 64 segments, and freed one by one into
  // malloc's bins they cost as much again as the copies.
  void* TakeBlockSlot(size_t bytes);
  void GiveBlockSlot(void* slot);

 private:
  struct Run {
    char* next = nullptr;  // the next free slot of the current chunk
    size_t left = 0;       // slots left in it
    size_t last = 0;       // slots of the last chunk made
  };
  void* Cut(Run& run, size_t bytes);
  // A freed slot of `free`, else one cut from `run` (under mutex_).
  void* Reuse(std::vector<void*>& free, Run& run, size_t bytes);

  // Frees (outside the lock) the nodes retired after generation `after` that no reader
  // reaches.
  void Sweep(std::unique_lock<std::mutex>& lock, uint64_t after);

  std::mutex mutex_;
  uint64_t next_ = 1;
  std::multiset<uint64_t> readers_;
  std::vector<Retired> retired_;
  std::vector<Retired> kept_;
  // The segment and block pools, under mutex_ (the writer takes, readers dropping a version
  // give back).
  std::vector<void*> chunks_;
  std::vector<void*> free_slots_;
  Run growth_;
  Run copies_;
  std::vector<void*> free_block_slots_;
  Run blocks_;
};

// Rows per segment for segments of about `bytes` bytes (4 to 4 096 rows). A batch spread over
// the table copies one segment per changed row and column, so small segments suit the columns
// such batches change (a deal's); large ones cost less memory per row.
template <typename T>
constexpr int SegmentShiftFor(size_t bytes) {
  int shift = 2;
  while (shift < 12 && (sizeof(T) << (shift + 1)) <= bytes) ++shift;
  return shift;
}

// A column of rows in segments of 2^kShift rows, grouped 64 to a block: a copy of the column
// copies one pointer per block, and a write copies the row's block and segment when a copy
// can still reach them (ColumnLineage). Reads are by row number like a vector; the non-const
// operator[] is a write, so the writer reads through a const reference where it only reads
// (a write to a copy first copies all of it). Rows past size() are value-initialized and
// unused.
//
// Segments that resize() adds whole, holding nothing but the fill value, all share one fill
// segment until a row of them is written (which copies it like any shared segment), so a
// column that is mostly its default (an activity's contact when activities name none, a
// custom field few deals have) costs memory only for the segments that hold other values.
// Reads are unchanged: a fill segment is an ordinary segment. Writers that store the default
// often compare first (`if (column[row] != v)` through a const reference) to keep it shared.
template <typename T, int kShift = SegmentShiftFor<T>(4096)>
class Column {
 public:
  static constexpr size_t kSegmentRows = size_t{1} << kShift;
  static constexpr size_t kMask = kSegmentRows - 1;
  static constexpr int kBlockShift = kShift + 6;
  static constexpr size_t kBlockSegments = 64;
  // Rows that are handles of heap blocks the column owns (PackedList): a row's block is changed
  // in place by the generation that made it, copied and retired by a later one (Edit), and
  // freed or retired with the writer that holds it (Release). Segments never free them.
  static constexpr bool kOwnsBlocks = requires { T::kOwnsBlock; };

  Column() = default;
  Column(const Column& other) { CopyFrom(other); }
  Column(Column&& other) noexcept { Take(other); }
  Column& operator=(const Column& other) {
    if (this != &other) {
      Release();
      CopyFrom(other);
    }
    return *this;
  }
  Column& operator=(Column&& other) noexcept {
    if (this != &other) {
      Release();
      Take(other);
    }
    return *this;
  }
  ~Column() { Release(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // Bytes held by the block table, blocks and segments (not the heap memory rows may own;
  // the fill segment once; not the free slots of the lineage's chunks), for memory
  // accounting.
  size_t allocated_bytes() const {
    size_t bytes = blocks_.capacity() * sizeof(Block*);
    if (fill_ != nullptr) bytes += sizeof(Segment);
    for (const Block* block : blocks_) {
      if (block == nullptr) continue;
      bytes += sizeof(Block);
      for (const Segment* segment : block->segments) {
        if (segment != nullptr && segment != fill_) bytes += sizeof(Segment);
      }
    }
    return bytes;
  }

  // Replaced nodes kept for copies that may still read them, with those the writer has not
  // handed over yet: 0 once no copy is left and the writer has been copied since.
  size_t retired_nodes() const {
    return retired_.size() + (lineage_ == nullptr ? 0 : lineage_->RetiredNodes());
  }

  // Calls fn(size_t row, const T& value) for every row in order, a segment at a time through a
  // plain pointer: a scan of a whole column pays the segment lookup once per segment, not per
  // row.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    ForEachIn(0, size_, fn);
  }
  // As ForEach, for the rows [begin, end) only.
  template <typename Fn>
  void ForEachIn(size_t begin, size_t end, Fn&& fn) const {
    end = std::min(end, size_);
    while (begin < end) {
      const T* rows = blocks_[begin >> kBlockShift]
                          ->segments[(begin >> kShift) & (kBlockSegments - 1)]
                          ->rows;
      size_t first = begin & kMask;
      size_t count = std::min(kSegmentRows - first, end - begin);
      for (size_t i = 0; i < count; ++i) fn(begin + i, rows[first + i]);
      begin += count;
    }
  }

  const T& operator[](size_t row) const {
    return blocks_[row >> kBlockShift]->segments[(row >> kShift) & (kBlockSegments - 1)]
        ->rows[row & kMask];
  }
  // A write: the row's block and segment are made the column's own (copied when a copy can
  // still reach them). The segment last made writable is remembered, so a run of writes into
  // one segment (a bulk load, a batch's new rows) checks once.
  T& operator[](size_t row) {
    size_t segment = row >> kShift;
    if (segment != hot_segment_) {
      hot_rows_ = WritableSegment(segment)->rows;
      hot_segment_ = segment;
    }
    return hot_rows_[row & kMask];
  }
  const T& back() const { return (*this)[size_ - 1]; }

  // A row that owns a heap block (T::kOwnsBlock: a PackedList), for changing its list: the
  // row's segment is made the column's own as by any write, and so is its block, copied when
  // an older generation made it (a copy of the column can still read that one, which is
  // retired like a node). Copies of the column share the rows' blocks as they share segments.
  auto Edit(size_t row) requires kOwnsBlocks {
    T& value = (*this)[row];
    if (!value.empty() && value.gen() != gen_) {
      retired_.push_back({value.block(), &FreeBlock, value.gen(), gen_});
      value = value.CopyAt(gen_);
    }
    return typename T::Editor(value, gen_);
  }

  void push_back(T value) {
    if ((size_ >> kBlockShift) == blocks_.size()) blocks_.push_back(nullptr);
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
          if ((size_ >> kBlockShift) == blocks_.size()) blocks_.push_back(nullptr);
          BeWriter();
          if (fill_ == nullptr || !(fill_value_ == fill)) {
            fill_ = MakeSegment(*lineage_, nullptr, ColumnLineage::kKept, false);
            std::fill(std::begin(fill_->rows), std::end(fill_->rows), fill);
            lineage_->Keep(fill_, &Destroy<Segment>);
            fill_value_ = fill;
          }
          Segment*& slot = WritableBlock(segment >> 6)->segments[segment & (kBlockSegments - 1)];
          Dispose(slot);
          slot = fill_;
          if (hot_segment_ == segment) hot_segment_ = kNoSegment;
          size_ = std::min(rows, segment_end);
        } else if (fill_ != nullptr && fill_value_ == fill &&
                   blocks_[size_ >> kBlockShift]->segments[segment & (kBlockSegments - 1)] ==
                       fill_) {
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
    uint64_t gen;  // the generation that made it; ColumnLineage::kKept: shared between slots
    T rows[kSegmentRows];
  };
  struct Block {
    uint64_t gen;
    Segment* segments[kBlockSegments];  // null past the column's last segment
  };
  static constexpr size_t kNoSegment = ~size_t{0};
  // Plain values compared with ==: their new segments may share a fill segment.
  static constexpr bool kShareFill = std::is_trivially_copyable_v<T> && std::equality_comparable<T>;
  static_assert(!kOwnsBlocks || kShareFill);
  static void FreeBlock(void* block, ColumnLineage&) { T::Free(block); }
  // The blocks of a segment's rows: retired at the writer's generation when a copy may read
  // them (`read`), else freed.
  void ReleaseBlocks(const Segment& segment, bool read) {
    if constexpr (kOwnsBlocks) {
      for (const T& row : segment.rows) {
        if (row.empty()) continue;
        if (read) {
          retired_.push_back({row.block(), &FreeBlock, row.gen(), gen_});
        } else {
          T::Free(row.block());
        }
      }
    }
  }

  template <typename Node>
  static void Destroy(void* node, ColumnLineage& lineage) {
    static_cast<Node*>(node)->~Node();
    if constexpr (std::is_same_v<Node, Segment>) {
      lineage.GiveSlot(node);
    } else {
      lineage.GiveBlockSlot(node);
    }
  }
  // A block made at generation `gen` in `lineage`'s memory: a copy of `from`, or empty.
  static Block* MakeBlock(ColumnLineage& lineage, const Block* from, uint64_t gen) {
    void* slot = lineage.TakeBlockSlot(sizeof(Block));
    Block* block = from == nullptr ? new (slot) Block{gen, {}} : new (slot) Block(*from);
    block->gen = gen;
    return block;
  }
  // A segment made at generation `gen` in `lineage`'s memory: a copy of `from`, or
  // value-initialized rows when null. `grows`: a segment the column adds in row order.
  static Segment* MakeSegment(ColumnLineage& lineage, const Segment* from, uint64_t gen,
                              bool grows) {
    void* slot = lineage.TakeSlot(sizeof(Segment), grows);
    Segment* segment = from == nullptr ? new (slot) Segment{gen, {}} : new (slot) Segment(*from);
    segment->gen = gen;
    return segment;
  }

  // Shares `other`'s nodes as a reader of its generation; a written column moves on to the
  // next generation, so that its next write to any of them copies it first.
  void CopyFrom(const Column& other) {
    blocks_ = other.blocks_;
    size_ = other.size_;
    fill_ = other.fill_;
    fill_value_ = other.fill_value_;
    lineage_ = other.lineage_;
    gen_ = other.gen_;
    if (lineage_ == nullptr) return;  // nothing to share: a writer of its own
    writer_ = false;
    if (other.writer_) {
      other.gen_ = lineage_->CopyWriter(other.gen_, other.retired_);
      other.hot_segment_ = kNoSegment;
    } else {
      lineage_->AddReader(gen_);
    }
  }
  void Take(Column& other) {
    blocks_ = std::move(other.blocks_);
    size_ = std::exchange(other.size_, 0);
    hot_segment_ = std::exchange(other.hot_segment_, kNoSegment);
    hot_rows_ = other.hot_rows_;
    fill_ = std::exchange(other.fill_, nullptr);
    fill_value_ = std::move(other.fill_value_);
    lineage_ = std::move(other.lineage_);
    gen_ = std::exchange(other.gen_, 0);
    writer_ = std::exchange(other.writer_, true);
    retired_ = std::move(other.retired_);
    other.blocks_.clear();
    other.retired_.clear();
  }
  // Leaves the column empty: a reader lets its generation go, a writer retires every node it
  // reaches.
  void Release() {
    if (lineage_ != nullptr) {
      if (writer_) {
        // With no reader left, nothing else reaches the writer's nodes: freed at once.
        bool read = lineage_->HasReaders();
        for (Block* block : blocks_) {
          if (block == nullptr) continue;
          for (Segment* segment : block->segments) {
            if (segment == nullptr || segment->gen == ColumnLineage::kKept) continue;
            ReleaseBlocks(*segment, read);
            if (read) {
              Dispose(segment);
            } else {
              Destroy<Segment>(segment, *lineage_);
            }
          }
          if (read) {
            Dispose(block);
          } else {
            Destroy<Block>(block, *lineage_);
          }
        }
        lineage_->DropWriter(retired_);
      } else {
        lineage_->DropReader(gen_);
      }
    }
    lineage_.reset();
    blocks_.clear();
    retired_.clear();
    size_ = 0;
    hot_segment_ = kNoSegment;
    fill_ = nullptr;
    writer_ = true;
  }

  template <typename Node>
  void Retire(Node* node) {
    retired_.push_back({node, &Destroy<Node>, node->gen, gen_});
  }
  // A node leaves its slot: freed now when only this column can reach it, retired when a copy
  // may, kept when it is the shared fill.
  template <typename Node>
  void Dispose(Node* node) {
    if (node == nullptr || node->gen == ColumnLineage::kKept) return;
    if (node->gen == gen_) {
      Destroy<Node>(node, *lineage_);
    } else {
      Retire(node);
    }
  }

  // Makes the column a writer with a lineage. A reader becomes the writer of a lineage of its
  // own, with copies of every node (the fill segment copied once and shared again).
  void BeWriter() {
    if (writer_) {
      if (lineage_ == nullptr) {
        lineage_ = std::make_shared<ColumnLineage>();
        gen_ = lineage_->NewWriter();
      }
      return;
    }
    auto lineage = std::make_shared<ColumnLineage>();
    uint64_t gen = lineage->NewWriter();
    Segment* fill = nullptr;
    if (fill_ != nullptr) {
      fill = MakeSegment(*lineage, fill_, ColumnLineage::kKept, false);
      lineage->Keep(fill, &Destroy<Segment>);
    }
    for (Block*& block : blocks_) {
      if (block == nullptr) continue;
      block = MakeBlock(*lineage, block, gen);
      for (Segment*& segment : block->segments) {
        if (segment == nullptr) continue;
        if (segment == fill_) {
          segment = fill;
        } else {
          segment = MakeSegment(*lineage, segment, gen, true);
          if constexpr (kOwnsBlocks) {  // the blocks too: the copy is a column of its own
            for (T& row : segment->rows) row = row.CopyAt(gen);
          }
        }
      }
    }
    lineage_->DropReader(gen_);
    lineage_ = std::move(lineage);
    gen_ = gen;
    fill_ = fill;
    writer_ = true;
    hot_segment_ = kNoSegment;
  }
  // The node in `slot` made this generation's own: created when null, copied when an older
  // generation made it (the older one disposed of).
  // A segment new to its slot (none yet, or the shared fill) is the column growing in row
  // order; one copied for a write is not.
  template <typename Node>
  Node* OwnNode(Node*& slot) {
    if (slot != nullptr && slot->gen == gen_) return slot;
    Node* made;
    if constexpr (std::is_same_v<Node, Segment>) {
      bool grows = slot == nullptr || slot->gen == ColumnLineage::kKept;
      made = MakeSegment(*lineage_, slot, gen_, grows);
    } else {
      made = MakeBlock(*lineage_, slot, gen_);
    }
    Dispose(slot);
    slot = made;
    return slot;
  }
  // The block `index` (which blocks_ has), made this generation's own.
  Block* WritableBlock(size_t index) { return OwnNode(blocks_[index]); }
  Segment* WritableSegment(size_t segment) {
    BeWriter();
    return OwnNode(WritableBlock(segment >> 6)->segments[segment & (kBlockSegments - 1)]);
  }

  std::vector<Block*> blocks_;
  size_t size_ = 0;
  std::shared_ptr<ColumnLineage> lineage_;  // null while the column has no node
  // The column's generation: a writer's changes in place the nodes made at it; a reader reads
  // the nodes of it and older ones.
  mutable uint64_t gen_ = 0;
  bool writer_ = true;
  // Nodes this writer replaced since its last copy (handed to the lineage then).
  mutable std::vector<ColumnLineage::Retired> retired_;
  // The segment whose rows this column alone holds, writable without a check until the
  // column is copied; kNoSegment when none.
  mutable size_t hot_segment_ = kNoSegment;
  T* hot_rows_ = nullptr;
  // The segment of `fill_value_` rows that resize() shares (null until it is first needed).
  Segment* fill_ = nullptr;
  T fill_value_{};
};

}  // namespace voronka
