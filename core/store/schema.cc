#include "core/store/schema.h"

#include <spdlog/spdlog.h>

#include <string>
#include <utility>
#include <vector>

#include "core/grouping.h"
#include "core/store/folder_counts.h"

namespace octopus::db {
namespace {

struct Migration {
  const char* sql;
  // Work SQL alone cannot do (it needs core/grouping), run after `sql` in
  // the same transaction; null for none.
  Status (*then)(Database& db) = nullptr;
};

Status RecountFolders(Database& db) { return FolderCounts(db).Rebuild(); }

// Migration 7. User names become unique without regard to ASCII case (they
// are ASCII: core/accounts.cc). Open registration may already have made
// "Admin" beside "admin": the oldest account keeps its name and each newer
// one is renamed NAME-ID (cut to 64 characters), said in the log, before
// the index that forbids it is made. Then the stored photo names go through
// today's SafeFileName, which removes the invisible format characters
// (U+202E...) older builds kept.
Status FoldNames(Database& db) {
  {
    ASSIGN_OR_RETURN(auto clashes,
                     db.Prepare("SELECT id, name FROM users u WHERE EXISTS (SELECT 1 FROM users o "
                                "WHERE o.name = u.name COLLATE NOCASE AND o.id < u.id)"));
    std::vector<std::pair<std::int64_t, std::string>> renames;
    while (true) {
      ASSIGN_OR_RETURN(const bool row, clashes.Step());
      if (!row) break;
      const std::string suffix = "-" + std::to_string(clashes.Int(0));
      const std::string name = clashes.Text(1);
      renames.emplace_back(clashes.Int(0), name.substr(0, 64 - suffix.size()) + suffix);
      spdlog::warn("user names are now unique without regard to case: user '{}' is renamed '{}'",
                   name, renames.back().second);
    }
    for (const auto& [id, name] : renames) {
      ASSIGN_OR_RETURN(auto rename, db.Prepare("UPDATE users SET name = :name WHERE id = :id"));
      rename.Bind(":name", name).Bind(":id", id);
      RETURN_IF_ERROR(rename.Run());
    }
  }
  RETURN_IF_ERROR(
      db.Exec("CREATE UNIQUE INDEX users_by_folded_name ON users (name COLLATE NOCASE)"));
  ASSIGN_OR_RETURN(auto photos, db.Prepare("SELECT rowid, filename FROM photos"));
  std::vector<std::pair<std::int64_t, std::string>> renames;
  while (true) {
    ASSIGN_OR_RETURN(const bool row, photos.Step());
    if (!row) break;
    const std::string stored = photos.Text(1);
    std::string safe = SafeFileName(stored);
    if (safe != stored) renames.emplace_back(photos.Int(0), std::move(safe));
  }
  for (const auto& [rowid, filename] : renames) {
    ASSIGN_OR_RETURN(auto rename,
                     db.Prepare("UPDATE photos SET filename = :filename WHERE rowid = :rowid"));
    rename.Bind(":filename", filename).Bind(":rowid", rowid);
    RETURN_IF_ERROR(rename.Run());
  }
  return Status::Ok();
}

// Append only: never edit a migration that has shipped.
const Migration kMigrations[] = {
    // 1: users and photos.
    {R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  name          TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  is_admin      INTEGER NOT NULL DEFAULT 0,
  disabled      INTEGER NOT NULL DEFAULT 0,
  quota_bytes   INTEGER NOT NULL,
  used_bytes    INTEGER NOT NULL DEFAULT 0,
  photo_count   INTEGER NOT NULL DEFAULT 0,
  generation    INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL
);
CREATE TABLE photos (
  id                 TEXT PRIMARY KEY,
  owner              INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  filename           TEXT NOT NULL,
  size               INTEGER NOT NULL,
  sha256             TEXT NOT NULL,
  mime               TEXT NOT NULL,
  width              INTEGER NOT NULL,
  height             INTEGER NOT NULL,
  orientation        INTEGER NOT NULL,
  taken_at           TEXT NOT NULL,
  taken_at_offset    TEXT,
  taken_at_estimated INTEGER NOT NULL,
  camera_make        TEXT NOT NULL,
  camera_model       TEXT NOT NULL,
  camera_label       TEXT NOT NULL,
  iso                INTEGER,
  exposure_time      REAL,
  f_number           REAL,
  focal_length_mm    REAL,
  lens               TEXT NOT NULL,
  gps_lat            REAL,
  gps_lon            REAL,
  gps_alt            REAL,
  place_country      TEXT,
  place_country_code TEXT,
  place_region       TEXT,
  place_city         TEXT,
  imported_at        TEXT NOT NULL,
  UNIQUE (owner, sha256)
);
CREATE INDEX photos_by_owner_time ON photos (owner, taken_at DESC, id DESC);
)sql"},
    // 2: API sessions, so tokens can be revoked.
    {R"sql(
CREATE TABLE sessions (
  jti        TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL,
  revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_by_user ON sessions (user_id);
)sql"},
    // 3: the change feed (core/store/change_feed.h) replaces polling a
    // generation number; folder counts (core/store/folder_counts.h) replace
    // grouping every photo on each browse; indexes for each filter of a
    // listing, and a trigram index for its text search, so that a page
    // costs the page, not the library.
    {R"sql(
ALTER TABLE users ADD COLUMN change_seq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN change_horizon INTEGER NOT NULL DEFAULT 0;
CREATE TABLE changes (
  owner    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  seq      INTEGER NOT NULL,
  photo_id TEXT NOT NULL,
  kind     INTEGER NOT NULL,
  at       INTEGER NOT NULL,
  PRIMARY KEY (owner, seq)
) WITHOUT ROWID;
CREATE TABLE folders (
  owner INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  view  INTEGER NOT NULL,
  path  TEXT NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (owner, view, path)
) WITHOUT ROWID;
CREATE INDEX photos_by_camera ON photos (owner, camera_label COLLATE NOCASE, taken_at DESC, id DESC);
CREATE INDEX photos_by_country ON photos (owner, place_country COLLATE NOCASE, taken_at DESC, id DESC);
CREATE INDEX photos_by_country_code ON photos (owner, place_country_code COLLATE NOCASE, taken_at DESC, id DESC);
CREATE INDEX photos_by_region ON photos (owner, place_region COLLATE NOCASE, taken_at DESC, id DESC);
CREATE INDEX photos_by_city ON photos (owner, place_city COLLATE NOCASE, taken_at DESC, id DESC);
CREATE VIRTUAL TABLE photos_text USING fts5(
  filename, camera_label, lens, place_country, place_region, place_city,
  content = 'photos', content_rowid = 'rowid', tokenize = 'trigram');
CREATE TRIGGER photos_text_insert AFTER INSERT ON photos BEGIN
  INSERT INTO photos_text (rowid, filename, camera_label, lens, place_country, place_region, place_city)
  VALUES (new.rowid, new.filename, new.camera_label, new.lens, new.place_country, new.place_region, new.place_city);
END;
CREATE TRIGGER photos_text_delete AFTER DELETE ON photos BEGIN
  INSERT INTO photos_text (photos_text, rowid, filename, camera_label, lens, place_country, place_region, place_city)
  VALUES ('delete', old.rowid, old.filename, old.camera_label, old.lens, old.place_country, old.place_region, old.place_city);
END;
CREATE TRIGGER photos_text_update AFTER UPDATE OF filename, camera_label, lens, place_country, place_region, place_city ON photos BEGIN
  INSERT INTO photos_text (photos_text, rowid, filename, camera_label, lens, place_country, place_region, place_city)
  VALUES ('delete', old.rowid, old.filename, old.camera_label, old.lens, old.place_country, old.place_region, old.place_city);
  INSERT INTO photos_text (rowid, filename, camera_label, lens, place_country, place_region, place_city)
  VALUES (new.rowid, new.filename, new.camera_label, new.lens, new.place_country, new.place_region, new.place_city);
END;
CREATE VIRTUAL TABLE photos_text_terms USING fts5vocab(photos_text, 'row');
INSERT INTO photos_text (photos_text) VALUES ('rebuild');
)sql"},
    // 4: the trash. A trashed photo keeps its row and its blobs until it is
    // purged; trashed_at (UTC, ISO 8601) says since when. The folder counts
    // (made in 3) leave trashed photos out, so they are counted here, once
    // the column exists.
    {R"sql(
ALTER TABLE photos ADD COLUMN trashed_at TEXT;
CREATE INDEX photos_trash ON photos (owner, trashed_at DESC, id DESC) WHERE trashed_at IS NOT NULL;
)sql",
     RecountFolders},
    // 5: what the mount's import/ received (core/store/import_store.h).
    {R"sql(
CREATE TABLE import_entries (
  owner    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  path     TEXT NOT NULL,
  size     INTEGER NOT NULL,
  mtime    INTEGER NOT NULL,
  photo_id TEXT NOT NULL,
  PRIMARY KEY (owner, path)
) WITHOUT ROWID;
)sql"},
    // 6: a place the user corrected is theirs: reindexing from GPS keeps it.
    {R"sql(
ALTER TABLE photos ADD COLUMN place_set_by_user INTEGER NOT NULL DEFAULT 0;
)sql"},
    // 7: user names unique without regard to case; no invisible format
    // characters in photo names (issue 15). All in FoldNames.
    {"", FoldNames},
};

}  // namespace

int CurrentSchemaVersion() { return static_cast<int>(std::size(kMigrations)); }

Result<int> SchemaVersion(Database& db) {
  auto stmt = db.Prepare("PRAGMA user_version");
  if (!stmt.ok()) return stmt.status();
  auto row = stmt->Step();
  if (!row.ok()) return row.status();
  return static_cast<int>(stmt->Int(0));
}

Status Migrate(Database& db, int target) {
  if (target < 0) target = CurrentSchemaVersion();
  auto tx = Transaction::Begin(db);  // one process migrates; others wait
  if (!tx.ok()) return tx.status();
  auto version = SchemaVersion(db);
  if (!version.ok()) return version.status();
  if (*version > CurrentSchemaVersion()) {
    return Status::Corrupt("database schema version " + std::to_string(*version) +
                           " is newer than this build supports (" +
                           std::to_string(CurrentSchemaVersion()) +
                           "): upgrade Octopus Photos, or restore a backup");
  }
  for (int v = *version; v < target; ++v) {
    RETURN_IF_ERROR(db.Exec(kMigrations[v].sql));
    if (kMigrations[v].then != nullptr) RETURN_IF_ERROR(kMigrations[v].then(db));
    RETURN_IF_ERROR(db.Exec("PRAGMA user_version = " + std::to_string(v + 1)));
  }
  return tx->Commit();
}

}  // namespace octopus::db
