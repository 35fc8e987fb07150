// Write transactions that survive PostgreSQL's conflicts.
//
// Under SERIALIZABLE (see db::Transaction) two writers of the same rows do
// not queue as on SQLite: the loser gets kBusy (a serialization failure, a
// deadlock, a timeout) from a statement or from COMMIT, nothing it wrote
// stays, and the whole transaction must run again, reading afresh. A lost
// connection (the server restarted) is kBusy too; the rerun then needs a
// new connection.
//
// HAZARD: `body` may run more than once. It must only touch the database
// through the connection it is given (or do work that is safe to repeat),
// and reset anything it fills in by reference at its start.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

#include "core/db/database.h"
#include "core/store/connection_pool.h"

namespace octopus {

struct RetryPolicy {
  // Writers that give the same key queue for each other instead of
  // conflicting (PostgreSQL: a session advisory lock on (octopus, key),
  // taken before BEGIN, so the snapshot comes after the previous writer's
  // commit; nothing on SQLite, whose writers queue anyway). The ingest and
  // blob removal pass the owner: one user's concurrent uploads all update
  // that user's row, and under SERIALIZABLE alone about half of them were
  // rerun and some failed after five runs (tests/bench/postgres_bench.sh).
  std::optional<std::int64_t> queue_key = std::nullopt;
  int attempts = 5;  // runs of the body in all, the first included
  // The wait before rerun k (1-based) is uniform in [0, min(max, first * 2^(k-1))]:
  // "full jitter", so that two losers of one conflict do not collide again.
  std::chrono::milliseconds first_backoff{5};
  std::chrono::milliseconds max_backoff{200};
};

using TransactionBody = std::function<Status(db::Database&)>;

// Runs `body` in a write transaction on a connection from `pool`, and
// commits when it returns OK (an error rolls back and is returned). On
// PostgreSQL, kBusy from the body, the BEGIN or the COMMIT reruns it all,
// after a jittered wait, on a fresh connection when the old one was lost,
// up to policy.attempts runs; then the last kBusy is returned.
//
// On SQLite it runs once, as before this helper: BEGIN IMMEDIATE has
// already waited 30 s for the file's write lock, so a kBusy there means the
// file is held and a rerun would only wait as long again.
Status RunInTransaction(ConnectionPool& pool, const TransactionBody& body,
                        const RetryPolicy& policy = {});

// The same on a connection the caller holds: reruns only while that
// connection is alive (a lost one cannot be replaced here).
Status RunInTransaction(db::Database& db, const TransactionBody& body,
                        const RetryPolicy& policy = {});

}  // namespace octopus
