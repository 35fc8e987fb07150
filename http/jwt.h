// JSON Web Tokens, HS256 only (RFC 7519 / RFC 7515 compact form).
//
// Verification accepts exactly {"alg":"HS256"}: "none", RS256, HS512 and any
// other algorithm are refused before the signature is looked at, so a token
// cannot choose how it is checked. Thread-safe: free functions, no state.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

namespace octopus::http {

struct JwtClaims {
  std::string sub;  // the user's id, as a decimal string
  std::int64_t iat = 0;
  std::int64_t exp = 0;
  std::string jti;  // the session id, revocable in the library
};

// Signs `claims` with HMAC-SHA256 under `key`.
std::string SignJwt(const JwtClaims& claims, std::string_view key);

// Checks structure, algorithm, signature (constant-time), then expiry
// against `now` (seconds since the epoch). Every failure is kUnauthenticated;
// the message says which check failed, for the log only.
Result<JwtClaims> VerifyJwt(std::string_view token, std::string_view key, std::int64_t now);

// HMAC-SHA256 of `data` under `key`; empty only when OpenSSL itself fails
// (out of memory). Also derives the CSRF token of a browser session
// (browser_session.h).
std::optional<std::array<unsigned char, 32>> HmacSha256(std::string_view key,
                                                        std::string_view data);

// Base64url without padding (RFC 4648 section 5), as JWT uses it. Decoding
// is strict: padding, whitespace and characters outside the alphabet fail.
std::string Base64UrlEncode(std::string_view data);
bool Base64UrlDecode(std::string_view text, std::string* out);

}  // namespace octopus::http
