#include "tests/testing/nginx_front.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sstream>
#include <vector>

#include "tests/testing/test_util.h"

namespace octopus::testing {

namespace fs = std::filesystem;

namespace {

bool CanConnect(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0;
  ::close(fd);
  return ok;
}

// The first word of a configuration line ("listen", "alias", ...).
std::string Directive(const std::string& line) {
  std::istringstream in(line);
  std::string word;
  in >> word;
  return word;
}

}  // namespace

int FreeLoopbackPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

NginxFront::NginxFront(fs::path dir, fs::path storage, int octopus_port)
    : NginxFront(std::move(dir), std::move(storage), std::vector<int>{octopus_port}) {}

NginxFront::NginxFront(fs::path dir, fs::path storage, std::vector<int> octopus_ports)
    : dir_(std::move(dir)), storage_(std::move(storage)), octopus_ports_(std::move(octopus_ports)) {
  fs::create_directories(dir_);
}

NginxFront::~NginxFront() { Stop(); }

bool NginxFront::Available() {
  return RunCommand("command -v nginx && command -v openssl", 30).exit_code == 0;
}

fs::path NginxFront::SiteFile() {
  return fs::path(OCTOPUS_SOURCE_DIR) / "deploy" / "nginx" / "octopus-photos.conf";
}

std::string NginxFront::ErrorLog() const {
  return ReadFile(dir_ / "error.log") + ReadFile(dir_ / "site-error.log");
}

::testing::AssertionResult NginxFront::Start() {
  const auto cert = RunCommand(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
      "-subj /CN=localhost -keyout " +
          Quote((dir_ / "key.pem").string()) + " -out " + Quote((dir_ / "cert.pem").string()) +
          " 2>&1",
      60);
  if (cert.exit_code != 0) return ::testing::AssertionFailure() << "openssl: " << cert.output;
  https_port_ = FreeLoopbackPort();
  http_port_ = FreeLoopbackPort();

  // The shipped site file, its EDIT lines pointed at this test's world.
  std::istringstream site(ReadFile(SiteFile()));
  std::ostringstream out;
  const std::string store = (storage_ / "").string();
  for (std::string line; std::getline(site, line);) {
    if (line.find("# EDIT") == std::string::npos) {
      out << line << "\n";
      continue;
    }
    const std::string word = Directive(line);
    const std::string indent = line.substr(0, line.find_first_not_of(' '));
    if (word == "server") {
      for (const int port : octopus_ports_) out << indent << "server 127.0.0.1:" << port << ";\n";
    } else if (word == "listen" && line.find("[::]") != std::string::npos) {
      // loopback IPv4 only
    } else if (word == "listen" && line.find(" ssl") != std::string::npos) {
      out << indent << "listen 127.0.0.1:" << https_port_ << " ssl http2;\n";
    } else if (word == "listen") {
      out << indent << "listen 127.0.0.1:" << http_port_ << ";\n";
    } else if (word == "server_name") {
      out << indent << "server_name localhost;\n";
    } else if (word == "ssl_certificate") {
      out << indent << "ssl_certificate " << (dir_ / "cert.pem").string() << ";\n";
    } else if (word == "ssl_certificate_key") {
      out << indent << "ssl_certificate_key " << (dir_ / "key.pem").string() << ";\n";
    } else if (word == "access_log") {
      out << indent << "access_log " << (dir_ / "access.log").string() << ";\n";
    } else if (word == "error_log") {
      out << indent << "error_log " << (dir_ / "site-error.log").string() << ";\n";
    } else if (word == "alias") {
      out << indent << "alias " << store << ";\n";
    } else {
      return ::testing::AssertionFailure()
             << "the harness does not know this EDIT line of " << SiteFile() << ": " << line;
    }
  }
  WriteFile(dir_ / "octopus-photos.conf", out.str());

  std::ostringstream main;
  // As root, workers would drop to "nobody", who cannot read the test's
  // private home.
  if (::getuid() == 0) main << "user root;\n";
  main << "worker_processes 2;\n"
       << "pid " << (dir_ / "nginx.pid").string() << ";\n"
       << "error_log " << (dir_ / "error.log").string() << ";\n"
       << "events { worker_connections 4096; }\n"
       << "http {\n"
       << "  include /etc/nginx/mime.types;\n"
       << "  default_type application/octet-stream;\n";
  for (const char* temp : {"client_body", "proxy", "fastcgi", "uwsgi", "scgi"}) {
    main << "  " << temp << "_temp_path " << (dir_ / (std::string(temp) + "_temp")).string()
         << ";\n";
  }
  main << "  include " << (dir_ / "octopus-photos.conf").string() << ";\n}\n";
  WriteFile(dir_ / "nginx.conf", main.str());

  const std::string conf = (dir_ / "nginx.conf").string();
  const auto check =
      RunCommand("nginx -p " + Quote(dir_.string()) + " -c " + Quote(conf) + " -t 2>&1", 60);
  if (check.exit_code != 0) {
    return ::testing::AssertionFailure() << "nginx -t refused the configuration:\n"
                                         << check.output << "\n"
                                         << out.str();
  }

  std::vector<std::string> args = {"nginx", "-p", dir_.string(), "-c", conf, "-g", "daemon off;"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  const int null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    ::dup2(null_fd, 0);
    ::dup2(null_fd, 1);
    ::dup2(null_fd, 2);
    ::execvp("nginx", argv.data());
    ::_exit(127);
  }
  ::close(null_fd);
  if (pid < 0) return ::testing::AssertionFailure() << "fork failed";
  pid_ = pid;
  std::string failure;
  const bool up = PollUntil(
      [&] {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
          pid_ = -1;
          failure = "nginx exited during start-up";
          return true;
        }
        return CanConnect(https_port_) && CanConnect(http_port_);
      },
      60);
  if (!up) failure = "nginx did not listen in time";
  if (failure.empty()) return ::testing::AssertionSuccess();
  Stop();
  return ::testing::AssertionFailure() << failure << "\n" << ErrorLog();
}

void NginxFront::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  if (!PollUntil([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, 30)) {
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &status, 0);
  }
  pid_ = -1;
}

}  // namespace octopus::testing
