// Request bodies, kept apart from the server so that the fuzzers in
// tests/fuzz/ drive exactly the code the routes use: the framing rules
// checked before any body is read, the JSON request structs, and the
// streaming multipart/form-data reader of POST /photos.
//
// Thread-safe: free functions without state; a MultipartReader belongs to
// one request.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/photo_edit.h"
#include "http/error_map.h"

namespace octopus::http {

// ---------------------------------------------------------------------------
// Framing.

enum class BodyKind {
  kNone,    // GET, HEAD: no body is read
  kJson,    // POST, PATCH, PUT, DELETE of the JSON routes: read whole into memory
  kUpload,  // POST /photos: streamed, counted as it is read
};

// Decides, from the headers alone, whether the body may be read. The HTTP
// library would read a chunked body, or one without any length, to its end
// with no limit, and leaves a body it did not read on the connection, where
// the next "request" would be parsed out of it. So:
//  - kJson takes one Content-Length of at most `max_bytes` (413 above it),
//    or none at all: no body, which the server then reads as empty (a
//    logout's bare POST). Transfer-Encoding is 411.
//  - kUpload takes one Content-Length of at most `max_bytes` (413 above), or
//    `Transfer-Encoding: chunked` (counted while reading); neither is 411.
//  - kNone takes no body: a non-zero Content-Length or any
//    Transfer-Encoding is 400.
//  - Content-Length and Transfer-Encoding together, several Content-Length
//    headers, or one that is not a decimal number are 400.
// A refused request's body was not read: its connection must be closed.
std::optional<HttpError> CheckBodyFraming(BodyKind kind, std::string_view method,
                                          const httplib::Headers& headers, std::size_t max_bytes);

// ---------------------------------------------------------------------------
// JSON bodies. Each parser reads a body into its request struct; on failure
// it fills `error` (400 when the body is not the expected JSON object, 422
// for a well-formed value the server refuses) and returns false.

struct CredentialsRequest {  // POST /auth/register, /auth/login
  std::string username;
  std::string password;
  // Login only: "session": "cookie" asks for a browser session (the token
  // in a cookie, not in the body); "bearer" or absent, a bearer token.
  bool cookie_session = false;
};
struct PasswordChangeRequest {  // PATCH /users/me/password
  std::string current_password;
  std::string new_password;
};
struct UserPatchRequest {                   // PATCH /admin/users/{name}; at least one is set
  std::optional<std::int64_t> quota_bytes;  // from "quota_bytes" or "quota": "2G"
  std::optional<bool> disabled;
  std::optional<bool> is_admin;
};
// POST /admin/users. "username", as in the account record, registration and
// login, not "name".
struct UserCreateRequest {
  std::string name;
  std::string password;
  std::optional<std::int64_t> quota_bytes;  // as for the patch; unset: the default quota
  bool is_admin = false;
};
// PATCH /photos/{id}: {"filename": string, "taken_at": string, "place":
// {"country", "country_code", "region", "city"} or null}, each optional.
// Only the shape is checked here (400 for a wrong type, 422 for a member
// the API does not know, which would otherwise be dropped in silence); the
// values are the core's to judge (ValidatePhotoEdit, core/photo_edit.h).
struct PhotoPatchRequest {
  PhotoEdit edit;
};

bool ParseCredentialsRequest(std::string_view body, CredentialsRequest* out, HttpError* error);
bool ParsePasswordChangeRequest(std::string_view body, PasswordChangeRequest* out,
                                HttpError* error);
bool ParseUserPatchRequest(std::string_view body, UserPatchRequest* out, HttpError* error);
bool ParseUserCreateRequest(std::string_view body, UserCreateRequest* out, HttpError* error);
bool ParsePhotoPatchRequest(std::string_view body, PhotoPatchRequest* out, HttpError* error);

// ---------------------------------------------------------------------------
// Upload form fields.

// The `last_modified` field of an upload, which dates the `file` part that
// follows it: the file's modification time as a browser's
// File.lastModified gives it (milliseconds since the epoch, "1721000000000"),
// or an RFC 3339 time with its offset ("2024-07-14T18:30:00Z",
// "2024-07-14T18:30:00.250+02:00"). Seconds since the epoch; nullopt when
// malformed, before 1970 or after 9999.
std::optional<std::int64_t> ParseLastModified(std::string_view text);

// ---------------------------------------------------------------------------
// multipart/form-data (RFC 7578 over RFC 2046 section 5.1), streamed.

struct MultipartPartHeader {
  std::string name;           // the form field's name
  std::string filename;       // empty when the part carries no file name
  bool has_filename = false;  // a filename parameter was present (maybe empty)
  std::string content_type;   // as sent; not trusted for anything
};

// Why not cpp-httplib's own multipart parser: Debian builds cpp-httplib as
// a shared library whose parser is internal, so a fuzzer could not drive
// the code the route runs; this one is small, streaming and fuzzed
// (tests/fuzz/multipart_fuzz.cc: every body read whole and in pieces).
//
// Reads a multipart body as it arrives, in pieces of any size: each part's
// header block, then its content in pieces, then its end. It holds at most
// one header block (kMaxPartHeaderBytes) and a delimiter's length of
// content in memory, whatever the size of the parts. Only Finish() says
// whether the body was whole and well-formed: until then, every part handed
// over may still belong to a body that turns out to be broken.
class MultipartReader {
 public:
  class Sink {
   public:
    virtual ~Sink() = default;
    // Each returns false to stop reading (Feed then returns false).
    virtual bool OnPartBegin(const MultipartPartHeader& header) = 0;
    virtual bool OnPartData(const char* data, std::size_t size) = 0;
    virtual bool OnPartEnd() = 0;
  };

  static constexpr std::size_t kMaxBoundaryBytes = 70;  // RFC 2046
  static constexpr std::size_t kMaxPartHeaderBytes = 8 * 1024;

  // The boundary of a "multipart/form-data; boundary=..." Content-Type;
  // nullopt for another type, or a missing or invalid boundary.
  static std::optional<std::string> BoundaryOf(std::string_view content_type);

  // `sink` must outlive the reader.
  MultipartReader(std::string_view boundary, Sink& sink);

  // Consumes the next bytes of the body. False when they make the body
  // malformed or the sink stopped; the reader is then finished.
  bool Feed(std::string_view data);
  // After the last byte: true when the closing delimiter was seen and
  // nothing failed. Whatever follows the closing delimiter is ignored.
  bool Finish();

  // Why Feed or Finish failed, for the log.
  const std::string& error() const { return error_; }

 private:
  enum class State { kPreamble, kAfterDelimiter, kHeaders, kContent, kEpilogue, kFailed };
  bool Fail(std::string why);
  bool ParseHeaders(std::string_view block, MultipartPartHeader* header);

  const std::string delimiter_;  // CRLF "--" boundary
  Sink& sink_;
  State state_ = State::kPreamble;
  std::string buffer_;
  std::string error_;
};

}  // namespace octopus::http
