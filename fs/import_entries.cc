// Filesystem's part of import/ as a sync target: what it received is
// recorded in the library (core/store/import_store.h) and listed again
// when the mount starts. A failure to record is logged and costs only the
// memory of that copy after a remount (a later copy sends it again, as a
// duplicate); it never fails the copy that worked.
#include <spdlog/spdlog.h>

#include "fs/mount_state.h"

namespace octopus::fs {

void MountState::AddImportEntry_locked(const ImportEntry& entry) {
  Ino dir = Tree::kImport;
  std::string_view rest = entry.path;
  while (true) {
    const std::size_t slash = rest.find('/');
    const std::string_view part = rest.substr(0, slash);
    if (part.empty() || part == "." || part == ".." || part.size() > 255) return;  // not ours
    const auto child = tree_.Child(dir, part);
    if (slash == std::string_view::npos) {
      if (child) return;  // a name in use: the first one stays
      // No photo: a companion file (its bytes were dropped).
      const Node n = tree_.AddOverlay(
          dir, part, entry.photo_id.empty() ? NodeKind::kScratch : NodeKind::kStaged,
          Area::kImport);
      OverlayData* o = tree_.Overlay(n.ino);
      o->photo_id = entry.photo_id;
      o->size = entry.size;
      o->mtime = entry.mtime;
      return;
    }
    if (child && child->kind != NodeKind::kDir) return;
    dir = child ? child->ino : tree_.AddOverlay(dir, part, NodeKind::kDir, Area::kImport).ino;
    rest = rest.substr(slash + 1);
  }
}

bool MountState::IsImportRecord(const Node& n) {
  if (n.area != Area::kImport) return false;
  return (n.kind == NodeKind::kStaged && !n.photo_id.empty()) || n.kind == NodeKind::kScratch;
}

void MountState::RecordImport(const ImportEntry& entry) {
  if (Status s = library_.import_records().Put(options_.user, entry); !s.ok()) {
    spdlog::warn("mount: cannot record import/{}: {}", entry.path, s.ToString());
  }
}

void MountState::ForgetImport(const std::string& path) {
  if (Status s = library_.import_records().Remove(options_.user, path); !s.ok()) {
    spdlog::warn("mount: cannot forget import/{}: {}", path, s.ToString());
  }
}

void MountState::MoveImport(const std::string& from, const std::string& to) {
  if (Status s = library_.import_records().Move(options_.user, from, to); !s.ok()) {
    spdlog::warn("mount: cannot record the rename of import/{}: {}", from, s.ToString());
  }
}

}  // namespace octopus::fs
