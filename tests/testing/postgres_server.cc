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
  if (!fs::exists(kBin / "postgres")) {
    *why = kBin.string() + "/postgres is missing: apt-get install postgresql (tools/setup.sh)";
    return nullptr;
  }
  if (AsRoot() && getpwnam("postgres") == nullptr) {
    *why = "no `postgres` system user to run the server as";
    return nullptr;
  }
  if (!EnsureTemplate(why)) return nullptr;
  char pattern[] = "/tmp/octopus-pg-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    *why = "mkdtemp failed";
    return nullptr;
  }
  std::unique_ptr<PostgresServer> server(new PostgresServer(pattern));
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

PostgresServer::~PostgresServer() {
  std::string ignored;
  if (running_) Stop(&ignored);
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string PostgresServer::conninfo() const {
  return "host=" + dir_.string() + " port=5432 dbname=postgres user=postgres";
}

bool PostgresServer::Restart(std::string* why) {
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
