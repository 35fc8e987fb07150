#include "fs/ops.h"

namespace octopus::fs {

void OpUnlink(fuse_req_t req, fuse_ino_t parent, const char* name) {
  Guard(req, "unlink", [&] { fuse_reply_err(req, Fs(req).Unlink(parent, name)); });
}

}  // namespace octopus::fs
