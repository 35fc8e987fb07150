#include "core/db/schema.h"

#include <string>

namespace octopus::db {
namespace {

// Append only: never edit a migration that has shipped.
constexpr const char* kMigrations[] = {
    // 1: users and photos.
    R"sql(
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
)sql",
    // 2: API sessions, so tokens can be revoked.
    R"sql(
CREATE TABLE sessions (
  jti        TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  expires_at INTEGER NOT NULL,
  revoked    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_by_user ON sessions (user_id);
)sql",
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
    if (Status s = db.Exec(kMigrations[v]); !s.ok()) return s;
    if (Status s = db.Exec("PRAGMA user_version = " + std::to_string(v + 1)); !s.ok()) return s;
  }
  return tx->Commit();
}

}  // namespace octopus::db
