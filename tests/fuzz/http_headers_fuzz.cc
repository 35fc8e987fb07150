// The header and parameter parsers of the API: Range, If-None-Match,
// Authorization, the listing cursor, sizes ("2G") and request framing. The
// input is split at NUL bytes into the values. Properties: no crash; a
// partial range lies inside the representation; a bearer token is a suffix
// of its header; a decoded cursor re-encodes to the same text; a parsed
// size is not negative; an accepted JSON framing has a length within the
// limit; a session cookie found lies within a Cookie header; a CSRF
// header is accepted only when it is the session's token.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"
#include "core/photo_cursor.h"
#include "http/browser_session.h"
#include "http/http_util.h"
#include "http/request_bodies.h"

namespace {

using namespace octopus::http;

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 8) return 0;
  // The first 8 bytes: the size of the representation for Range.
  std::int64_t representation = 0;
  for (int i = 0; i < 8; ++i) representation = (representation << 8) | data[i];
  representation &= (std::int64_t{1} << 40) - 1;  // up to 1 TiB
  std::vector<std::string> fields;
  std::string current;
  for (std::size_t i = 8; i < size; ++i) {
    if (data[i] == 0) {
      fields.push_back(std::move(current));
      current.clear();
    } else {
      current += static_cast<char>(data[i]);
    }
  }
  fields.push_back(std::move(current));
  fields.resize(std::max<std::size_t>(fields.size(), 8));

  ByteRange range;
  switch (ParseRange(fields[0], representation, &range)) {
    case RangeKind::kPartial:
      Check(range.first >= 0 && range.first <= range.last && range.last < representation);
      break;
    case RangeKind::kWhole:
    case RangeKind::kUnsatisfiable:
      break;
  }

  // The server's own tags are hex digests and suffixes ("\"<sha256>-small\""):
  // for those, the header naming exactly the tag matches. (A tag with a
  // comma inside would be split as a list; the server never makes one.)
  const std::string etag = "\"" + fields[2] + "\"";
  const bool matches = EtagMatches(fields[1], etag);
  const bool server_shaped = std::all_of(fields[2].begin(), fields[2].end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-';
  });
  if (fields[1] == "*" || (server_shaped && fields[1] == etag)) Check(matches);

  if (const auto token = BearerToken(fields[2])) {
    Check(!token->empty() && token->data() + token->size() == fields[2].data() + fields[2].size());
  }

  std::string taken_at, id;
  if (octopus::DecodePhotoCursor(fields[3], &taken_at, &id)) {
    if (taken_at.find('\n') == std::string::npos) {
      Check(octopus::EncodePhotoCursor(taken_at, id) == fields[3]);
    }
  }

  if (auto bytes = octopus::ParseSize(fields[4]); bytes.ok()) Check(*bytes >= 0);

  // Headers "Name: value" one per line, as the framing check sees them.
  httplib::Headers headers;
  std::string_view rest = fields[5];
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    headers.emplace(std::string(line.substr(0, colon)), std::string(line.substr(colon + 1)));
  }
  constexpr std::size_t kMax = 64 * 1024;
  for (BodyKind kind : {BodyKind::kNone, BodyKind::kJson, BodyKind::kUpload}) {
    for (const char* method : {"GET", "POST", "DELETE"}) {
      const auto refused = CheckBodyFraming(kind, method, headers, kMax);
      if (refused) {
        Check(refused->status == 400 || refused->status == 411 || refused->status == 413);
        continue;
      }
      if (kind == BodyKind::kJson && headers.count("Content-Length") == 1) {
        const std::string& v = headers.find("Content-Length")->second;
        Check(std::strtoull(v.c_str(), nullptr, 10) <= kMax);
      }
      if (kind != BodyKind::kUpload) Check(headers.count("Transfer-Encoding") == 0);
    }
  }

  // Cookie headers, one a line, and an X-CSRF-Token value.
  httplib::Request req;
  req.method = "POST";
  rest = fields[6];
  while (!rest.empty()) {
    const auto nl = rest.find('\n');
    req.headers.emplace("Cookie", std::string(rest.substr(0, nl)));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  if (const auto cookie = SessionCookie(req)) {
    bool inside = false;
    for (const auto& [name, value] : req.headers) {
      inside = inside || value.find(*cookie) != std::string::npos;
    }
    Check(!cookie->empty() && inside);
  }
  req.headers.emplace("X-CSRF-Token", fields[7]);
  const bool accepted = !CheckCookieRequest(req, "http", "key", "session-id");
  Check(accepted == (fields[7] == CsrfToken("key", "session-id")));
  return 0;
}
