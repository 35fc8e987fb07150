// A revocation epoch: a counter shared by every process that serves one
// library, moved by every write able to invalidate what a process caches:
// an API session (logout, password change, disable, user removal) or a
// photo (purge, by a user or by fsck). A process may trust what it cached
// about sessions and photos only while the epoch it read *before* loading
// them from the database is still current.
//
// Two implementations, chosen with the database at Library::Open:
//   FileRevocationEpoch (core/file_revocation_epoch.h): SQLite, the
//     processes of one machine; two counters in a memory-mapped file,
//     read in nanoseconds.
//   DatabaseRevocationEpoch (core/database_revocation_epoch.h):
//     PostgreSQL, servers on several machines; one row, moved in the
//     revoking write's own transaction.
//
// Thread-safe.
#pragma once

#include <cstdint>
#include <optional>

#include "core/status.h"
#include "core/store/connection_pool.h"
#include "core/store/run_in_transaction.h"

namespace octopus {

class RevocationEpoch {
 public:
  virtual ~RevocationEpoch() = default;

  // The current epoch, or nullopt when nothing cached may be trusted (a
  // revoking write in flight, or the epoch cannot be read).
  virtual std::optional<std::uint64_t> Stable() const = 0;

  // Runs `body` as one revoking write transaction (RunInTransaction: it may
  // run more than once) and moves the epoch so that no process trusts,
  // after the commit, what it cached before it.
  virtual Status RunRevoking(ConnectionPool& pool, const TransactionBody& body) = 0;
  // The same on a connection the caller holds.
  virtual Status RunRevoking(db::Database& db, const TransactionBody& body) = 0;
};

}  // namespace octopus
