// readdir and readdirplus share one implementation: the same snapshot, the
// same offsets. readdirplus also hands the kernel each entry's attributes,
// so `ls -l` of a large folder costs no lookup per photo.
#include <memory>

#include "fs/ops.h"

namespace octopus::fs {
namespace {

DirHandle& DirOf(const fuse_file_info* fi) { return *reinterpret_cast<DirHandle*>(fi->fh); }

void ReplyDir(fuse_req_t req, size_t size, off_t off, fuse_file_info* fi, bool plus) {
  std::string buf(size, '\0');
  std::size_t used = 0;
  const int err =
      Fs(req).ReadDir(DirOf(fi), off, [&](const char* name, const fuse_entry_param& e, off_t next) {
        char* at = buf.data() + used;
        const std::size_t room = size - used;
        const std::size_t need = plus ? fuse_add_direntry_plus(req, at, room, name, &e, next)
                                      : fuse_add_direntry(req, at, room, name, &e.attr, next);
        if (need > room) return false;
        used += need;
        return true;
      });
  if (err != 0) {
    fuse_reply_err(req, err);
    return;
  }
  fuse_reply_buf(req, buf.data(), used);
}

}  // namespace

void OpOpenDir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  Guard(req, "opendir", [&] {
    std::unique_ptr<DirHandle> h;
    if (int err = Fs(req).OpenDir(ino, &h); err != 0) {
      fuse_reply_err(req, err);
      return;
    }
    fi->fh = reinterpret_cast<std::uint64_t>(Fs(req).dirs().Keep(std::move(h)));
    fi->cache_readdir = 0;
    if (fuse_reply_open(req, fi) != 0) (void)Fs(req).dirs().Take(&DirOf(fi));
  });
}

void OpReadDir(fuse_req_t req, fuse_ino_t /*ino*/, size_t size, off_t off, fuse_file_info* fi) {
  Guard(req, "readdir", [&] { ReplyDir(req, size, off, fi, /*plus=*/false); });
}

void OpReadDirPlus(fuse_req_t req, fuse_ino_t /*ino*/, size_t size, off_t off, fuse_file_info* fi) {
  Guard(req, "readdirplus", [&] { ReplyDir(req, size, off, fi, /*plus=*/true); });
}

void OpReleaseDir(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* fi) {
  Guard(req, "releasedir", [&] {
    (void)Fs(req).dirs().Take(&DirOf(fi));  // frees it
    fuse_reply_err(req, 0);
  });
}

}  // namespace octopus::fs
