// Library::Fsck: the database and the blob store must agree.
//
// Checks, per photo row: the original exists, has the recorded size and
// SHA-256, and both thumbnails exist. Per user: used_bytes and photo_count
// equal the sums over their rows. Per file under storage/: some row names
// it (else it is an orphan, left by a crash between the blob commit and
// the row insert, or between a row delete and the unlink).
//
// Repair: a row whose original is missing or corrupt is removed (its bytes
// are gone; the corrupt file is moved to storage/lost+found/); missing
// thumbnails are rebuilt; usage totals are recomputed; orphans older than
// a minute are deleted (younger ones may belong to an ingest in progress in
// another process); staged uploads older than a day are deleted.
#include <sys/stat.h>

#include <chrono>
#include <map>
#include <set>

#include "core/file_util.h"
#include "core/grouping.h"
#include "core/image/media_type.h"
#include "core/image/thumbnailer.h"
#include "core/library.h"
#include "core/library_impl.h"

namespace octopus {

namespace fs = std::filesystem;

namespace {

bool OlderThan(const fs::path& p, std::chrono::seconds age) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) return false;
  return std::time(nullptr) - st.st_mtime > age.count();
}

}  // namespace

Result<FsckReport> Library::Fsck(bool repair) {
  FsckReport report;
  const BlobStore& blobs = impl_->blobs;
  auto db = impl_->pool.Acquire();
  if (!db.ok()) return db.status();

  std::vector<Photo> photos;
  {
    auto stmt = (*db)->Prepare(std::string("SELECT ") + kPhotoColumns + " FROM photos");
    if (!stmt.ok()) return stmt.status();
    while (true) {
      auto row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      photos.push_back(ReadPhoto(*stmt));
    }
  }

  std::set<fs::path> known;
  std::vector<Photo> broken;
  for (const Photo& p : photos) {
    const fs::path original = blobs.PathOf(p.owner, p.sha256, BlobKind::kOriginal);
    known.insert(original);
    known.insert(blobs.PathOf(p.owner, p.sha256, BlobKind::kSmall));
    known.insert(blobs.PathOf(p.owner, p.sha256, BlobKind::kPreview));
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
      const fs::path thumb = blobs.PathOf(p.owner, p.sha256, kind);
      if (fs::exists(thumb, ec)) continue;
      report.problems.push_back("photo " + p.id + ": thumbnail missing: " + thumb.string());
      if (!repair) continue;
      auto file = MappedFile::Open(original);
      if (!file.ok()) continue;
      image::ThumbnailSpec spec;
      spec.small_px = impl_->config.thumb_small_px;
      spec.preview_px = impl_->config.thumb_preview_px;
      spec.quality = impl_->config.thumb_quality;
      spec.max_pixels = impl_->config.max_pixels;
      auto thumbs = image::MakeThumbnails(file->bytes(),
                                          image::DetectMediaType(file->bytes().subspan(
                                              0, std::min<std::size_t>(64, file->bytes().size()))),
                                          p.meta.orientation, spec);
      if (!thumbs.ok()) continue;
      const std::string& jpeg =
          kind == BlobKind::kSmall ? thumbs->small_jpeg : thumbs->preview_jpeg;
      if (blobs.CommitThumbnail(p.owner, p.sha256, kind, jpeg).ok()) ++report.repaired;
    }
  }

  if (repair) {
    for (const Photo& p : broken) {
      const fs::path original = blobs.PathOf(p.owner, p.sha256, BlobKind::kOriginal);
      std::error_code ec;
      if (fs::exists(original, ec)) {
        const fs::path lost = impl_->config.storage_dir() / "lost+found";
        fs::create_directories(lost, ec);
        fs::rename(original, lost / (p.id + "-" + SafeFileName(p.filename)), ec);
      }
      auto revoking = impl_->epoch->BeginWrite();  // see DeletePhoto
      if (!revoking.ok()) return revoking.status();
      auto tx = db::Transaction::Begin(**db);
      if (!tx.ok()) return tx.status();
      auto del = (*db)->Prepare("DELETE FROM photos WHERE id = ?");
      if (!del.ok()) return del.status();
      del->Bind(1, p.id);
      if (Status s = del->Run(); !s.ok()) return s;
      if (Status s = tx->Commit(); !s.ok()) return s;
      blobs.Remove(p.owner, p.sha256);
      ++report.repaired;
    }
  }

  // Usage totals, after any repair above removed rows.
  {
    auto stmt = (*db)->Prepare(
        "SELECT u.id, u.name, u.used_bytes, u.photo_count, "
        "COALESCE(SUM(p.size), 0), COUNT(p.id) FROM users u LEFT JOIN photos p ON p.owner = u.id "
        "GROUP BY u.id");
    if (!stmt.ok()) return stmt.status();
    std::vector<std::tuple<UserId, std::int64_t, std::int64_t>> fixes;
    while (true) {
      auto row = stmt->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      if (stmt->Int(2) != stmt->Int(4) || stmt->Int(3) != stmt->Int(5)) {
        report.problems.push_back(
            "user " + stmt->Text(1) + ": usage recorded as " + std::to_string(stmt->Int(2)) +
            " bytes in " + std::to_string(stmt->Int(3)) + " photos, actual " +
            std::to_string(stmt->Int(4)) + " bytes in " + std::to_string(stmt->Int(5)));
        fixes.emplace_back(stmt->Int(0), stmt->Int(4), stmt->Int(5));
      }
    }
    if (repair) {
      for (const auto& [id, bytes, count] : fixes) {
        auto up = (*db)->Prepare(
            "UPDATE users SET used_bytes = ?, photo_count = ?, generation = generation + 1 "
            "WHERE id = ?");
        if (!up.ok()) return up.status();
        up->Bind(1, bytes).Bind(2, count).Bind(3, id);
        if (Status s = up->Run(); !s.ok()) return s;
        ++report.repaired;
      }
    }
  }

  // Orphans: files in the store that no row names.
  std::error_code ec;
  const fs::path root = impl_->config.storage_dir();
  for (auto it = fs::recursive_directory_iterator(root, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const fs::path p = it->path();
    if (it->is_directory()) {
      if (p.filename() == "lost+found") it.disable_recursion_pending();
      continue;
    }
    if (p.parent_path() == blobs.StagingDir()) {
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
