// A pool of SQLite connections: one per concurrently active thread, kept
// open between uses (opening one costs its pragmas and loses its statement
// cache).
//
// Thread-safe; guarded by mu_.
#pragma once

#include <filesystem>
#include <memory>
#include <mutex>
#include <vector>

#include "core/db/database.h"

namespace octopus {

class ConnectionPool {
 public:
  explicit ConnectionPool(std::filesystem::path file) : file_(std::move(file)) {}

  // Returns its connection to the pool when it goes out of scope.
  class Lease {
   public:
    Lease(ConnectionPool* pool, std::unique_ptr<db::Database> db)
        : pool_(pool), db_(std::move(db)) {}
    Lease(Lease&&) = default;
    ~Lease() {
      if (db_) pool_->Return(std::move(db_));
    }
    db::Database& operator*() { return *db_; }
    db::Database* operator->() { return db_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<db::Database> db_;
  };

  Result<Lease> Acquire();

 private:
  void Return(std::unique_ptr<db::Database> db);
  static constexpr std::size_t kMaxIdle = 64;
  const std::filesystem::path file_;
  std::mutex mu_;
  std::vector<std::unique_ptr<db::Database>> idle_;  // GUARDED_BY(mu_)
};

}  // namespace octopus
