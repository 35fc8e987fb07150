// rmdir: folders of import/, and a view's folder once it is empty (it
// goes by itself with its last photo); never a top folder.
#include "fs/ops.h"

namespace octopus::fs {

int Filesystem::RmDir(Ino parent, const std::string& name) {
  if (ReadOnly()) return EROFS;
  std::lock_guard lock(mu_);
  const auto dir = tree_.Find(parent);
  const bool in_view =
      dir && (dir->area == Area::kDate || dir->area == Area::kCamera || dir->area == Area::kPlace);
  const auto n = tree_.Child(parent, name);
  // A folder of a view goes by itself with its last photo, so `rm -r
  // by-date/2013` finds it gone when it comes to remove it. The kernel asks
  // only for names it has looked up, so a name a view no longer has was
  // that folder: done, not an error that would make rm -r fail.
  if (!n) return in_view ? 0 : ENOENT;
  if (n->kind != NodeKind::kDir) return ENOTDIR;
  if (!n->overlay) {
    if (!in_view || n->ino <= Tree::kLastFixed) return EPERM;  // all/, by-date/... themselves
    if (tree_.HasChildren(n->ino)) return ENOTEMPTY;
    tree_.RemoveEmptyFolder(n->ino);
    return 0;
  }
  if (tree_.HasChildren(n->ino)) return ENOTEMPTY;
  tree_.Remove(n->ino);
  return 0;
}

void OpRmDir(fuse_req_t req, fuse_ino_t parent, const char* name) {
  Guard(req, "rmdir", [&] { fuse_reply_err(req, Fs(req).RmDir(parent, name)); });
}

}  // namespace octopus::fs
