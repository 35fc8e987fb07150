#include "fs/ops.h"

namespace octopus::fs {

void OpGetAttr(fuse_req_t req, fuse_ino_t ino, fuse_file_info* /*fi*/) {
  Guard(req, "getattr", [&] {
    struct stat st {};
    if (int err = Fs(req).GetAttr(ino, &st); err != 0) {
      fuse_reply_err(req, err);
      return;
    }
    fuse_reply_attr(req, &st, kCacheSeconds);
  });
}

}  // namespace octopus::fs
