#include "engine/bulk_load.h"

#include <time.h>

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
  // Reader: an empty chunk to fill.
  std::vector<Record> TakeEmpty() {
    std::unique_lock<std::mutex> lock(mutex_);
    if (empty_.empty()) {
      std::vector<Record> chunk;
      chunk.reserve(kChunkRecords);
      return chunk;
    }
    std::vector<Record> chunk = std::move(empty_.back());
    empty_.pop_back();
    lock.unlock();
    // Destroyed here, on the thread that built the records: their heap blocks go back to this
    // thread's malloc arena and cache instead of another thread's (freeing into a foreign
    // arena takes that arena's lock, which its own thread is using).
    chunk.clear();
    return chunk;
  }
  // Reader: hands a full chunk over, waiting while kQueuedChunks are already waiting.
  void PushFull(std::vector<Record> chunk) {
    std::unique_lock<std::mutex> lock(mutex_);
    room_.wait(lock, [&] { return full_.size() < kQueuedChunks; });
    full_.push_back(std::move(chunk));
    ready_.notify_one();
  }
  // Reader: no more chunks.
  void Finish() {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
    ready_.notify_one();
  }
  // Applier: the next full chunk; false when the reader finished and none is left.
  bool PopFull(std::vector<Record>& chunk) {
    std::unique_lock<std::mutex> lock(mutex_);
    ready_.wait(lock, [&] { return !full_.empty() || finished_; });
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
  bool finished_ = false;
};

}  // namespace

Status BulkLoad(Engine& engine, const std::function<Status(const RecordSink&)>& read,
                BulkLoadTimes* times) {
  ChunkQueue queue;
  Status read_status = Status::Ok();
  std::thread reader([&] {
    std::vector<Record> chunk = queue.TakeEmpty();
    read_status = read([&](Record& record) {
      chunk.push_back(std::move(record));
      if (chunk.size() == kChunkRecords) {
        queue.PushFull(std::move(chunk));
        chunk = queue.TakeEmpty();
      }
    });
    if (!chunk.empty()) queue.PushFull(std::move(chunk));
    queue.Finish();
  });
  BulkLoadTimes measured;
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
  reader.join();
  if (read_status.ok()) {
    auto publishing = std::chrono::steady_clock::now();
    engine.Publish();
    measured.publish_seconds = SecondsSince(publishing);
  }
  if (times != nullptr) *times = measured;
  return read_status;
}

}  // namespace voronka
