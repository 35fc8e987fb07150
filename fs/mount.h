// The FUSE mount: one user's library as a virtual tree (all/, by-date/,
// by-camera/, by-place/, import/), served by libfuse3's low-level API on its
// own threads. Used by `octopus mount` and by `octopus serve --mount`.
#pragma once

#include <filesystem>
#include <memory>

#include "core/library.h"
#include "core/status.h"

namespace octopus::fs {

struct MountOptions {
  std::filesystem::path mountpoint;
  UserId user = 0;
  bool read_only = false;
  bool allow_other = false;
  bool debug = false;  // libfuse debug output on stderr
};

// Thread-safe: Stop() may be called from any thread (a signal-watching one).
class Mount {
 public:
  // Mounts and starts serving on a multi-threaded loop; when it returns OK the
  // mount is ready for use. A busy or missing mountpoint is a clear error.
  // `library` must outlive the Mount.
  static Result<std::unique_ptr<Mount>> Start(Library& library, const MountOptions& options);
  ~Mount();  // Stop() then Wait()
  Mount(const Mount&) = delete;
  Mount& operator=(const Mount&) = delete;

  // Asks the loop to end and unmounts; returns at once.
  void Stop();
  // Blocks until the loop ended (Stop(), `fusermount3 -u`, or an error).
  void Wait();

  class Impl;

 private:
  explicit Mount(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace octopus::fs
