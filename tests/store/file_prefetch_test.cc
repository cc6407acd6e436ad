// FilePrefetch: which files it reads ahead. (That the pages arrive is the kernel's part; the
// start-up benchmark shows what it is worth.)
#include "store/sqlite/file_prefetch.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "testing/process.h"

namespace voronka::sqlite {
namespace {

std::string WriteFile(const std::string& path, size_t bytes) {
  std::ofstream out(path, std::ios::binary);
  out << std::string(bytes, 'x');
  return path;
}

TEST(FilePrefetchTest, ReadsAheadFilesThatFitInAvailableMemory) {
  testing::TempDir dir;
  std::string db = WriteFile(dir.path() + "/voronka.db", 1 << 20);
  FilePrefetch prefetch({db, dir.path() + "/voronka.db-wal"});  // no log: skipped
  EXPECT_TRUE(prefetch.started());
}

// A sparse file the size of twice the machine's memory: reading it ahead would only evict.
TEST(FilePrefetchTest, LeavesAFileLargerThanHalfTheAvailableMemory) {
  testing::TempDir dir;
  std::string db = dir.path() + "/voronka.db";
  WriteFile(db, 0);
  auto memory = static_cast<off_t>(::sysconf(_SC_PHYS_PAGES)) * ::sysconf(_SC_PAGESIZE);
  ASSERT_EQ(::truncate(db.c_str(), 2 * memory), 0);
  EXPECT_FALSE(FilePrefetch({db}).started());
}

TEST(FilePrefetchTest, DoesNothingWithoutFilesOrBytes) {
  testing::TempDir dir;
  EXPECT_FALSE(FilePrefetch({dir.path() + "/missing.db"}).started());
  EXPECT_FALSE(FilePrefetch({WriteFile(dir.path() + "/empty.db", 0)}).started());
  EXPECT_FALSE(FilePrefetch({}).started());
}

}  // namespace
}  // namespace voronka::sqlite
