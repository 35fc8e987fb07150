#include "http/client_address.h"

#include <arpa/inet.h>
#include <httplib.h>

#include <charconv>
#include <cstring>

#include "http/http_util.h"

namespace octopus::http {
namespace {

// ::ffff:a.b.c.d is an IPv4 client reaching an IPv6 socket.
void UnmapV4(IpAddress* a) {
  static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (a->v6 && std::memcmp(a->bytes.data(), kMapped, 12) == 0) {
    std::array<std::uint8_t, 16> v4{};
    std::memcpy(v4.data(), a->bytes.data() + 12, 4);
    a->bytes = v4;
    a->v6 = false;
  }
}

bool PrefixMatches(const IpAddress& a, const IpAddress& base, int prefix) {
  if (a.v6 != base.v6) return false;
  const int whole = prefix / 8;
  if (std::memcmp(a.bytes.data(), base.bytes.data(), static_cast<std::size_t>(whole)) != 0) {
    return false;
  }
  const int rest = prefix % 8;
  if (rest == 0) return true;
  const auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (a.bytes[whole] & mask) == (base.bytes[whole] & mask);
}

// An entry of X-Forwarded-For: an address, or "[2001:db8::1]:443" and
// "192.0.2.1:443" as some proxies write them.
bool ParseForwarded(std::string_view text, IpAddress* out) {
  text = TrimSpace(text);
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return false;
    text = text.substr(1, close - 1);
  } else if (const auto colon = text.find(':');
             colon != std::string_view::npos &&
             text.find(':', colon + 1) == std::string_view::npos) {
    text = text.substr(0, colon);
  }
  return IpAddress::Parse(text, out);
}

}  // namespace

bool IpAddress::Parse(std::string_view text, IpAddress* out) {
  text = TrimSpace(text);
  if (text.empty() || text.size() >= INET6_ADDRSTRLEN) return false;
  const std::string z(text);
  IpAddress a;
  if (::inet_pton(AF_INET, z.c_str(), a.bytes.data()) == 1) {
    *out = a;
    return true;
  }
  if (::inet_pton(AF_INET6, z.c_str(), a.bytes.data()) == 1) {
    a.v6 = true;
    UnmapV4(&a);
    *out = a;
    return true;
  }
  return false;
}

bool IpAddress::FromSockaddr(const sockaddr* addr, socklen_t len, IpAddress* out) {
  IpAddress a;
  if (addr->sa_family == AF_INET && len >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
    std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in*>(addr)->sin_addr, 4);
  } else if (addr->sa_family == AF_INET6 && len >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
    a.v6 = true;
    std::memcpy(a.bytes.data(), &reinterpret_cast<const sockaddr_in6*>(addr)->sin6_addr, 16);
    UnmapV4(&a);
  } else {
    return false;
  }
  *out = a;
  return true;
}

std::string IpAddress::ToString() const {
  char text[INET6_ADDRSTRLEN] = {};
  ::inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
  return text;
}

std::string IpAddress::CapKey() const {
  if (!v6) return ToString();
  IpAddress prefix = *this;
  std::memset(prefix.bytes.data() + 8, 0, 8);
  return prefix.ToString() + "/64";
}

Result<TrustedProxies> TrustedProxies::Parse(std::string_view list) {
  TrustedProxies out;
  std::size_t pos = 0;
  while (pos < list.size()) {
    const auto end = list.find_first_of(", \t", pos);
    const std::string_view item =
        list.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? list.size() : end + 1;
    if (item.empty()) continue;
    const auto slash = item.find('/');
    Block block;
    const std::string_view address = item.substr(0, slash);
    if (!IpAddress::Parse(address, &block.base)) {
      return Status::InvalidArgument("OCTOPUS_TRUSTED_PROXIES: not an address or CIDR block: '" +
                                     std::string(item) + "'");
    }
    const int bits = block.base.v6 ? 128 : 32;
    block.prefix = bits;
    if (slash != std::string_view::npos) {
      const std::string_view digits = item.substr(slash + 1);
      int prefix = -1;
      const auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size() || prefix < 0 ||
          prefix > bits) {
        return Status::InvalidArgument("OCTOPUS_TRUSTED_PROXIES: bad prefix length in '" +
                                       std::string(item) + "'");
      }
      block.prefix = prefix;
    }
    out.blocks_.push_back(block);
  }
  return out;
}

bool TrustedProxies::Contains(const IpAddress& address) const {
  for (const Block& b : blocks_) {
    if (PrefixMatches(address, b.base, b.prefix)) return true;
  }
  return false;
}

bool TrustedProxies::Contains(std::string_view address) const {
  IpAddress a;
  return !blocks_.empty() && IpAddress::Parse(address, &a) && Contains(a);
}

std::string TrustedProxies::ClientOf(std::string_view peer, std::string_view forwarded_for,
                                     std::string_view real_ip) const {
  if (!Contains(peer)) return std::string(peer);
  if (!TrimSpace(forwarded_for).empty()) {
    std::string_view rest = forwarded_for;
    IpAddress last;
    while (!rest.empty()) {
      const auto comma = rest.rfind(',');
      const std::string_view entry =
          comma == std::string_view::npos ? rest : rest.substr(comma + 1);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
      IpAddress a;
      if (!ParseForwarded(entry, &a)) return std::string(peer);
      if (!Contains(a)) return a.ToString();
      last = a;
    }
    return last.ToString();
  }
  IpAddress a;
  if (!TrimSpace(real_ip).empty() && ParseForwarded(real_ip, &a)) return a.ToString();
  return std::string(peer);
}

std::string ClientAddress(const TrustedProxies& trusted, const httplib::Request& req) {
  if (trusted.empty()) return req.remote_addr;
  // Several X-Forwarded-For lines are one list, in order (RFC 9110 5.3).
  std::string forwarded;
  const auto range = req.headers.equal_range("X-Forwarded-For");
  for (auto it = range.first; it != range.second; ++it) {
    if (!forwarded.empty()) forwarded += ',';
    forwarded += it->second;
  }
  return trusted.ClientOf(req.remote_addr, forwarded, req.get_header_value("X-Real-IP"));
}

}  // namespace octopus::http
