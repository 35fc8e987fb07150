#include "tests/testing/postgres_server.h"

#include <fcntl.h>
#include <pwd.h>
#include <sys/file.h>
#include <unistd.h>

#include <cstdlib>

#include "tests/testing/test_util.h"

namespace octopus::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kBin = "/usr/lib/postgresql/15/bin";
const fs::path kTemplate = "/tmp/octopus-postgres-template-15";

bool AsRoot() { return geteuid() == 0; }

// Runs a PostgreSQL binary as the user that may run it.
CommandResult RunAsPostgres(const std::string& command, int timeout_s = 60) {
  return RunCommand(AsRoot() ? "runuser -u postgres -- " + command : command, timeout_s);
}

bool ChownToPostgres(const fs::path& path, std::string* why) {
  if (!AsRoot()) return true;
  const CommandResult r = RunCommand("chown -R postgres: " + Quote(path.string()));
  if (r.exit_code != 0) *why = "chown to postgres failed: " + r.output;
  return r.exit_code == 0;
}

// Makes the template cluster once, under an exclusive lock: ctest runs
// test processes in parallel and each may be the first.
bool EnsureTemplate(std::string* why) {
  const std::string lock_path = kTemplate.string() + ".lock";
  const int lock = open(lock_path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0644);
  if (lock < 0 || flock(lock, LOCK_EX) != 0) {
    *why = "cannot lock " + lock_path;
    if (lock >= 0) close(lock);
    return false;
  }
  bool ok = true;
  if (!fs::exists(kTemplate / "PG_VERSION")) {
    const fs::path staging = kTemplate.string() + ".new";
    fs::remove_all(staging);
    fs::create_directories(staging);
    ok = ChownToPostgres(staging, why);
    if (ok) {
      const CommandResult r =
          RunAsPostgres(Quote((kBin / "initdb").string()) + " -D " + Quote(staging.string()) +
                        " -U postgres -A trust -E UTF8 --locale=C --no-sync --no-instructions");
      ok = r.exit_code == 0;
      if (!ok) *why = "initdb failed: " + r.output;
    }
    if (ok) fs::rename(staging, kTemplate);
  }
  close(lock);
  return ok;
}

std::string LogTail(const fs::path& log) {
  const CommandResult r = RunCommand("tail -n 20 " + Quote(log.string()));
  return r.output;
}

}  // namespace

std::unique_ptr<PostgresServer> PostgresServer::Start(std::string* why) {
  char pattern[] = "/tmp/octopus-pg-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    *why = "mkdtemp failed";
    return nullptr;
  }
  return StartIn(pattern, why);
}

std::unique_ptr<PostgresServer> PostgresServer::StartIn(fs::path dir, std::string* why) {
  if (!fs::exists(kBin / "postgres")) {
    *why = kBin.string() + "/postgres is missing: apt-get install postgresql (tools/setup.sh)";
    return nullptr;
  }
  if (AsRoot() && getpwnam("postgres") == nullptr) {
    *why = "no `postgres` system user to run the server as";
    return nullptr;
  }
  if (!EnsureTemplate(why)) return nullptr;
  std::unique_ptr<PostgresServer> server(new PostgresServer(std::move(dir)));
  const CommandResult copy = RunCommand("cp -a " + Quote(kTemplate.string()) + " " +
                                        Quote((server->dir_ / "data").string()));
  if (copy.exit_code != 0) {
    *why = "cannot copy the template cluster: " + copy.output;
    return nullptr;
  }
  if (!ChownToPostgres(server->dir_, why)) return nullptr;
  if (!server->Restart(why)) return nullptr;
  return server;
}

std::unique_ptr<PostgresServer> PostgresServer::StartDatabase(std::string* why) {
  const fs::path shared = OCTOPUS_TEST_POSTGRES_SHARED_DIR;
  if (!fs::exists(shared / ".s.PGSQL.5432")) return Start(why);
  static int made = 0;  // one process may make several (a test's second library)
  std::unique_ptr<PostgresServer> server(new PostgresServer(shared));
  server->shared_ = true;
  server->dbname_ = "test_" + std::to_string(getpid()) + "_" + std::to_string(++made);
  const CommandResult r = server->Psql("CREATE DATABASE " + server->dbname_);
  if (r.exit_code != 0) {
    *why = "cannot create a database on the shared cluster at " + shared.string() + ": " + r.output;
    server->shared_ = false;  // nothing to drop
    server->dir_.clear();
    return nullptr;
  }
  return server;
}

CommandResult PostgresServer::Psql(const std::string& sql) const {
  return RunAsPostgres(Quote((kBin / "psql").string()) + " -X -q -v ON_ERROR_STOP=1 -h " +
                       Quote(dir_.string()) + " -U postgres -d postgres -c " + Quote(sql));
}

bool PostgresServer::StartShared(const fs::path& dir, std::string* why) {
  std::string ignored;
  StopShared(dir, &ignored);  // a cluster left by an interrupted run
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    *why = "cannot create " + dir.string() + ": " + ec.message();
    return false;
  }
  auto server = StartIn(dir, why);
  if (!server) return false;
  server->running_ = false;  // left running, and its directory kept, on purpose
  server->dir_.clear();
  return true;
}

bool PostgresServer::StopShared(const fs::path& dir, std::string* why) {
  bool ok = true;
  if (fs::exists(dir / "data" / "postmaster.pid")) {
    PostgresServer server(dir);
    ok = server.Stop(why);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return ok;
}

PostgresServer::~PostgresServer() {
  std::string ignored;
  if (shared_) {
    // WITH (FORCE): a connection the test leaked must not keep it.
    (void)Psql("DROP DATABASE IF EXISTS " + dbname_ + " WITH (FORCE)");
    return;
  }
  if (running_) Stop(&ignored);
  if (dir_.empty()) return;
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PostgresServer::conninfo() const {
  return "host=" + dir_.string() + " port=5432 dbname=" + dbname_ + " user=postgres";
}

bool PostgresServer::Restart(std::string* why) {
  if (shared_) {
    *why = "the shared cluster is not this test's to restart: use PostgresServer::Start";
    return false;
  }
  // Only the socket: listen_addresses empty. fsync off: a test cluster
  // need not survive a power cut, and fsync is most of a commit's cost.
  const std::string options = "-k " + dir_.string() +
                              " -c listen_addresses= -c fsync=off -c full_page_writes=off"
                              " -c max_connections=50";
  const CommandResult r = RunAsPostgres(
      Quote((kBin / "pg_ctl").string()) + " -D " + Quote((dir_ / "data").string()) + " -o " +
      Quote(options) + " -l " + Quote((dir_ / "server.log").string()) + " -w -t 30 start");
  if (r.exit_code != 0) {
    *why = "pg_ctl start failed: " + r.output + "\n" + LogTail(dir_ / "server.log");
    return false;
  }
  running_ = true;
  return true;
}

bool PostgresServer::Stop(std::string* why) {
  if (shared_) {
    *why = "the shared cluster is not this test's to stop: use PostgresServer::Start";
    return false;
  }
  const CommandResult r = RunAsPostgres(Quote((kBin / "pg_ctl").string()) + " -D " +
                                        Quote((dir_ / "data").string()) + " -m fast -w -t 30 stop");
  if (r.exit_code != 0) {
    *why = "pg_ctl stop failed: " + r.output + "\n" + LogTail(dir_ / "server.log");
    return false;
  }
  running_ = false;
  return true;
}

}  // namespace octopus::testing
