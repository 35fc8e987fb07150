#include "tests/hostile/hostile_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>

namespace octopus::testing {
namespace {

SSL_CTX* ClientContext() {
  static SSL_CTX* ctx = [] {
    SSL_CTX* c = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_verify(c, SSL_VERIFY_NONE, nullptr);
    return c;
  }();
  return ctx;
}

int RemainingMs(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() < 0 ? 0 : static_cast<int>(left.count());
}

}  // namespace

ClientSocket::ClientSocket(ClientSocket&& o) noexcept : fd_(o.fd_), ssl_(o.ssl_) {
  o.fd_ = -1;
  o.ssl_ = nullptr;
}

ClientSocket& ClientSocket::operator=(ClientSocket&& o) noexcept {
  if (this != &o) {
    Close();
    fd_ = o.fd_;
    ssl_ = o.ssl_;
    o.fd_ = -1;
    o.ssl_ = nullptr;
  }
  return *this;
}

void ClientSocket::Close() {
  if (ssl_ != nullptr) SSL_free(ssl_);
  ssl_ = nullptr;
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool ClientSocket::Wait(bool write, Clock::time_point deadline) {
  pollfd p{fd_, static_cast<short>(write ? POLLOUT : POLLIN), 0};
  for (;;) {
    const int n = ::poll(&p, 1, RemainingMs(deadline));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return false;
  }
}

bool ClientSocket::Connect(const Target& target, const char* source, Clock::time_point deadline) {
  Close();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd_ < 0) return false;
  sockaddr_in from{};
  from.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &from.sin_addr);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(target.port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd_, reinterpret_cast<const sockaddr*>(&from), sizeof from) != 0) return false;
  if (::connect(fd_, reinterpret_cast<const sockaddr*>(&to), sizeof to) != 0) {
    if (errno != EINPROGRESS || !Wait(/*write=*/true, deadline)) return false;
    int error = 0;
    socklen_t len = sizeof error;
    if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &len) != 0 || error != 0) return false;
  }
  if (!target.tls) return true;
  ssl_ = SSL_new(ClientContext());
  SSL_set_fd(ssl_, fd_);
  for (;;) {
    const int rc = SSL_connect(ssl_);
    if (rc == 1) return true;
    const int err = SSL_get_error(ssl_, rc);
    ERR_clear_error();
    if (err == SSL_ERROR_WANT_READ && Wait(false, deadline)) continue;
    if (err == SSL_ERROR_WANT_WRITE && Wait(true, deadline)) continue;
    return false;
  }
}

bool ClientSocket::Send(std::string_view bytes, Clock::time_point deadline) {
  while (!bytes.empty()) {
    if (fd_ < 0) return false;
    if (ssl_ != nullptr) {
      const int n = SSL_write(ssl_, bytes.data(),
                              static_cast<int>(std::min<std::size_t>(bytes.size(), 1 << 20)));
      if (n > 0) {
        bytes.remove_prefix(static_cast<std::size_t>(n));
        continue;
      }
      const int err = SSL_get_error(ssl_, n);
      ERR_clear_error();
      if (err == SSL_ERROR_WANT_WRITE && Wait(true, deadline)) continue;
      if (err == SSL_ERROR_WANT_READ && Wait(false, deadline)) continue;
      return false;
    }
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n > 0) {
      bytes.remove_prefix(static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && Wait(true, deadline)) continue;
    return false;
  }
  return true;
}

std::string ClientSocket::ReadUntil(std::string_view marker, Clock::time_point deadline,
                                    bool* closed) {
  std::string got;
  *closed = false;
  char buffer[16384];
  while (fd_ >= 0 && (marker.empty() || got.find(marker) == std::string::npos)) {
    ssize_t n;
    if (ssl_ != nullptr) {
      const int rc = SSL_read(ssl_, buffer, sizeof buffer);
      if (rc > 0) {
        got.append(buffer, static_cast<std::size_t>(rc));
        continue;
      }
      const int err = SSL_get_error(ssl_, rc);
      ERR_clear_error();
      if (err == SSL_ERROR_WANT_READ && Wait(false, deadline)) continue;
      if (err == SSL_ERROR_WANT_WRITE && Wait(true, deadline)) continue;
      *closed = err == SSL_ERROR_ZERO_RETURN || err == SSL_ERROR_SYSCALL || err == SSL_ERROR_SSL;
      return got;
    }
    n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n > 0) {
      got.append(buffer, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) && Wait(false, deadline)) continue;
    *closed = n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
    return got;
  }
  return got;
}

bool ClientSocket::PeerGone() {
  if (fd_ < 0) return true;
  bool closed = false;
  ReadUntil("\x01never\x02", Clock::now(), &closed);
  return closed;
}

HealthProbe::HealthProbe(Target target) : target_(target) {
  thread_ = std::thread([this] { Run(); });
}

void HealthProbe::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

void HealthProbe::Run() {
  while (!stop_) {
    const auto next = Clock::now() + std::chrono::milliseconds(250);
    bool passed = false;
    for (int attempt = 0; attempt < 3 && !passed && !stop_; ++attempt) {
      const auto start = Clock::now();
      const auto deadline = start + std::chrono::seconds(1);
      ClientSocket s;
      bool closed = false;
      if (s.Connect(target_, kNeighbourAddress, deadline) &&
          s.Send("GET /health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
                 deadline)) {
        const std::string reply = s.ReadUntil("\r\n\r\n", deadline, &closed);
        passed = reply.rfind("HTTP/1.1 200", 0) == 0 && reply.find("\r\n\r\n") != std::string::npos;
      }
      if (passed) {
        const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
        if (ms > worst_ms_) worst_ms_ = ms;
      }
    }
    ++probes_;
    if (!passed) ++failed_;
    std::this_thread::sleep_until(next);
  }
}

std::string HealthProbe::Summary() const {
  std::ostringstream out;
  out << probes_ << " /health probes, " << failed_ << " failed (no 200 within 1 s in 3 tries), "
      << "slowest answer " << static_cast<int>(worst_ms_) << " ms";
  return out.str();
}

long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

RssSampler::RssSampler(pid_t pid) : pid_(pid), start_kb_(RssKb(pid)), peak_kb_(start_kb_) {
  thread_ = std::thread([this] {
    while (!stop_) {
      const long kb = RssKb(pid_);
      if (kb > peak_kb_) peak_kb_ = kb;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  });
}

void RssSampler::Stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

long RssSlackMb() {
  const char* v = std::getenv("OCTOPUS_RSS_SLACK_MB");
  return v && *v ? std::atol(v) : 256;
}

}  // namespace octopus::testing
