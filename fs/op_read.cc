#include "fs/ops.h"

namespace octopus::fs {

void OpRead(fuse_req_t req, fuse_ino_t /*ino*/, size_t size, off_t off, fuse_file_info* fi) {
  Guard(req, "read", [&] {
    Handle* h = HandleOf(fi);
    if (h == nullptr || h->kind != Handle::kRead) {
      fuse_reply_err(req, EBADF);
      return;
    }
    std::string data;
    if (int err = Fs(req).Read(static_cast<ReadHandle&>(*h), size, off, &data); err != 0) {
      fuse_reply_err(req, err);
      return;
    }
    fuse_reply_buf(req, data.data(), data.size());
  });
}

}  // namespace octopus::fs
