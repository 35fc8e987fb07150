// Writes go to a file in the store's staging folder; the photo is imported
// when the copying program closes the file (flush), which is the last moment
// an error can still reach it: the kernel ignores what release returns.
#include "fs/ops.h"

namespace octopus::fs {

void OpWrite(fuse_req_t req, fuse_ino_t /*ino*/, const char* buf, size_t size, off_t off,
             fuse_file_info* fi) {
  Guard(req, "write", [&] {
    Handle* h = HandleOf(fi);
    if (h == nullptr || h->kind != Handle::kWrite) {
      fuse_reply_err(req, EBADF);
      return;
    }
    if (int err = Fs(req).Write(static_cast<WriteHandle&>(*h), buf, size, off); err != 0) {
      fuse_reply_err(req, err);
      return;
    }
    fuse_reply_write(req, size);
  });
}

void OpFlush(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* fi) {
  Guard(req, "flush", [&] { fuse_reply_err(req, Fs(req).Flush(HandleOf(fi))); });
}

void OpFsync(fuse_req_t req, fuse_ino_t /*ino*/, int /*datasync*/, fuse_file_info* /*fi*/) {
  // Durability comes with the import: the store fsyncs before it commits.
  Guard(req, "fsync", [&] { fuse_reply_err(req, 0); });
}

}  // namespace octopus::fs
