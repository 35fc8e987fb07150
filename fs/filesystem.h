// The mount's rules: what each operation does in each folder (all/, the
// views, trash/, .Trash-UID/, import/), over the state the operations share
// (MountState, fs/mount_state.h: the tree, the library, open handles, the
// follow of the change feed, invalidations to the kernel).
//
// The shape, chosen for reading: each operation's rules live in the file
// of its FUSE handler, fs/op_NAME.cc, beside the shim that unpacks the
// request and replies once (as mergerfs keeps each operation in its own
// file). A file holds one operation: its rules and its edge; what more
// than one operation needs is MountState's. So the rules of `rm` in every
// folder are read in op_unlink.cc, those of `mv` in op_rename.cc, the
// refusal points that keep rsync going in op_flush.cc (close) and
// op_rename.cc (rsync's rename of its temporary file).
//
// Methods return an errno (0 on success), mapping a Status once through
// fs/errno_map.h, and never throw past the handler's guard (see ops.h).
// Thread-safe, under MountState's locks and lock order. Unit tests drive
// these entry points without a kernel (tests/fs/filesystem_harness.h).
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
  // fs/op_lookup.cc
  int Lookup(Ino parent, const std::string& name, fuse_entry_param* out);
  // fs/op_getattr.cc
  int GetAttr(Ino ino, struct stat* out);
  // fs/op_setattr.cc
  int SetAttr(Ino ino, const struct stat& in, int to_set, Handle* handle, struct stat* out);
  // fs/op_readdir.cc
  int OpenDir(Ino ino, std::unique_ptr<DirHandle>* out);
  // Hands `emit` the entries from offset `off` on, each with the offset of
  // the one after it, until `emit` returns false (its buffer is full).
  int ReadDir(
      DirHandle& h, off_t off,
      const std::function<bool(const char* name, const fuse_entry_param& entry, off_t next)>& emit);
  // fs/op_mkdir.cc
  int MkDir(Ino parent, const std::string& name, fuse_entry_param* out);
  // fs/op_rmdir.cc
  int RmDir(Ino parent, const std::string& name);
  // fs/op_unlink.cc
  int Unlink(Ino parent, const std::string& name);
  // fs/op_rename.cc
  int Rename(Ino parent, const std::string& name, Ino new_parent, const std::string& new_name,
             unsigned flags);
  // fs/op_open.cc
  int Open(Ino ino, int flags, std::unique_ptr<Handle>* out);
  // fs/op_create.cc
  int Create(Ino parent, const std::string& name, int flags, fuse_entry_param* entry,
             std::unique_ptr<Handle>* out);
  // fs/op_write.cc
  int Write(WriteHandle& h, const char* data, std::size_t size, off_t off);
  // fs/op_flush.cc
  // Imports a written file (first flush after writing); later flushes report
  // the same result.
  int Flush(Handle* h);
  // fs/op_release.cc
  void Release(std::unique_ptr<Handle> h);
  // fs/op_statfs.cc
  int StatFs(struct statvfs* out);
  // fs/op_refused.cc
  // The answer to what the mount never does (symlink, link, mknod): EPERM,
  // or EROFS on a read-only mount.
  int Refused() const { return ReadOnly() ? EROFS : EPERM; }

 private:
  // A listing's snapshot (fs/op_readdir.cc).
  int Snapshot_locked(Ino ino, DirHandle* h);
};

}  // namespace octopus::fs
