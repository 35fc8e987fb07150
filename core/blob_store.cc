#include "core/blob_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/file_util.h"

namespace octopus {

namespace fs = std::filesystem;

BlobStore::BlobStore(fs::path root) : root_(std::move(root)) {}

Status BlobStore::Init() const { return EnsureDir(StagingDir()); }

Status BlobStore::EnsureDir(const fs::path& dir) const {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return Status::Ok();
  fs::create_directories(dir, ec);
  if (ec) return Status::IoError("cannot create " + dir.string(), ec.value());
  // Make the new directory entries themselves durable.
  for (fs::path p = dir; p != root_ && p.has_parent_path(); p = p.parent_path()) {
    (void)FsyncPath(p.parent_path());
  }
  return Status::Ok();
}

fs::path BlobStore::UserDir(UserId owner) const { return root_ / std::to_string(owner); }

fs::path BlobStore::PathOf(UserId owner, const std::string& sha256, BlobKind kind) const {
  fs::path dir = UserDir(owner) / sha256.substr(0, 2);
  switch (kind) {
    case BlobKind::kOriginal:
      return dir / sha256;
    case BlobKind::kSmall:
      return dir / (sha256 + ".small.jpg");
    case BlobKind::kPreview:
      return dir / (sha256 + ".preview.jpg");
  }
  return dir / sha256;
}

Status BlobStore::CommitOriginal(UserId owner, const std::string& sha256, const fs::path& source,
                                 bool move, const Contents& bytes, DirSync dir_sync) const {
  const fs::path target = PathOf(owner, sha256, BlobKind::kOriginal);
  if (Status s = EnsureDir(target.parent_path()); !s.ok()) return s;
  if (!move) return WriteFileAtomic(target, bytes, dir_sync);
  // The staged file may have been written without fsync (the FUSE write
  // path does not): make its data durable before it gets its final name.
  if (Status s = FsyncPath(source); !s.ok()) return s;
  if (::rename(source.c_str(), target.c_str()) != 0) {
    if (errno != EXDEV) return Status::IoError("cannot move " + source.string(), errno);
    if (Status s = WriteFileAtomic(target, bytes, dir_sync); !s.ok()) return s;
    ::unlink(source.c_str());
  }
  ::chmod(target.c_str(), 0600);
  return dir_sync == DirSync::kNow ? FsyncPath(target.parent_path()) : Status::Ok();
}

Status BlobStore::CommitThumbnail(UserId owner, const std::string& sha256, BlobKind kind,
                                  std::string_view jpeg, DirSync dir_sync) const {
  const fs::path target = PathOf(owner, sha256, kind);
  if (Status s = EnsureDir(target.parent_path()); !s.ok()) return s;
  return WriteFileAtomic(target, jpeg, dir_sync);
}

Status BlobStore::SyncDir(UserId owner, const std::string& sha256) const {
  return FsyncPath(PathOf(owner, sha256, BlobKind::kOriginal).parent_path());
}

void BlobStore::Remove(UserId owner, const std::string& sha256) const {
  for (BlobKind kind : {BlobKind::kSmall, BlobKind::kPreview, BlobKind::kOriginal}) {
    ::unlink(PathOf(owner, sha256, kind).c_str());
  }
  (void)FsyncPath(PathOf(owner, sha256, BlobKind::kOriginal).parent_path());
}

}  // namespace octopus
