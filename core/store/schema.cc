#include "core/store/schema.h"

#include <spdlog/spdlog.h>

#include <span>
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

// PostgreSQL's migrations. They start at SQLite's version 7 as one step:
// the SQLite history (rowid passes, FTS5 rebuilds, name folding) describes
// databases PostgreSQL never had. Append only, as kMigrations; a change to
// the schema is a migration in both lists.
//
// Types: INTEGER is BIGINT and flags stay 0/1 BIGINTs, so the stores read
// Int() on both backends. Every TEXT column is COLLATE "C": byte order, as
// SQLite's BINARY, which the import store's range trick ('/' + 1 == '0'),
// the cursors and ORDER BY rely on, whatever locale the database was made
// with; and lower() under "C" folds ASCII only, exactly NOCASE.
// users.id is BY DEFAULT (not ALWAYS) so that a copy from SQLite keeps the
// ids (and must then move the sequence past them).
const Migration kPostgresMigrations[] = {
    // 1: SQLite's version 7.
    {R"sql(
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE users (
  id             BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  name           TEXT COLLATE "C" NOT NULL UNIQUE,
  password_hash  TEXT COLLATE "C" NOT NULL,
  is_admin       BIGINT NOT NULL DEFAULT 0,
  disabled       BIGINT NOT NULL DEFAULT 0,
  quota_bytes    BIGINT NOT NULL,
  used_bytes     BIGINT NOT NULL DEFAULT 0,
  photo_count    BIGINT NOT NULL DEFAULT 0,
  generation     BIGINT NOT NULL DEFAULT 0,
  created_at     TEXT COLLATE "C" NOT NULL,
  change_seq     BIGINT NOT NULL DEFAULT 0,
  change_horizon BIGINT NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX users_by_folded_name ON users (lower(name));
CREATE TABLE photos (
  id                 TEXT COLLATE "C" PRIMARY KEY,
  owner              BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  filename           TEXT COLLATE "C" NOT NULL,
  size               BIGINT NOT NULL,
  sha256             TEXT COLLATE "C" NOT NULL,
  mime               TEXT COLLATE "C" NOT NULL,
  width              BIGINT NOT NULL,
  height             BIGINT NOT NULL,
  orientation        BIGINT NOT NULL,
  taken_at           TEXT COLLATE "C" NOT NULL,
  taken_at_offset    TEXT COLLATE "C",
  taken_at_estimated BIGINT NOT NULL,
  camera_make        TEXT COLLATE "C" NOT NULL,
  camera_model       TEXT COLLATE "C" NOT NULL,
  camera_label       TEXT COLLATE "C" NOT NULL,
  iso                BIGINT,
  exposure_time      DOUBLE PRECISION,
  f_number           DOUBLE PRECISION,
  focal_length_mm    DOUBLE PRECISION,
  lens               TEXT COLLATE "C" NOT NULL,
  gps_lat            DOUBLE PRECISION,
  gps_lon            DOUBLE PRECISION,
  gps_alt            DOUBLE PRECISION,
  place_country      TEXT COLLATE "C",
  place_country_code TEXT COLLATE "C",
  place_region       TEXT COLLATE "C",
  place_city         TEXT COLLATE "C",
  imported_at        TEXT COLLATE "C" NOT NULL,
  trashed_at         TEXT COLLATE "C",
  place_set_by_user  BIGINT NOT NULL DEFAULT 0,
  UNIQUE (owner, sha256)
);
CREATE INDEX photos_by_owner_time ON photos (owner, taken_at DESC, id DESC);
CREATE INDEX photos_by_camera ON photos (owner, lower(camera_label), taken_at DESC, id DESC);
CREATE INDEX photos_by_country ON photos (owner, lower(place_country), taken_at DESC, id DESC);
CREATE INDEX photos_by_country_code ON photos (owner, lower(place_country_code), taken_at DESC, id DESC);
CREATE INDEX photos_by_region ON photos (owner, lower(place_region), taken_at DESC, id DESC);
CREATE INDEX photos_by_city ON photos (owner, lower(place_city), taken_at DESC, id DESC);
CREATE INDEX photos_trash ON photos (owner, trashed_at DESC, id DESC) WHERE trashed_at IS NOT NULL;
-- The text search's ILIKE: pg_trgm indexes what FTS5's trigram table did,
-- and the planner picks it (no photos_text_terms, no triggers).
CREATE INDEX photos_text ON photos USING gin (
  filename gin_trgm_ops, camera_label gin_trgm_ops, lens gin_trgm_ops,
  place_country gin_trgm_ops, place_region gin_trgm_ops, place_city gin_trgm_ops);
CREATE TABLE sessions (
  jti        TEXT COLLATE "C" PRIMARY KEY,
  user_id    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at BIGINT NOT NULL,
  revoked    BIGINT NOT NULL DEFAULT 0,
  -- Insertion order, as SQLite's rowid: the oldest of equal expiries goes first.
  seq        BIGINT GENERATED ALWAYS AS IDENTITY
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE TABLE changes (
  owner    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  seq      BIGINT NOT NULL,
  photo_id TEXT COLLATE "C" NOT NULL,
  kind     BIGINT NOT NULL,
  at       BIGINT NOT NULL,
  PRIMARY KEY (owner, seq)
);
CREATE TABLE folders (
  owner BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  view  BIGINT NOT NULL,
  path  TEXT COLLATE "C" NOT NULL,
  count BIGINT NOT NULL,
  PRIMARY KEY (owner, view, path)
);
CREATE TABLE import_entries (
  owner    BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  path     TEXT COLLATE "C" NOT NULL,
  size     BIGINT NOT NULL,
  mtime    BIGINT NOT NULL,
  photo_id TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (owner, path)
);
)sql"},
    // 2: the revocation epoch of several servers on one database (core/
    // database_revocation_epoch.h). One row, moved by every revoking write
    // in that write's own transaction. SQLite's is a file on the machine.
    {R"sql(
CREATE TABLE revocation_epoch (
  id    SMALLINT PRIMARY KEY CHECK (id = 1),
  epoch BIGINT NOT NULL
);
INSERT INTO revocation_epoch (id, epoch) VALUES (1, 0);
)sql"},
};

std::span<const Migration> MigrationsOf(Backend backend) {
  if (backend == Backend::kPostgres) return kPostgresMigrations;
  return kMigrations;
}

// Two servers starting at once on one PostgreSQL database: the second waits
// for the first's migration, then finds nothing to do. A session lock,
// taken before the transaction begins (a lock taken inside it would come
// after the SERIALIZABLE snapshot, which would still show the old version),
// and released by the server if the connection dies.
class MigrationLock {
 public:
  static Result<MigrationLock> Take(Database& db) {
    if (db.backend() != Backend::kPostgres) return MigrationLock(nullptr);
    RETURN_IF_ERROR(db.Exec("SELECT pg_advisory_lock(" + std::string(kKey) + ")"));
    return MigrationLock(&db);
  }
  MigrationLock(MigrationLock&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
  MigrationLock& operator=(MigrationLock&&) = delete;
  ~MigrationLock() {
    if (db_) (void)db_->Exec("SELECT pg_advisory_unlock(" + std::string(kKey) + ")");
  }

 private:
  static constexpr const char* kKey = "7400518818";  // "octopus schema", any constant
  explicit MigrationLock(Database* db) : db_(db) {}
  Database* db_;
};

Status SetSchemaVersion(Database& db, int version) {
  if (db.backend() == Backend::kSqlite) {
    return db.Exec("PRAGMA user_version = " + std::to_string(version));
  }
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("UPDATE schema_version SET version = :v WHERE id = 1"));
  return stmt.Bind(":v", version).Run();
}

}  // namespace

int CurrentSchemaVersion(Backend backend) { return static_cast<int>(MigrationsOf(backend).size()); }

Result<int> SchemaVersion(Database& db) {
  if (db.backend() == Backend::kSqlite) {
    ASSIGN_OR_RETURN(auto stmt, db.Prepare("PRAGMA user_version"));
    ASSIGN_OR_RETURN(const bool row, stmt.Step());
    return row ? static_cast<int>(stmt.Int(0)) : 0;
  }
  // PostgreSQL has no user_version: a one-row table, absent (version 0)
  // until the first migration.
  ASSIGN_OR_RETURN(auto exists, db.Prepare("SELECT to_regclass('schema_version') IS NOT NULL"));
  ASSIGN_OR_RETURN(const bool found, exists.Step());
  if (!found || exists.Int(0) == 0) return 0;
  ASSIGN_OR_RETURN(auto stmt, db.Prepare("SELECT version FROM schema_version WHERE id = 1"));
  ASSIGN_OR_RETURN(const bool row, stmt.Step());
  return row ? static_cast<int>(stmt.Int(0)) : 0;
}

Status Migrate(Database& db, int target) {
  const std::span<const Migration> migrations = MigrationsOf(db.backend());
  const int current = static_cast<int>(migrations.size());
  if (target < 0) target = current;
  ASSIGN_OR_RETURN(auto lock, MigrationLock::Take(db));
  ASSIGN_OR_RETURN(auto tx, Transaction::Begin(db));  // one process migrates; others wait
  ASSIGN_OR_RETURN(const int version, SchemaVersion(db));
  if (version > current) {
    return Status::Corrupt("database schema version " + std::to_string(version) +
                           " is newer than this build supports (" + std::to_string(current) +
                           "): upgrade Octopus Photos, or restore a backup");
  }
  if (db.backend() == Backend::kPostgres && version == 0 && target > 0) {
    RETURN_IF_ERROR(
        db.Exec("CREATE TABLE schema_version (id SMALLINT PRIMARY KEY CHECK (id = 1), "
                "version INTEGER NOT NULL); INSERT INTO schema_version VALUES (1, 0)"));
  }
  for (int v = version; v < target; ++v) {
    RETURN_IF_ERROR(db.Exec(migrations[v].sql));
    if (migrations[v].then != nullptr) RETURN_IF_ERROR(migrations[v].then(db));
    RETURN_IF_ERROR(SetSchemaVersion(db, v + 1));
  }
  return tx.Commit();
}

}  // namespace octopus::db
