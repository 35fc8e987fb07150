#include "tests/tools/e2e_util.h"

#include <fcntl.h>
#include <httplib.h>
#include <openssl/evp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <vector>

#include "tests/testing/test_util.h"

extern char** environ;

namespace octopus::testing {

namespace fs = std::filesystem;

namespace {

constexpr char kApiLine[] = "Photos API at http://127.0.0.1:";
constexpr char kMountedLine[] = "Mounted the library of ";

}  // namespace

ServiceProcess::ServiceProcess(fs::path home, fs::path mount, std::string user,
                               std::map<std::string, std::string> env)
    : home_(std::move(home)),
      mount_(std::move(mount)),
      output_(home_.parent_path() / (home_.filename().string() + "-serve.out")),
      user_(std::move(user)),
      env_(std::move(env)) {
  fs::create_directories(home_);
  if (!mount_.empty()) fs::create_directories(mount_);
}

ServiceProcess::~ServiceProcess() {
  if (pid_ > 0) (void)Stop(SIGTERM);
  if (!mount_.empty()) LazyUnmount(mount_);
}

::testing::AssertionResult ServiceProcess::Start() {
  if (pid_ > 0) return ::testing::AssertionFailure() << "already running";
  const bool mounting = !mount_.empty();
  // A previous run killed mid-way may have left its mount behind.
  if (mounting) LazyUnmount(mount_);
  std::error_code ec;
  output_seen_ = fs::exists(output_, ec) ? fs::file_size(output_, ec) : 0;

  // Everything the child needs is built before fork: after it, only
  // async-signal-safe calls.
  std::vector<std::string> args = {OctopusBinary(), "--home", home_.string(),
                                   "serve",         "--port", "0"};
  if (mounting) {
    args.insert(args.end(), {"--mount", mount_.string(), "--user", user_});
  } else {
    args.push_back("--no-mount");
  }
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string var = *e;
    if (!env_.count(var.substr(0, var.find('=')))) env.push_back(var);
  }
  for (const auto& [k, v] : env_) env.push_back(k + "=" + v);
  std::vector<char*> argv, envp;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  const int out = ::open(output_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  const int null_in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (out < 0 || null_in < 0) return ::testing::AssertionFailure() << "cannot open " << output_;
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    // Dies with the test program, whatever happens to it.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(null_in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(out);
  ::close(null_in);
  if (pid < 0) return ::testing::AssertionFailure() << "fork failed";
  pid_ = pid;

  // The port and the mount, from what it prints.
  std::string failure;
  const bool printed = PollUntil(
      [&] {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          failure = "the service exited during start-up";
          return true;
        }
        const std::string text = Output();
        const auto at = text.find(kApiLine);
        if (at == std::string::npos) return false;
        if (mounting && text.find(kMountedLine) == std::string::npos) return false;
        port_ = std::atoi(text.c_str() + at + sizeof(kApiLine) - 1);
        return true;
      },
      120);
  if (!printed) failure = "the service did not print its port and mount in time";
  if (failure.empty() && port_ <= 0) failure = "no port in the output";
  if (failure.empty()) {
    auto client = Client();
    const bool healthy = PollUntil(
        [&] {
          auto res = client->Get("/health");
          return res && res->status == 200;
        },
        60);
    if (!healthy) failure = "/health never answered 200";
  }
  if (failure.empty() && mounting) {
    const bool mounted = PollUntil(
        [&] {
          std::error_code ec2;
          return fs::is_directory(mount_ / "import", ec2) && fs::is_directory(mount_ / "all", ec2);
        },
        60);
    if (!mounted) failure = "the mount never showed import/ and all/";
  }
  if (failure.empty()) return ::testing::AssertionSuccess();
  if (pid_ > 0) (void)Stop(SIGKILL);
  return ::testing::AssertionFailure() << failure << "; output:\n" << Output();
}

int ServiceProcess::Stop(int sig) {
  int status = 0;
  if (pid_ > 0) {
    ::kill(pid_, sig);
    // A graceful stop finishes the requests in flight: generous, then a kill.
    const bool ended = PollUntil([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, 60);
    if (!ended) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }
  port_ = 0;
  if (!mount_.empty()) LazyUnmount(mount_);
  return status;
}

std::string ServiceProcess::Output() const {
  const std::string all = ReadFile(output_);
  return output_seen_ < all.size() ? all.substr(output_seen_) : std::string();
}

long ServiceProcess::RssKb() const {
  if (pid_ <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

std::unique_ptr<httplib::Client> ServiceProcess::Client() const {
  auto client = std::make_unique<httplib::Client>("127.0.0.1", port_);
  client->set_connection_timeout(30);
  client->set_read_timeout(120);
  client->set_write_timeout(120);
  return client;
}

std::string ServiceProcess::Login(const std::string& user, const std::string& password) const {
  const nlohmann::json body = {{"username", user}, {"password", password}};
  auto res = Client()->Post("/api/v1/auth/login", body.dump(), "application/json");
  if (!res || res->status != 200) return "";
  const auto j = nlohmann::json::parse(res->body, nullptr, false);
  return j.is_object() ? j.value("access_token", "") : "";
}

std::vector<nlohmann::json> ListAllPhotos(httplib::Client& client, const std::string& token,
                                          const std::string& path) {
  std::vector<nlohmann::json> out;
  const httplib::Headers auth = {{"Authorization", "Bearer " + token}};
  std::string cursor;
  for (int page = 0; page < 10000; ++page) {
    auto res = client.Get(path + "?limit=100" + (cursor.empty() ? "" : "&cursor=" + cursor), auth);
    if (!res || res->status != 200) {
      ADD_FAILURE() << "GET " << path << ": "
                    << (res ? res->body : httplib::to_string(res.error()));
      return out;
    }
    const auto j = nlohmann::json::parse(res->body);
    for (const auto& p : j.at("photos")) out.push_back(p);
    if (j.at("next_cursor").is_null()) return out;
    cursor = j.at("next_cursor").get<std::string>();
  }
  ADD_FAILURE() << "GET " << path << ": too many pages";
  return out;
}

std::string OctopusCommand(const fs::path& home) {
  return Quote(OctopusBinary()) + " --home " + Quote(home.string());
}

::testing::AssertionResult AddUser(const fs::path& home, const std::string& name,
                                   const std::string& password, const std::string& quota) {
  const auto r =
      RunCommand("printf '%s\\n' " + Quote(password) + " | " + OctopusCommand(home) + " user add " +
                 Quote(name) + (quota.empty() ? "" : " --quota " + quota) + " --password-stdin");
  if (r.exit_code == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "user add " << name << ": " << r.output;
}

void LazyUnmount(const fs::path& mount) {
  (void)RunCommand("fusermount3 -u -z " + Quote(mount.string()) + " 2>/dev/null", 60);
}

std::string Sha256OfFile(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return "";
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    EVP_DigestUpdate(ctx.get(), buf.data(), static_cast<std::size_t>(in.gcount()));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

}  // namespace octopus::testing
