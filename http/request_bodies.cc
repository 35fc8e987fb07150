#include "http/request_bodies.h"

#include <strings.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "core/config.h"
#include "core/timestamps.h"

namespace octopus::http {
namespace {

HttpError Refusal(int status, std::string message) {
  return {status, ErrorCodeForStatus(status), std::move(message)};
}

bool IsDecimal(std::string_view s) {
  if (s.empty() || s.size() > 19) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

struct HeaderValue {
  std::string first;                                        // "form-data", "multipart/form-data"
  std::vector<std::pair<std::string, std::string>> params;  // names lower-cased, in order
};

// Parses `first *( ";" name "=" ( token / quoted-string ) )` (RFC 9110
// section 5.6.6). False on anything else.
bool ParseHeaderValue(std::string_view text, HeaderValue* out) {
  std::size_t pos = text.find(';');
  out->first = Lower(TrimOws(text.substr(0, pos)));
  if (out->first.empty()) return false;
  while (pos != std::string_view::npos && pos < text.size()) {
    ++pos;  // the ';'
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
    if (pos == text.size()) break;  // a trailing ';'
    const std::size_t name_start = pos;
    while (pos < text.size() && IsTokenChar(text[pos])) ++pos;
    if (pos == name_start || pos == text.size() || text[pos] != '=') return false;
    std::string name = Lower(text.substr(name_start, pos - name_start));
    ++pos;  // the '='
    std::string value;
    if (pos < text.size() && text[pos] == '"') {
      ++pos;
      bool closed = false;
      while (pos < text.size()) {
        const char c = text[pos++];
        if (c == '"') {
          closed = true;
          break;
        }
        if (c == '\\') {
          if (pos == text.size()) return false;
          value += text[pos++];
        } else {
          value += c;
        }
      }
      if (!closed) return false;
    } else {
      const std::size_t value_start = pos;
      while (pos < text.size() && IsTokenChar(text[pos])) ++pos;
      if (pos == value_start) return false;
      value = std::string(text.substr(value_start, pos - value_start));
    }
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
    if (pos < text.size() && text[pos] != ';') return false;
    out->params.emplace_back(std::move(name), std::move(value));
  }
  return true;
}

const std::string* FindParam(const HeaderValue& value, std::string_view name) {
  for (const auto& [n, v] : value.params) {
    if (n == name) return &v;
  }
  return nullptr;
}

bool Malformed(HttpError* error, std::string message) {
  *error = Refusal(400, std::move(message));
  return false;
}

// The body as a JSON object; false (400) otherwise.
bool ParseObject(std::string_view body, nlohmann::json* out, HttpError* error) {
  *out = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded() || !out->is_object()) {
    return Malformed(error, "the request body must be a JSON object");
  }
  return true;
}

// Two string members, both required.
bool ReadStringPair(std::string_view body, const char* a, const char* b, std::string* a_out,
                    std::string* b_out, HttpError* error) {
  nlohmann::json j;
  if (!ParseObject(body, &j, error)) return false;
  const auto x = j.find(a);
  const auto y = j.find(b);
  if (x == j.end() || !x->is_string() || y == j.end() || !y->is_string()) {
    return Malformed(error, std::string("expected {\"") + a + "\": string, \"" + b + "\": string}");
  }
  *a_out = x->get<std::string>();
  *b_out = y->get<std::string>();
  return true;
}

}  // namespace

bool ParseCredentialsRequest(std::string_view body, CredentialsRequest* out, HttpError* error) {
  if (!ReadStringPair(body, "username", "password", &out->username, &out->password, error)) {
    return false;
  }
  // Parsed twice for this one member; a login body is a few dozen bytes.
  const auto j = nlohmann::json::parse(body, nullptr, false);
  out->cookie_session = false;
  if (const auto s = j.find("session"); s != j.end()) {
    if (!s->is_string()) return Malformed(error, "session must be \"cookie\" or \"bearer\"");
    const std::string kind = s->get<std::string>();
    if (kind != "cookie" && kind != "bearer") {
      *error = ToHttpError(Status::InvalidArgument("session must be \"cookie\" or \"bearer\""));
      return false;
    }
    out->cookie_session = kind == "cookie";
  }
  return true;
}

bool ParsePasswordChangeRequest(std::string_view body, PasswordChangeRequest* out,
                                HttpError* error) {
  return ReadStringPair(body, "current_password", "new_password", &out->current_password,
                        &out->new_password, error);
}

namespace {

// "quota_bytes": integer or "quota": "2G", both optional; the later wins.
bool ReadQuota(const nlohmann::json& j, std::optional<std::int64_t>* out, HttpError* error) {
  if (const auto q = j.find("quota_bytes"); q != j.end()) {
    if (!q->is_number_integer() || q->get<std::int64_t>() < 0) {
      return Malformed(error, "quota_bytes must be a non-negative integer");
    }
    *out = q->get<std::int64_t>();
  }
  if (const auto q = j.find("quota"); q != j.end()) {
    if (!q->is_string()) return Malformed(error, "quota must be a string");
    auto parsed = ParseSize(q->get<std::string>());
    if (!parsed.ok()) {
      *error = ToHttpError(parsed.status());
      return false;
    }
    *out = *parsed;
  }
  return true;
}

bool ReadOptionalBool(const nlohmann::json& j, const char* name, std::optional<bool>* out,
                      HttpError* error) {
  const auto b = j.find(name);
  if (b == j.end()) return true;
  if (!b->is_boolean()) return Malformed(error, std::string(name) + " must be a boolean");
  *out = b->get<bool>();
  return true;
}

}  // namespace

bool ParseUserPatchRequest(std::string_view body, UserPatchRequest* out, HttpError* error) {
  nlohmann::json j;
  if (!ParseObject(body, &j, error)) return false;
  *out = UserPatchRequest{};
  if (!ReadQuota(j, &out->quota_bytes, error) ||
      !ReadOptionalBool(j, "disabled", &out->disabled, error) ||
      !ReadOptionalBool(j, "is_admin", &out->is_admin, error)) {
    return false;
  }
  if (!out->quota_bytes && !out->disabled && !out->is_admin) {
    return Malformed(error, "nothing to change: give quota_bytes, quota, disabled or is_admin");
  }
  return true;
}

bool ParseUserCreateRequest(std::string_view body, UserCreateRequest* out, HttpError* error) {
  *out = UserCreateRequest{};
  // Name and password are judged by the core (Accounts::Create), by the
  // same rules as `octopus user add` and registration.
  if (!ReadStringPair(body, "username", "password", &out->name, &out->password, error)) {
    return false;
  }
  const auto j = nlohmann::json::parse(body, nullptr, false);  // an object: read above
  std::optional<bool> is_admin;
  if (!ReadQuota(j, &out->quota_bytes, error) ||
      !ReadOptionalBool(j, "is_admin", &is_admin, error)) {
    return false;
  }
  out->is_admin = is_admin.value_or(false);
  return true;
}

bool ParsePhotoPatchRequest(std::string_view body, PhotoPatchRequest* out, HttpError* error) {
  nlohmann::json j;
  if (!ParseObject(body, &j, error)) return false;
  *out = PhotoPatchRequest{};
  const auto unknown = [&](const std::string& where, const std::string& key, const char* known) {
    *error = Refusal(422, "unknown member " + where + key + " (" + known + ")");
    return false;
  };
  const auto text = [&](const nlohmann::json& value, const std::string& name, std::string* to) {
    if (!value.is_string()) return Malformed(error, name + " must be a string");
    *to = value.get<std::string>();
    return true;
  };
  for (const auto& [key, value] : j.items()) {
    if (key == "filename") {
      if (!text(value, key, &out->edit.filename.emplace())) return false;
    } else if (key == "taken_at") {
      if (value.is_null()) {
        *error = Refusal(422, "taken_at cannot be removed, only corrected");
        return false;
      }
      if (!text(value, key, &out->edit.taken_at.emplace())) return false;
    } else if (key == "place") {
      auto& place = out->edit.place.emplace();
      if (value.is_null()) continue;  // no place
      if (!value.is_object()) return Malformed(error, "place must be an object or null");
      Place& p = place.emplace();
      for (const auto& [name, part] : value.items()) {
        std::string* to = name == "country"        ? &p.country
                          : name == "country_code" ? &p.country_code
                          : name == "region"       ? &p.region
                          : name == "city"         ? &p.city
                                                   : nullptr;
        if (to == nullptr) return unknown("place.", name, "country, country_code, region, city");
        // null for a level the place does not have, as the API writes it
        if (!part.is_null() && !text(part, "place." + name, to)) return false;
      }
    } else {
      return unknown("", key, "filename, taken_at, place");
    }
  }
  if (!out->edit.filename && !out->edit.taken_at && !out->edit.place) {
    *error = Refusal(422, "nothing to change: give filename, taken_at or place");
    return false;
  }
  return true;
}

std::optional<std::int64_t> ParseLastModified(std::string_view text) {
  text = TrimOws(text);
  constexpr std::int64_t kLastSecond = 253402300799;  // 9999-12-31T23:59:59Z
  if (IsDecimal(text)) {
    std::int64_t ms = 0;
    if (std::from_chars(text.data(), text.data() + text.size(), ms).ec != std::errc() ||
        ms / 1000 > kLastSecond) {
      return std::nullopt;
    }
    return ms / 1000;
  }
  const std::optional<std::int64_t> utc = UtcSeconds(text);
  if (!utc || *utc < 0 || *utc > kLastSecond) return std::nullopt;
  // UtcSeconds takes 2024-02-30 for March 1st: the day must be real.
  const std::time_t at = static_cast<std::time_t>(*utc);
  std::tm tm{};
  gmtime_r(&at, &tm);
  char day[48];
  std::snprintf(day, sizeof day, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
  if (text.substr(0, 10) != day) return std::nullopt;
  std::string_view rest = text.substr(19);
  if (!rest.empty() && rest.front() == '.') {
    rest.remove_prefix(1);
    const std::size_t digits = std::min(rest.find_first_not_of("0123456789"), rest.size());
    if (digits == 0) return std::nullopt;
    rest.remove_prefix(digits);
  }
  if (rest == "Z" || rest == "z") return *utc;
  const std::optional<std::int64_t> offset = OffsetSeconds(rest);
  if (!offset || *offset > 14 * 3600 || *offset < -14 * 3600) return std::nullopt;
  const std::int64_t seconds = *utc - *offset;
  if (seconds < 0 || seconds > kLastSecond) return std::nullopt;
  return seconds;
}

std::optional<HttpError> CheckBodyFraming(BodyKind kind, std::string_view /*method*/,
                                          const httplib::Headers& headers, std::size_t max_bytes) {
  const std::size_t lengths = headers.count("Content-Length");
  const std::size_t encodings = headers.count("Transfer-Encoding");
  if (lengths > 1 || encodings > 1) {
    return Refusal(400, "repeated Content-Length or Transfer-Encoding");
  }
  if (lengths == 1 && encodings == 1) {
    return Refusal(400, "Content-Length and Transfer-Encoding together");
  }
  std::optional<std::uint64_t> length;
  if (lengths == 1) {
    const std::string& text = headers.find("Content-Length")->second;
    std::uint64_t n = 0;
    if (!IsDecimal(text) ||
        std::from_chars(text.data(), text.data() + text.size(), n).ec != std::errc()) {
      return Refusal(400, "invalid Content-Length");
    }
    length = n;
  }
  const bool chunked =
      encodings == 1 &&
      strcasecmp(headers.find("Transfer-Encoding")->second.c_str(), "chunked") == 0;
  switch (kind) {
    case BodyKind::kNone:
      if (encodings == 1 || (length && *length > 0)) {
        return Refusal(400, "this request takes no body");
      }
      return std::nullopt;
    case BodyKind::kJson:
      if (encodings == 1) {
        return Refusal(411, "send the JSON body with a Content-Length, not chunked");
      }
      // Without either header the request has no body (RFC 9112 6.3); the
      // server tells the library so.
      if (length && *length > max_bytes) return Refusal(413, "request body too large");
      return std::nullopt;
    case BodyKind::kUpload:
      if (encodings == 1 && !chunked) return Refusal(400, "unsupported Transfer-Encoding");
      if (!length && !chunked) return Refusal(411, "a Content-Length or chunked body is required");
      if (length && *length > max_bytes) return Refusal(413, "request too large");
      return std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> MultipartReader::BoundaryOf(std::string_view content_type) {
  HeaderValue value;
  if (!ParseHeaderValue(content_type, &value) || value.first != "multipart/form-data") {
    return std::nullopt;
  }
  const std::string* boundary = FindParam(value, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > kMaxBoundaryBytes ||
      boundary->back() == ' ') {
    return std::nullopt;
  }
  for (char c : *boundary) {
    const bool bchar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       std::string_view("'()+_,-./:=? ").find(c) != std::string_view::npos;
    if (!bchar) return std::nullopt;
  }
  return *boundary;
}

// The body is read as if it began with a CRLF, so that a delimiter at its
// very start (no preamble) looks like every other one.
MultipartReader::MultipartReader(std::string_view boundary, Sink& sink)
    : delimiter_("\r\n--" + std::string(boundary)), sink_(sink), buffer_("\r\n") {}

bool MultipartReader::Fail(std::string why) {
  state_ = State::kFailed;
  error_ = std::move(why);
  buffer_.clear();
  return false;
}

bool MultipartReader::ParseHeaders(std::string_view block, MultipartPartHeader* header) {
  bool have_disposition = false;
  while (!block.empty()) {
    const std::size_t end = block.find("\r\n");
    const std::string_view line = block.substr(0, end);
    block = end == std::string_view::npos ? std::string_view() : block.substr(end + 2);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) return Fail("part header without a name");
    const std::string_view name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), IsTokenChar))
      return Fail("invalid part header name");
    const std::string_view value = TrimOws(line.substr(colon + 1));
    if (value.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos) {
      return Fail("control character in a part header");
    }
    const std::string lower = Lower(name);
    if (lower == "content-disposition") {
      if (have_disposition) return Fail("repeated Content-Disposition");
      have_disposition = true;
      HeaderValue disposition;
      if (!ParseHeaderValue(value, &disposition) || disposition.first != "form-data") {
        return Fail("invalid Content-Disposition");
      }
      const std::string* field = FindParam(disposition, "name");
      if (!field) return Fail("Content-Disposition without a name");
      header->name = *field;
      if (const std::string* file = FindParam(disposition, "filename")) {
        header->has_filename = true;
        header->filename = *file;
      }
    } else if (lower == "content-type") {
      header->content_type = std::string(value);
    }
  }
  if (!have_disposition) return Fail("part without Content-Disposition");
  return true;
}

bool MultipartReader::Feed(std::string_view data) {
  if (state_ == State::kFailed) return false;
  if (state_ == State::kEpilogue) return true;
  buffer_.append(data);
  // Each turn either changes state or waits for more bytes.
  while (true) {
    switch (state_) {
      case State::kPreamble:
      case State::kContent: {
        const std::size_t at = buffer_.find(delimiter_);
        if (at == std::string::npos) {
          // Keep what could be the start of a delimiter split across pieces.
          const std::size_t keep = std::min(buffer_.size(), delimiter_.size() - 1);
          const std::size_t ready = buffer_.size() - keep;
          if (state_ == State::kContent && ready > 0 && !sink_.OnPartData(buffer_.data(), ready)) {
            return Fail("stopped");
          }
          buffer_.erase(0, ready);
          return true;
        }
        if (state_ == State::kContent) {
          if (at > 0 && !sink_.OnPartData(buffer_.data(), at)) return Fail("stopped");
          if (!sink_.OnPartEnd()) return Fail("stopped");
        }
        buffer_.erase(0, at + delimiter_.size());
        state_ = State::kAfterDelimiter;
        break;
      }
      case State::kAfterDelimiter: {
        if (buffer_.size() < 2) return true;
        if (buffer_.compare(0, 2, "--") == 0) {
          state_ = State::kEpilogue;
          buffer_.clear();
          return true;
        }
        // Optional transport padding, then the CRLF ending the delimiter line.
        // The limits below give the same verdict however the body is split.
        const std::size_t crlf = buffer_.find("\r\n");
        std::size_t padding = std::min(crlf, buffer_.size());
        if (crlf == std::string::npos && buffer_.back() == '\r') --padding;  // maybe a CRLF
        if (buffer_.find_first_not_of(" \t") < padding) return Fail("junk after a delimiter");
        if (crlf == std::string::npos) {
          if (buffer_.size() >= kMaxPartHeaderBytes + 2) return Fail("delimiter line too long");
          return true;
        }
        if (crlf > kMaxPartHeaderBytes) return Fail("delimiter line too long");
        buffer_.erase(0, crlf + 2);
        state_ = State::kHeaders;
        break;
      }
      case State::kHeaders: {
        std::size_t end;
        std::size_t skip;
        if (buffer_.compare(0, 2, "\r\n") == 0) {  // no header lines at all
          end = 0;
          skip = 2;
        } else if ((end = buffer_.find("\r\n\r\n")) != std::string::npos) {
          skip = end + 4;
        } else {
          // The end, when it comes, would be past the limit.
          if (buffer_.size() >= kMaxPartHeaderBytes + 4) return Fail("part headers too long");
          return true;
        }
        if (end > kMaxPartHeaderBytes) return Fail("part headers too long");
        MultipartPartHeader header;
        if (!ParseHeaders(std::string_view(buffer_).substr(0, end), &header)) return false;
        buffer_.erase(0, skip);
        if (!sink_.OnPartBegin(header)) return Fail("stopped");
        state_ = State::kContent;
        break;
      }
      case State::kEpilogue:
        buffer_.clear();
        return true;
      case State::kFailed:
        return false;
    }
  }
}

bool MultipartReader::Finish() {
  if (state_ == State::kEpilogue) return true;
  if (state_ != State::kFailed) Fail("the body ends before the closing delimiter");
  return false;
}

}  // namespace octopus::http
