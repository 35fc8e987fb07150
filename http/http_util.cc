#include "http/http_util.h"

#include <charconv>
#include <chrono>
#include <memory>

#include "http/error_map.h"

namespace octopus::http {
namespace {

bool ParseNonNegative(std::string_view s, std::int64_t* out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

void SendJson(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

void CloseAfterResponse(const httplib::Request& req, httplib::Response& res) {
  // "Connection: close" in the response tells the client (or a proxy) not
  // to reuse the connection; the library writes it when the request asks
  // for it. `req` is the server's own mutable Request object, so the cast
  // is well-defined.
  auto& headers = const_cast<httplib::Request&>(req).headers;
  headers.erase("Connection");
  headers.emplace("Connection", "close");
  // But cpp-httplib 0.11 decides whether to read another request before
  // routing, and stops only when writing a response fails. So the body is
  // served by a provider that writes it whole and then reports failure:
  // the client gets the complete response, then the connection ends.
  // A HEAD response has no body, so the library would not call that
  // provider and would read the unread body as the next request (a HEAD
  // with a body could smuggle one). Such a request is answered as a GET
  // whose provider writes none of the body: the client gets what a HEAD
  // gets, the headers, then the connection ends. (The access log still says
  // HEAD: the server records the method before any of this.)
  const bool head = req.method == "HEAD";
  if (head) const_cast<httplib::Request&>(req).method = "GET";
  auto body = std::make_shared<std::string>(std::move(res.body));
  res.body.clear();
  std::string type = res.get_header_value("Content-Type");
  res.headers.erase("Content-Type");
  if (type.empty()) type = "application/json";
  res.set_content_provider(
      body->size(), type,
      [body, head](std::size_t offset, std::size_t length, httplib::DataSink& sink) {
        if (!head && offset < body->size()) {
          sink.write(body->data() + offset, std::min(length, body->size() - offset));
        }
        return false;
      });
}

std::string PathParam(const httplib::Request& req, std::size_t n) {
  return n + 1 < req.matches.size() ? req.matches[n + 1].str() : std::string();
}

std::int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::optional<std::string_view> BearerToken(std::string_view authorization) {
  constexpr std::string_view kScheme = "bearer ";
  if (authorization.size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    char c = authorization[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kScheme[i]) return std::nullopt;
  }
  return authorization.substr(kScheme.size());
}

bool EtagMatches(std::string_view if_none_match, std::string_view etag) {
  std::string_view rest = if_none_match;
  while (!rest.empty()) {
    const auto comma = rest.find(',');
    std::string_view tag = TrimSpace(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    if (tag == "*") return true;
    if (tag.substr(0, 2) == "W/") tag.remove_prefix(2);  // weak comparison
    if (tag == etag) return true;
  }
  return false;
}

RangeKind ParseRange(std::string_view header, std::int64_t size, ByteRange* range) {
  header = TrimSpace(header);
  constexpr std::string_view kUnit = "bytes=";
  if (header.substr(0, kUnit.size()) != kUnit) return RangeKind::kWhole;
  const std::string_view spec = TrimSpace(header.substr(kUnit.size()));
  if (spec.find(',') != std::string_view::npos) return RangeKind::kWhole;
  const auto dash = spec.find('-');
  if (dash == std::string_view::npos) return RangeKind::kWhole;
  const std::string_view a = TrimSpace(spec.substr(0, dash));
  const std::string_view b = TrimSpace(spec.substr(dash + 1));
  std::int64_t first = 0, last = 0;
  if (a.empty()) {  // suffix: the last N bytes
    if (!ParseNonNegative(b, &last)) return RangeKind::kWhole;
    if (last == 0 || size == 0) return RangeKind::kUnsatisfiable;
    range->first = last >= size ? 0 : size - last;
    range->last = size - 1;
    return RangeKind::kPartial;
  }
  if (!ParseNonNegative(a, &first)) return RangeKind::kWhole;
  if (b.empty()) {
    last = size - 1;
  } else if (!ParseNonNegative(b, &last) || last < first) {
    return RangeKind::kWhole;  // syntactically invalid: ignored (RFC 9110 14.2)
  }
  if (first >= size) return RangeKind::kUnsatisfiable;
  range->first = first;
  range->last = std::min(last, size - 1);
  return RangeKind::kPartial;
}

std::string ContentDisposition(std::string_view type, std::string_view filename) {
  std::string fallback;
  std::string encoded;
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char ch : filename) {
    const auto c = static_cast<unsigned char>(ch);
    fallback += (c >= 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '/') ? ch : '_';
    // RFC 5987 attr-char
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        std::string_view("!#$&+-.^_`|~").find(ch) != std::string_view::npos) {
      encoded += ch;
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  if (fallback.empty()) fallback = "photo";
  return std::string(type) + "; filename=\"" + fallback + "\"; filename*=UTF-8''" + encoded;
}

std::string LogSafe(std::string_view text, std::size_t max) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (char ch : text.substr(0, max)) {
    const auto c = static_cast<unsigned char>(ch);
    if (c >= 0x20 && c < 0x7f && c != '\\' && c != '"') {
      out += ch;
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  if (text.size() > max) out += "...";
  return out;
}

}  // namespace octopus::http
