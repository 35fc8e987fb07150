// The photo is imported when the copying program closes the file (flush),
// which is the last moment an error can still reach it: the kernel ignores
// what release returns. Where a refusal is told is chosen for the copying
// tools: at close, except for rsync's temporary file, whose refusal waits
// for its rename (see Flush).
#include <unistd.h>

#include <ctime>

#include "core/copy_names.h"
#include "fs/errno_map.h"
#include "fs/ops.h"

namespace octopus::fs {

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

void OpFlush(fuse_req_t req, fuse_ino_t /*ino*/, fuse_file_info* fi) {
  Guard(req, "flush", [&] { fuse_reply_err(req, Fs(req).Flush(HandleOf(fi))); });
}

void OpFsync(fuse_req_t req, fuse_ino_t /*ino*/, int /*datasync*/, fuse_file_info* /*fi*/) {
  // Durability comes with the import: the store fsyncs before it commits.
  Guard(req, "fsync", [&] { fuse_reply_err(req, 0); });
}

}  // namespace octopus::fs
