// The mount's rules: what each operation does in each folder (all/, the
// views, trash/, .Trash-UID/, import/), over the state the operations share
// (MountState, fs/mount_state.h: the tree, the library, open handles, the
// follow of the change feed, invalidations to the kernel).
//
// Methods return an errno (0 on success), mapping a Status once through
// fs/errno_map.h, and never throw past the handler's guard (see ops.h).
// Thread-safe, under MountState's locks and lock order. Tests drive these
// entry points without a kernel through tests/fs/filesystem_harness.h.
#pragma once

#include <sys/stat.h>
#include <sys/statvfs.h>

#include <functional>
#include <memory>
#include <string>

#include "fs/fuse_api.h"
#include "fs/mount_state.h"

namespace octopus::fs {

// Adds no state of its own: the refresher (MountState's) never calls into
// the rules, so it may run until MountState's destructor stops it.
class Filesystem final : public MountState {
 public:
  using MountState::MountState;

  // --- called by the handlers ---
  int Lookup(Ino parent, const std::string& name, fuse_entry_param* out);
  int GetAttr(Ino ino, struct stat* out);
  int SetAttr(Ino ino, const struct stat& in, int to_set, Handle* handle, struct stat* out);
  int OpenDir(Ino ino, std::unique_ptr<DirHandle>* out);
  // Hands `emit` the entries from offset `off` on, each with the offset of
  // the one after it, until `emit` returns false (its buffer is full).
  int ReadDir(
      DirHandle& h, off_t off,
      const std::function<bool(const char* name, const fuse_entry_param& entry, off_t next)>& emit);
  int MkDir(Ino parent, const std::string& name, fuse_entry_param* out);
  int RmDir(Ino parent, const std::string& name);
  int Unlink(Ino parent, const std::string& name);
  int Rename(Ino parent, const std::string& name, Ino new_parent, const std::string& new_name,
             unsigned flags);
  int Open(Ino ino, int flags, std::unique_ptr<Handle>* out);
  int Create(Ino parent, const std::string& name, int flags, fuse_entry_param* entry,
             std::unique_ptr<Handle>* out);
  int Write(WriteHandle& h, const char* data, std::size_t size, off_t off);
  // Imports a written file (first flush after writing); later flushes report
  // the same result.
  int Flush(Handle* h);
  void Release(std::unique_ptr<Handle> h);
  int StatFs(struct statvfs* out);
  // The answer to what the mount never does (symlink, link, mknod): EPERM,
  // or EROFS on a read-only mount.
  int Refused() const { return ReadOnly() ? EROFS : EPERM; }

 private:
  // A listing's snapshot (fs/op_readdir.cc).
  int Snapshot_locked(Ino ino, DirHandle* h);
};

}  // namespace octopus::fs
