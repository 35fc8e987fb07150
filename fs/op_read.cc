// Reads are answered from the original's file descriptor: libfuse splices
// the bytes from the blob into /dev/fuse when the kernel allows it (see
// op_init.cc), else reads them into its own buffer. Either way nothing is
// copied through ours, and a short read at the end of the file is handled
// by libfuse.
#include <shared_mutex>

#include "fs/ops.h"

namespace octopus::fs {

void OpRead(fuse_req_t req, fuse_ino_t /*ino*/, size_t size, off_t off, fuse_file_info* fi) {
  Guard(req, "read", [&] {
    Handle* h = HandleOf(fi);
    if (h == nullptr || h->kind != Handle::kRead) {
      fuse_reply_err(req, EBADF);
      return;
    }
    auto* rh = static_cast<ReadHandle*>(h);
    // Held until the reply is written: a read interrupted in the kernel
    // lets the release through while we may still be reading the fd.
    std::shared_lock reading(rh->io_mu);
    fuse_bufvec buf = FUSE_BUFVEC_INIT(size);
    buf.buf[0].flags = static_cast<fuse_buf_flags>(FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK);
    buf.buf[0].fd = rh->fd.get();
    buf.buf[0].pos = off;
    // On a failed read, fuse_reply_data replies with the error itself.
    (void)fuse_reply_data(req, &buf, FUSE_BUF_SPLICE_MOVE);
  });
}

}  // namespace octopus::fs
