// Small HTTP helpers for handlers: JSON responses, path parameters, caching
// validators, byte ranges and Content-Disposition.
#pragma once

#include <httplib.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace octopus::http {

void SendJson(httplib::Response& res, int status, const nlohmann::json& body);
// `s` without the spaces and tabs around it (optional whitespace, RFC 9110).
std::string_view TrimSpace(std::string_view s);
// Closes the connection once the response (already set in `res`) is
// written. For a request whose body was not read to its end: what is left
// of it must not be parsed as the next request on the connection.
void CloseAfterResponse(const httplib::Request& req, httplib::Response& res);
// The n-th "{param}" (from 0) of the matched route path.
std::string PathParam(const httplib::Request& req, std::size_t n);
std::int64_t NowSeconds();

// The token of an `Authorization: Bearer <token>` value (scheme matched
// case-insensitively); nullopt for another scheme or an empty token.
std::optional<std::string_view> BearerToken(std::string_view authorization);

// True when an If-None-Match value ("*", or a list of strong or weak
// tags) matches `etag` (a quoted strong tag).
bool EtagMatches(std::string_view if_none_match, std::string_view etag);

struct ByteRange {
  std::int64_t first = 0;
  std::int64_t last = 0;  // inclusive
  std::int64_t length() const { return last - first + 1; }
};
enum class RangeKind {
  kWhole,          // no usable Range: serve everything (200)
  kPartial,        // one satisfiable range (206)
  kUnsatisfiable,  // 416
};
// Parses a Range header against a representation of `size` bytes. Only
// single "bytes=" ranges are served partially; several ranges or other
// units get the whole body, which RFC 9110 allows.
RangeKind ParseRange(std::string_view header, std::int64_t size, ByteRange* range);

// `attachment; filename="<ASCII fallback>"; filename*=UTF-8''<percent-encoded>`
// (RFC 6266 / RFC 5987). The fallback replaces anything outside printable
// ASCII, and quotes and backslashes, with '_'.
std::string ContentDisposition(std::string_view type, std::string_view filename);

// Makes a client-supplied string printable for a log line: control bytes
// and non-ASCII become \xNN; cut at `max` bytes.
std::string LogSafe(std::string_view text, std::size_t max = 512);

}  // namespace octopus::http
