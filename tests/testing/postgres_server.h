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
// Even a copy costs 1-3 s a test with the server's start and stop (on a
// loaded 2-core machine), and ctest runs each test in a process of its
// own. So under ctest the tests that do not stop the server share one
// cluster, started by the `postgres_cluster` ctest fixture
// (tests/testing/postgres_cluster_main.cc) at kSharedClusterDir, and each
// gets a fresh database of its own on it (StartDatabase: ~0.1 s). A test
// program run by hand, without that cluster, gets a private one as before.
//
// Not thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "tests/testing/test_util.h"

namespace octopus::testing {

class PostgresServer {
 public:
  // Null, with `why` filled, when PostgreSQL is not installed or will not
  // start (tests then fail saying so: the backend is part of the suite).
  static std::unique_ptr<PostgresServer> Start(std::string* why);
  // A fresh, empty database of its own on the shared cluster when it runs,
  // dropped on destruction; else a private cluster, as Start. Stop and
  // Restart refuse on the shared one: tests that stop the server use Start.
  static std::unique_ptr<PostgresServer> StartDatabase(std::string* why);

  // For the ctest fixture: the shared cluster at `dir`, left running when
  // the program exits (any earlier one there is stopped first), and its
  // stop and removal.
  static bool StartShared(const std::filesystem::path& dir, std::string* why);
  static bool StopShared(const std::filesystem::path& dir, std::string* why);
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // A libpq keyword string for the test's database (a private cluster's
  // `postgres` database) as the superuser `postgres` (trust authentication
  // on the socket).
  std::string conninfo() const;
  // Fast shutdown: connected sessions are terminated. Then start again on
  // the same data. Each returns false (with the server log's tail in
  // `why`) on failure.
  bool Stop(std::string* why);
  bool Restart(std::string* why);
  const std::filesystem::path& dir() const { return dir_; }

 private:
  explicit PostgresServer(std::filesystem::path dir) : dir_(std::move(dir)) {}
  static std::unique_ptr<PostgresServer> StartIn(std::filesystem::path dir, std::string* why);
  // Runs one statement as `postgres` in the cluster's `postgres` database.
  CommandResult Psql(const std::string& sql) const;
  std::filesystem::path dir_;  // socket here, cluster in dir_/data
  std::string dbname_ = "postgres";
  bool shared_ = false;  // a database on the shared cluster: dropped, the cluster left
  bool running_ = false;
};

}  // namespace octopus::testing
