// The database schema and its migrations, one list per backend (their SQL
// differs too much to share). The schema version is SQLite's `user_version`,
// or PostgreSQL's one-row `schema_version` table; migration N takes a
// database from version N-1 to N. Versions count per backend: PostgreSQL's 1
// is SQLite's 7.
#pragma once

#include "core/db/database.h"

namespace octopus::db {

// The version this build writes on `backend`.
int CurrentSchemaVersion(Backend backend = Backend::kSqlite);

// Upgrades an older database (or creates a new one) to CurrentSchemaVersion.
// A database from a newer version is refused (kCorrupt, with a message that
// says to upgrade Octopus Photos). All of it runs in one transaction (on
// PostgreSQL, DDL is transactional too: a failed migration leaves nothing),
// and on PostgreSQL under a lock that makes a second server wait. `target` < 0 means current: tests
// pass a lower one to build an old database.
Status Migrate(Database& db, int target = -1);

Result<int> SchemaVersion(Database& db);

}  // namespace octopus::db
