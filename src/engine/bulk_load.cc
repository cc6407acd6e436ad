#include "engine/bulk_load.h"

#include <pthread.h>
#include <time.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace voronka {

namespace {

// 16 384 records (~10 MB of record values) per chunk, at most kQueuedChunks waiting: enough
// to smooth the two threads' speeds, small enough that the load's peak memory is the engine.
constexpr size_t kChunkRecords = 16384;
constexpr size_t kQueuedChunks = 4;

double SecondsSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// CPU time of the calling thread: on a machine shared with other work it tells the work done
// from the waiting for a core.
double ThreadCpuSeconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) * 1e-9;
}

// The chunks between the reading thread and the applying one. Applied chunks go back to the
// reader, so their memory (already touched) is reused rather than allocated per chunk.
class ChunkQueue {
 public:
  explicit ChunkQueue(size_t readers) : readers_(readers) {}

  // Reader: a chunk to fill: an applied one (its records to be overwritten) or a new one.
  std::vector<Record> TakeEmpty() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (empty_.empty()) {
      std::vector<Record> chunk;
      chunk.reserve(kChunkRecords);
      return chunk;
    }
    // Its records are overwritten on this thread, the one that built them: the heap blocks
    // they free or grow go back to this thread's malloc arena and cache instead of another
    // thread's (freeing into a foreign arena takes that arena's lock, which its own thread is
    // using).
    std::vector<Record> chunk = std::move(empty_.back());
    empty_.pop_back();
    return chunk;
  }
  // Reader: hands a full chunk over, waiting while kQueuedChunks are already waiting.
  void PushFull(std::vector<Record> chunk) {
    std::unique_lock<std::mutex> lock(mutex_);
    room_.wait(lock, [&] { return full_.size() < kQueuedChunks; });
    full_.push_back(std::move(chunk));
    ready_.notify_one();
  }
  // Reader: no more chunks from this reader.
  void Finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    --readers_;
    ready_.notify_one();
  }
  // Applier: the next full chunk; false when every reader finished and none is left.
  bool PopFull(std::vector<Record>& chunk) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [&] { return !full_.empty() || readers_ == 0; });
    if (full_.empty()) return false;
    chunk = std::move(full_.front());
    full_.pop_front();
    room_.notify_one();
    return true;
  }
  // Applier: a chunk it has applied, for reuse (its records are destroyed by the reader).
  void GiveBack(std::vector<Record> chunk) {
    std::lock_guard<std::mutex> lock(mutex_);
    empty_.push_back(std::move(chunk));
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;  // a full chunk or the end is there
  std::condition_variable room_;   // the queue has room
  std::deque<std::vector<Record>> full_;
  std::vector<std::vector<Record>> empty_;
  size_t readers_;  // not finished yet
};

// The reader's side: builds records in place in the chunk being filled, hands it over when
// full.
class ChunkSlots final : public RecordSlots {
 public:
  explicit ChunkSlots(ChunkQueue& queue) : queue_(queue), chunk_(queue.TakeEmpty()) {}

  Record& Next() override { return used_ < chunk_.size() ? chunk_[used_] : chunk_.emplace_back(); }
  void Commit() override {
    if (++used_ == kChunkRecords) {
      queue_.PushFull(std::move(chunk_));
      chunk_ = queue_.TakeEmpty();
      used_ = 0;
    }
  }
  // Hands over the last chunk (its records left from an earlier use dropped), then the end.
  void Finish() {
    chunk_.resize(used_);
    if (!chunk_.empty()) queue_.PushFull(std::move(chunk_));
    queue_.Finish();
  }

 private:
  ChunkQueue& queue_;
  std::vector<Record> chunk_;
  size_t used_ = 0;  // records of chunk_ filled in this use
};

}  // namespace

Status BulkLoad(Engine& engine, const std::function<Status(const RecordSink&)>& read,
                BulkLoadTimes* times) {
  return BulkLoad(
      engine, [&](RecordSlots& slots) { return read([&](Record& record) { slots.Put(record); }); },
      times);
}

Status BulkLoad(Engine& engine, const std::function<Status(RecordSlots&)>& read,
                BulkLoadTimes* times) {
  return BulkLoad(engine, std::vector<SlotsRead>{read}, times);
}

Status BulkLoad(Engine& engine, const std::vector<SlotsRead>& reads, BulkLoadTimes* times) {
  ChunkQueue queue(reads.size());
  std::vector<Status> read_status(reads.size(), Status::Ok());
  std::vector<double> read_cpu(reads.size(), 0);
  BulkLoadTimes measured;
  std::vector<std::thread> readers;
  for (size_t r = 0; r < reads.size(); ++r) {
    readers.emplace_back([&, r] {
      pthread_setname_np(pthread_self(), "bulk-load-read");  // for top -H and perf
      double cpu = ThreadCpuSeconds();
      ChunkSlots slots(queue);
      read_status[r] = reads[r](slots);
      slots.Finish();
      read_cpu[r] = ThreadCpuSeconds() - cpu;
    });
  }
  std::vector<Record> chunk;
  while (true) {
    auto waiting = std::chrono::steady_clock::now();
    if (!queue.PopFull(chunk)) break;
    auto applying = std::chrono::steady_clock::now();
    measured.wait_seconds += std::chrono::duration<double>(applying - waiting).count();
    double cpu = ThreadCpuSeconds();
    engine.ApplyUnpublished(chunk);
    measured.apply_seconds += SecondsSince(applying);
    measured.apply_cpu_seconds += ThreadCpuSeconds() - cpu;
    measured.records += static_cast<int64_t>(chunk.size());
    queue.GiveBack(std::move(chunk));
  }
  for (std::thread& reader : readers) reader.join();
  for (double cpu : read_cpu) measured.read_cpu_seconds += cpu;
  auto failed = std::find_if(read_status.begin(), read_status.end(),
                             [](const Status& status) { return !status.ok(); });
  if (failed == read_status.end()) {
    auto publishing = std::chrono::steady_clock::now();
    engine.Publish();
    measured.publish_seconds = SecondsSince(publishing);
  }
  if (times != nullptr) *times = measured;
  return failed == read_status.end() ? Status::Ok() : *failed;
}

}  // namespace voronka
