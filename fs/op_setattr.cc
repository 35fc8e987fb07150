#include "fs/ops.h"

namespace octopus::fs {

void OpSetAttr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info* fi) {
  Guard(req, "setattr", [&] {
    struct stat st {};
    if (int err = Fs(req).SetAttr(ino, *attr, to_set, HandleOf(fi), &st); err != 0) {
      fuse_reply_err(req, err);
      return;
    }
    fuse_reply_attr(req, &st, 0);
  });
}

}  // namespace octopus::fs
