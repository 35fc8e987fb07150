// readdir and readdirplus share one implementation: the same snapshot, the
// same offsets. readdirplus also hands the kernel each entry's attributes,
// so `ls -l` of a large folder costs no lookup per photo.
#include <memory>

#include "fs/ops.h"
#include "fs/trash_info.h"

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

int Filesystem::Snapshot_locked(Ino ino, DirHandle* h) {
  const auto n = tree_.Find(ino);
  if (!n) return ENOENT;
  if (n->kind != NodeKind::kDir) return ENOTDIR;
  h->entries.clear();
  h->names.clear();
  h->entries.reserve(tree_.ChildCount(ino) + 2);
  auto add = [h](std::string_view name, const Attr& attr, bool dot) {
    DirEntry& d = h->entries.emplace_back();
    d.attr = attr;
    d.dot = dot;
    d.name = static_cast<std::uint32_t>(h->names.size());
    h->names.append(name);
    h->names.push_back('\0');
  };
  add(".", Attr{.ino = n->ino}, true);
  add("..", Attr{.ino = n->parent}, true);
  if (ino == Tree::kDesktopTrashInfo) {
    // One info file per trashed photo, then the scratch files not hidden
    // by one of those.
    tree_.ForEachChild(Tree::kDesktopTrashFiles, [&](const Node& c) {
      add(std::string(c.name) + std::string(kTrashInfoSuffix), TrashInfoAttrOf(c), false);
    });
    tree_.ForEachChild(ino, [&](const Node& c) {
      if (!TrashInfoByName_locked(c.name)) add(c.name, AttrOf_locked(c), false);
    });
    return 0;
  }
  tree_.ForEachChild(ino, [&](const Node& c) { add(c.name, AttrOf_locked(c), false); });
  return 0;
}

int Filesystem::OpenDir(Ino ino, std::unique_ptr<DirHandle>* out) {
  auto h = std::make_unique<DirHandle>(ino);
  std::lock_guard lock(mu_);
  std::lock_guard hl(h->mu);
  if (int err = Snapshot_locked(ino, h.get()); err != 0) return err;
  *out = std::move(h);
  return 0;
}

int Filesystem::ReadDir(
    DirHandle& h, off_t off,
    const std::function<bool(const char* name, const fuse_entry_param& entry, off_t next)>& emit) {
  if (off < 0) return EINVAL;
  std::unique_lock lock(mu_);
  std::lock_guard hl(h.mu);
  if (off == 0 && h.served) {
    // rewinddir: show the directory as it is now, not as it was at opendir.
    if (int err = Snapshot_locked(h.ino, &h); err != 0) return err;
  }
  lock.unlock();  // the snapshot is the handle's own from here on
  h.served = true;
  for (std::size_t i = static_cast<std::size_t>(off); i < h.entries.size(); ++i) {
    const DirEntry& d = h.entries[i];
    fuse_entry_param e{};
    if (d.dot) {
      e.attr.st_ino = d.attr.ino;
      e.attr.st_mode = S_IFDIR;
    } else {
      ToEntry(d.attr, &e);
    }
    if (!emit(h.names.data() + d.name, e, static_cast<off_t>(i + 1))) break;
  }
  return 0;
}

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
