// A pool of database connections: one per concurrently active thread, kept
// open between uses (opening one costs its pragmas or a server round trip,
// and loses its statement cache).
//
// The pool opens connections through a factory, so the same pool serves
// SQLite (a file) and PostgreSQL (a server). A maximum bounds how many are
// open at once, leased or idle: PostgreSQL's max_connections (100 by
// default) is shared by every process of every server, so each process
// takes a few and an Acquire past the maximum waits for a Return.
//
// Thread-safe; guarded by mu_.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/db/database.h"

namespace octopus {

class ConnectionPool {
 public:
  using Factory = std::function<Result<std::unique_ptr<db::Database>>()>;
  static constexpr std::size_t kUnbounded = std::numeric_limits<std::size_t>::max();

  // SQLite: unbounded, as before (each connection is a file handle; the
  // writers queue on the file's lock, not on the pool).
  explicit ConnectionPool(std::filesystem::path file);
  // Any backend: `open` makes a connection, at most `max_open` at a time.
  // An Acquire that finds all `max_open` leased waits up to `wait` for one
  // to come back, then fails with kBusy (a 503: the database is the limit).
  ConnectionPool(Factory open, std::size_t max_open,
                 std::chrono::milliseconds wait = std::chrono::seconds(30));

  // Returns its connection to the pool when it goes out of scope.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<db::Database> db)
        : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&&) = default;
    Lease& operator=(Lease&& other) noexcept {
      if (this != &other) {
        Release();
        pool_ = other.pool_;
        db_ = std::move(other.db_);
      }
      return *this;
    }
    ~Lease() { Release(); }
    db::Database& operator*() { return *db_; }
    db::Database* operator->() { return db_.get(); }

   private:
    void Release() {
      if (db_) pool_->Return(std::move(db_));
    }
    ConnectionPool* pool_;
    std::unique_ptr<db::Database> db_;
  };

  Result<Lease> Acquire();

  // How many connections are open, leased or idle (for tests and metrics).
  std::size_t open_count();

 private:
  void Return(std::unique_ptr<db::Database> db);
  static constexpr std::size_t kMaxIdle = 64;
  const Factory factory_;
  const std::size_t max_open_;
  const std::chrono::milliseconds wait_;
  std::mutex mu_;
  std::condition_variable returned_;                 // a lease came back or a slot freed
  std::vector<std::unique_ptr<db::Database>> idle_;  // GUARDED_BY(mu_)
  std::size_t open_ = 0;                             // GUARDED_BY(mu_): leased + idle
};

}  // namespace octopus
