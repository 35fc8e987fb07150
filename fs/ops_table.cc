#include "fs/ops.h"

namespace octopus::fs {

const fuse_lowlevel_ops& Operations() {
  static const fuse_lowlevel_ops ops = [] {
    fuse_lowlevel_ops o{};
    o.init = OpInit;
    o.lookup = OpLookup;
    o.getattr = OpGetAttr;
    o.setattr = OpSetAttr;
    o.opendir = OpOpenDir;
    o.readdir = OpReadDir;
    o.readdirplus = OpReadDirPlus;
    o.releasedir = OpReleaseDir;
    o.mkdir = OpMkDir;
    o.rmdir = OpRmDir;
    o.unlink = OpUnlink;
    o.rename = OpRename;
    o.open = OpOpen;
    o.create = OpCreate;
    o.read = OpRead;
    o.write = OpWrite;
    o.flush = OpFlush;
    o.release = OpRelease;
    o.fsync = OpFsync;
    o.statfs = OpStatFs;
    o.symlink = OpSymlink;
    o.link = OpLink;
    o.mknod = OpMkNod;
    return o;
  }();
  return ops;
}

}  // namespace octopus::fs
