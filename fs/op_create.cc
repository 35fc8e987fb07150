// create: new files in all/ and import/ are staged, and imported when
// closed (op_flush.cc); a camera's companions in import/ and what a
// desktop writes into .Trash-UID/info/ are scratch files whose bytes are
// dropped. Nothing is created in the views or the trash.
#include "core/companion_files.h"
#include "core/copy_names.h"
#include "fs/ops.h"
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

}  // namespace

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

}  // namespace octopus::fs
