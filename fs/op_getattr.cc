#include "fs/ops.h"

namespace octopus::fs {

int Filesystem::GetAttr(Ino ino, struct stat* out) {
  std::lock_guard lock(mu_);
  if (const auto n = tree_.Find(ino)) {
    FillAttr_locked(*n, out);
    return 0;
  }
  if (const auto info = TrashInfoByIno_locked(ino)) {
    ToStat(*info, out);
    return 0;
  }
  // Deleted while a program still has it open: it keeps reading the
  // original through its descriptor, and fstat must keep working too.
  auto open = open_.find(ino);
  if (open == open_.end()) return ENOENT;
  *out = open->second.attr;
  out->st_nlink = 0;
  return 0;
}

void OpGetAttr(fuse_req_t req, fuse_ino_t ino, fuse_file_info* /*fi*/) {
  Guard(req, "getattr", [&] {
    struct stat st {};
    if (int err = Fs(req).GetAttr(ino, &st); err != 0) {
      fuse_reply_err(req, err);
      return;
    }
    fuse_reply_attr(req, &st, kCacheSeconds);
  });
}

}  // namespace octopus::fs
