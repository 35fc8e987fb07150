// mkdir: folders are made only in import/ (the views follow the metadata).
#include "fs/ops.h"

namespace octopus::fs {

int Filesystem::MkDir(Ino parent, const std::string& name, fuse_entry_param* out) {
  if (ReadOnly()) return EROFS;
  std::lock_guard lock(mu_);
  if (!tree_.Find(parent)) return ENOENT;
  // Before the rest: the desktop's trash protocol makes files/ and info/
  // and expects EEXIST.
  if (tree_.Child(parent, name)) return EEXIST;
  if (!tree_.InImport(parent)) return EPERM;  // views follow the metadata
  const Node n = tree_.AddOverlay(parent, name, NodeKind::kDir, Area::kImport);
  FillEntry_locked(n, out);
  return 0;
}

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

}  // namespace octopus::fs
