#include "fs/ops.h"

namespace octopus::fs {

void OpMkDir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t /*mode*/) {
  Guard(req, "mkdir", [&] {
    fuse_entry_param e{};
    if (int err = Fs(req).MkDir(parent, name, &e); err != 0) {
      fuse_reply_err(req, err);
      return;
    }
    fuse_reply_entry(req, &e);
  });
}

void OpRmDir(fuse_req_t req, fuse_ino_t parent, const char* name) {
  Guard(req, "rmdir", [&] { fuse_reply_err(req, Fs(req).RmDir(parent, name)); });
}

}  // namespace octopus::fs
