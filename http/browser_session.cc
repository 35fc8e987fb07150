#include "http/browser_session.h"

#include <openssl/crypto.h>
#include <strings.h>

#include <array>

#include "http/http_util.h"
#include "http/jwt.h"
#include "http/routes.h"

namespace octopus::http {
namespace {

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && strncasecmp(a.data(), b.data(), a.size()) == 0;
}

HttpError CsrfRefusal(std::string message) { return {403, "csrf", std::move(message)}; }

}  // namespace

std::optional<std::string> SessionCookie(const httplib::Request& req) {
  std::optional<std::string> found;
  const auto [first, last] = req.headers.equal_range("Cookie");
  for (auto it = first; it != last; ++it) {
    std::string_view rest = it->second;
    while (!rest.empty()) {
      const std::size_t semi = rest.find(';');
      const std::string_view pair = TrimSpace(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      const std::size_t eq = pair.find('=');
      if (eq == std::string_view::npos || TrimSpace(pair.substr(0, eq)) != kSessionCookie) continue;
      std::string_view value = TrimSpace(pair.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      if (found) return std::nullopt;  // planted beside ours: see the header
      found.emplace(value);
    }
  }
  if (found && found->empty()) return std::nullopt;
  return found;
}

std::string CsrfToken(std::string_view key, std::string_view jti) {
  const auto mac = HmacSha256(key, std::string("csrf:").append(jti));
  // Only when OpenSSL is out of memory: a token no header can match.
  if (!mac) return {};
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(mac->data()), mac->size()));
}

std::string SessionCookieHeader(std::string_view token, std::int64_t max_age, bool secure) {
  std::string out = std::string(kSessionCookie) + "=" + std::string(token) +
                    "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + std::to_string(max_age);
  if (secure) out += "; Secure";
  return out;
}

std::string ClearedSessionCookieHeader(bool secure) {
  std::string out = std::string(kSessionCookie) + "=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict";
  if (secure) out += "; Secure";
  return out;
}

bool IsUnsafeMethod(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

std::string RequestScheme(bool tls, const TrustedProxies& trusted, const httplib::Request& req) {
  if (tls) return "https";
  if (!trusted.empty() && trusted.Contains(req.remote_addr) &&
      EqualsIgnoringCase(TrimSpace(req.get_header_value("X-Forwarded-Proto")), "https")) {
    return "https";
  }
  return "http";
}

bool SecureCookies(const ServerState& state, const httplib::Request& req) {
  return RequestScheme(state.tls, state.trusted_proxies, req) == "https";
}

std::optional<HttpError> CrossSiteRefusal(const httplib::Request& req, std::string_view scheme) {
  if (req.has_header("Origin")) {
    const std::string origin = req.get_header_value("Origin");
    const std::string own = std::string(scheme) + "://" + req.get_header_value("Host");
    if (!EqualsIgnoringCase(TrimSpace(origin), own)) {
      return CsrfRefusal("cross-origin request refused");
    }
  }
  if (EqualsIgnoringCase(TrimSpace(req.get_header_value("Sec-Fetch-Site")), "cross-site")) {
    return CsrfRefusal("cross-site request refused");
  }
  return std::nullopt;
}

std::optional<HttpError> CheckCookieRequest(const httplib::Request& req, std::string_view scheme,
                                            std::string_view key, std::string_view jti) {
  if (auto refused = CrossSiteRefusal(req, scheme)) return refused;
  if (!req.has_header(std::string(kCsrfHeader).c_str())) {
    return CsrfRefusal("missing X-CSRF-Token header (see GET /api/v1/auth/session)");
  }
  const std::string presented = req.get_header_value(std::string(kCsrfHeader).c_str());
  const std::string expected = CsrfToken(key, jti);
  if (expected.empty() || presented.size() != expected.size() ||
      CRYPTO_memcmp(presented.data(), expected.data(), expected.size()) != 0) {
    return CsrfRefusal("wrong X-CSRF-Token");
  }
  return std::nullopt;
}

}  // namespace octopus::http
