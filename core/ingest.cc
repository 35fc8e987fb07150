#include "core/ingest.h"

#include <unistd.h>

#include "core/blob_gc.h"
#include "core/file_util.h"
#include "core/grouping.h"
#include "core/image/media_type.h"
#include "core/image/metadata_reader.h"
#include "core/image/thumbnailer.h"
#include "core/places/place_index.h"
#include "core/quota.h"
#include "core/random.h"
#include "core/store/photo_store.h"
#include "core/store/run_in_transaction.h"
#include "core/store/user_store.h"
#include "core/thumbnail_spec.h"

namespace octopus {
namespace {

// Removes a consumed source on every path out of Ingest.
class SourceGuard {
 public:
  explicit SourceGuard(const IngestRequest& r) : r_(r) {}
  ~SourceGuard() {
    if (r_.consume_source) ::unlink(r_.source.c_str());
  }

 private:
  const IngestRequest& r_;
};

std::optional<Place> LookUpPlace(const places::PlaceIndex* index, const ImageMetadata& meta) {
  if (!index || !meta.gps) return std::nullopt;
  return index->Nearest(meta.gps->lat, meta.gps->lon);
}

// Inside the ingest transaction: a delete of an earlier photo with the same
// bytes may have removed the blobs this ingest wrote before it took the
// lock. Puts back whatever is missing, so the row never names a lost blob.
Status RestoreMissingBlobs_locked(const BlobStore& blobs, UserId owner, const std::string& sha,
                                  const image::Thumbnails& thumbs, const Contents& original) {
  std::error_code ec;
  for (const auto& [kind, jpeg] :
       {std::pair<BlobKind, const std::string&>{BlobKind::kSmall, thumbs.small_jpeg},
        {BlobKind::kPreview, thumbs.preview_jpeg}}) {
    if (std::filesystem::exists(blobs.PathOf(owner, sha, kind), ec)) continue;
    RETURN_IF_ERROR(blobs.CommitThumbnail(owner, sha, kind, jpeg));
  }
  const auto target = blobs.PathOf(owner, sha, BlobKind::kOriginal);
  if (!std::filesystem::exists(target, ec)) return WriteFileAtomic(target, original);
  return Status::Ok();
}

// The photo's three blobs, each fsynced, then their directory once.
Status CommitBlobs(const BlobStore& blobs, const Photo& photo, const image::Thumbnails& thumbs,
                   const IngestRequest& request, const Contents& original) {
  RETURN_IF_ERROR(blobs.CommitThumbnail(photo.owner, photo.sha256, BlobKind::kSmall,
                                        thumbs.small_jpeg, DirSync::kLater));
  RETURN_IF_ERROR(blobs.CommitThumbnail(photo.owner, photo.sha256, BlobKind::kPreview,
                                        thumbs.preview_jpeg, DirSync::kLater));
  RETURN_IF_ERROR(blobs.CommitOriginal(photo.owner, photo.sha256, request.source,
                                       request.consume_source, original, DirSync::kLater));
  return blobs.SyncDir(photo.owner, photo.sha256);
}

// The same bytes are stored already: the photo they are, or, when it is in
// the trash, that photo brought back (re-importing a deleted photo restores
// it rather than making a second). Inside the caller's write transaction.
Result<IngestResult> KnownBytes(PhotoStore& photos, Photo existing) {
  if (!existing.trashed_at) return IngestResult{IngestOutcome::kDuplicate, std::move(existing)};
  ASSIGN_OR_RETURN(Photo restored, photos.Restore(existing.owner, existing.id));
  return IngestResult{IngestOutcome::kRestored, std::move(restored)};
}

// The row and the charge, in one transaction that checks again, under the
// write lock, what another process may have done since the first check:
// imported the same bytes, or used the quota. On PostgreSQL a rerun (after
// a conflict with such a writer) checks all of it again; putting back
// missing blobs is safe to repeat.
Result<IngestResult> Record(ConnectionPool& pool, const BlobStore& blobs, const Photo& photo,
                            const image::Thumbnails& thumbs, const Contents& original) {
  std::optional<IngestResult> result;
  const auto body = [&](db::Database& db) -> Status {
    result.reset();
    PhotoStore photos(db);
    UserStore users(db);
    // First: after a blob removal of the same bytes (blob_gc.h) has ended,
    // so that the blobs put back below stay.
    RETURN_IF_ERROR(users.SerializeWith(photo.owner));
    ASSIGN_OR_RETURN(auto existing, photos.FindBySha(photo.owner, photo.sha256));
    if (existing) {
      ASSIGN_OR_RETURN(result, KnownBytes(photos, std::move(*existing)));
      return Status::Ok();
    }
    RETURN_IF_ERROR(QuotaEngine::CheckIn(users, photo.owner, photo.size));
    RETURN_IF_ERROR(RestoreMissingBlobs_locked(blobs, photo.owner, photo.sha256, thumbs, original));
    RETURN_IF_ERROR(photos.Insert(photo));
    RETURN_IF_ERROR(users.Charge(photo.owner, photo.size, 1));
    result = IngestResult{IngestOutcome::kImported, photo};
    return Status::Ok();
  };
  const RetryPolicy queued{.queue_key = photo.owner};
  Status status = RunInTransaction(pool, body, queued);
  // PostgreSQL: the same bytes committed by another server after this
  // transaction's FindBySha may surface as the unique (owner, sha256)
  // violation rather than a serialization failure (it did, with two servers
  // uploading one file at once: a 409 quoting the SQL). One more run sees
  // that row and answers "duplicate", as one server does.
  if (status.code() == Code::kAlreadyExists) status = RunInTransaction(pool, body, queued);
  RETURN_IF_ERROR(status);
  return std::move(*result);
}

}  // namespace

Result<IngestResult> Ingestor::Ingest(UserId owner, const IngestRequest& request) {
  SourceGuard guard(request);
  const std::string shown = SafeFileName(
      request.filename.empty() ? request.source.filename().string() : request.filename);
  ASSIGN_OR_RETURN(const MappedFile file, MappedFile::Open(request.source));
  const auto bytes = file.bytes();
  // Every front end names the file beside the message: it is not repeated.
  if (bytes.empty()) return Status::UnsupportedMedia("not a supported image: the file is empty");
  const auto type =
      image::DetectMediaType(bytes.subspan(0, std::min<std::size_t>(bytes.size(), 64)));
  if (type == image::MediaType::kUnknown) {
    return Status::UnsupportedMedia("not a supported image: not JPEG or HEIC");
  }
  // The header and EXIF first: they are cheap and refuse a broken file or a
  // decompression bomb before its bytes are even hashed.
  ASSIGN_OR_RETURN(ImageMetadata meta, image::ReadMetadata(bytes, type));
  const std::uint64_t pixels =
      static_cast<std::uint64_t>(meta.width) * static_cast<std::uint64_t>(meta.height);
  if (pixels > config_.max_pixels) {
    return Status::TooLarge("image too large: " + std::to_string(meta.width) + "x" +
                            std::to_string(meta.height) + " is over the limit of " +
                            std::to_string(config_.max_pixels) + " pixels");
  }
  const std::string sha = Sha256Hex(bytes);
  const auto size = static_cast<std::int64_t>(bytes.size());

  // Then duplicate and quota, before the expensive decode.
  std::optional<Photo> existing;
  {
    ASSIGN_OR_RETURN(auto db, pool_.Acquire());
    ASSIGN_OR_RETURN(existing, PhotoStore(*db).FindBySha(owner, sha));
    if (existing && !existing->trashed_at) {
      return IngestResult{IngestOutcome::kDuplicate, std::move(*existing)};
    }
    if (!existing) {
      UserStore users(*db);
      RETURN_IF_ERROR(QuotaEngine::CheckIn(users, owner, size));
    }
  }  // the lease is returned before the transaction below takes one
  if (existing) {
    // Restored in a write transaction that looks again: it may have been
    // purged meanwhile (then it is imported afresh below).
    std::optional<IngestResult> known;
    RETURN_IF_ERROR(RunInTransaction(pool_, [&](db::Database& db) -> Status {
      known.reset();
      PhotoStore photos(db);
      ASSIGN_OR_RETURN(auto again, photos.FindBySha(owner, sha));
      if (again) {
        ASSIGN_OR_RETURN(known, KnownBytes(photos, std::move(*again)));
      }
      return Status::Ok();
    }));
    if (known) return std::move(*known);
  }

  const image::ThumbnailSpec spec = ThumbnailSpecFor(config_);
  ASSIGN_OR_RETURN(const image::Thumbnails thumbs,
                   image::MakeThumbnails(bytes, type, meta.orientation, spec));

  Photo photo;
  photo.id = RandomHex(16);
  photo.owner = owner;
  photo.filename = shown;
  photo.size = size;
  photo.sha256 = sha;
  photo.meta = std::move(meta);
  if (photo.meta.taken_at.empty()) {
    photo.meta.taken_at = LocalTimeIso8601(request.mtime.value_or(file.mtime()));
    photo.meta.taken_at_estimated = true;
  }
  photo.place = LookUpPlace(places_, photo.meta);
  photo.imported_at = UtcNowIso8601();

  // Blobs first, durable, then the row that names them. On failure the
  // blobs go only if no row names them: a photo with the same bytes may
  // have been imported meanwhile by another thread or process.
  Status committed = CommitBlobs(blobs_, photo, thumbs, request, file.contents());
  if (committed.ok()) {
    auto recorded = Record(pool_, blobs_, photo, thumbs, file.contents());
    // (A failed transaction was rolled back when Record returned, before the
    // clean-up below.)
    if (recorded.ok()) return recorded;
    committed = recorded.status();
  }
  (void)RemoveUnreferencedBlobs(pool_, blobs_, owner, sha);
  return committed;
}

}  // namespace octopus
