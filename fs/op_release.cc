// release: the last close of an open file. The kernel ignores its answer,
// so nothing is refused here (op_flush.cc is where a copy is imported); it
// settles what the closed file leaves listed.
#include <unistd.h>

#include <ctime>

#include "fs/ops.h"

namespace octopus::fs {

void Filesystem::Release(std::unique_ptr<Handle> handle) {
  if (!handle) return;
  if (handle->kind != Handle::kWrite) {
    {
      std::lock_guard lock(mu_);
      UntrackOpen_locked(*handle);
    }
    // Wait out a read still replying from the fd (see ReadHandle::io_mu);
    // the fd closes when `handle` goes.
    std::unique_lock reading(static_cast<ReadHandle&>(*handle).io_mu);
    return;
  }
  auto* h = static_cast<WriteHandle*>(handle.get());
  if (!h->done) (void)Flush(h);  // the kernel always flushes first; belt and braces
  {
    std::lock_guard lock(mu_);
    UntrackOpen_locked(*h);
    const auto n = h->node != 0 ? tree_.Find(h->node) : std::nullopt;
    OverlayData* o = n ? tree_.Overlay(n->ino) : nullptr;
    if (o != nullptr && o->writer == reinterpret_cast<std::uint64_t>(h)) {
      o->writer = 0;
      if (n->kind == NodeKind::kScratch && n->area == Area::kImport) {
        // A camera's companion copied in: its bytes are dropped, but the
        // entry stays listed (recorded at flush) like a photo's copy, a
        // sync target, so that the next rsync of the card does not send
        // every video again.
        o->size = h->size;
      } else if (n->kind == NodeKind::kScratch || o->refused != 0) {
        // Its bytes are not kept (trash_info.h, Flush); the name stays a
        // while (for the rename that reports a refusal).
        o->size = h->size;
        o->expires_at = static_cast<std::int64_t>(std::time(nullptr)) + kImportedLingerSeconds;
      } else if (o->photo_id.empty()) {
        tree_.Remove(n->ino);
      } else if (n->area == Area::kAll) {
        // all/ shows the photo itself from now on, under the same inode.
        const std::string photo_id(n->photo_id);
        const Ino ino = n->ino;
        tree_.Remove(ino);
        tree_.AdoptEntry(photo_id, ino, Tree::kAll);
      }
    }
    QueueInvalidations_locked();
  }
  ::unlink(h->staging.c_str());  // gone already unless the import failed
  WakeRefresher();
}

void OpRelease(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* fi) {
  Guard(req, "release", [&] {
    std::unique_ptr<Handle> h = Fs(req).files().Take(HandleOf(fi));
    fi->fh = 0;
    Fs(req).Release(std::move(h));
    fuse_reply_err(req, 0);
  });
}

}  // namespace octopus::fs
