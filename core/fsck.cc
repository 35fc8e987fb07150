#include "core/fsck.h"

#include <sys/stat.h>

#include <chrono>
#include <set>

#include "core/file_util.h"
#include "core/grouping.h"
#include "core/image/media_type.h"
#include "core/image/thumbnailer.h"
#include "core/store/photo_store.h"
#include "core/store/run_in_transaction.h"
#include "core/store/user_store.h"
#include "core/thumbnail_spec.h"

namespace octopus {

namespace fs = std::filesystem;

namespace {

bool OlderThan(const fs::path& p, std::chrono::seconds age) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) return false;
  return std::time(nullptr) - st.st_mtime > age.count();
}

// Rebuilds one missing thumbnail from the original; false if it cannot.
bool RebuildThumbnail(const Config& config, const BlobStore& blobs, const Photo& p, BlobKind kind) {
  auto file = MappedFile::Open(blobs.PathOf(p.owner, p.sha256, BlobKind::kOriginal));
  if (!file.ok()) return false;
  const image::ThumbnailSpec spec = ThumbnailSpecFor(config);
  const auto bytes = file->bytes();
  auto thumbs = image::MakeThumbnails(
      bytes, image::DetectMediaType(bytes.subspan(0, std::min<std::size_t>(64, bytes.size()))),
      p.meta.orientation, spec);
  if (!thumbs.ok()) return false;
  const std::string& jpeg = kind == BlobKind::kSmall ? thumbs->small_jpeg : thumbs->preview_jpeg;
  return blobs.CommitThumbnail(p.owner, p.sha256, kind, jpeg).ok();
}

}  // namespace

Result<FsckReport> Fsck::Run(bool repair) {
  FsckReport report;
  ASSIGN_OR_RETURN(auto db, pool_.Acquire());
  PhotoStore photos(*db);
  UserStore users(*db);

  std::vector<Photo> all;
  RETURN_IF_ERROR(photos.ForEachInLibrary([&](const Photo& p) { all.push_back(p); }));

  std::set<fs::path> known;
  std::vector<Photo> broken;
  for (const Photo& p : all) {
    const fs::path original = blobs_.PathOf(p.owner, p.sha256, BlobKind::kOriginal);
    known.insert(original);
    known.insert(blobs_.PathOf(p.owner, p.sha256, BlobKind::kSmall));
    known.insert(blobs_.PathOf(p.owner, p.sha256, BlobKind::kPreview));
    std::error_code ec;
    const auto size = fs::file_size(original, ec);
    if (ec) {
      report.problems.push_back("photo " + p.id + " (" + p.filename + "): original missing");
      broken.push_back(p);
      continue;
    }
    auto sha = Sha256File(original);
    if (static_cast<std::int64_t>(size) != p.size || !sha.ok() || *sha != p.sha256) {
      report.problems.push_back("photo " + p.id + " (" + p.filename +
                                "): original does not match its SHA-256");
      broken.push_back(p);
      continue;
    }
    for (BlobKind kind : {BlobKind::kSmall, BlobKind::kPreview}) {
      const fs::path thumb = blobs_.PathOf(p.owner, p.sha256, kind);
      if (fs::exists(thumb, ec)) continue;
      report.problems.push_back("photo " + p.id + ": thumbnail missing: " + thumb.string());
      if (repair && RebuildThumbnail(config_, blobs_, p, kind)) ++report.repaired;
    }
  }

  if (repair) {
    for (const Photo& p : broken) {
      const fs::path original = blobs_.PathOf(p.owner, p.sha256, BlobKind::kOriginal);
      std::error_code ec;
      if (fs::exists(original, ec)) {
        const fs::path lost = config_.storage_dir() / "lost+found";
        fs::create_directories(lost, ec);
        fs::rename(original, lost / (p.id + "-" + SafeFileName(p.filename)), ec);
      }
      // See Photos::Purge. Usage is recounted below.
      RETURN_IF_ERROR(epoch_.RunRevoking(
          *db, [&](db::Database& tx) { return PhotoStore(tx).Delete(p.owner, p.id).status(); }));
      blobs_.Remove(p.owner, p.sha256);
      ++report.repaired;
    }
  }

  // Usage totals, after any repair above removed rows.
  ASSIGN_OR_RETURN(const auto audit, users.AuditUsage());
  for (const UsageAudit& u : audit) {
    if (u.recorded_bytes == u.actual_bytes && u.recorded_count == u.actual_count) continue;
    report.problems.push_back(
        "user " + u.name + ": usage recorded as " + std::to_string(u.recorded_bytes) +
        " bytes in " + std::to_string(u.recorded_count) + " photos, actual " +
        std::to_string(u.actual_bytes) + " bytes in " + std::to_string(u.actual_count));
    if (repair) {
      RETURN_IF_ERROR(RunInTransaction(*db, [&](db::Database& conn) {
        return UserStore(conn).SetUsage(u.id, u.actual_bytes, u.actual_count);
      }));
      ++report.repaired;
    }
  }

  // Orphans: files in the store that no row names.
  std::error_code ec;
  const fs::path root = config_.storage_dir();
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path p = it->path();
    if (it->is_directory()) {
      if (p.filename() == "lost+found") it.disable_recursion_pending();
      continue;
    }
    if (p.parent_path() == blobs_.StagingDir()) {
      if (OlderThan(p, std::chrono::hours(24))) {
        report.problems.push_back("stale staged upload: " + p.string());
        if (repair && fs::remove(p, ec)) ++report.repaired;
      }
      continue;
    }
    if (known.count(p)) continue;
    report.problems.push_back("orphan file: " + p.string());
    if (repair && OlderThan(p, std::chrono::seconds(60)) && fs::remove(p, ec)) ++report.repaired;
  }
  return report;
}

}  // namespace octopus
