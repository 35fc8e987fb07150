#include "core/store/photo_store.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <limits>
#include <mutex>
#include <unordered_map>

#include "core/grouping.h"
#include "core/photo_cursor.h"
#include "core/store/change_feed.h"
#include "core/store/folder_counts.h"

namespace octopus {
namespace {

// The photos table's columns, in the order ReadPhoto expects.
constexpr const char* kPhotoColumns =
    "id, owner, filename, size, sha256, mime, width, height, orientation, taken_at, "
    "taken_at_offset, taken_at_estimated, camera_make, camera_model, iso, exposure_time, "
    "f_number, focal_length_mm, lens, gps_lat, gps_lon, gps_alt, place_country, "
    "place_country_code, place_region, place_city, imported_at, trashed_at";
// How many they are: a query may select more after them. (Not
// place_set_by_user: migrations' recounts read photos with this list
// before that column exists; only reindexing needs it.)
constexpr int kPhotoColumnCount = 28;

std::string SelectPhotos(std::string_view where) {
  return std::string("SELECT ") + kPhotoColumns + " FROM photos WHERE " + std::string(where);
}

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
  p.trashed_at = s.OptText(27);
  return p;
}

Status ReadAll(db::Statement& stmt, const std::function<void(const Photo&)>& visit) {
  while (true) {
    ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) return Status::Ok();
    visit(ReadPhoto(stmt));
  }
}

void BindPlace(db::Statement& stmt, const std::optional<Place>& place) {
  if (place) {
    stmt.Bind(":country", place->country).Bind(":country_code", place->country_code);
    stmt.Bind(":region", place->region).Bind(":city", place->city);
  } else {
    stmt.BindNull(":country").BindNull(":country_code").BindNull(":region").BindNull(":city");
  }
}

// LIMIT for "no limit": SQLite reads -1 so, PostgreSQL refuses a negative
// one; both take the largest bigint.
constexpr std::int64_t kNoLimit = std::numeric_limits<std::int64_t>::max();

// `column` equal to the parameter `param` without regard to ASCII case:
// NOCASE on SQLite; on PostgreSQL lower() under "C" (ASCII only, as
// NOCASE), the expression the filter indexes are made on.
std::string FoldedEquals(const db::Database& db, const char* column, const char* param) {
  if (db.backend() == db::Backend::kSqlite) {
    return std::string(column) + " = " + param + " COLLATE NOCASE";
  }
  return "lower(" + std::string(column) + ") = lower(" + param + " COLLATE \"C\")";
}

std::string LikePattern(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "%";
}

}  // namespace

Result<std::optional<Photo>> PhotoStore::FindBySha(UserId owner, const std::string& sha256) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare(SelectPhotos("owner = :owner AND sha256 = :sha")));
  stmt.Bind(":owner", owner).Bind(":sha", sha256);
  ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return std::optional<Photo>();
  return std::optional<Photo>(ReadPhoto(stmt));
}

Result<Photo> PhotoStore::Get(UserId owner, const std::string& id) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare(SelectPhotos("owner = :owner AND id = :id")));
  stmt.Bind(":owner", owner).Bind(":id", id);
  ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return Status::NotFound("no such photo");
  return ReadPhoto(stmt);
}

namespace {

// A text search first reads this many rows, newest first: a common word
// fills its page within them, without asking the index anything.
constexpr int kTextFirstRows = 200;
// Then it asks the trigram index, when the rarest trigram of the text is in
// at most this many photos: reading that many candidates (their rows,
// LIKE, the sort by time) costs about what kTextScanRows rows of the time
// index do (5 ms at 100,000 photos).
constexpr std::int64_t kIndexedCandidates = 10'000;
// Else it reads on through the time index up to this many rows in all, and
// a page may then hold fewer photos than asked, with a cursor on: each
// page is bounded work.
constexpr int kTextScanRows = 2000;

// Text matched by LIKE, as the trigram index matches it: any column.
// SQLite's LIKE ignores ASCII case; PostgreSQL's does not, its ILIKE does.
constexpr const char* kTextLike =
    "(filename LIKE :like ESCAPE '\\' OR camera_label LIKE :like ESCAPE '\\' OR "
    "lens LIKE :like ESCAPE '\\' OR place_country LIKE :like ESCAPE '\\' OR "
    "place_region LIKE :like ESCAPE '\\' OR place_city LIKE :like ESCAPE '\\')";
constexpr const char* kTextILike =
    "(filename ILIKE :like ESCAPE '\\' OR camera_label ILIKE :like ESCAPE '\\' OR "
    "lens ILIKE :like ESCAPE '\\' OR place_country ILIKE :like ESCAPE '\\' OR "
    "place_region ILIKE :like ESCAPE '\\' OR place_city ILIKE :like ESCAPE '\\')";

// How many photos (of every owner) hold each trigram, from the index's
// vocabulary. Counting a common trigram reads its whole list (80 ms for
// one in every photo of a million), so counts are remembered per process
// for ten minutes, and a search counts at most four new ones. They only
// choose which trigrams narrow a search; LIKE decides what matches.
class TrigramCounts {
 public:
  std::optional<std::int64_t> Find(const std::string& term, std::int64_t now) {
    std::lock_guard lock(mu_);
    auto it = counts_.find(term);
    if (it == counts_.end() || now - it->second.second > 600) return std::nullopt;
    return it->second.first;
  }
  void Remember(const std::string& term, std::int64_t count, std::int64_t now) {
    std::lock_guard lock(mu_);
    if (counts_.size() >= 50'000) counts_.clear();  // bounded
    counts_[term] = {count, now};
  }

 private:
  std::mutex mu_;
  std::unordered_map<std::string, std::pair<std::int64_t, std::int64_t>>
      counts_;  // GUARDED_BY(mu_)
};

TrigramCounts& SharedTrigramCounts() {
  static TrigramCounts counts;
  return counts;
}

// The MATCH expression of the text's two rarest trigrams ("" when the text
// has no usable trigram, or its rarest is too common to narrow much).
Result<std::string> NarrowingTerms(db::Database& db, const std::string& text) {
  std::vector<std::string> terms;
  for (std::size_t i = 0; i + 3 <= text.size(); ++i) {
    std::string t = text.substr(i, 3);
    bool usable = true;
    for (char& c : t) {
      const auto u = static_cast<unsigned char>(c);
      // The index folds case; non-ASCII and quotes are left to LIKE.
      if (u >= 0x80 || c == '"') usable = false;
      c = static_cast<char>(std::tolower(u));
    }
    if (usable && std::find(terms.begin(), terms.end(), t) == terms.end()) terms.push_back(t);
  }
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  std::vector<std::pair<std::int64_t, std::string>> counted;
  int looked_up = 0;
  for (const std::string& t : terms) {
    std::optional<std::int64_t> count = SharedTrigramCounts().Find(t, now);
    if (!count && looked_up < 4) {
      ++looked_up;
      ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT doc FROM photos_text_terms WHERE term = :t"));
      stmt.Bind(":t", t);
      ASSIGN_OR_RETURN(const bool row, stmt.Step());
      count = row ? stmt.Int(0) : 0;
      SharedTrigramCounts().Remember(t, *count, now);
    }
    if (count) counted.emplace_back(*count, t);
  }
  std::sort(counted.begin(), counted.end());
  if (counted.empty() || counted.front().first > kIndexedCandidates) return std::string();
  std::string match = "\"" + counted[0].second + "\"";
  // A second trigram narrows further only when its own list is short too:
  // FTS5 reads both lists whole to intersect them.
  if (counted.size() > 1 && counted[1].first <= kIndexedCandidates) {
    match += " AND \"" + counted[1].second + "\"";
  }
  return match;
}

}  // namespace

Result<PhotoPage> PhotoStore::List(UserId owner, const PhotoQuery& q) {
  RETURN_IF_ERROR(ValidatePhotoQuery(q));
  // Each filter is an equality on the leading columns of an index ordered
  // by (taken_at, id) after them, so a page reads about a page of rows.
  std::string where = "owner = :owner AND trashed_at IS NULL";
  const auto add = [&](const char* clause, const std::string& value) {
    if (!value.empty()) where += clause;
  };
  add(" AND taken_at >= :from", q.from);
  add(" AND taken_at < :to", q.to);
  const auto add_folded = [&](const char* column, const char* param, const std::string& value) {
    if (!value.empty()) where += " AND " + FoldedEquals(db_, column, param);
  };
  add_folded("camera_label", ":camera", q.camera);
  const bool country_code = q.country.size() == 2;  // no country's name is that short
  add_folded(country_code ? "place_country_code" : "place_country", ":country", q.country);
  add_folded("place_region", ":region", q.region);
  add_folded("place_city", ":city", q.city);
  std::string cursor_taken_at, cursor_id;
  if (!q.cursor.empty()) {
    DecodePhotoCursor(q.cursor, &cursor_taken_at, &cursor_id);  // validated above
    where += " AND (taken_at, id) < (:ct, :cid)";
  }
  const std::string order = " ORDER BY taken_at DESC, id DESC";
  const int want = q.limit > 0 ? q.limit + 1 : -1;  // one more: is there a next page?

  const auto prepare = [&](const std::string& sql) -> Result<db::Statement> {
    ASSIGN_OR_RETURN(auto stmt, db_.Prepare(sql));
    stmt.Bind(":owner", owner);
    const auto bind = [&](const char* name, const std::string& value) {
      if (!value.empty()) stmt.Bind(name, value);
    };
    bind(":from", q.from);
    if (!q.to.empty()) stmt.Bind(":to", EndOfRange(q.to));
    bind(":camera", q.camera);
    bind(":country", q.country);
    bind(":region", q.region);
    bind(":city", q.city);
    if (!q.cursor.empty()) stmt.Bind(":ct", cursor_taken_at).Bind(":cid", cursor_id);
    if (!q.text.empty()) stmt.Bind(":like", LikePattern(q.text));
    return stmt;
  };

  PhotoPage page;
  const auto finish = [&]() -> Result<PhotoPage> {
    if (q.limit > 0 && page.photos.size() > static_cast<std::size_t>(q.limit)) {
      page.photos.resize(static_cast<std::size_t>(q.limit));
      page.next_cursor = EncodePhotoCursor(page.photos.back().meta.taken_at, page.photos.back().id);
    }
    return std::move(page);
  };
  const std::int64_t limit = want > 0 ? want : kNoLimit;
  if (q.text.empty()) {
    ASSIGN_OR_RETURN(auto stmt, prepare(SelectPhotos(where) + order + " LIMIT :limit"));
    stmt.Bind(":limit", limit);
    RETURN_IF_ERROR(ReadAll(stmt, [&](const Photo& p) { page.photos.push_back(p); }));
    return finish();
  }
  if (db_.backend() == db::Backend::kPostgres) {
    // PostgreSQL's planner weighs the trigram index (pg_trgm, GIN) against
    // the time index itself, so the search is one query, and its pages are
    // full. The rarest-trigram planning below is SQLite's alone.
    ASSIGN_OR_RETURN(auto stmt,
                     prepare(SelectPhotos(where + " AND " + kTextILike) + order + " LIMIT :limit"));
    stmt.Bind(":limit", limit);
    RETURN_IF_ERROR(ReadAll(stmt, [&](const Photo& p) { page.photos.push_back(p); }));
    return finish();
  }

  // Text: first the newest rows, a few of them; each says whether it
  // matches, so the last one read is known even when it does not.
  std::string scanned_taken_at, scanned_id;
  int scanned = 0;
  ASSIGN_OR_RETURN(auto scan, prepare(std::string("SELECT ") + kPhotoColumns + ", " + kTextLike +
                                      " FROM photos WHERE " + where + order + " LIMIT :scan"));
  scan.Bind(":scan", kTextScanRows);
  bool scan_ended = false;
  const auto read_rows_until = [&](int rows) -> Status {
    while (scanned < rows && (want < 0 || page.photos.size() < static_cast<std::size_t>(want))) {
      ASSIGN_OR_RETURN(const bool row, scan.Step());
      if (!row) {
        scan_ended = true;
        break;
      }
      ++scanned;
      scanned_taken_at = scan.Text(9);
      scanned_id = scan.Text(0);
      if (scan.Int(kPhotoColumnCount) != 0) page.photos.push_back(ReadPhoto(scan));
    }
    return Status::Ok();
  };
  RETURN_IF_ERROR(read_rows_until(kTextFirstRows));
  const auto page_full = [&] {
    return want > 0 && page.photos.size() == static_cast<std::size_t>(want);
  };
  if (page_full() || scan_ended) return finish();  // everything after the cursor was read

  // Then the trigram index, when it narrows the search well: the matches
  // first, then their rows (CROSS JOIN keeps that order; else SQLite walks
  // the owner's time index and probes the matches for every photo), then
  // the same LIKE decides.
  ASSIGN_OR_RETURN(const std::string match, NarrowingTerms(db_, q.text));
  if (!match.empty()) {
    scan.Reset();
    ASSIGN_OR_RETURN(auto stmt,
                     prepare(std::string("SELECT ") + kPhotoColumns +
                             " FROM (SELECT rowid AS match_rowid FROM photos_text WHERE "
                             "photos_text MATCH :match) CROSS JOIN photos ON photos.rowid = "
                             "match_rowid WHERE " +
                             where + " AND " + kTextLike + order + " LIMIT :limit"));
    stmt.Bind(":match", match).Bind(":limit", limit);
    page.photos.clear();
    RETURN_IF_ERROR(ReadAll(stmt, [&](const Photo& p) { page.photos.push_back(p); }));
    return finish();
  }
  // Else the rows, up to kTextScanRows of them, are this page, short
  // perhaps, and the cursor goes on from the last row read.
  RETURN_IF_ERROR(read_rows_until(kTextScanRows));
  if (page_full() || scan_ended) return finish();
  ASSIGN_OR_RETURN(page, finish());
  if (page.next_cursor.empty()) page.next_cursor = EncodePhotoCursor(scanned_taken_at, scanned_id);
  return page;
}

Result<std::vector<Photo>> PhotoStore::GetMany(UserId owner, const std::vector<std::string>& ids) {
  std::vector<Photo> out;
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare(SelectPhotos("owner = :owner AND id = :id")));
  for (const std::string& id : ids) {
    stmt.Reset();
    stmt.Bind(":owner", owner).Bind(":id", id);
    ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (row) out.push_back(ReadPhoto(stmt));
  }
  return out;
}

Status PhotoStore::ForEach(UserId owner, const std::function<void(const Photo&)>& visit) {
  // Through the owner's index, each row is a seek into the table in
  // capture-time order; reading the table straight through is 2.6 times
  // faster (a million rows: 0.64 s against 1.7 s) and skips other owners'
  // rows at a fraction of that. So a library that is mostly this owner's is
  // read straight through, and only a small share of a big one by index.
  ASSIGN_OR_RETURN(auto share,
                   db_.Prepare("SELECT (SELECT photo_count FROM users WHERE id = :owner), "
                               "(SELECT COALESCE(SUM(photo_count), 0) FROM users)"));
  share.Bind(":owner", owner);
  ASSIGN_OR_RETURN(const bool row, share.Step());
  const bool most = row && share.Int(0) * 4 >= share.Int(1);
  share.Reset();
  // NOT INDEXED is SQLite's; PostgreSQL's planner makes this choice itself.
  const bool not_indexed = most && db_.backend() == db::Backend::kSqlite;
  ASSIGN_OR_RETURN(auto stmt,
                   db_.Prepare(std::string("SELECT ") + kPhotoColumns + " FROM photos" +
                               (not_indexed ? " NOT INDEXED" : "") + " WHERE owner = :owner"));
  stmt.Bind(":owner", owner);
  return ReadAll(stmt, visit);
}

Status PhotoStore::ForEachInLibrary(const std::function<void(const Photo&)>& visit) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare(SelectPhotos("TRUE")));
  return ReadAll(stmt, visit);
}

Result<std::vector<PhotoPosition>> PhotoStore::Positions(std::optional<UserId> owner) {
  ASSIGN_OR_RETURN(
      auto stmt,
      db_.Prepare("SELECT id, owner, gps_lat, gps_lon, place_country, "
                  "place_country_code, place_region, place_city, place_set_by_user "
                  "FROM photos WHERE (CAST(:owner AS BIGINT) IS NULL OR owner = :owner)"));
  stmt.Bind(":owner", owner);
  std::vector<PhotoPosition> out;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, stmt.Step());
    if (!row) break;
    PhotoPosition p;
    p.id = stmt.Text(0);
    p.owner = stmt.Int(1);
    p.has_gps = !stmt.IsNull(2) && !stmt.IsNull(3);
    if (p.has_gps) {
      p.lat = stmt.Double(2);
      p.lon = stmt.Double(3);
    }
    if (!stmt.IsNull(4)) p.place = Place{stmt.Text(4), stmt.Text(5), stmt.Text(6), stmt.Text(7)};
    p.place_set_by_user = stmt.Int(8) != 0;
    out.push_back(std::move(p));
  }
  return out;
}

Status PhotoStore::Insert(const Photo& p) {
  ASSIGN_OR_RETURN(
      auto stmt,
      db_.Prepare("INSERT INTO photos (id, owner, filename, size, sha256, mime, width, height, "
                  "orientation, taken_at, taken_at_offset, taken_at_estimated, camera_make, "
                  "camera_model, camera_label, iso, exposure_time, f_number, focal_length_mm, "
                  "lens, gps_lat, gps_lon, gps_alt, place_country, place_country_code, "
                  "place_region, place_city, imported_at) VALUES (:id, :owner, :filename, :size, "
                  ":sha, :mime, :width, :height, :orientation, :taken_at, :offset, :estimated, "
                  ":make, :model, :label, :iso, :exposure, :f_number, :focal, :lens, :lat, :lon, "
                  ":alt, :country, :country_code, :region, :city, :imported_at)"));
  const ImageMetadata& m = p.meta;
  stmt.Bind(":id", p.id).Bind(":owner", p.owner).Bind(":filename", p.filename);
  stmt.Bind(":size", p.size).Bind(":sha", p.sha256).Bind(":mime", m.mime);
  stmt.Bind(":width", m.width).Bind(":height", m.height).Bind(":orientation", m.orientation);
  stmt.Bind(":taken_at", m.taken_at).Bind(":offset", m.taken_at_offset);
  stmt.Bind(":estimated", m.taken_at_estimated ? 1 : 0);
  stmt.Bind(":make", m.camera.make).Bind(":model", m.camera.model);
  stmt.Bind(":label", CameraLabel(m.camera));
  stmt.Bind(":iso", m.exif.iso).Bind(":exposure", m.exif.exposure_time);
  stmt.Bind(":f_number", m.exif.f_number).Bind(":focal", m.exif.focal_length_mm);
  stmt.Bind(":lens", m.exif.lens);
  if (m.gps) {
    stmt.Bind(":lat", m.gps->lat).Bind(":lon", m.gps->lon).Bind(":alt", m.gps->alt);
  } else {
    stmt.BindNull(":lat").BindNull(":lon").BindNull(":alt");
  }
  BindPlace(stmt, p.place);
  stmt.Bind(":imported_at", p.imported_at);
  RETURN_IF_ERROR(stmt.Run());
  RETURN_IF_ERROR(FolderCounts(db_).Add(p, 1));
  return ChangeFeed(db_).Append(p.owner, p.id, ChangeKind::kAdded);
}

Result<std::optional<Photo>> PhotoStore::Delete(UserId owner, const std::string& id) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("DELETE FROM photos WHERE owner = :owner AND id = :id "
                                          "RETURNING " +
                                          std::string(kPhotoColumns)));
  stmt.Bind(":owner", owner).Bind(":id", id);
  ASSIGN_OR_RETURN(const bool row, stmt.Step());
  if (!row) return std::optional<Photo>();
  Photo deleted = ReadPhoto(stmt);
  RETURN_IF_ERROR(stmt.Run());  // to the end, so the statement lets go of the row
  RETURN_IF_ERROR(FolderCounts(db_).Add(deleted, -1));
  RETURN_IF_ERROR(ChangeFeed(db_).Append(owner, id, ChangeKind::kRemoved));
  return std::optional<Photo>(std::move(deleted));
}

Status PhotoStore::Rename(UserId owner, const std::string& id, const std::string& filename) {
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("UPDATE photos SET filename = :filename "
                                          "WHERE owner = :owner AND id = :id"));
  stmt.Bind(":filename", filename).Bind(":owner", owner).Bind(":id", id);
  RETURN_IF_ERROR(stmt.Run());
  if (db_.Changes() == 0) return Status::NotFound("no such photo");
  return ChangeFeed(db_).Append(owner, id, ChangeKind::kUpdated);
}

Status PhotoStore::SetPlace(UserId owner, const std::string& id,
                            const std::optional<Place>& place) {
  ASSIGN_OR_RETURN(Photo photo, Get(owner, id));
  FolderCounts counts(db_);
  RETURN_IF_ERROR(counts.Add(photo, -1));
  ASSIGN_OR_RETURN(auto stmt,
                   db_.Prepare("UPDATE photos SET place_country = :country, place_country_code = "
                               ":country_code, place_region = :region, place_city = :city "
                               "WHERE owner = :owner AND id = :id"));
  BindPlace(stmt, place);
  stmt.Bind(":owner", owner).Bind(":id", id);
  RETURN_IF_ERROR(stmt.Run());
  photo.place = place;
  RETURN_IF_ERROR(counts.Add(photo, 1));
  return ChangeFeed(db_).Append(owner, id, ChangeKind::kUpdated);
}

Result<Photo> PhotoStore::Correct(UserId owner, const std::string& id,
                                  const PhotoCorrection& correction) {
  ASSIGN_OR_RETURN(const Photo before, Get(owner, id));
  Photo after = before;
  if (correction.filename) after.filename = *correction.filename;
  if (correction.taken_at) {
    after.meta.taken_at = correction.taken_at->local;
    after.meta.taken_at_offset = correction.taken_at->offset;
    after.meta.taken_at_estimated = false;
  }
  if (correction.place) after.place = *correction.place;
  // A place given, even the one it has, marks the place as the user's.
  if (!correction.place && after.filename == before.filename &&
      after.meta.taken_at == before.meta.taken_at &&
      after.meta.taken_at_offset == before.meta.taken_at_offset &&
      after.meta.taken_at_estimated == before.meta.taken_at_estimated) {
    return after;  // no change, no feed entry
  }
  ASSIGN_OR_RETURN(auto stmt,
                   db_.Prepare("UPDATE photos SET filename = :filename, taken_at = :taken_at, "
                               "taken_at_offset = :offset, taken_at_estimated = :estimated, "
                               "place_country = :country, place_country_code = :country_code, "
                               "place_region = :region, place_city = :city, "
                               "place_set_by_user = CASE WHEN :by_user <> 0 THEN 1 "
                               "ELSE place_set_by_user END "
                               "WHERE owner = :owner AND id = :id"));
  stmt.Bind(":filename", after.filename).Bind(":taken_at", after.meta.taken_at);
  stmt.Bind(":offset", after.meta.taken_at_offset);
  stmt.Bind(":estimated", after.meta.taken_at_estimated ? 1 : 0);
  BindPlace(stmt, after.place);
  stmt.Bind(":by_user", correction.place ? 1 : 0);
  stmt.Bind(":owner", owner).Bind(":id", id);
  RETURN_IF_ERROR(stmt.Run());
  // The date and the place decide the photo's folders: out of the old,
  // into the new, in this transaction.
  FolderCounts counts(db_);
  RETURN_IF_ERROR(counts.Add(before, -1));
  RETURN_IF_ERROR(counts.Add(after, 1));
  RETURN_IF_ERROR(ChangeFeed(db_).Append(owner, id, ChangeKind::kUpdated));
  return after;
}

Result<Photo> PhotoStore::Trash(UserId owner, const std::string& id, const std::string& at) {
  ASSIGN_OR_RETURN(Photo photo, Get(owner, id));
  if (photo.trashed_at) return Status::NotFound("no such photo");
  RETURN_IF_ERROR(FolderCounts(db_).Add(photo, -1));
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("UPDATE photos SET trashed_at = :at "
                                          "WHERE owner = :owner AND id = :id"));
  stmt.Bind(":at", at).Bind(":owner", owner).Bind(":id", id);
  RETURN_IF_ERROR(stmt.Run());
  RETURN_IF_ERROR(ChangeFeed(db_).Append(owner, id, ChangeKind::kTrashed));
  photo.trashed_at = at;
  return photo;
}

Result<Photo> PhotoStore::Restore(UserId owner, const std::string& id) {
  ASSIGN_OR_RETURN(Photo photo, Get(owner, id));
  if (!photo.trashed_at) return Status::NotFound("no such photo in the trash");
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare("UPDATE photos SET trashed_at = NULL "
                                          "WHERE owner = :owner AND id = :id"));
  stmt.Bind(":owner", owner).Bind(":id", id);
  RETURN_IF_ERROR(stmt.Run());
  photo.trashed_at.reset();
  RETURN_IF_ERROR(FolderCounts(db_).Add(photo, 1));
  RETURN_IF_ERROR(ChangeFeed(db_).Append(owner, id, ChangeKind::kRestored));
  return photo;
}

Result<PhotoPage> PhotoStore::ListTrash(UserId owner, int limit, const std::string& cursor) {
  std::string where = "owner = :owner AND trashed_at IS NOT NULL";
  std::string cursor_at, cursor_id;
  if (!cursor.empty()) {
    if (!DecodePhotoCursor(cursor, &cursor_at, &cursor_id)) {
      return Status::InvalidArgument("cursor is not one this server gave out");
    }
    where += " AND (trashed_at, id) < (:ct, :cid)";
  }
  ASSIGN_OR_RETURN(auto stmt, db_.Prepare(SelectPhotos(where) +
                                          " ORDER BY trashed_at DESC, id DESC LIMIT :limit"));
  stmt.Bind(":owner", owner).Bind(":limit", limit > 0 ? std::int64_t{limit} + 1 : kNoLimit);
  if (!cursor.empty()) stmt.Bind(":ct", cursor_at).Bind(":cid", cursor_id);
  PhotoPage page;
  RETURN_IF_ERROR(ReadAll(stmt, [&](const Photo& p) { page.photos.push_back(p); }));
  if (limit > 0 && page.photos.size() > static_cast<std::size_t>(limit)) {
    page.photos.resize(static_cast<std::size_t>(limit));
    page.next_cursor = EncodePhotoCursor(*page.photos.back().trashed_at, page.photos.back().id);
  }
  return page;
}

Result<std::vector<Photo>> PhotoStore::TrashedBefore(const std::string& before, int limit) {
  ASSIGN_OR_RETURN(auto stmt,
                   db_.Prepare(SelectPhotos("trashed_at IS NOT NULL AND trashed_at < :before") +
                               " LIMIT :limit"));
  stmt.Bind(":before", before).Bind(":limit", limit);
  std::vector<Photo> out;
  RETURN_IF_ERROR(ReadAll(stmt, [&](const Photo& p) { out.push_back(p); }));
  return out;
}

}  // namespace octopus
