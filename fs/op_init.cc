// The capabilities the mount asks of the kernel, where it offers them.
#include "fs/ops.h"

namespace octopus::fs {

void OpInit(void* /*userdata*/, fuse_conn_info* conn) {
  auto want = [conn](unsigned cap) {
    if (conn->capable & cap) conn->want |= cap;
  };
  // Reads are replies built from the blob's descriptor (op_read.cc): with
  // splice the kernel moves the pages into /dev/fuse without a copy through
  // user space. (FUSE_CAP_SPLICE_READ, the other direction, only helps a
  // write_buf handler; ours copies writes into the staging file anyway.)
  want(FUSE_CAP_SPLICE_WRITE);
  want(FUSE_CAP_SPLICE_MOVE);
  // Listings carry attributes, so `ls -l` and find need no lookup per entry.
  // Always, not "auto": ls reads the whole listing before its first stat,
  // and the kernel's heuristic would switch to plain readdir after the first
  // page, then look every photo up one by one.
  want(FUSE_CAP_READDIRPLUS);
  conn->want &= ~FUSE_CAP_READDIRPLUS_AUTO;
}

}  // namespace octopus::fs
