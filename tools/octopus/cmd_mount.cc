// octopus mount --user NAME MOUNTPOINT [-f|--foreground] [--allow-other]
//               [--read-only] [--debug]
//
// Without -f the command returns once the mount is ready (or failed), so a
// script can use it at once: it forks before any thread exists, the child
// mounts and reports through a pipe, the parent prints the outcome and
// exits. SIGINT, SIGTERM and SIGHUP unmount cleanly; so do `octopus umount
// MOUNTPOINT` and `fusermount3 -u MOUNTPOINT`. The mount point must be an
// empty folder: mounting over files would hide them.
#ifdef OCTOPUS_HAVE_FS

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <iostream>
#include <thread>

#include "core/log.h"
#include "core/trash_sweeper.h"
#include "fs/mount.h"
#include "tools/octopus/cli.h"

namespace octopus::cli {
namespace {

struct MountArgs {
  std::string user;
  std::string mountpoint;
  bool foreground = false;
  bool allow_other = false;
  bool read_only = false;
  bool debug = false;
};

// Runs the mount until it ends. `report` gets "" once mounted, or the error.
// Returns the exit status.
int RunMount(CliContext& ctx, const MountArgs& args, UserId user,
             const std::function<void(const std::string&)>& report) {
  // Signals are handled by one thread with sigwait; block them before any
  // other thread (SQLite, libfuse) exists so none of those takes them.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);

  auto config = ctx.LoadConfig(HomeUse::kExisting);
  if (!config.ok()) {
    report(config.status().ToString());
    return 1;
  }
  InitLogging(*config, "mount", args.foreground);
  auto lib = Library::Open(*config);
  if (!lib.ok()) {
    report(lib.status().ToString());
    return 1;
  }
  // Photos copied in get their place. Before report(): a background mount
  // still has the terminal's stderr here. In the foreground the log goes
  // to stderr already.
  auto places = LoadPlaces(**lib, /*tell_stderr=*/!args.foreground);
  fs::MountOptions options;
  options.mountpoint = args.mountpoint;
  options.user = user;
  options.read_only = args.read_only;
  options.allow_other = args.allow_other;
  options.debug = args.debug;
  auto mount = fs::Mount::Start(**lib, options);
  if (!mount.ok()) {
    report(mount.status().message());
    return 1;
  }
  report("");
  TrashSweeper sweeper(**lib);  // the trash's retention time (OCTOPUS_TRASH_DAYS)
  std::thread([m = mount->get(), set] {
    int sig = 0;
    sigwait(&set, &sig);
    m->Stop();
  }).detach();
  (*mount)->Wait();
  return 0;
}

void Run(CliContext& ctx, const MountArgs& args) {
  UserId user = 0;
  {
    auto lib = ctx.OpenLibrary();
    if (!lib) return;
    auto u = lib->FindUser(args.user);
    if (!u.ok()) return ctx.Fail(u.status().message());
    user = u->id;
  }  // closed before fork: a child must not inherit open SQLite handles
  const std::string where = std::filesystem::absolute(args.mountpoint).string();
  if (Status s = CheckMountPoint(where); !s.ok()) return ctx.Fail(s.message());
  if (args.foreground) {
    ctx.exit_code = RunMount(ctx, args, user, [&](const std::string& err) {
      if (err.empty()) {
        std::cout << "mounted " << args.user << "'s library on " << where << std::endl;
      } else {
        std::cerr << "octopus: " << err << std::endl;
      }
    });
    return;
  }
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return ctx.Fail("cannot create a pipe");
  std::cout.flush();
  const pid_t pid = ::fork();
  if (pid < 0) return ctx.Fail("cannot fork");
  if (pid == 0) {
    ::close(fds[0]);
    ::setsid();
    const int rc = RunMount(ctx, args, user, [&](const std::string& err) {
      const std::string msg = err.empty() ? "ok" : err;
      (void)!::write(fds[1], msg.data(), msg.size());
      ::close(fds[1]);
      if (err.empty()) {  // detach from the terminal like a daemon
        const int null = ::open("/dev/null", O_RDWR);
        ::dup2(null, 0);
        ::dup2(null, 1);
        ::dup2(null, 2);
        if (null > 2) ::close(null);
      }
    });
    ::_exit(rc);
  }
  ::close(fds[1]);
  std::string msg;
  char buf[512];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0) msg.append(buf, static_cast<std::size_t>(n));
  ::close(fds[0]);
  if (msg == "ok") {
    std::cout << "mounted " << args.user << "'s library on " << where << " (pid " << pid
              << "); stop it with `octopus umount " << where << "`\n";
    return;
  }
  ctx.Fail(msg.empty() ? "the mount process died before mounting" : msg);
}

}  // namespace

void AddMountCommand(CLI::App& app, CliContext& ctx) {
  auto args = std::make_shared<MountArgs>();
  CLI::App* cmd = app.add_subcommand("mount", "Show a user's library as folders (FUSE)");
  cmd->add_option("--user,-u", args->user, "Whose library")->required();
  cmd->add_option("mountpoint", args->mountpoint, "An existing empty directory")->required();
  cmd->add_flag("-f,--foreground", args->foreground, "Stay in the foreground, log to stderr too");
  cmd->add_flag("--allow-other", args->allow_other, "Let other local users see the mount");
  cmd->add_flag("--read-only", args->read_only, "Refuse every change with EROFS");
  cmd->add_flag("--debug", args->debug, "libfuse debug output (with -f)");
  cmd->callback([&ctx, args] { Run(ctx, *args); });
}

}  // namespace octopus::cli

#endif  // OCTOPUS_HAVE_FS
