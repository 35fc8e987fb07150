// opendir takes a snapshot of the directory, so offsets stay valid while
// the library changes under a long listing; readdir pages through it.
#include <memory>
#include <vector>

#include "fs/ops.h"

namespace octopus::fs {
namespace {

using Snapshot = std::vector<DirEntry>;

}  // namespace

void OpOpenDir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi) {
  Guard(req, "opendir", [&] {
    auto entries = std::make_unique<Snapshot>();
    if (int err = Fs(req).OpenDir(ino, entries.get()); err != 0) {
      fuse_reply_err(req, err);
      return;
    }
    fi->fh = reinterpret_cast<std::uint64_t>(entries.get());
    fi->cache_readdir = 0;
    if (fuse_reply_open(req, fi) == 0) {
      (void)entries.release();  // owned by the kernel's handle until releasedir
    }
  });
}

void OpReadDir(fuse_req_t req, fuse_ino_t /*ino*/, size_t size, off_t off, fuse_file_info* fi) {
  Guard(req, "readdir", [&] {
    const auto& entries = *reinterpret_cast<const Snapshot*>(fi->fh);
    std::string buf(size, '\0');
    std::size_t used = 0;
    for (std::size_t i = static_cast<std::size_t>(off); i < entries.size(); ++i) {
      struct stat st {};
      st.st_ino = entries[i].ino;
      st.st_mode = entries[i].mode;
      const std::size_t need =
          fuse_add_direntry(req, buf.data() + used, size - used, entries[i].name.c_str(), &st,
                            static_cast<off_t>(i + 1));
      if (need > size - used) break;
      used += need;
    }
    fuse_reply_buf(req, buf.data(), used);
  });
}

void OpReleaseDir(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* fi) {
  Guard(req, "releasedir", [&] {
    delete reinterpret_cast<Snapshot*>(fi->fh);
    fuse_reply_err(req, 0);
  });
}

}  // namespace octopus::fs
