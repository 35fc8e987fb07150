// open: photos and import/'s entries for reading (from the original's
// file descriptor); for writing, only an entry of import/ with O_TRUNC (a
// new copy over the old one). Photos are never rewritten.
#include <fcntl.h>

#include "fs/errno_map.h"
#include "fs/ops.h"
#include "fs/trash_info.h"

namespace octopus::fs {

int Filesystem::Open(Ino ino, int flags, std::unique_ptr<Handle>* out) {
  const bool writes = (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
  std::string photo_id;
  std::filesystem::path staging;
  struct stat attr {};
  {
    std::lock_guard lock(mu_);
    const auto n = tree_.Find(ino);
    if (!n) return IsTrashInfoIno(ino) ? OpenTrashInfo_locked(ino, writes, out) : ENOENT;
    if (n->kind == NodeKind::kDir) return EISDIR;
    if (writes) {
      if (ReadOnly()) return EROFS;
      if (n->kind != NodeKind::kStaged) return EPERM;  // photos are never rewritten (nor scratch)
      if (n->writer != 0) return EBUSY;
      if (!(flags & O_TRUNC)) return EPERM;
      OverlayData* o = tree_.Overlay(ino);
      if (o == nullptr) return EIO;  // a staged node is always the overlay's
      // O_TRUNC on an entry of import/: a new copy over the old one.
      auto h = std::make_unique<WriteHandle>();
      if (int err = NewStaging(h.get()); err != 0) return err;
      h->ino = n->ino;
      h->node = n->ino;
      o->photo_id.clear();
      o->expires_at = 0;
      o->size = 0;
      o->writer = reinterpret_cast<std::uint64_t>(h.get());
      FillAttr_locked(*tree_.Find(ino), &attr);
      TrackOpen_locked(*h, attr);
      *out = std::move(h);
      return 0;
    }
    if (n->kind == NodeKind::kScratch) {
      staging = "/dev/null";  // its bytes are not kept (trash_info.h)
    } else if (n->kind == NodeKind::kStaged && n->photo_id.empty()) {
      if (n->writer == 0) return ENOENT;
      staging = WriterOf(*n)->staging;
    }
    photo_id = std::string(n->photo_id);
    FillAttr_locked(*n, &attr);
  }
  std::filesystem::path path = staging;
  if (path.empty()) {
    auto photo = library_.GetPhoto(options_.user, photo_id);
    if (!photo.ok()) return ErrnoFor(photo.status());
    path = library_.OriginalPath(*photo);
  }
  auto h = std::make_unique<ReadHandle>();
  h->ino = ino;
  h->immutable = staging.empty();
  h->fd = UniqueFd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!h->fd) return errno;
  // The kernel reads a FUSE file in requests of its readahead window (128
  // KiB), and each waits for the disk unless the original's own readahead
  // is ahead of it: a wider window on the blob keeps cold reads going.
  (void)::posix_fadvise(h->fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  {
    std::lock_guard lock(mu_);
    TrackOpen_locked(*h, attr);
  }
  *out = std::move(h);
  return 0;
}

void OpOpen(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  Guard(req, "open", [&] {
    std::unique_ptr<Handle> h;
    if (int err = Fs(req).Open(ino, fi->flags, &h); err != 0) {
      fuse_reply_err(req, err);
      return;
    }
    // Stored originals never change: let the kernel keep their pages from
    // one open to the next. (Not a copy still being written.)
    fi->keep_cache =
        h->kind == Handle::kRead && static_cast<const ReadHandle&>(*h).immutable ? 1 : 0;
    fi->fh = reinterpret_cast<std::uint64_t>(Fs(req).files().Keep(std::move(h)));
    if (fuse_reply_open(req, fi) != 0) {
      // Interrupted: the kernel will not release it.
      Fs(req).Release(Fs(req).files().Take(HandleOf(fi)));
    }
  });
}

}  // namespace octopus::fs
