#include "core/store/connection_pool.h"

#include "core/db/wait_stats.h"

namespace octopus {

ConnectionPool::ConnectionPool(std::filesystem::path file)
    : ConnectionPool([file = std::move(file)] { return db::Database::Open(file); }, kUnbounded) {}

ConnectionPool::ConnectionPool(Factory open, std::size_t max_open, std::chrono::milliseconds wait)
    : factory_(std::move(open)), max_open_(max_open == 0 ? 1 : max_open), wait_(wait) {}

Result<ConnectionPool::Lease> ConnectionPool::Acquire() {
  {
    std::unique_lock lock(mu_);
    const auto available = [&] { return !idle_.empty() || open_ < max_open_; };
    bool free = available();
    if (!free) {
      const auto start = std::chrono::steady_clock::now();
      free = returned_.wait_for(lock, wait_, available);
      db::NotePoolWait(std::chrono::steady_clock::now() - start);
    }
    if (!free) {
      return Status::Busy("all " + std::to_string(max_open_) +
                          " database connections are in use; try again");
    }
    if (!idle_.empty()) {
      auto db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
    ++open_;  // the slot is ours while we open, outside the lock
  }
  auto db = factory_();
  if (!db.ok()) {
    std::lock_guard lock(mu_);
    --open_;
    returned_.notify_one();
    return db.status();
  }
  return Lease(this, std::move(db).value());
}

std::size_t ConnectionPool::open_count() {
  std::lock_guard lock(mu_);
  return open_;
}

void ConnectionPool::Return(std::unique_ptr<db::Database> db) {
  // Kept rather than closed up to as many as the API serves at once
  // (64 connections under wrk): with 16 kept, perf showed 5% of a request
  // in Database::Open. An idle connection holds a few hundred kilobytes.
  // A connection whose server went away is closed, not kept: the next
  // Acquire opens a fresh one (PostgreSQL; SQLite's are always healthy).
  // One lost connection most often means the server restarted, which lost
  // the idle ones too: they are closed with it, or each would fail one more
  // request (kBusy) before the pool learnt. Wrong after a single backend was
  // killed; that costs only reconnects.
  std::vector<std::unique_ptr<db::Database>> closing;  // closed outside the lock
  {
    std::lock_guard lock(mu_);
    if (db->healthy() && idle_.size() < kMaxIdle) {
      idle_.push_back(std::move(db));
    } else {
      if (!db->healthy()) {
        open_ -= idle_.size();
        for (auto& idle : idle_) closing.push_back(std::move(idle));
        idle_.clear();
      }
      closing.push_back(std::move(db));
      --open_;
    }
  }
  returned_.notify_all();
}

}  // namespace octopus
