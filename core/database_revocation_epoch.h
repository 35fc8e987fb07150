// The revocation epoch (core/revocation_epoch.h) of servers sharing one
// PostgreSQL database, on one machine or several: the one row of table
// revocation_epoch (core/store/revocation_store.h).
//
// A revoking write moves the row in its own transaction, so the move
// commits exactly when the revocation does: there is no write "in flight"
// for a reader to see, and nothing to repair after a crash (the database's
// atomicity replaces the file epoch's begun/ended pair and its flock).
// A reader reads the row before each use of a cache, so a logout on one
// server is refused by every other on the very next request. Cost: one
// primary-key read per cached lookup, and revoking writes of all users
// queue on one row (a conflict is a kBusy that RunInTransaction reruns);
// revocations are rare next to reads, purges the most frequent of them.
//
// Thread-safe (the pool is).
#pragma once

#include "core/revocation_epoch.h"

namespace octopus {

class DatabaseRevocationEpoch final : public RevocationEpoch {
 public:
  // `pool` must outlive this; its database must be migrated.
  explicit DatabaseRevocationEpoch(ConnectionPool& pool) : pool_(pool) {}

  // nullopt when the row cannot be read: callers then go to the database,
  // whose error they report.
  std::optional<std::uint64_t> Stable() const override;
  Status RunRevoking(ConnectionPool& pool, const TransactionBody& body) override;
  Status RunRevoking(db::Database& db, const TransactionBody& body) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace octopus
