#include "fs/ops.h"

namespace octopus::fs {

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

void OpCreate(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t /*mode*/,
              fuse_file_info* fi) {
  Guard(req, "create", [&] {
    std::unique_ptr<Handle> h;
    fuse_entry_param e{};
    if (int err = Fs(req).Create(parent, name, fi->flags, &e, &h); err != 0) {
      fuse_reply_err(req, err);
      return;
    }
    fi->fh = reinterpret_cast<std::uint64_t>(Fs(req).files().Keep(std::move(h)));
    if (fuse_reply_create(req, &e, fi) != 0) {
      Fs(req).Release(Fs(req).files().Take(HandleOf(fi)));
    }
  });
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
