// Browser sessions: the `octopus_session` cookie beside bearer tokens, and
// the CSRF defences that a cookie needs and a bearer header does not (a
// browser attaches cookies to requests another site makes it send; it never
// attaches an Authorization header on its own).
//
// The cookie carries the same signed token as a bearer login, so expiry,
// revocation and disabled users are checked by the one path
// (AuthenticateRequest in api_server.cc). The CSRF token is derived from the
// session, never stored: HMAC-SHA256(secret key, "csrf:" + jti). A JWT's
// signing input is base64url text, which holds no ':', so the two uses of
// the key can never MAC the same string.
//
// Thread-safe: free functions, no state.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "http/client_address.h"
#include "http/error_map.h"

namespace octopus::http {

inline constexpr std::string_view kSessionCookie = "octopus_session";
inline constexpr std::string_view kCsrfHeader = "X-CSRF-Token";

// The octopus_session value among the request's Cookie headers. Nothing
// when absent or empty, and nothing when it appears more than once: this
// server only ever sets one (host-only, Path=/), so a second was planted by
// someone else (a sibling subdomain, "cookie tossing"), and guessing which
// one is the user's would be worse than asking them to sign in.
std::optional<std::string> SessionCookie(const httplib::Request& req);

// The session's CSRF token: base64url(HMAC-SHA256(key, "csrf:" + jti)).
std::string CsrfToken(std::string_view key, std::string_view jti);

// `octopus_session=<token>; HttpOnly; SameSite=Strict; Path=/;
// Max-Age=<max_age>` (+ `; Secure`). The token is base64url with dots, safe
// as a cookie value as it is.
std::string SessionCookieHeader(std::string_view token, std::int64_t max_age, bool secure);
// The header that makes a browser forget the cookie (Max-Age=0).
std::string ClearedSessionCookieHeader(bool secure);

// POST, PUT, PATCH, DELETE: the methods that change something, and that a
// CSRF check guards. (GET, HEAD and OPTIONS change nothing here.)
bool IsUnsafeMethod(std::string_view method);

// "https" when the server serves TLS, or when a trusted proxy says it did
// (X-Forwarded-Proto from a peer in OCTOPUS_TRUSTED_PROXIES); else "http".
// Decides the cookie's Secure attribute and the request's own origin.
std::string RequestScheme(bool tls, const TrustedProxies& trusted, const httplib::Request& req);

struct ServerState;  // http/routes.h
// Whether the session cookie set or cleared in answer to `req` carries
// Secure: when the request came over HTTPS (RequestScheme). The one rule
// for login, logout and the guard's clearing of a dead cookie, so they
// never disagree about the same cookie.
bool SecureCookies(const ServerState& state, const httplib::Request& req);

// Refuses a request that a browser sent on behalf of another site: an
// `Origin` other than the request's own (`scheme://Host`, "null" included),
// or `Sec-Fetch-Site: cross-site`. Requests without either header (curl,
// older browsers) pass: the CSRF token is the defence that always applies.
std::optional<HttpError> CrossSiteRefusal(const httplib::Request& req, std::string_view scheme);

// The whole check of an unsafe request authenticated by the cookie:
// CrossSiteRefusal, then the X-CSRF-Token header against the session's
// token (constant-time). 403 "csrf" when refused.
std::optional<HttpError> CheckCookieRequest(const httplib::Request& req, std::string_view scheme,
                                            std::string_view key, std::string_view jti);

}  // namespace octopus::http
