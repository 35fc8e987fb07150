// What the mount never does. A library holds photos, not links or special
// files: symlink, link and mknod are refused with EPERM (EROFS on a
// read-only mount) rather than left unimplemented, which would reach the
// program as ENOSYS ("Function not implemented"). Extended attributes stay
// unimplemented on purpose: the kernel then answers EOPNOTSUPP by itself and
// stops asking, which is what cp -a and rsync -X expect of a file system
// without them.
#include "fs/ops.h"

namespace octopus::fs {

void OpSymlink(fuse_req_t req, const char* /*link*/, fuse_ino_t /*parent*/, const char* /*name*/) {
  Guard(req, "symlink", [&] { fuse_reply_err(req, Fs(req).Refused()); });
}

void OpLink(fuse_req_t req, fuse_ino_t /*ino*/, fuse_ino_t /*newparent*/, const char* /*newname*/) {
  Guard(req, "link", [&] { fuse_reply_err(req, Fs(req).Refused()); });
}

void OpMkNod(fuse_req_t req, fuse_ino_t /*parent*/, const char* /*name*/, mode_t /*mode*/,
             dev_t /*rdev*/) {
  Guard(req, "mknod", [&] { fuse_reply_err(req, Fs(req).Refused()); });
}

}  // namespace octopus::fs
