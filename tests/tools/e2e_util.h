// The whole service as a child process, for end-to-end tests: `octopus serve
// --port 0 --mount DIR --user NAME` over a temporary home, started, waited
// for (the port read back from its output, /health answering, the mount
// showing its folders), signalled, reaped and lazily unmounted, always.
//
// Not thread-safe: one test thread drives a ServiceProcess; other threads
// may use its port() and mount() while it runs.
#pragma once

#include <gtest/gtest.h>
#include <sys/types.h>

#include <filesystem>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace httplib {
class Client;
}

namespace octopus::testing {

// The password of every user the end-to-end tests create.
inline constexpr char kPassword[] = "a long enough password";

class ServiceProcess {
 public:
  // `home` and `mount` are created if absent; an empty `mount` serves the
  // API only (--no-mount). `env`: extra variables for the child
  // (OCTOPUS_MAX_UPLOAD, ...).
  ServiceProcess(std::filesystem::path home, std::filesystem::path mount, std::string user,
                 std::map<std::string, std::string> env = {});
  // Stops the service (SIGTERM, then SIGKILL after a generous grace), reaps
  // it and unmounts lazily.
  ~ServiceProcess();
  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  // Starts and waits until the API answers /health and the mount is there.
  ::testing::AssertionResult Start();
  // Sends `sig`, waits for the process to end, reaps it and unmounts
  // lazily (`fusermount3 -u -z`). SIGTERM is a graceful stop; SIGKILL a
  // crash. Returns the wait status.
  int Stop(int sig);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  const std::filesystem::path& mount() const { return mount_; }
  const std::filesystem::path& home() const { return home_; }
  // What the service printed (stdout and stderr), across every start.
  std::string Output() const;
  // The resident set size of the running service, in kB (from /proc).
  long RssKb() const;

  // A client on 127.0.0.1:port() with generous timeouts.
  std::unique_ptr<httplib::Client> Client() const;
  // Logs `user` in and returns the bearer token ("" on failure).
  std::string Login(const std::string& user, const std::string& password) const;

 private:
  std::filesystem::path home_, mount_, output_;
  std::string user_;
  std::map<std::string, std::string> env_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::size_t output_seen_ = 0;  // output before the current start
};

// Every photo of the token's user through GET /api/v1/photos, following
// next_cursor page by page. Fails the current test on a bad answer.
// Every page of a listing: the library's photos, or (path "/api/v1/trash")
// the trash's.
std::vector<nlohmann::json> ListAllPhotos(httplib::Client& client, const std::string& token,
                                          const std::string& path = "/api/v1/photos");

// `octopus --home HOME` quoted for the shell, to append arguments to.
std::string OctopusCommand(const std::filesystem::path& home);
// Creates a user through the CLI with `password` and a quota ("" for the
// default).
::testing::AssertionResult AddUser(const std::filesystem::path& home, const std::string& name,
                                   const std::string& password, const std::string& quota = "");
// Lazily unmounts `mount` (no error if nothing is mounted there).
void LazyUnmount(const std::filesystem::path& mount);
// SHA-256 of a file's bytes, hex; "" if unreadable.
std::string Sha256OfFile(const std::filesystem::path& file);

}  // namespace octopus::testing
