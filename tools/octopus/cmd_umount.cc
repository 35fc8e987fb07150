// octopus umount [--lazy] MOUNTPOINT
//
// Stops a mount made by `octopus mount` (also one running in the
// background): unmounts it with fusermount3, which ends the mount process
// cleanly. Refuses folders that are not an octopus mount.
#include <spawn.h>
#include <sys/wait.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "tools/octopus/cli.h"

extern char** environ;

namespace octopus::cli {
namespace {

namespace fs = std::filesystem;

// /proc/self/mountinfo escapes space, tab, newline and backslash as \ooo.
std::string Unescape(const std::string& field) {
  std::string out;
  for (std::size_t i = 0; i < field.size(); ++i) {
    auto octal = [&](std::size_t k) { return field[k] >= '0' && field[k] <= '7'; };
    if (field[i] == '\\' && i + 3 < field.size() && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
      out += static_cast<char>((field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 +
                               (field[i + 3] - '0'));
      i += 3;
    } else {
      out += field[i];
    }
  }
  return out;
}

// The file system type mounted at `dir` ("fuse.octopus"), "" when `dir` is
// not a mount point.
std::string MountedType(const fs::path& dir) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line, type;
  while (std::getline(in, line)) {
    // id parent major:minor root MOUNTPOINT options [optional...] - TYPE source super
    std::istringstream fields(line);
    std::string id, parent, dev, root, mountpoint, field;
    fields >> id >> parent >> dev >> root >> mountpoint;
    while (fields >> field && field != "-") {
    }
    std::string fstype;
    fields >> fstype;
    if (Unescape(mountpoint) == dir.string()) type = fstype;  // the last mount there wins
  }
  return type;
}

// `dir` as the kernel lists it: absolute, its parent's symbolic links
// resolved. Not `dir` itself, which a mount whose process died cannot stat.
fs::path MountPointPath(const std::string& arg) {
  fs::path dir = fs::absolute(arg).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();  // "mnt/"
  std::error_code ec;
  const fs::path parent = fs::canonical(dir.parent_path(), ec);
  return ec ? dir : parent / dir.filename();
}

// Runs fusermount3; returns its exit status (127 when it cannot be run).
int RunFusermount(const fs::path& dir, bool lazy) {
  std::string prog = "fusermount3", u = lazy ? "-uz" : "-u", where = dir.string();
  std::array<char*, 4> argv = {prog.data(), u.data(), where.data(), nullptr};
  pid_t pid = 0;
  if (posix_spawnp(&pid, "fusermount3", nullptr, nullptr, argv.data(), environ) != 0) return 127;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 127;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

}  // namespace

void AddUmountCommand(CLI::App& app, CliContext& ctx) {
  struct Args {
    std::string mountpoint;
    bool lazy = false;
  };
  auto args = std::make_shared<Args>();
  auto* cmd = app.add_subcommand("umount", "Stop a mount made by `octopus mount`");
  cmd->add_option("mountpoint", args->mountpoint, "Where the library is mounted")->required();
  cmd->add_flag("--lazy,-z", args->lazy,
                "Detach now even if programs still have files open there (they lose them)");
  cmd->callback([&ctx, args] {
    const fs::path dir = MountPointPath(args->mountpoint);
    const std::string type = MountedType(dir);
    if (type.empty()) return ctx.Fail(dir.string() + " is not mounted");
    if (type != "fuse.octopus") {
      return ctx.Fail(dir.string() + " is not an octopus mount (" + type + "); not touching it");
    }
    const int rc = RunFusermount(dir, args->lazy);
    if (rc == 127) return ctx.Fail("cannot run fusermount3 (from the fuse3 package)");
    if (rc != 0) {
      // fusermount3 said why on stderr; the usual reason is a busy mount.
      return ctx.Fail("cannot unmount " + dir.string() +
                      (args->lazy ? ""
                                  : "; if programs have files open there, close them or "
                                    "detach it anyway with `octopus umount --lazy`"));
    }
    std::cout << "unmounted " << dir.string() << "\n";
  });
}

}  // namespace octopus::cli
