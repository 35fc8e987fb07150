// WriteFileAtomic with a source descriptor: the kernel copy, the fallback to
// write() across filesystems, and a source shorter than the bytes.
#include "core/file_util.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/testing/test_util.h"

namespace octopus {
namespace {

using testing::ReadFile;
using testing::WriteFile;

std::string Pattern(std::size_t n) {
  std::string s(n, '\0');
  for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 131) ^ (i >> 9));
  return s;
}

TEST(FileUtilTest, OriginalCopiedFromItsMappedFile) {
  testing::TempDir dir;
  const std::string bytes = Pattern(3 * 1024 * 1024 + 17);
  WriteFile(dir / "source.jpg", bytes);
  auto mapped = MappedFile::Open(dir / "source.jpg");
  ASSERT_TRUE(mapped.ok());
  ASSERT_GE(mapped->contents().fd, 0);
  ASSERT_TRUE(WriteFileAtomic(dir / "copy.jpg", mapped->contents()).ok());
  EXPECT_TRUE(ReadFile(dir / "copy.jpg") == bytes);
  struct stat st {};
  ASSERT_EQ(::stat((dir / "copy.jpg").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

// /dev/shm is tmpfs, another filesystem than the temporary directory's:
// copy_file_range refuses (EXDEV) and the bytes are written instead.
TEST(FileUtilTest, SourceOnAnotherFilesystemFallsBackToWrite) {
  testing::TempDir dir;
  struct stat a {
  }, b{};
  if (::stat("/dev/shm", &b) != 0 || ::stat(dir.path().c_str(), &a) != 0 || a.st_dev == b.st_dev) {
    GTEST_SKIP() << "no /dev/shm on another filesystem";
  }
  const std::string bytes = Pattern(1024 * 1024 + 5);
  const std::filesystem::path shm = "/dev/shm/octopus-file-util-test-" + std::to_string(::getpid());
  WriteFile(shm, bytes);
  auto mapped = MappedFile::Open(shm);
  ::unlink(shm.c_str());
  ASSERT_TRUE(mapped.ok());
  ASSERT_TRUE(WriteFileAtomic(dir / "copy.jpg", mapped->contents()).ok());
  EXPECT_TRUE(ReadFile(dir / "copy.jpg") == bytes);
}

// A source that ends before the bytes do (cut short meanwhile): what the
// kernel could copy, then the rest from the bytes, in order.
TEST(FileUtilTest, ShortSourceIsCompletedFromTheBytes) {
  testing::TempDir dir;
  const std::string bytes = Pattern(600'000);
  WriteFile(dir / "half", bytes.substr(0, 250'000));
  UniqueFd fd(::open((dir / "half").c_str(), O_RDONLY | O_CLOEXEC));
  ASSERT_TRUE(fd);
  Contents c{{reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()}, fd.get()};
  ASSERT_TRUE(WriteFileAtomic(dir / "copy", c).ok());
  EXPECT_TRUE(ReadFile(dir / "copy") == bytes);
}

}  // namespace
}  // namespace octopus
