#include "http/error_map.h"

#include <spdlog/spdlog.h>

#include <cerrno>
#include <nlohmann/json.hpp>

namespace octopus::http {

HttpError ToHttpError(const Status& status) {
  const char* code = CodeName(status.code());
  switch (status.code()) {
    case Code::kOk:
      return {200, code, ""};
    // Well-formed JSON whose content is refused (short password, bad name,
    // stale cursor) is 422; unparseable requests are 400 from the HTTP layer.
    case Code::kInvalidArgument:
      return {422, code, status.message()};
    case Code::kNotFound:
      return {404, code, status.message()};
    case Code::kAlreadyExists:
    // 409, not 422: the request is sound, and becomes acceptable once the
    // state changes (another administrator is made first).
    case Code::kFailedPrecondition:
      return {409, code, status.message()};
    case Code::kPermissionDenied:
    case Code::kReadOnly:
      return {403, code, status.message()};
    case Code::kUnauthenticated:
      return {401, code, status.message()};
    case Code::kUnsupportedMedia:
      return {415, code, status.message()};
    case Code::kTooLarge:
      return {413, code, status.message()};
    case Code::kQuotaExceeded:
      return {507, code, status.message()};
    case Code::kBusy:
      return {503, code, "the server is busy; try again"};
    case Code::kIoError:
      // A full disk is the server's condition, not a bug: say so, without
      // the path, as WebDAV's 507 does.
      if (status.sys_errno() == ENOSPC) {
        return {507, "insufficient_storage", "the server is out of disk space"};
      }
      return {500, "internal", "internal server error"};
    case Code::kCorrupt:
    case Code::kInternal:
      return {500, "internal", "internal server error"};
  }
  return {500, "internal", "internal server error"};
}

const char* ErrorCodeForStatus(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthenticated";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 405:
      return "method_not_allowed";
    case 409:
      return "already_exists";
    case 411:
      return "length_required";
    case 413:
      return "too_large";
    case 414:
      return "uri_too_long";
    case 415:
      return "unsupported_media";
    case 416:
      return "range_not_satisfiable";
    case 422:
      return "invalid_argument";
    case 429:
      return "too_many_requests";
    case 503:
      return "busy";
    case 507:
      return "quota_exceeded";
    default:
      return status >= 500 ? "internal" : "bad_request";
  }
}

void SendError(httplib::Response& res, int status, std::string_view code,
               std::string_view message) {
  res.status = status;
  const nlohmann::json body = {
      {"error", {{"code", std::string(code)}, {"message", std::string(message)}}}};
  // `replace`: a message quoting a client's bytes must not make dump() throw.
  res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace),
                  "application/json");
}

void SendError(httplib::Response& res, const HttpError& error) {
  SendError(res, error.status, error.code, error.message);
}

void SendStatus(httplib::Response& res, const Status& status) {
  const HttpError error = ToHttpError(status);
  if (error.code == "internal") spdlog::error("request failed: {}", status.ToString());
  SendError(res, error);
}

}  // namespace octopus::http
