// Library: the one ingest path and the owner-scoped photo queries.
#include <unistd.h>

#include <cmath>
#include <set>

#include "core/file_util.h"
#include "core/grouping.h"
#include "core/image/media_type.h"
#include "core/image/metadata_reader.h"
#include "core/image/thumbnailer.h"
#include "core/library.h"
#include "core/library_impl.h"
#include "core/photo_cursor.h"
#include "core/places/place_index.h"
#include "core/random.h"

namespace octopus {

namespace {
// A 1440 px JPEG preview is a few hundred kilobytes; anything far larger in
// the thumbnail folder is not a thumbnail of ours.
constexpr std::size_t kMaxThumbnailBytes = 32 * 1024 * 1024;
}  // namespace

const char* const kPhotoColumns =
    "id, owner, filename, size, sha256, mime, width, height, orientation, taken_at, "
    "taken_at_offset, taken_at_estimated, camera_make, camera_model, iso, exposure_time, "
    "f_number, focal_length_mm, lens, gps_lat, gps_lon, gps_alt, place_country, "
    "place_country_code, place_region, place_city, imported_at";

Photo ReadPhoto(const db::Statement& s) {
  Photo p;
  p.id = s.Text(0);
  p.owner = s.Int(1);
  p.filename = s.Text(2);
  p.size = s.Int(3);
  p.sha256 = s.Text(4);
  p.meta.mime = s.Text(5);
  p.meta.width = static_cast<int>(s.Int(6));
  p.meta.height = static_cast<int>(s.Int(7));
  p.meta.orientation = static_cast<int>(s.Int(8));
  p.meta.taken_at = s.Text(9);
  p.meta.taken_at_offset = s.OptText(10);
  p.meta.taken_at_estimated = s.Int(11) != 0;
  p.meta.camera.make = s.Text(12);
  p.meta.camera.model = s.Text(13);
  if (auto iso = s.OptInt(14)) p.meta.exif.iso = static_cast<int>(*iso);
  p.meta.exif.exposure_time = s.OptDouble(15);
  p.meta.exif.f_number = s.OptDouble(16);
  p.meta.exif.focal_length_mm = s.OptDouble(17);
  p.meta.exif.lens = s.Text(18);
  if (!s.IsNull(19) && !s.IsNull(20)) {
    p.meta.gps = GpsPoint{s.Double(19), s.Double(20), s.OptDouble(21)};
  }
  if (!s.IsNull(22)) {
    p.place = Place{s.Text(22), s.Text(23), s.Text(24), s.Text(25)};
  }
  p.imported_at = s.Text(26);
  return p;
}

namespace {

Status QuotaError(std::int64_t needed, const User& user) {
  const std::int64_t free = std::max<std::int64_t>(0, user.quota_bytes - user.used_bytes);
  return Status::QuotaExceeded("quota exceeded: needs " + FormatSize(needed) + ", " +
                               FormatSize(free) + " of " + FormatSize(user.quota_bytes) + " free");
}

std::optional<Place> LookUpPlace(const places::PlaceIndex* index, const ImageMetadata& meta) {
  if (!index || !meta.gps) return std::nullopt;
  return index->Nearest(meta.gps->lat, meta.gps->lon);
}

// Removes a consumed source on every path out of Ingest.
class SourceGuard {
 public:
  SourceGuard(const IngestRequest& r) : r_(r) {}
  ~SourceGuard() {
    if (r_.consume_source) ::unlink(r_.source.c_str());
  }

 private:
  const IngestRequest& r_;
};

Result<std::optional<Photo>> FindBySha(db::Database& db, UserId owner, const std::string& sha) {
  auto stmt = db.Prepare(std::string("SELECT ") + kPhotoColumns +
                         " FROM photos WHERE owner = ? AND sha256 = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, owner).Bind(2, sha);
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return std::optional<Photo>();
  return std::optional<Photo>(ReadPhoto(*stmt));
}

Result<User> ReadUserUsage(db::Database& db, UserId owner) {
  auto stmt = db.Prepare("SELECT quota_bytes, used_bytes FROM users WHERE id = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, owner);
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such user");
  User u;
  u.id = owner;
  u.quota_bytes = stmt->Int(0);
  u.used_bytes = stmt->Int(1);
  return u;
}

Status InsertPhoto(db::Database& db, const Photo& p) {
  auto stmt = db.Prepare(
      "INSERT INTO photos (id, owner, filename, size, sha256, mime, width, height, orientation, "
      "taken_at, taken_at_offset, taken_at_estimated, camera_make, camera_model, camera_label, "
      "iso, exposure_time, f_number, focal_length_mm, lens, gps_lat, gps_lon, gps_alt, "
      "place_country, place_country_code, place_region, place_city, imported_at) "
      "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!stmt.ok()) return stmt.status();
  const ImageMetadata& m = p.meta;
  stmt->Bind(1, p.id).Bind(2, p.owner).Bind(3, p.filename).Bind(4, p.size).Bind(5, p.sha256);
  stmt->Bind(6, m.mime).Bind(7, m.width).Bind(8, m.height).Bind(9, m.orientation);
  stmt->Bind(10, m.taken_at).Bind(11, m.taken_at_offset).Bind(12, m.taken_at_estimated ? 1 : 0);
  stmt->Bind(13, m.camera.make).Bind(14, m.camera.model).Bind(15, CameraLabel(m.camera));
  stmt->Bind(16, m.exif.iso).Bind(17, m.exif.exposure_time).Bind(18, m.exif.f_number);
  stmt->Bind(19, m.exif.focal_length_mm).Bind(20, m.exif.lens);
  if (m.gps) {
    stmt->Bind(21, m.gps->lat).Bind(22, m.gps->lon).Bind(23, m.gps->alt);
  } else {
    stmt->BindNull(21).BindNull(22).BindNull(23);
  }
  if (p.place) {
    stmt->Bind(24, p.place->country).Bind(25, p.place->country_code);
    stmt->Bind(26, p.place->region).Bind(27, p.place->city);
  } else {
    stmt->BindNull(24).BindNull(25).BindNull(26).BindNull(27);
  }
  stmt->Bind(28, p.imported_at);
  return stmt->Run();
}

// Adds `delta_bytes`/`delta_count` to the owner's usage and bumps the
// generation the front ends watch.
Status ChargeUser(db::Database& db, UserId owner, std::int64_t delta_bytes, int delta_count) {
  auto stmt = db.Prepare(
      "UPDATE users SET used_bytes = used_bytes + ?, photo_count = photo_count + ?, "
      "generation = generation + 1 WHERE id = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, delta_bytes).Bind(2, delta_count).Bind(3, owner);
  return stmt->Run();
}

// Removes the blobs of (owner, sha) unless a row names them. Call inside a
// write transaction: that lock is what orders this against an ingest of
// the same bytes (which writes its blobs before taking it, and puts back
// any that went missing once it holds it).
Status RemoveUnreferencedBlobs_locked(db::Database& db, const BlobStore& blobs, UserId owner,
                                      const std::string& sha) {
  auto existing = FindBySha(db, owner, sha);
  if (!existing.ok()) return existing.status();
  if (!*existing) blobs.Remove(owner, sha);
  return Status::Ok();
}

Status RemoveUnreferencedBlobs(ConnectionPool& pool, const BlobStore& blobs, UserId owner,
                               const std::string& sha) {
  auto db = pool.Acquire();
  if (!db.ok()) return db.status();
  auto tx = db::Transaction::Begin(**db);
  if (!tx.ok()) return tx.status();
  if (Status s = RemoveUnreferencedBlobs_locked(**db, blobs, owner, sha); !s.ok()) return s;
  return tx->Commit();
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
    if (Status s = blobs.CommitThumbnail(owner, sha, kind, jpeg); !s.ok()) return s;
  }
  const auto target = blobs.PathOf(owner, sha, BlobKind::kOriginal);
  if (!std::filesystem::exists(target, ec)) return WriteFileAtomic(target, original);
  return Status::Ok();
}

}  // namespace

Status Library::CheckQuota(UserId owner, std::int64_t additional_bytes) {
  auto db = impl_->pool.Acquire();
  if (!db.ok()) return db.status();
  auto user = ReadUserUsage(**db, owner);
  if (!user.ok()) return user.status();
  if (user->used_bytes + additional_bytes > user->quota_bytes) {
    return QuotaError(additional_bytes, *user);
  }
  return Status::Ok();
}

Result<IngestResult> Library::Ingest(UserId owner, const IngestRequest& request) {
  SourceGuard guard(request);
  const std::string shown = SafeFileName(
      request.filename.empty() ? request.source.filename().string() : request.filename);
  auto file = MappedFile::Open(request.source);
  if (!file.ok()) return file.status();
  const auto bytes = file->bytes();
  if (bytes.empty()) return Status::UnsupportedMedia("not a supported image: the file is empty");
  const auto type =
      image::DetectMediaType(bytes.subspan(0, std::min<std::size_t>(bytes.size(), 64)));
  if (type == image::MediaType::kUnknown) {
    return Status::UnsupportedMedia("not a supported image: not JPEG or HEIC");
  }
  // The header and EXIF first: they are cheap and refuse a broken file or a
  // decompression bomb before its bytes are even hashed.
  auto meta = image::ReadMetadata(bytes, type);
  if (!meta.ok()) return meta.status();
  const std::uint64_t pixels =
      static_cast<std::uint64_t>(meta->width) * static_cast<std::uint64_t>(meta->height);
  if (pixels > impl_->config.max_pixels) {
    return Status::TooLarge("image too large: " + std::to_string(meta->width) + "x" +
                            std::to_string(meta->height) + " is over the limit of " +
                            std::to_string(impl_->config.max_pixels) + " pixels");
  }
  const std::string sha = Sha256Hex(bytes);
  const auto size = static_cast<std::int64_t>(bytes.size());

  // Then duplicate and quota, before the expensive decode.
  {
    auto db = impl_->pool.Acquire();
    if (!db.ok()) return db.status();
    auto existing = FindBySha(**db, owner, sha);
    if (!existing.ok()) return existing.status();
    if (*existing) return IngestResult{IngestOutcome::kDuplicate, std::move(**existing)};
    auto user = ReadUserUsage(**db, owner);
    if (!user.ok()) return user.status();
    if (user->used_bytes + size > user->quota_bytes) return QuotaError(size, *user);
  }

  image::ThumbnailSpec spec;
  spec.small_px = impl_->config.thumb_small_px;
  spec.preview_px = impl_->config.thumb_preview_px;
  spec.quality = impl_->config.thumb_quality;
  spec.max_pixels = impl_->config.max_pixels;
  auto thumbs = image::MakeThumbnails(bytes, type, meta->orientation, spec);
  if (!thumbs.ok()) return thumbs.status();

  Photo photo;
  photo.id = RandomHex(16);
  photo.owner = owner;
  photo.filename = shown;
  photo.size = size;
  photo.sha256 = sha;
  photo.meta = std::move(meta).value();
  if (photo.meta.taken_at.empty()) {
    photo.meta.taken_at = LocalTimeIso8601(request.mtime.value_or(file->mtime()));
    photo.meta.taken_at_estimated = true;
  }
  photo.place = LookUpPlace(impl_->places, photo.meta);
  photo.imported_at = UtcNowIso8601();

  // Blobs first, durable, then the row that names them.
  const BlobStore& blobs = impl_->blobs;
  // Three files, each fsynced, then their directory once.
  Status s =
      blobs.CommitThumbnail(owner, sha, BlobKind::kSmall, thumbs->small_jpeg, DirSync::kLater);
  if (s.ok()) {
    s = blobs.CommitThumbnail(owner, sha, BlobKind::kPreview, thumbs->preview_jpeg,
                              DirSync::kLater);
  }
  if (s.ok()) {
    s = blobs.CommitOriginal(owner, sha, request.source, request.consume_source, file->contents(),
                             DirSync::kLater);
  }
  if (s.ok()) s = blobs.SyncDir(owner, sha);
  // On failure the blobs go only if no row names them: a photo with the same
  // bytes may have been imported meanwhile by another thread or process.
  if (!s.ok()) {
    (void)RemoveUnreferencedBlobs(impl_->pool, blobs, owner, sha);
    return s;
  }
  {
    auto db = impl_->pool.Acquire();
    if (!db.ok()) return db.status();
    auto tx = db::Transaction::Begin(**db);
    if (!tx.ok()) {
      s = tx.status();
    } else {
      // Checked again under the write lock: another process may have
      // imported the same bytes or used the quota since.
      auto existing = FindBySha(**db, owner, sha);
      if (!existing.ok()) return existing.status();
      if (*existing) return IngestResult{IngestOutcome::kDuplicate, std::move(**existing)};
      auto user = ReadUserUsage(**db, owner);
      if (!user.ok()) return user.status();
      if (user->used_bytes + size > user->quota_bytes) s = QuotaError(size, *user);
      if (s.ok()) s = RestoreMissingBlobs_locked(blobs, owner, sha, *thumbs, file->contents());
      if (s.ok()) s = InsertPhoto(**db, photo);
      if (s.ok()) s = ChargeUser(**db, owner, size, 1);
      if (s.ok()) s = tx->Commit();
      if (s.ok()) return IngestResult{IngestOutcome::kImported, std::move(photo)};
    }
  }  // the failed transaction is rolled back here, before the clean-up below
  (void)RemoveUnreferencedBlobs(impl_->pool, blobs, owner, sha);
  return s;
}

Result<Photo> Library::GetPhoto(UserId owner, const std::string& id) {
  auto db = impl_->pool.Acquire();
  if (!db.ok()) return db.status();
  auto stmt = (*db)->Prepare(std::string("SELECT ") + kPhotoColumns +
                             " FROM photos WHERE owner = ? AND id = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, owner).Bind(2, id);
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such photo");
  return ReadPhoto(*stmt);
}

Result<std::shared_ptr<const ThumbnailBytes>> Library::ReadThumbnail(UserId owner,
                                                                     const std::string& id,
                                                                     ThumbnailSize size) {
  // Read before the query: a deletion committed after the query began moves
  // the epoch past this value.
  const std::optional<std::uint64_t> epoch = impl_->epoch->Stable();
  if (epoch) {
    if (auto cached = impl_->thumbnails.Find(owner, id, size, *epoch)) return cached;
  }
  auto photo = GetPhoto(owner, id);
  if (!photo.ok()) return photo.status();
  auto jpeg = ReadSmallFile(ThumbnailPath(*photo, size), kMaxThumbnailBytes);
  if (!jpeg.ok()) return jpeg.status();
  auto thumbnail = std::make_shared<const ThumbnailBytes>(
      ThumbnailBytes{std::move(photo->sha256), std::move(jpeg).value()});
  if (epoch) impl_->thumbnails.Insert(owner, id, size, thumbnail, *epoch);
  return thumbnail;
}

Result<std::vector<Photo>> Library::AllPhotos(UserId owner) {
  PhotoQuery all;
  auto page = ListPhotos(owner, all);
  if (!page.ok()) return page.status();
  return std::move(page->photos);
}

namespace {
std::string LikePattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "%";
}

}  // namespace

Result<PhotoPage> Library::ListPhotos(UserId owner, const PhotoQuery& q) {
  std::string sql = std::string("SELECT ") + kPhotoColumns + " FROM photos WHERE owner = ?";
  std::vector<std::string> args;
  const auto add = [&](const char* clause, const std::string& value) {
    if (value.empty()) return;
    sql += clause;
    args.push_back(value);
  };
  add(" AND taken_at >= ?", q.from);
  add(" AND taken_at < ?", q.to);
  add(" AND camera_label = ?", q.camera);
  add(" AND place_country = ?", q.country);
  add(" AND place_region = ?", q.region);
  add(" AND place_city = ?", q.city);
  if (!q.text.empty()) {
    sql +=
        " AND (filename LIKE ?1x ESCAPE '\\' OR camera_label LIKE ?1x ESCAPE '\\' OR lens LIKE "
        "?1x ESCAPE '\\' OR place_country LIKE ?1x ESCAPE '\\' OR place_region LIKE ?1x ESCAPE "
        "'\\' OR place_city LIKE ?1x ESCAPE '\\')";
    const std::string n = std::to_string(args.size() + 2);
    for (auto pos = sql.find("?1x"); pos != std::string::npos; pos = sql.find("?1x")) {
      sql.replace(pos, 3, "?" + n);
    }
    args.push_back(LikePattern(q.text));
  }
  if (!q.cursor.empty()) {
    std::string taken_at, id;
    if (!DecodePhotoCursor(q.cursor, &taken_at, &id))
      return Status::InvalidArgument("invalid cursor");
    const std::string a = std::to_string(args.size() + 2), b = std::to_string(args.size() + 3);
    sql += " AND (taken_at < ?" + a + " OR (taken_at = ?" + a + " AND id < ?" + b + "))";
    args.push_back(taken_at);
    args.push_back(id);
  }
  sql += " ORDER BY taken_at DESC, id DESC";
  if (q.limit > 0) sql += " LIMIT " + std::to_string(q.limit + 1);

  auto db = impl_->pool.Acquire();
  if (!db.ok()) return db.status();
  auto stmt = (*db)->Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, owner);
  for (std::size_t i = 0; i < args.size(); ++i) stmt->Bind(static_cast<int>(i + 2), args[i]);
  PhotoPage page;
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    page.photos.push_back(ReadPhoto(*stmt));
  }
  if (q.limit > 0 && page.photos.size() > static_cast<std::size_t>(q.limit)) {
    page.photos.resize(static_cast<std::size_t>(q.limit));
    page.next_cursor = EncodePhotoCursor(page.photos.back().meta.taken_at, page.photos.back().id);
  }
  return page;
}

Status Library::DeletePhoto(UserId owner, const std::string& id) {
  std::string sha;
  {
    // Other processes may have cached this photo's thumbnails.
    auto revoking = impl_->epoch->BeginWrite();
    if (!revoking.ok()) return revoking.status();
    auto db = impl_->pool.Acquire();
    if (!db.ok()) return db.status();
    auto tx = db::Transaction::Begin(**db);
    if (!tx.ok()) return tx.status();
    auto stmt = (*db)->Prepare("SELECT sha256, size FROM photos WHERE owner = ? AND id = ?");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, owner).Bind(2, id);
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::NotFound("no such photo");
    sha = stmt->Text(0);
    const std::int64_t size = stmt->Int(1);
    // A statement still stepping keeps its read open across the COMMIT.
    stmt->Reset();
    auto del = (*db)->Prepare("DELETE FROM photos WHERE owner = ? AND id = ?");
    if (!del.ok()) return del.status();
    del->Bind(1, owner).Bind(2, id);
    if (Status s = del->Run(); !s.ok()) return s;
    if (Status s = ChargeUser(**db, owner, -size, -1); !s.ok()) return s;
    if (Status s = tx->Commit(); !s.ok()) return s;
  }
  // After the commit: a crash before this leaves an orphan blob for fsck,
  // never a row without its blob. Under a new write lock, and only if no
  // row names them: the same bytes may have been imported again since.
  // If this fails the photo is gone all the same; its blobs are an orphan
  // for fsck.
  (void)RemoveUnreferencedBlobs(impl_->pool, impl_->blobs, owner, sha);
  return Status::Ok();
}

Result<Photo> Library::RenamePhoto(UserId owner, const std::string& id,
                                   const std::string& filename) {
  const std::string name = SafeFileName(filename);
  {
    auto db = impl_->pool.Acquire();
    if (!db.ok()) return db.status();
    auto tx = db::Transaction::Begin(**db);
    if (!tx.ok()) return tx.status();
    auto stmt = (*db)->Prepare("UPDATE photos SET filename = ? WHERE owner = ? AND id = ?");
    if (!stmt.ok()) return stmt.status();
    stmt->Bind(1, name).Bind(2, owner).Bind(3, id);
    if (Status s = stmt->Run(); !s.ok()) return s;
    if ((*db)->Changes() == 0) return Status::NotFound("no such photo");
    if (Status s = ChargeUser(**db, owner, 0, 0); !s.ok()) return s;
    if (Status s = tx->Commit(); !s.ok()) return s;
  }
  return GetPhoto(owner, id);
}

Result<int> Library::ReindexPlaces(std::optional<UserId> owner) {
  const places::PlaceIndex* index = impl_->places;
  auto db = impl_->pool.Acquire();
  if (!db.ok()) return db.status();
  auto tx = db::Transaction::Begin(**db);
  if (!tx.ok()) return tx.status();
  auto stmt = (*db)->Prepare(
      "SELECT id, owner, gps_lat, gps_lon FROM photos WHERE (?1 IS NULL OR owner = ?1)");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, owner);
  struct Row {
    std::string id;
    UserId owner;
    std::optional<Place> place;
  };
  std::vector<Row> rows;
  while (true) {
    auto row = stmt->Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
    Row r{stmt->Text(0), stmt->Int(1), std::nullopt};
    if (index && !stmt->IsNull(2) && !stmt->IsNull(3)) {
      r.place = index->Nearest(stmt->Double(2), stmt->Double(3));
    }
    rows.push_back(std::move(r));
  }
  auto update = (*db)->Prepare(
      "UPDATE photos SET place_country = ?, place_country_code = ?, place_region = ?, "
      "place_city = ? WHERE id = ?");
  if (!update.ok()) return update.status();
  std::set<UserId> owners;
  for (const Row& r : rows) {
    update->Reset();
    if (r.place) {
      update->Bind(1, r.place->country).Bind(2, r.place->country_code);
      update->Bind(3, r.place->region).Bind(4, r.place->city);
    } else {
      update->BindNull(1).BindNull(2).BindNull(3).BindNull(4);
    }
    update->Bind(5, r.id);
    if (Status s = update->Run(); !s.ok()) return s;
    owners.insert(r.owner);
  }
  for (UserId o : owners) {
    if (Status s = ChargeUser(**db, o, 0, 0); !s.ok()) return s;
  }
  if (Status s = tx->Commit(); !s.ok()) return s;
  return static_cast<int>(rows.size());
}

std::filesystem::path Library::OriginalPath(const Photo& photo) const {
  return impl_->blobs.PathOf(photo.owner, photo.sha256, BlobKind::kOriginal);
}

std::filesystem::path Library::ThumbnailPath(const Photo& photo, ThumbnailSize size) const {
  return impl_->blobs.PathOf(photo.owner, photo.sha256,
                             size == ThumbnailSize::kSmall ? BlobKind::kSmall : BlobKind::kPreview);
}

Result<std::int64_t> Library::Generation(UserId owner) {
  auto db = impl_->pool.Acquire();
  if (!db.ok()) return db.status();
  auto stmt = (*db)->Prepare("SELECT generation FROM users WHERE id = ?");
  if (!stmt.ok()) return stmt.status();
  stmt->Bind(1, owner);
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound("no such user");
  return stmt->Int(0);
}

}  // namespace octopus
