// Filesystem's part of the desktop's trash protocol: the info files of
// .Trash-UID/info/, made from the trashed photos (see trash_info.h).
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>

#include "fs/mount_state.h"
#include "fs/trash_info.h"

namespace octopus::fs {

Attr MountState::TrashInfoAttrOf(const Node& files_entry) {
  Attr a;
  a.ino = TrashInfoIno(files_entry.ino);
  a.nlink = 1;
  a.size =
      static_cast<std::int64_t>(TrashInfoContent(files_entry.name, files_entry.trashed).size());
  a.mtime = files_entry.trashed;
  return a;
}

std::optional<Attr> MountState::TrashInfoByName_locked(std::string_view info_name) {
  const std::string_view name = TrashedNameOf(info_name);
  if (name.empty()) return std::nullopt;
  const auto entry = tree_.Child(Tree::kDesktopTrashFiles, name);
  if (!entry || entry->kind != NodeKind::kPhoto) return std::nullopt;
  return TrashInfoAttrOf(*entry);
}

std::optional<Attr> MountState::TrashInfoByIno_locked(Ino ino) {
  if (!IsTrashInfoIno(ino)) return std::nullopt;
  const auto entry = tree_.Find(TrashedEntryOf(ino));
  if (!entry || entry->parent != Tree::kDesktopTrashFiles || entry->kind != NodeKind::kPhoto) {
    return std::nullopt;
  }
  return TrashInfoAttrOf(*entry);
}

void MountState::DropScratchInfo_locked(std::string_view trashed_name) {
  const auto scratch = tree_.Child(Tree::kDesktopTrashInfo,
                                   std::string(trashed_name) + std::string(kTrashInfoSuffix));
  if (scratch && scratch->kind == NodeKind::kScratch && scratch->writer == 0) {
    tree_.Remove(scratch->ino);
  }
}

int MountState::OpenTrashInfo_locked(Ino ino, bool writes, std::unique_ptr<Handle>* out) {
  const auto entry = tree_.Find(TrashedEntryOf(ino));
  if (!entry || entry->parent != Tree::kDesktopTrashFiles || entry->kind != NodeKind::kPhoto) {
    return ENOENT;
  }
  if (writes) return ReadOnly() ? EROFS : EPERM;  // made from the photo
  // The content as of now, in an anonymous file the reads go through like
  // any other original's.
  const std::string content = TrashInfoContent(entry->name, entry->trashed);
  auto h = std::make_unique<ReadHandle>();
  h->ino = ino;
  h->fd = UniqueFd(::memfd_create("trashinfo", MFD_CLOEXEC));
  if (!h->fd) return errno;
  if (::pwrite(h->fd.get(), content.data(), content.size(), 0) !=
      static_cast<ssize_t>(content.size())) {
    return EIO;
  }
  struct stat attr {};
  ToStat(TrashInfoAttrOf(*entry), &attr);
  TrackOpen_locked(*h, attr);
  *out = std::move(h);
  return 0;
}

}  // namespace octopus::fs
