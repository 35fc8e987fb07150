// `octopus db migrate --to URL`: copies a library's SQLite database into an
// empty PostgreSQL database, and checks the copy, all or nothing. The blobs
// are not touched: they stay in the storage directory, named by photo id.
//
// How:
//  - The source is opened read only and read in one read transaction: a
//    consistent snapshot even while a service still writes (what it writes
//    after the snapshot is not copied: stop the service for the switch).
//  - The target's schema is migrated (core/store/schema.h; committed on its
//    own, so the target keeps an empty schema when the copy fails), then
//    the copy runs in one PostgreSQL transaction: refused unless every table
//    is empty; rows streamed from SQLite and written in multi-row INSERTs
//    (memory holds one batch, whatever the library's size); users keep their
//    ids and the identity sequence is moved past them; each table's rows
//    counted on both sides, and each user's usage compared; any difference
//    or error rolls the whole copy back.
//  - Columns are copied by name. A SQLite table or column that PostgreSQL
//    lacks is an error naming it, never silently dropped: a schema change
//    made on one backend only fails here. SQLite's text-search tables
//    (FTS5 `photos_text*`: PostgreSQL indexes the photos table itself with
//    pg_trgm) are the only ones left out.
//
// Not thread-safe: uses the two connections it is given, on one thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/db/database.h"
#include "core/status.h"

namespace octopus {

struct TableCopy {
  std::string table;
  std::int64_t rows = 0;  // copied, and counted equal on both sides
};

struct DatabaseCopyReport {
  std::vector<TableCopy> tables;   // in copy order (users first)
  std::int64_t users_checked = 0;  // whose usage was compared equal
};

struct DatabaseCopyOptions {
  // Rows per INSERT (each column travels as one array parameter, so the
  // batch is not bounded by PostgreSQL's 65,535 parameters): fewer round
  // trips against memory, which holds one batch as text.
  int batch_rows = 1000;
  // Called after each table is copied (before the verification).
  std::function<void(const TableCopy&)> on_table;
};

// Copies `source` (SQLite, at the current schema version) into `target`
// (PostgreSQL; migrated here). kFailedPrecondition when the target already
// holds rows or the source's schema is not this build's; kCorrupt when a
// table or column has no place in the target, or the verification differs
// (the message names the table or the user).
Result<DatabaseCopyReport> CopyDatabase(db::Database& source, db::Database& target,
                                        const DatabaseCopyOptions& options = {});

// The same, opening the SQLite file read only and connecting to `conninfo`
// (never repeated in a message: it may hold a password).
Result<DatabaseCopyReport> CopySqliteToPostgres(const std::filesystem::path& sqlite_file,
                                                std::string_view conninfo,
                                                const DatabaseCopyOptions& options = {});

}  // namespace octopus
