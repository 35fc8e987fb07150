#include <sys/statvfs.h>

#include "fs/ops.h"

namespace octopus::fs {

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
