#include "fs/ops.h"

namespace octopus::fs {

void OpRename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t newparent,
              const char* newname, unsigned int flags) {
  Guard(req, "rename",
        [&] { fuse_reply_err(req, Fs(req).Rename(parent, name, newparent, newname, flags)); });
}

}  // namespace octopus::fs
