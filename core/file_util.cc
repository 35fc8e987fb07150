#include "core/file_util.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <ctime>
#include <memory>

#include "core/random.h"

namespace octopus {

UniqueFd& UniqueFd::operator=(UniqueFd&& o) noexcept {
  if (this != &o) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = o.release();
  }
  return *this;
}

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

int UniqueFd::release() {
  const int fd = fd_;
  fd_ = -1;
  return fd;
}

Result<MappedFile> MappedFile::Open(const std::filesystem::path& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Status::IoError("cannot open " + file.string(), errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Status::IoError("cannot stat " + file.string(), errno);
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(file.string() + ": not a regular file");
  if (st.st_size == 0) return MappedFile(std::move(fd), nullptr, 0, st.st_mtime);
  void* p =
      ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd.get(), 0);
  if (p == MAP_FAILED) return Status::IoError("cannot map " + file.string(), errno);
  ::madvise(p, static_cast<std::size_t>(st.st_size), MADV_SEQUENTIAL);
  return MappedFile(std::move(fd), static_cast<const std::uint8_t*>(p),
                    static_cast<std::size_t>(st.st_size), st.st_mtime);
}

MappedFile::MappedFile(MappedFile&& o) noexcept
    : fd_(std::move(o.fd_)), data_(o.data_), size_(o.size_), mtime_(o.mtime_) {
  o.data_ = nullptr;
  o.size_ = 0;
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<std::uint8_t*>(data_), size_);
}

Result<std::string> ReadSmallFile(const std::filesystem::path& file, std::size_t max_bytes) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Status::IoError("cannot open " + file.string(), errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return Status::IoError("cannot stat " + file.string(), errno);
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(file.string() + ": not a regular file");
  if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
    return Status::InvalidArgument(file.string() + ": larger than " + std::to_string(max_bytes) +
                                   " bytes");
  }
  std::string bytes(static_cast<std::size_t>(st.st_size), '\0');
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n =
        ::pread(fd.get(), bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError("cannot read " + file.string(), errno);
    if (n == 0) break;  // shrank since fstat: return what is there
    done += static_cast<std::size_t>(n);
  }
  bytes.resize(done);
  return bytes;
}

std::string Sha256Hex(std::span<const std::uint8_t> data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), digest, &len, EVP_sha256(), nullptr);
  return ToHex(digest, len);
}

Result<std::string> Sha256File(const std::filesystem::path& file) {
  auto mapped = MappedFile::Open(file);
  if (!mapped.ok()) return mapped.status();
  return Sha256Hex(mapped->bytes());
}

Status FsyncPath(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Status::IoError("cannot open " + path.string(), errno);
  if (::fsync(fd.get()) != 0) return Status::IoError("fsync " + path.string(), errno);
  return Status::Ok();
}

namespace {

// Copies what it can of `data` from its source file with copy_file_range,
// advancing `out`'s offset; returns the bytes copied, 0 when the kernel or
// the filesystems cannot (the caller then writes them), -1 with errno on an
// I/O error.
ssize_t CopyFromSource(const Contents& data, int out) {
  if (data.fd < 0) return 0;
  loff_t in_off = 0;
  std::size_t done = 0;
  while (done < data.bytes.size()) {
    const ssize_t n =
        ::copy_file_range(data.fd, &in_off, out, nullptr, data.bytes.size() - done, 0);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n == 0) {
      break;  // the source ended early: the rest is written from the bytes
    } else if (errno == EINTR) {
      continue;
    } else if (done == 0 && (errno == EXDEV || errno == ENOSYS || errno == EINVAL ||
                             errno == EOPNOTSUPP || errno == EBADF || errno == EPERM)) {
      return 0;
    } else {
      return -1;
    }
  }
  return static_cast<ssize_t>(done);
}

}  // namespace

Status WriteFileAtomic(const std::filesystem::path& path, const Contents& data, DirSync dir_sync) {
  const auto tmp = path.parent_path() / (".tmp-" + RandomHex(8) + "-" + path.filename().string());
  {
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd) return Status::IoError("cannot create " + tmp.string(), errno);
    const ssize_t copied = CopyFromSource(data, fd.get());
    if (copied < 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      return Status::IoError("cannot write " + tmp.string(), err);
    }
    std::size_t done = static_cast<std::size_t>(copied);
    while (done < data.bytes.size()) {
      const ssize_t n = ::write(fd.get(), data.bytes.data() + done, data.bytes.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        const int err = errno;
        ::unlink(tmp.c_str());
        return Status::IoError("cannot write " + tmp.string(), err);
      }
      done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd.get()) != 0) {
      const int err = errno;
      ::unlink(tmp.c_str());
      return Status::IoError("fsync " + tmp.string(), err);
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(tmp.c_str());
    return Status::IoError("cannot rename to " + path.string(), err);
  }
  return dir_sync == DirSync::kNow ? FsyncPath(path.parent_path()) : Status::Ok();
}

namespace {
std::string UtcIso8601(std::time_t seconds, long millis) {
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03ldZ", millis);
  return buf;
}
}  // namespace

std::string UtcNowIso8601() {
  // Milliseconds: photos imported in the same second still sort in import
  // order, which decides who keeps a shared file name (core/grouping).
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return UtcIso8601(now.tv_sec, now.tv_nsec / 1'000'000);
}

std::string UtcIso8601(std::int64_t epoch_seconds) {
  return UtcIso8601(static_cast<std::time_t>(epoch_seconds), 0);
}

std::string LocalTimeIso8601(std::int64_t epoch_seconds) {
  const std::time_t t = static_cast<std::time_t>(epoch_seconds);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  return buf;
}

}  // namespace octopus
