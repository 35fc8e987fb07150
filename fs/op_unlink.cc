// unlink: rm in all/ or a view moves the photo to the trash; in trash/ or
// .Trash-UID/files/ purges it; in import/ removes the entry (and its
// record), never the photo; in .Trash-UID/info/ is done with its photo.
#include "fs/errno_map.h"
#include "fs/ops.h"
#include "fs/trash_info.h"

namespace octopus::fs {

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

void OpUnlink(fuse_req_t req, fuse_ino_t parent, const char* name) {
  Guard(req, "unlink", [&] { fuse_reply_err(req, Fs(req).Unlink(parent, name)); });
}

}  // namespace octopus::fs
