// What every FUSE handler (op_*.cc) shares: the Filesystem behind the
// request, and the guard that keeps exceptions from crossing into libfuse's
// C code. A handler computes its answer inside Guard and replies exactly
// once, as its last step; if anything throws before that, Guard replies
// with ENOMEM or EIO instead.
#pragma once

#include <spdlog/spdlog.h>

#include <exception>
#include <new>

#include "fs/filesystem.h"
#include "fs/fuse_api.h"

namespace octopus::fs {

inline Filesystem& Fs(fuse_req_t req) { return *static_cast<Filesystem*>(fuse_req_userdata(req)); }

template <typename F>
void Guard(fuse_req_t req, const char* op, F&& body) noexcept {
  try {
    body();
  } catch (const std::bad_alloc&) {
    fuse_reply_err(req, ENOMEM);
  } catch (const std::exception& e) {
    spdlog::error("mount: {} failed: {}", op, e.what());
    fuse_reply_err(req, EIO);
  } catch (...) {
    spdlog::error("mount: {} failed", op);
    fuse_reply_err(req, EIO);
  }
}

inline Handle* HandleOf(const fuse_file_info* fi) {
  return fi == nullptr ? nullptr : reinterpret_cast<Handle*>(fi->fh);
}

// The operations table, filled in ops_table.cc.
const fuse_lowlevel_ops& Operations();

// One function per FUSE operation, each in its own op_*.cc.
void OpLookup(fuse_req_t req, fuse_ino_t parent, const char* name);
void OpGetAttr(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void OpSetAttr(fuse_req_t req, fuse_ino_t ino, struct stat* attr, int to_set, fuse_file_info* fi);
void OpOpenDir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void OpReadDir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi);
void OpReleaseDir(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void OpMkDir(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode);
void OpRmDir(fuse_req_t req, fuse_ino_t parent, const char* name);
void OpUnlink(fuse_req_t req, fuse_ino_t parent, const char* name);
void OpRename(fuse_req_t req, fuse_ino_t parent, const char* name, fuse_ino_t newparent,
              const char* newname, unsigned int flags);
void OpOpen(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void OpCreate(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, fuse_file_info* fi);
void OpRead(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi);
void OpWrite(fuse_req_t req, fuse_ino_t ino, const char* buf, size_t size, off_t off,
             fuse_file_info* fi);
void OpFlush(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void OpRelease(fuse_req_t req, fuse_ino_t ino, fuse_file_info* fi);
void OpFsync(fuse_req_t req, fuse_ino_t ino, int datasync, fuse_file_info* fi);
void OpStatFs(fuse_req_t req, fuse_ino_t ino);
void OpInit(void* userdata, fuse_conn_info* conn);
void OpReadDirPlus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, fuse_file_info* fi);
void OpSymlink(fuse_req_t req, const char* link, fuse_ino_t parent, const char* name);
void OpLink(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char* newname);
void OpMkNod(fuse_req_t req, fuse_ino_t parent, const char* name, mode_t mode, dev_t rdev);

}  // namespace octopus::fs
