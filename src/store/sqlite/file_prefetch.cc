#include "store/sqlite/file_prefetch.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>

namespace voronka::sqlite {

namespace {

// One request to the kernel. Linux reads at most the device's readahead window per
// POSIX_FADV_WILLNEED call and drops the rest of a larger range (a 32 MB step brought in a
// quarter of a file where the window was 8 MB); 128 KB is the smallest window it sets.
constexpr off_t kStep = off_t{128} << 10;

int64_t FileSize(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<int64_t>(st.st_size) : 0;
}

// Memory available without swapping (the kernel's MemAvailable: free pages and the page
// cache it can drop), or the free pages where /proc is not there.
int64_t FreeMemory() {
  if (std::FILE* meminfo = std::fopen("/proc/meminfo", "r")) {
    char line[128];
    long long kb = -1;
    while (std::fgets(line, sizeof line, meminfo) != nullptr) {
      if (std::sscanf(line, "MemAvailable: %lld kB", &kb) == 1) break;
    }
    std::fclose(meminfo);
    if (kb >= 0) return static_cast<int64_t>(kb) * 1024;
  }
  long pages = ::sysconf(_SC_AVPHYS_PAGES);
  long page_size = ::sysconf(_SC_PAGESIZE);
  return pages > 0 && page_size > 0 ? static_cast<int64_t>(pages) * page_size : 0;
}

}  // namespace

FilePrefetch::FilePrefetch(std::vector<std::string> paths) {
  int64_t total = 0;
  for (const std::string& path : paths) total += FileSize(path);
  if (total == 0 || total > FreeMemory() / 2) return;
  thread_ = std::thread([this, paths = std::move(paths)]() mutable { Run(std::move(paths)); });
}

FilePrefetch::~FilePrefetch() {
  stopping_.store(true, std::memory_order_relaxed);
  if (thread_.joinable()) thread_.join();
}

void FilePrefetch::Run(std::vector<std::string> paths) {
  for (const std::string& path : paths) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    off_t size = static_cast<off_t>(FileSize(path));
    for (off_t offset = 0; offset < size && !stopping_.load(std::memory_order_relaxed);
         offset += kStep) {
      // Only a hint: the kernel starts the reads and returns; pages already cached cost nothing.
      ::posix_fadvise(fd, offset, kStep, POSIX_FADV_WILLNEED);
    }
    ::close(fd);
  }
}

}  // namespace voronka::sqlite
