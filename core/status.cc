#include "core/status.h"

#include <cstring>

namespace octopus {

const char* CodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "ok";
    case Code::kInvalidArgument:
      return "invalid_argument";
    case Code::kNotFound:
      return "not_found";
    case Code::kAlreadyExists:
      return "already_exists";
    case Code::kFailedPrecondition:
      return "failed_precondition";
    case Code::kPermissionDenied:
      return "forbidden";
    case Code::kUnauthenticated:
      return "unauthenticated";
    case Code::kUnsupportedMedia:
      return "unsupported_media";
    case Code::kTooLarge:
      return "too_large";
    case Code::kQuotaExceeded:
      return "quota_exceeded";
    case Code::kReadOnly:
      return "read_only";
    case Code::kIoError:
      return "io_error";
    case Code::kCorrupt:
      return "corrupt";
    case Code::kBusy:
      return "busy";
    case Code::kInternal:
      return "internal";
  }
  return "internal";
}

Status Status::IoError(std::string m, int err) {
  if (err != 0) {
    m += ": ";
    m += std::strerror(err);
  }
  return {Code::kIoError, std::move(m), err};
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return message_.empty() ? std::string(CodeName(code_)) : message_;
}

}  // namespace octopus
