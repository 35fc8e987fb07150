#include "core/store/connection_pool.h"

namespace octopus {

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  ASSIGN_OR_RETURN(auto db, db::Database::Open(file_));
  return Lease(this, std::move(db));
}

void ConnectionPool::Return(std::unique_ptr<db::Database> db) {
  // Kept rather than closed up to as many as the API serves at once
  // (64 connections under wrk): with 16 kept, perf showed 5% of a request
  // in Database::Open. An idle connection holds a few hundred kilobytes.
  // A connection whose server went away is closed, not kept: the next
  // Acquire opens a fresh one (PostgreSQL; SQLite's are always healthy).
  if (!db->healthy()) return;
  std::lock_guard lock(mu_);
  if (idle_.size() < kMaxIdle) idle_.push_back(std::move(db));
}

}  // namespace octopus
