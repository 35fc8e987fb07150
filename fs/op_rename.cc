// rename: in all/, renames the photo; into trash/ (or a desktop's "Move to
// Trash" into .Trash-UID/files/), trashes it; out of the trash into a view,
// restores it; in import/, moves the entry and its record only, never the
// photo; rsync's temporary file renamed to its name is where a refused
// copy is reported (op_flush.cc). Anything else contradicts the metadata.
#include <cstdio>

#include "fs/errno_map.h"
#include "fs/ops.h"
#include "fs/trash_info.h"

namespace octopus::fs {
namespace {

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
      return o->refused;  // a refused copy (op_flush.cc); rsync then unlinks it
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

void OpRename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t newparent,
              const char* newname, unsigned int flags) {
  Guard(req, "rename",
        [&] { fuse_reply_err(req, Fs(req).Rename(parent, name, newparent, newname, flags)); });
}

}  // namespace octopus::fs
