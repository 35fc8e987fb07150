#include "fs/ops.h"

namespace octopus::fs {

void OpLookup(fuse_req_t req, fuse_ino_t parent, const char* name) {
  Guard(req, "lookup", [&] {
    fuse_entry_param e{};
    if (int err = Fs(req).Lookup(parent, name, &e); err != 0) {
      fuse_reply_err(req, err);
      return;
    }
    fuse_reply_entry(req, &e);
  });
}

}  // namespace octopus::fs
