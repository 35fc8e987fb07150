#include "fs/errno_map.h"

#include <cerrno>

namespace octopus::fs {

int ErrnoFor(const Status& status) {
  switch (status.code()) {
    case Code::kOk:
      return 0;
    case Code::kInvalidArgument:
    case Code::kUnsupportedMedia:
      return EINVAL;
    case Code::kNotFound:
      return ENOENT;
    case Code::kAlreadyExists:
      return EEXIST;
    case Code::kPermissionDenied:
    case Code::kUnauthenticated:
      return EPERM;
    case Code::kTooLarge:
      return EFBIG;
    case Code::kQuotaExceeded:
      return EDQUOT;
    case Code::kReadOnly:
      return EROFS;
    case Code::kBusy:
      // The database is locked past its wait, or (PostgreSQL) lost: nothing
      // happened, try again. Not EBUSY, which the mount already answers
      // for "another writer has this file open" (op_open.cc, op_create.cc).
      return EAGAIN;
    case Code::kFailedPrecondition:
      return EBUSY;
    case Code::kIoError:
      return status.sys_errno() != 0 ? status.sys_errno() : EIO;
    case Code::kCorrupt:
    case Code::kInternal:
      break;
  }
  return EIO;
}

}  // namespace octopus::fs
