// The blob store: originals, content-addressed per owner, with their
// thumbnails beside them:
//   storage/<owner>/<aa>/<sha256>              the original's bytes
//   storage/<owner>/<aa>/<sha256>.small.jpg    grid thumbnail
//   storage/<owner>/<aa>/<sha256>.preview.jpg  preview
//   storage/tmp/                               staged uploads (same filesystem,
//                                              so commit is a rename)
// Every file appears by rename after fsync, and the directory is fsynced,
// before the database row that names it is written: after a crash a blob may
// exist without a row (fsck removes it), never a row without its blob.
//
// Thread-safe: holds no mutable state.
#pragma once

#include <filesystem>
#include <span>
#include <string>

#include "core/file_util.h"
#include "core/photo.h"
#include "core/status.h"

namespace octopus {

enum class BlobKind { kOriginal, kSmall, kPreview };

class BlobStore {
 public:
  explicit BlobStore(std::filesystem::path root);

  Status Init() const;  // creates root and tmp/
  std::filesystem::path StagingDir() const { return root_ / "tmp"; }
  std::filesystem::path UserDir(UserId owner) const;
  std::filesystem::path PathOf(UserId owner, const std::string& sha256, BlobKind kind) const;

  // Puts `source` in place as the original: renamed if `move` (it must be
  // on the store's filesystem, e.g. staged in StagingDir()), else copied
  // from `bytes` (the source's content, already read). fsyncs the file, and
  // the directory unless `dir_sync` leaves that to SyncDir.
  Status CommitOriginal(UserId owner, const std::string& sha256,
                        const std::filesystem::path& source, bool move, const Contents& bytes,
                        DirSync dir_sync = DirSync::kNow) const;
  Status CommitThumbnail(UserId owner, const std::string& sha256, BlobKind kind,
                         std::string_view jpeg, DirSync dir_sync = DirSync::kNow) const;
  // Makes the names of a photo's blobs durable (they share one directory).
  Status SyncDir(UserId owner, const std::string& sha256) const;
  // Removes the original and its thumbnails; absent files are fine.
  void Remove(UserId owner, const std::string& sha256) const;

 private:
  Status EnsureDir(const std::filesystem::path& dir) const;
  std::filesystem::path root_;
};

}  // namespace octopus
