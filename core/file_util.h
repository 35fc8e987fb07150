// Small POSIX helpers with owners for their handles.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "core/status.h"

namespace octopus {

// Owns a file descriptor; closes it on destruction. Movable, not copyable.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  UniqueFd(UniqueFd&& o) noexcept : fd_(o.release()) {}
  UniqueFd& operator=(UniqueFd&& o) noexcept;
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd();
  int get() const { return fd_; }
  int release();
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

// Bytes to store, and optionally (fd not -1) an open file that holds exactly
// them from offset 0, so the kernel can copy them without a pass through
// user space (copy_file_range; a reflink where the filesystem shares
// extents). Copying from the mapping of a file cost 10 ms per 5 MB photo,
// copy_file_range 1.5 ms.
struct Contents {
  std::span<const std::uint8_t> bytes;
  int fd = -1;
};

// A read-only private mapping of a whole file. Empty files map to an empty span.
class MappedFile {
 public:
  static Result<MappedFile> Open(const std::filesystem::path& file);
  MappedFile(MappedFile&& o) noexcept;
  MappedFile& operator=(MappedFile&&) = delete;
  MappedFile(const MappedFile&) = delete;
  ~MappedFile();
  std::span<const std::uint8_t> bytes() const { return {data_, size_}; }
  // The bytes with the open file they come from.
  Contents contents() const { return {bytes(), fd_.get()}; }
  std::int64_t mtime() const { return mtime_; }

 private:
  MappedFile(UniqueFd fd, const std::uint8_t* data, std::size_t size, std::int64_t mtime)
      : fd_(std::move(fd)), data_(data), size_(size), mtime_(mtime) {}
  UniqueFd fd_;
  const std::uint8_t* data_ = nullptr;
  std::size_t size_ = 0;
  std::int64_t mtime_ = 0;
};

// The whole of a small regular file (a thumbnail), read with pread: for a
// few kilobytes, cheaper than mapping it, and the caller owns the bytes.
// Files larger than `max_bytes` are refused.
Result<std::string> ReadSmallFile(const std::filesystem::path& file, std::size_t max_bytes);

// Lower-case hex SHA-256.
std::string Sha256Hex(std::span<const std::uint8_t> data);
Result<std::string> Sha256File(const std::filesystem::path& file);

Status FsyncPath(const std::filesystem::path& path);  // a file or a directory

// When the directory of a new file is fsynced: at once, or later by the
// caller, once for several files put in the same directory (each fsync is
// a journal commit, and a photo puts three files in one directory).
enum class DirSync { kNow, kLater };

// Crash-safe write: a temporary file beside `path`, write, fsync, rename over
// `path`, fsync the directory. Readers see the old file or the new, never a
// part.
Status WriteFileAtomic(const std::filesystem::path& path, const Contents& data,
                       DirSync dir_sync = DirSync::kNow);
inline Status WriteFileAtomic(const std::filesystem::path& path,
                              std::span<const std::uint8_t> data) {
  return WriteFileAtomic(path, Contents{data});
}
inline Status WriteFileAtomic(const std::filesystem::path& path, std::string_view data,
                              DirSync dir_sync = DirSync::kNow) {
  return WriteFileAtomic(
      path, Contents{{reinterpret_cast<const std::uint8_t*>(data.data()), data.size()}}, dir_sync);
}

// Current time as "2024-07-14T10:00:00.123Z".
std::string UtcNowIso8601();
// Seconds since the epoch in the same form ("2024-07-14T10:00:00.000Z").
std::string UtcIso8601(std::int64_t epoch_seconds);
// Seconds since the epoch as local-time "2024-07-14T12:00:00".
std::string LocalTimeIso8601(std::int64_t epoch_seconds);

}  // namespace octopus
