// The database schema and its migrations. The schema version is SQLite's
// `user_version`; migration N takes a database from version N-1 to N, each
// in its own transaction.
#pragma once

#include "core/db/database.h"

namespace octopus::db {

// The version this build writes.
int CurrentSchemaVersion();

// Upgrades an older database (or creates a new one) to CurrentSchemaVersion.
// A database from a newer version is refused (kCorrupt, with a message that
// says to upgrade Octopus Photos). `target` < 0 means current: tests pass a
// lower one to build an old database.
Status Migrate(Database& db, int target = -1);

Result<int> SchemaVersion(Database& db);

}  // namespace octopus::db
