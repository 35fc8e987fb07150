#include <sys/statvfs.h>

#include <algorithm>

#include "fs/errno_map.h"
#include "fs/ops.h"

namespace octopus::fs {

int Filesystem::StatFs(struct statvfs* out) {
  auto user = library_.GetUser(options_.user);
  if (!user.ok()) return ErrnoFor(user.status());
  constexpr unsigned long kBlock = 4096;
  *out = {};
  out->f_bsize = kBlock;
  out->f_frsize = kBlock;
  const std::int64_t quota = std::max<std::int64_t>(user->quota_bytes, 0);
  const std::int64_t free_bytes = std::max<std::int64_t>(quota - user->used_bytes, 0);
  out->f_blocks = static_cast<fsblkcnt_t>(quota / kBlock);
  out->f_bfree = static_cast<fsblkcnt_t>(free_bytes / kBlock);
  out->f_bavail = out->f_bfree;
  // Photos have no count limit, only the quota: as many more files fit as
  // free 4 KiB blocks (a camera photo is far larger). With none free, df -i
  // showed every inode used and tripped disk monitors on a library with
  // room to spare.
  out->f_ffree = static_cast<fsfilcnt_t>(free_bytes / kBlock);
  out->f_favail = out->f_ffree;
  out->f_files = static_cast<fsfilcnt_t>(user->photo_count) + out->f_ffree;
  out->f_namemax = 255;
  return 0;
}

// df shows the user's quota: size = quota, used = their originals, available
// = what is left.
void OpStatFs(fuse_req_t req, fuse_ino_t /*ino*/) {
  Guard(req, "statfs", [&] {
    Filesystem& fs = Fs(req);
    struct statvfs st {};
    if (int err = fs.StatFs(&st); err != 0) {
      fuse_reply_err(req, err);
    } else {
      fuse_reply_statfs(req, &st);
    }
    fs.StatFsAnswered();
  });
}

}  // namespace octopus::fs
