#include "fs/filesystem.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

#include "core/companion_files.h"
#include "core/copy_names.h"
#include "fs/errno_map.h"
#include "fs/trash_info.h"

namespace octopus::fs {
namespace {

// A companion's name, or rsync's temporary name for one (rsync drops the
// leading dot of a dot-file's name in its temporary name: ".DS_Store" is
// written as ".DS_Store.XXXXXX").
bool IsCompanion(const std::string& name) {
  const std::string behind = NameBehindTemporary(name);
  return IsCompanionFile(name) || IsCompanionFile(behind) ||
         (behind != name && IsCompanionFile("." + behind));
}

bool IsView(Area a) {
  return a == Area::kAll || a == Area::kDate || a == Area::kCamera || a == Area::kPlace;
}

// What renaming a photo does: in all/, a rename; from a view to the trash
// (trash/ or .Trash-UID/files/, as `mv` or a desktop's "Move to Trash"
// do), a move to the trash; from the trash back to a view (`mv trash/X
// all/`, or a desktop's "Restore"), a restore. Anything else would be a
// change of date, camera or place, which the views only follow.
enum class PhotoMove { kNone, kRename, kTrash, kRestore };
PhotoMove PhotoMoveFor(Area from, Ino parent, Area to, Ino new_parent) {
  if (from == Area::kTrash) return IsView(to) ? PhotoMove::kRestore : PhotoMove::kNone;
  if (to == Area::kTrash)
    return new_parent == Tree::kDesktopTrash ? PhotoMove::kNone : PhotoMove::kTrash;
  if (parent == Tree::kAll && new_parent == Tree::kAll) return PhotoMove::kRename;
  return PhotoMove::kNone;
}

}  // namespace

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

int Filesystem::MkDir(Ino parent, const std::string& name, fuse_entry_param* out) {
  if (ReadOnly()) return EROFS;
  std::lock_guard lock(mu_);
  if (!tree_.Find(parent)) return ENOENT;
  // Before the rest: the desktop's trash protocol makes files/ and info/
  // and expects EEXIST.
  if (tree_.Child(parent, name)) return EEXIST;
  if (!tree_.InImport(parent)) return EPERM;  // views follow the metadata
  const Node n = tree_.AddOverlay(parent, name, NodeKind::kDir, Area::kImport);
  FillEntry_locked(n, out);
  return 0;
}

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

int Filesystem::Unlink(Ino parent, const std::string& name) {
  if (ReadOnly()) return EROFS;
  std::string photo_id;
  bool purge = false;
  std::string forget;  // the record of an entry of import/ to remove
  {
    std::lock_guard lock(mu_);
    const auto n = tree_.Child(parent, name);
    if (!n) {
      // An info file of the desktop's trash is made from its photo: there
      // is nothing to remove (the photo goes with its entry in files/).
      if (parent == Tree::kDesktopTrashInfo && TrashInfoByName_locked(name)) return 0;
      return ENOENT;
    }
    if (n->kind == NodeKind::kDir) return EISDIR;
    if (n->kind == NodeKind::kStaged || n->kind == NodeKind::kScratch) {
      // import/ lists copies, not the library: removing the entry keeps the
      // photo (and forgets the record of the copy). A file still being
      // written is discarded when closed.
      if (IsImportRecord(*n)) forget = tree_.PathInImport(n->ino);
      if (n->writer != 0) {
        WriteHandle* h = WriterOf(*n);
        std::lock_guard hl(h->mu);
        h->node = 0;
      }
      if (auto open = open_.find(n->ino); open != open_.end()) {
        FillAttr_locked(*n, &open->second.attr);  // its size as it goes
      }
      tree_.Remove(n->ino);
    } else {
      photo_id = std::string(n->photo_id);
      // rm in a view moves the photo to the trash; rm in the trash (trash/,
      // or the desktop's .Trash-UID/files/) is for good.
      purge = n->area == Area::kTrash;
    }
  }
  if (photo_id.empty()) {
    if (!forget.empty()) ForgetImport(forget);
    return 0;
  }
  Status s = purge ? library_.PurgePhoto(options_.user, photo_id)
                   : library_.DeletePhoto(options_.user, photo_id);
  if (!s.ok()) return ErrnoFor(s);
  spdlog::info("mount: {} photo {} ({})", purge ? "purged" : "moved to the trash", photo_id, name);
  if (parent == Tree::kDesktopTrashFiles) {
    std::lock_guard lock(mu_);
    DropScratchInfo_locked(name);
  }
  ApplyOwnChange();
  return 0;
}

int Filesystem::Rename(Ino parent, const std::string& name, Ino new_parent,
                       const std::string& new_name, unsigned flags) {
  if (ReadOnly()) return EROFS;
  if (flags & RENAME_EXCHANGE) return EINVAL;
  std::string photo_id;
  std::string rename_to;
  PhotoMove move = PhotoMove::kRename;
  Ino moved = 0;                       // the inode the kernel renamed, when it was a photo's entry
  std::string import_from, import_to;  // an entry (or folder) of import/ renamed
  {
    std::lock_guard lock(mu_);
    const auto n = tree_.Child(parent, name);
    if (!n) return ENOENT;
    if (!tree_.Find(new_parent)) return ENOENT;
    const auto target = tree_.Child(new_parent, new_name);
    if (target && target->ino == n->ino) return 0;
    if (target && (flags & RENAME_NOREPLACE)) return EEXIST;
    if (n->kind == NodeKind::kScratch && n->area != Area::kImport) {
      // A desktop writing an info file (see trash_info.h): a temporary
      // file renamed over NAME.trashinfo. It stays a scratch file (hidden
      // by the info file made from the photo, when there is one).
      if (new_parent != Tree::kDesktopTrashInfo) return EPERM;
      if (target && target->kind != NodeKind::kScratch) return EEXIST;
      if (target && target->writer != 0) return EBUSY;
      if (target) tree_.Remove(target->ino);
      if (TrashInfoByName_locked(new_name)) {
        tree_.Remove(n->ino);  // what it says, the info file made from the photo says
      } else {
        tree_.Move(n->ino, new_parent, new_name);
      }
      pending_inval_.push_back({new_parent, new_name, 0});
      QueueInvalidations_locked();
      return 0;
    }
    if (const OverlayData* o = tree_.Overlay(n->ino); o != nullptr && o->refused != 0) {
      return o->refused;  // a refused copy (see Flush); rsync then unlinks it
    }
    if (n->overlay) {
      // Within the overlay: import/ to import/, or a file being copied into
      // all/ to another name in all/ (rsync's temporary file).
      const bool to_import = tree_.InImport(new_parent);
      if (n->area == Area::kImport ? !to_import : new_parent != Tree::kAll) return EXDEV;
      if (target) {
        if (!target->overlay) return EEXIST;  // never drops a photo silently
        if (target->kind == NodeKind::kDir && n->kind != NodeKind::kDir) return EISDIR;
        if (target->kind == NodeKind::kDir && tree_.HasChildren(target->ino)) return ENOTEMPTY;
        if (target->kind != NodeKind::kDir && n->kind == NodeKind::kDir) return ENOTDIR;
        if (target->writer != 0) return EBUSY;
      }
      if (n->kind == NodeKind::kDir) {
        for (Ino up = new_parent; up != Tree::kImport && up != Tree::kRoot;) {
          if (up == n->ino) return EINVAL;  // into itself
          const auto p = tree_.Find(up);
          if (!p) break;
          up = p->parent;
        }
      }
      // A file copied into all/ and imported already (rsync's temporary
      // file): the photo takes the name. An entry of import/ is only a
      // record of a copy: renaming it never renames the photo (a duplicate's
      // entry would rename the photo that was there before).
      // (n's views point into the overlay's data, which a move keeps.)
      if (n->kind == NodeKind::kStaged && n->area == Area::kAll)
        photo_id = std::string(n->photo_id);
      if (n->area == Area::kImport) import_from = tree_.PathInImport(n->ino);
      tree_.Move(n->ino, new_parent, new_name);
      if (!import_from.empty()) import_to = tree_.PathInImport(n->ino);
      if (photo_id.empty() && import_from.empty()) return 0;
    } else {
      if (n->kind != NodeKind::kPhoto) return EPERM;
      if (target) return EEXIST;  // never drops a photo silently
      photo_id = std::string(n->photo_id);
      moved = n->ino;
      move = PhotoMoveFor(n->area, parent, tree_.Find(new_parent)->area, new_parent);
      if (move == PhotoMove::kNone) return EPERM;  // views follow the metadata
      // Restored into all/ under another name: renamed too.
      if (move == PhotoMove::kRestore && new_parent == Tree::kAll && new_name != n->name) {
        rename_to = new_name;
      }
    }
  }
  if (!import_from.empty()) {
    MoveImport(import_from, import_to);  // the records follow; never the photo
    return 0;
  }
  if (move == PhotoMove::kTrash) {
    if (Status s = library_.DeletePhoto(options_.user, photo_id); !s.ok()) return ErrnoFor(s);
    spdlog::info("mount: moved photo {} to the trash ({})", photo_id, name);
  } else if (move == PhotoMove::kRestore) {
    auto restored = library_.RestorePhoto(options_.user, photo_id);
    if (!restored.ok()) return ErrnoFor(restored.status());
    spdlog::info("mount: restored photo {} ({})", photo_id, name);
  } else {
    rename_to = new_name;
  }
  if (!rename_to.empty()) {
    auto r = library_.RenamePhoto(options_.user, photo_id, rename_to);
    if (!r.ok()) {
      ApplyOwnChange();  // a restore may have happened
      return ErrnoFor(r.status());
    }
  }
  ApplyOwnChange();
  if (move != PhotoMove::kRename && moved != 0) {
    // The kernel now holds `moved` under the new name: the photo's entry
    // there takes that number (the tree has the photo there already).
    std::lock_guard lock(mu_);
    tree_.AdoptEntry(photo_id, moved, new_parent);
    // A desktop writes the info file before it moves the file in: the one
    // made from the photo says the same from now on, and once the photo is
    // back nothing is to be left behind.
    if (new_parent == Tree::kDesktopTrashFiles) DropScratchInfo_locked(new_name);
    if (parent == Tree::kDesktopTrashFiles) DropScratchInfo_locked(name);
    QueueInvalidations_locked();
  }
  WakeRefresher();
  return 0;
}

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

int Filesystem::Create(Ino parent, const std::string& name, int flags, fuse_entry_param* entry,
                       std::unique_ptr<Handle>* out) {
  if (ReadOnly()) return EROFS;
  auto h = std::make_unique<WriteHandle>();
  std::lock_guard lock(mu_);
  if (!tree_.Find(parent)) return ENOENT;
  const bool in_import = tree_.InImport(parent);
  // Scratch files are accepted and their bytes dropped: what a desktop
  // writes into the trash's info/ (trash_info.h), and a camera's companion
  // files copied into import/ (videos, sidecars, ._* and .DS_Store: see
  // core/companion_files.h), so that copying a whole card in is not a list
  // of errors, and rsync and cp go on and succeed.
  const bool scratch = parent == Tree::kDesktopTrashInfo || (in_import && IsCompanion(name));
  if (!in_import && !scratch && parent != Tree::kAll) return EPERM;  // views follow the metadata
  if (scratch && (flags & O_EXCL) && TrashInfoByName_locked(name)) return EEXIST;
  if (const auto existing = tree_.Child(parent, name)) {
    if (flags & O_EXCL) return EEXIST;
    if (existing->kind == NodeKind::kDir) return EISDIR;
    if (existing->kind == NodeKind::kStaged || existing->kind == NodeKind::kScratch) {
      if (existing->writer != 0) return EBUSY;
      tree_.Remove(existing->ino);
    }
    // A photo of that name in all/: the new file is shown over it until it
    // is imported, then gets a distinct name ("IMG_0001 (2).JPG").
  }
  if (int err = NewStaging(h.get()); err != 0) return err;
  const Ino ino = tree_
                      .AddOverlay(parent, name, scratch ? NodeKind::kScratch : NodeKind::kStaged,
                                  in_import ? Area::kImport
                                  : scratch ? Area::kTrashInfo
                                            : Area::kAll)
                      .ino;
  tree_.Overlay(ino)->writer = reinterpret_cast<std::uint64_t>(h.get());
  h->ino = ino;
  h->node = ino;
  FillEntry_locked(*tree_.Find(ino), entry);
  TrackOpen_locked(*h, entry->attr);
  *out = std::move(h);
  return 0;
}

int Filesystem::Write(WriteHandle& h, const char* data, std::size_t size, off_t off) {
  std::lock_guard lock(h.mu);
  // A copy refused part-way stays refused with its own errno. The kernel
  // splits a large write(2) into several requests and hands the program
  // the short count of those that passed; the program then writes the rest
  // (cp, dd and stdio all do), and that write must fail with EDQUOT too,
  // not with EPERM as if the file were a photo.
  if (h.done && h.result != 0) return h.result;
  if (h.done || !h.fd) return EPERM;
  const std::int64_t end = static_cast<std::int64_t>(off) + static_cast<std::int64_t>(size);
  if (end > h.quota_checked) {
    // Ask for a megabyte of headroom so most writes skip the query; only
    // near the limit is each write checked exactly.
    constexpr std::int64_t kHeadroom = 1 << 20;
    if (library_.CheckQuota(options_.user, end + kHeadroom).ok()) {
      h.quota_checked = end + kHeadroom;
    } else {
      Status s = library_.CheckQuota(options_.user, end);
      if (!s.ok()) {
        spdlog::warn("mount: write refused: {}", s.message());
        // The copy is over: close reports the same error, nothing is kept.
        h.done = true;
        h.result = ErrnoFor(s);
        h.fd = UniqueFd();
        ::unlink(h.staging.c_str());
        return h.result;
      }
      h.quota_checked = end;
    }
  }
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n =
        ::pwrite(h.fd.get(), data + done, size - done, off + static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    done += static_cast<std::size_t>(n);
  }
  if (end > h.size) h.size = end;
  return 0;
}

int Filesystem::Flush(Handle* handle) {
  if (handle == nullptr || handle->kind != Handle::kWrite) return 0;
  auto& h = static_cast<WriteHandle&>(*handle);
  std::string name;
  Ino node = 0;
  bool scratch = false;
  ImportEntry companion;  // a camera's companion copied into import/
  {
    std::lock_guard lock(mu_);
    std::lock_guard hl(h.mu);
    if (h.done) return h.result;
    node = h.node;
    const auto n = node != 0 ? tree_.Find(node) : std::nullopt;
    scratch = n && n->kind == NodeKind::kScratch;
    if (scratch) {
      // Nothing to import: it stays writable until released (a shell's
      // `>` flushes once before the first write). A companion in import/
      // is recorded at each flush, which close(2) waits for: before the
      // rename that follows (rsync), unlike the release.
      if (OverlayData* o = tree_.Overlay(node)) {
        o->size = h.size;
        if (n->area == Area::kImport) {
          companion = ImportEntry{tree_.PathInImport(node), o->size, o->mtime, ""};
        }
      }
    } else {
      h.done = true;
      if (n) name = std::string(n->name);
      h.fd = UniqueFd();
    }
  }
  if (scratch) {
    if (!companion.path.empty()) RecordImport(companion);
    return 0;
  }
  if (node == 0 || name.empty()) {  // unlinked while open: discarded
    ::unlink(h.staging.c_str());
    return 0;
  }
  IngestRequest req;
  req.source = h.staging;
  req.filename = NameBehindTemporary(name);
  req.consume_source = true;
  auto r = library_.Ingest(options_.user, req);
  bool imported = false;
  ImportEntry record;
  {
    std::lock_guard lock(mu_);
    std::lock_guard hl(h.mu);
    OverlayData* o = tree_.Overlay(node);
    if (!r.ok()) {
      spdlog::warn("mount: not imported: {}: {}", name, r.status().message());
      h.result = ErrnoFor(r.status());
      if (o != nullptr && NameBehindTemporary(name) != name) {
        // rsync's temporary file: rsync ends the whole transfer when a
        // close fails (exit 11, the rest of a camera card never copied),
        // but takes a failed rename as that one file's error (it goes on,
        // and exits 23). So the refusal is told at the rename.
        o->refused = h.result;
        o->size = h.size;
        h.result = 0;
        return 0;
      }
      if (o != nullptr) tree_.Remove(node);
      return h.result;
    }
    spdlog::info("mount: {} {} as photo {}",
                 r->outcome == IngestOutcome::kDuplicate ? "duplicate, kept" : "imported", name,
                 r->photo.id);
    if (o != nullptr) {
      o->photo_id = r->photo.id;
      o->size = r->photo.size;
      // A copy into import/ stays listed until the user removes it (a
      // sync target); one into all/ becomes the photo's entry (Release).
      if (tree_.InImport(node)) {
        record = ImportEntry{tree_.PathInImport(node), o->size, o->mtime, r->photo.id};
      } else {
        o->expires_at = static_cast<std::int64_t>(std::time(nullptr)) + kImportedLingerSeconds;
      }
    }
    h.result = 0;
    imported = r->outcome != IngestOutcome::kDuplicate;
  }
  if (!record.path.empty()) RecordImport(record);
  if (imported) ApplyOwnChange();  // in the views when close returns
  return 0;
}

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

int Filesystem::StatFs(struct statvfs* out) {
  auto user = library_.GetUser(options_.user);
  if (!user.ok()) return ErrnoFor(user.status());
  constexpr unsigned long kBlock = 4096;
  *out = {};
  out->f_bsize = kBlock;
  out->f_frsize = kBlock;
  const std::int64_t quota = std::max<std::int64_t>(user->quota_bytes, 0);
  const std::int64_t free_bytes = std::max<std::int64_t>(quota - user->used_bytes, 0);
  out->f_blocks = static_cast<fsblkcnt_t>(quota / kBlock);
  out->f_bfree = static_cast<fsblkcnt_t>(free_bytes / kBlock);
  out->f_bavail = out->f_bfree;
  // Photos have no count limit, only the quota: as many more files fit as
  // free 4 KiB blocks (a camera photo is far larger). With none free, df -i
  // showed every inode used and tripped disk monitors on a library with
  // room to spare.
  out->f_ffree = static_cast<fsfilcnt_t>(free_bytes / kBlock);
  out->f_favail = out->f_ffree;
  out->f_files = static_cast<fsfilcnt_t>(user->photo_count) + out->f_ffree;
  out->f_namemax = 255;
  return 0;
}

}  // namespace octopus::fs
