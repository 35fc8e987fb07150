// Who the client is: the peer of the connection, or, when that peer is a
// reverse proxy we were told to trust (OCTOPUS_TRUSTED_PROXIES), the address
// the proxy says it serves. Used for the access log, the login throttle and
// the per-address connection cap; never for authorisation.
//
// Thread-safe: a TrustedProxies is immutable once parsed.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace httplib {
struct Request;
}

namespace octopus::http {

// An IPv4 or IPv6 address; IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are
// taken as the IPv4 address they carry.
struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first 4

  static bool Parse(std::string_view text, IpAddress* out);
  static bool FromSockaddr(const sockaddr* addr, socklen_t len, IpAddress* out);
  // "192.0.2.1", "2001:db8::1".
  std::string ToString() const;
  // The key the per-address caps count under: the address itself for IPv4,
  // its /64 for IPv6, where one client usually holds a whole /64.
  std::string CapKey() const;
};

class TrustedProxies {
 public:
  // A list of addresses and CIDR blocks separated by commas or spaces:
  // "127.0.0.1, ::1, 10.0.0.0/8". Empty: nobody is trusted.
  static Result<TrustedProxies> Parse(std::string_view list);

  bool empty() const { return blocks_.empty(); }
  bool Contains(const IpAddress& address) const;
  bool Contains(std::string_view address) const;

  // The client of a request that reached us from `peer`, with these
  // X-Forwarded-For and X-Real-IP values (empty when absent):
  //  - peer not trusted: the peer, whatever the headers say;
  //  - X-Forwarded-For: its entries right to left, past every trusted one,
  //    the first that is not (a client can prepend anything; only what our
  //    proxies appended counts); the leftmost if all are trusted;
  //  - else X-Real-IP;
  //  - a malformed entry where the client should be: the peer.
  std::string ClientOf(std::string_view peer, std::string_view forwarded_for,
                       std::string_view real_ip) const;

 private:
  struct Block {
    IpAddress base;
    int prefix = 0;  // bits
  };
  std::vector<Block> blocks_;
};

// ClientOf for a request served by cpp-httplib.
std::string ClientAddress(const TrustedProxies& trusted, const httplib::Request& req);

}  // namespace octopus::http
