// The revocation_epoch table of a PostgreSQL library (one row; see
// core/database_revocation_epoch.h): one connection's view. SQLite
// libraries have no such table: their epoch is a file.
//
// Not thread-safe: a store lives as long as its connection lease.
#pragma once

#include <cstdint>

#include "core/db/database.h"

namespace octopus {

class RevocationStore {
 public:
  explicit RevocationStore(db::Database& db) : db_(db) {}

  Result<std::uint64_t> Read();
  // Moves the epoch by one, in the caller's transaction.
  Status Bump();

 private:
  db::Database& db_;
};

}  // namespace octopus
