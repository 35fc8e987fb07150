// Status -> errno, the one translation for the FUSE edge.
#pragma once

#include "core/status.h"

namespace octopus::fs {

// kQuotaExceeded -> EDQUOT, kUnsupportedMedia -> EINVAL, kTooLarge -> EFBIG,
// kNotFound -> ENOENT, kAlreadyExists -> EEXIST, kPermissionDenied -> EPERM,
// kReadOnly -> EROFS, kBusy -> EBUSY, kIoError -> its errno (EIO if none),
// anything else -> EIO. Ok -> 0.
int ErrnoFor(const Status& status);

}  // namespace octopus::fs
