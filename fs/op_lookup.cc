#include "fs/ops.h"
#include "fs/trash_info.h"

namespace octopus::fs {

int Filesystem::Lookup(Ino parent, const std::string& name, fuse_entry_param* out) {
  std::lock_guard lock(mu_);
  const auto dir = tree_.Find(parent);
  if (!dir) return ENOENT;
  if (dir->kind != NodeKind::kDir) return ENOTDIR;
  if (parent == Tree::kDesktopTrashInfo) {
    if (const auto info = TrashInfoByName_locked(name)) {
      ToEntry(*info, out);
      return 0;
    }
  }
  const auto n = tree_.Child(parent, name);
  if (!n) return ENOENT;
  FillEntry_locked(*n, out);
  return 0;
}

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
