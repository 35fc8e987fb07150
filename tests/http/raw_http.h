// A raw TCP connection to the test server, for requests httplib::Client
// would not send as written (chunked JSON, broken framing). Blocking
// sockets with generous timeouts; the descriptor is closed on destruction.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "core/file_util.h"

namespace octopus::http {

struct RawResponse {
  int status = 0;                              // 0: no status line arrived
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  bool closed = false;  // the server closed the connection after the response
  std::string after;    // what came after it, until the close (expect_close)
};

class RawConnection {
 public:
  // Connects to 127.0.0.1:port, from `source` (another loopback address,
  // such as "127.0.0.2", to be another client for per-address limits) when
  // given; ok() says whether it worked.
  explicit RawConnection(int port, const char* source = nullptr)
      : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    if (!fd_) return;
    // A stuck server fails the test instead of hanging it.
    timeval tv{60, 0};
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (source != nullptr) {
      sockaddr_in from{};
      from.sin_family = AF_INET;
      ::inet_pton(AF_INET, source, &from.sin_addr);
      if (::bind(fd_.get(), reinterpret_cast<const sockaddr*>(&from), sizeof from) != 0) return;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int rc;
    do {
      rc = ::connect(fd_.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    } while (rc != 0 && errno == EINTR);
    connected_ = rc == 0;
  }

  bool ok() const { return connected_; }
  int fd() const { return fd_.get(); }
  // How long a read may wait (60 s unless set).
  void SetReceiveTimeout(int seconds) {
    timeval tv{seconds, 0};
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  }

  // Waits up to `timeout_ms` for the server to close the connection,
  // reading (and dropping) what it sends meanwhile; true if it did.
  bool ClosedWithin(int timeout_ms) {
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    ::setsockopt(fd_.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (Fill()) {
    }
    return eof_;
  }
  // True once the peer has closed or reset the connection, without waiting
  // (what it sent before is read and dropped).
  bool PeerGone() {
    char chunk[4096];
    for (;;) {
      const ssize_t n = ::recv(fd_.get(), chunk, sizeof chunk, MSG_DONTWAIT);
      if (n > 0) continue;
      if (n == 0) return true;
      if (errno == EINTR) continue;
      return errno != EAGAIN && errno != EWOULDBLOCK;
    }
  }

  // Sends all of `bytes`; false if the peer is gone (no SIGPIPE).
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t n = ::send(fd_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads one response: status line, headers, and a Content-Length body
  // (none when `to_head`: the answer to a HEAD has none). Then, if
  // `expect_close`, reads on until the server closes (or the receive
  // timeout passes) and records whether it did, keeping what came.
  RawResponse ReadResponse(bool expect_close, bool to_head = false) {
    RawResponse r;
    std::size_t header_end;
    while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return r;
    }
    const std::string head = buffer_.substr(0, header_end);
    buffer_.erase(0, header_end + 4);
    // "HTTP/1.1 411 Length Required"
    const auto sp = head.find(' ');
    if (sp == std::string::npos) return r;
    r.status = std::atoi(head.c_str() + sp + 1);
    std::size_t pos = head.find("\r\n");
    while (pos != std::string::npos && pos + 2 < head.size()) {
      const std::size_t next = head.find("\r\n", pos + 2);
      const std::string line =
          head.substr(pos + 2, next == std::string::npos ? std::string::npos : next - pos - 2);
      if (const auto colon = line.find(':'); colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        r.headers[name] = value;
      }
      pos = next;
    }
    std::size_t length = 0;
    if (auto it = r.headers.find("content-length"); !to_head && it != r.headers.end()) {
      length = std::strtoull(it->second.c_str(), nullptr, 10);
    }
    while (buffer_.size() < length) {
      if (!Fill()) break;
    }
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, std::min(length, buffer_.size()));
    if (expect_close) {
      while (Fill()) {
      }
      r.closed = eof_;
      r.after = std::move(buffer_);
      buffer_.clear();
    }
    return r;
  }

 private:
  // Appends what arrives to buffer_; false at end of stream or on error.
  bool Fill() {
    char chunk[16 * 1024];
    ssize_t n;
    do {
      n = ::recv(fd_.get(), chunk, sizeof chunk, 0);
    } while (n < 0 && errno == EINTR);
    if (n == 0 || (n < 0 && errno == ECONNRESET)) eof_ = true;
    if (n <= 0) return false;
    buffer_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  UniqueFd fd_;
  bool connected_ = false;
  bool eof_ = false;
  std::string buffer_;
};

}  // namespace octopus::http
