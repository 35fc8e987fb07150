// Writes go to a file in the store's staging folder, under the quota; the
// copy is imported when it is closed (op_flush.cc).
#include <unistd.h>

#include <cerrno>

#include "fs/errno_map.h"
#include "fs/ops.h"

namespace octopus::fs {

int Filesystem::Write(WriteHandle& h, const char* data, std::size_t size, off_t off) {
  std::lock_guard lock(h.mu);
  // A copy refused part-way stays refused with its own errno. The kernel
  // splits a large write(2) into several requests and hands the program
  // the short count of those that passed; the program then writes the rest
  // (cp, dd and stdio all do), and that write must fail with EDQUOT too,
  // not with EPERM as if the file were a photo.
  if (h.done && h.result != 0) return h.result;
  if (h.done || !h.fd) return EPERM;
  const std::int64_t end = static_cast<std::int64_t>(off) + static_cast<std::int64_t>(size);
  if (end > h.quota_checked) {
    // Ask for a megabyte of headroom so most writes skip the query; only
    // near the limit is each write checked exactly.
    constexpr std::int64_t kHeadroom = 1 << 20;
    if (library_.CheckQuota(options_.user, end + kHeadroom).ok()) {
      h.quota_checked = end + kHeadroom;
    } else {
      Status s = library_.CheckQuota(options_.user, end);
      if (!s.ok()) {
        spdlog::warn("mount: write refused: {}", s.message());
        // The copy is over: close reports the same error, nothing is kept.
        h.done = true;
        h.result = ErrnoFor(s);
        h.fd = UniqueFd();
        ::unlink(h.staging.c_str());
        return h.result;
      }
      h.quota_checked = end;
    }
  }
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n =
        ::pwrite(h.fd.get(), data + done, size - done, off + static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<std::size_t>(n);
  }
  if (end > h.size) h.size = end;
  return 0;
}

void OpWrite(fuse_req_t req, fuse_ino_t /*ino*/, const char* buf, size_t size, off_t off,
             fuse_file_info* fi) {
  Guard(req, "write", [&] {
    Handle* h = HandleOf(fi);
    if (h == nullptr || h->kind != Handle::kWrite) {
      fuse_reply_err(req, EBADF);
      return;
    }
    if (int err = Fs(req).Write(static_cast<WriteHandle&>(*h), buf, size, off); err != 0) {
      fuse_reply_err(req, err);
      return;
    }
    fuse_reply_write(req, size);
  });
}

}  // namespace octopus::fs
