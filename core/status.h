// Errors as values. Every fallible core function returns a Status or a
// Result<T>; the front ends translate the code once each: to an errno (fs/),
// to an HTTP status and error code (http/), to an exit status (tools/).
#pragma once

#include <cerrno>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace octopus {

enum class Code {
  kOk,
  kInvalidArgument,  // malformed input from the caller
  kNotFound,         // absent, or owned by someone else: never leak which
  kAlreadyExists,
  kFailedPrecondition,  // valid, but the current state forbids it (the last admin)
  kPermissionDenied,    // authenticated but not allowed
  kUnauthenticated,     // bad password, bad token
  kUnsupportedMedia,    // not a JPEG/HEIC, or a broken one
  kTooLarge,            // over the pixel or byte limit
  kQuotaExceeded,
  kReadOnly,
  kIoError,
  kCorrupt,  // database or blob store disagree
  kBusy,
  kInternal,
};

// Short stable name of a code ("quota_exceeded"), used by the API and logs.
const char* CodeName(Code code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Code code, std::string message, int sys_errno = 0)
      : code_(code), message_(std::move(message)), errno_(sys_errno) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status FailedPrecondition(std::string m) {
    return {Code::kFailedPrecondition, std::move(m)};
  }
  static Status PermissionDenied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {Code::kUnauthenticated, std::move(m)}; }
  static Status UnsupportedMedia(std::string m) { return {Code::kUnsupportedMedia, std::move(m)}; }
  static Status TooLarge(std::string m) { return {Code::kTooLarge, std::move(m)}; }
  static Status QuotaExceeded(std::string m) { return {Code::kQuotaExceeded, std::move(m)}; }
  static Status Corrupt(std::string m) { return {Code::kCorrupt, std::move(m)}; }
  static Status Busy(std::string m) { return {Code::kBusy, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }
  // An I/O failure; `err` is the errno that caused it. Its text is appended
  // to the message ("cannot write /x: No space left on device"), so logs and
  // the CLI say why, not only what.
  static Status IoError(std::string m, int err);

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  int sys_errno() const { return errno_; }
  std::string ToString() const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
  int errno_ = 0;
};

template <typename T>
class [[nodiscard]] Result;

namespace internal {
inline const Status& StatusOf(const Status& s) { return s; }
template <typename T>
const Status& StatusOf(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}  // NOLINT: implicit by design

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace octopus

// The one shape of an early return on error, for a Status or a Result:
//   RETURN_IF_ERROR(tx.Commit());
//   ASSIGN_OR_RETURN(auto db, pool.Acquire());
//   ASSIGN_OR_RETURN(photo.place, LookUp(...));
// ASSIGN_OR_RETURN declares a hidden temporary: use it as a statement of its
// own, not as the body of an unbraced if.
#define OCTOPUS_STATUS_CONCAT_(a, b) a##b
#define OCTOPUS_STATUS_CONCAT(a, b) OCTOPUS_STATUS_CONCAT_(a, b)

#define RETURN_IF_ERROR(expr)                                        \
  do {                                                               \
    if (const auto& octopus_status_ = (expr); !octopus_status_.ok()) \
      return ::octopus::internal::StatusOf(octopus_status_);         \
  } while (false)

#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(OCTOPUS_STATUS_CONCAT(octopus_result_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()
