// What the mount tells the kernel to forget: a name in a directory, or an
// inode's attributes and pages. Behind an interface so that the rules can
// be driven without a kernel (tests/fs/filesystem_harness.h records what
// would have been sent).
//
// Called by the refresher thread only, with no lock of the Filesystem held:
// the kernel may call back into the mount for the same inode.
#pragma once

#include <string_view>

#include "fs/fuse_api.h"
#include "fs/tree.h"

namespace octopus::fs {

class KernelNotifier {
 public:
  virtual ~KernelNotifier() = default;
  virtual void InvalEntry(Ino parent, std::string_view name) = 0;
  virtual void InvalInode(Ino ino) = 0;
};

// The real one: libfuse's notifications on a session. Thread-safe (libfuse
// serialises writes to /dev/fuse). ENOENT, the kernel having nothing cached,
// is not an error and is ignored like every other answer.
class SessionNotifier final : public KernelNotifier {
 public:
  explicit SessionNotifier(fuse_session* se) : se_(se) {}
  void InvalEntry(Ino parent, std::string_view name) override {
    (void)fuse_lowlevel_notify_inval_entry(se_, parent, name.data(), name.size());
  }
  void InvalInode(Ino ino) override { (void)fuse_lowlevel_notify_inval_inode(se_, ino, 0, 0); }

 private:
  fuse_session* const se_;
};

}  // namespace octopus::fs
