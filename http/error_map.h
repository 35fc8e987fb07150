// The one place where errors become HTTP: a core Status maps to a status
// code and a stable error code, and every error response has one shape,
// {"error": {"code": "quota_exceeded", "message": "..."}}.
#pragma once

#include <httplib.h>

#include <string>
#include <string_view>

#include "core/status.h"

namespace octopus::http {

struct HttpError {
  int status = 500;
  std::string code;     // "quota_exceeded", "not_found", ...
  std::string message;  // safe to show to the client
};

// Maps a failed core status. Server-side failures (I/O, corruption,
// internal) get a generic message: their details name paths and stay in the
// log.
HttpError ToHttpError(const Status& status);

// The error code for a bare HTTP status (routing failures, limits enforced
// by the HTTP library): 404 -> "not_found", 413 -> "too_large", ...
const char* ErrorCodeForStatus(int status);

// Writes the error shape with `status`.
void SendError(httplib::Response& res, int status, std::string_view code, std::string_view message);
void SendError(httplib::Response& res, const HttpError& error);
// Logs server-side failures, then writes the mapped error.
void SendStatus(httplib::Response& res, const Status& status);

}  // namespace octopus::http
