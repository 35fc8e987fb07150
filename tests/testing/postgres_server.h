// A throwaway PostgreSQL 15 cluster for tests: its own data directory in a
// temporary directory, listening only on a Unix socket in that directory
// (no TCP port to collide on), fsync off. Stopped and removed on
// destruction.
//
// PostgreSQL refuses to run as root, and the tests run as root: the
// directory is handed to the `postgres` system user (the Debian package
// creates it) and the binaries run through `runuser -u postgres --`. Not
// root: they run as the current user.
//
// initdb costs ~3 s on this machine and every test is its own process
// under ctest, so the first cluster is initialised once into a template
// (/tmp/octopus-postgres-template-15, under a lock) and each server starts
// from a copy of it (~0.3 s).
//
// Not thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

namespace octopus::testing {

class PostgresServer {
 public:
  // Null, with `why` filled, when PostgreSQL is not installed or will not
  // start (tests then fail saying so: the backend is part of the suite).
  static std::unique_ptr<PostgresServer> Start(std::string* why);
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // A libpq keyword string for the cluster's `postgres` database as the
  // superuser `postgres` (trust authentication on the socket).
  std::string conninfo() const;
  // Fast shutdown: connected sessions are terminated. Then start again on
  // the same data. Each returns false (with the server log's tail in
  // `why`) on failure.
  bool Stop(std::string* why);
  bool Restart(std::string* why);
  const std::filesystem::path& dir() const { return dir_; }

 private:
  explicit PostgresServer(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::filesystem::path dir_;  // socket here, cluster in dir_/data
  bool running_ = false;
};

}  // namespace octopus::testing
