// setattr: truncating a copy being written; times kept on import/'s
// entries (and their records), accepted and ignored on photos.
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "fs/ops.h"

namespace octopus::fs {

int Filesystem::SetAttr(Ino ino, const struct stat& in, int to_set, Handle* /*handle*/,
                        struct stat* out) {
  if (ReadOnly()) return EROFS;
  std::unique_lock lock(mu_);
  const auto n = tree_.Find(ino);
  if (!n) {
    const auto info = TrashInfoByIno_locked(ino);
    if (!info) return ENOENT;
    if (to_set & FUSE_SET_ATTR_SIZE) return EPERM;
    ToStat(*info, out);  // made from the photo: times and modes are ignored
    return 0;
  }
  const bool writing = (n->kind == NodeKind::kStaged || n->kind == NodeKind::kScratch) &&
                       n->writer != 0 && n->photo_id.empty();
  if (to_set & FUSE_SET_ATTR_SIZE) {
    if (!writing) return n->kind == NodeKind::kDir ? EISDIR : EPERM;
    WriteHandle* h = WriterOf(*n);
    std::lock_guard hl(h->mu);
    if (h->done || !h->fd) return EPERM;
    if (::ftruncate(h->fd.get(), in.st_size) != 0) return errno;
    h->size = in.st_size;
  }
  // Times on staged files are kept (rsync and cp -a set them after the
  // copy); on photos they are accepted and ignored: a photo's mtime is its
  // capture time. Modes and owners are ignored everywhere.
  std::string recorded;  // an entry of import/ with a record to keep in step
  std::int64_t mtime = 0;
  const bool keeps_times =
      n->kind == NodeKind::kStaged || (n->kind == NodeKind::kScratch && n->area == Area::kImport);
  if (OverlayData* o = keeps_times ? tree_.Overlay(ino) : nullptr) {
    if (to_set & (FUSE_SET_ATTR_MTIME_NOW | FUSE_SET_ATTR_MTIME)) {
      o->mtime = (to_set & FUSE_SET_ATTR_MTIME_NOW) ? std::time(nullptr) : in.st_mtim.tv_sec;
      mtime = o->mtime;
      if (IsImportRecord(*n)) recorded = tree_.PathInImport(ino);
    }
  }
  FillAttr_locked(*tree_.Find(ino), out);
  lock.unlock();
  if (!recorded.empty()) {
    if (Status s = library_.import_records().SetMtime(options_.user, recorded, mtime); !s.ok()) {
      spdlog::warn("mount: cannot record the time of import/{}: {}", recorded, s.ToString());
    }
  }
  return 0;
}

void OpSetAttr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info* fi) {
  Guard(req, "setattr", [&] {
    struct stat st {};
    if (int err = Fs(req).SetAttr(ino, *attr, to_set, HandleOf(fi), &st); err != 0) {
      fuse_reply_err(req, err);
      return;
    }
    fuse_reply_attr(req, &st, 0);
  });
}

}  // namespace octopus::fs
