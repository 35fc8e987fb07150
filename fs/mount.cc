#include "fs/mount.h"

#include <fcntl.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

#include "core/file_util.h"
#include "fs/filesystem.h"
#include "fs/ops.h"

namespace octopus::fs {

// Why the low-level API: the tree is virtual and inode-based (a photo shows
// in several folders, each entry with its own stable inode), which maps
// directly onto lookup/forget by inode; the path-based high-level API would
// re-resolve every path on each call and hide the entry/attribute timeouts
// and cache invalidations the freshness guarantee relies on.
class Mount::Impl {
 public:
  Impl(Library& library, const MountOptions& options)
      : options_(options), fs_(std::make_unique<Filesystem>(library, options)) {}

  ~Impl() {
    AnswerLeftovers();
    if (session_ != nullptr) {
      // Also after Stop() detached the mount: this is what frees the
      // session's copy of the mount point. When the kernel connection has
      // ended (no file was left open) it unmounts nothing; otherwise its
      // second, lazy unmount fails and libfuse says so on stderr.
      fuse_session_unmount(session_);
      fuse_session_destroy(session_);
    }
    // Its statfs has been answered, or failed when the session closed.
    if (waker_.joinable()) waker_.join();
  }

  Status Start() {
    struct stat mp {};
    struct stat parent {};
    const auto path = std::filesystem::absolute(options_.mountpoint);
    if (::stat(path.c_str(), &mp) != 0 || !S_ISDIR(mp.st_mode)) {
      return Status::InvalidArgument("mount point " + path.string() + " is not a directory");
    }
    if (::stat(path.parent_path().c_str(), &parent) == 0 && parent.st_dev != mp.st_dev) {
      return Status::Busy("mount point " + path.string() +
                          " is busy: something is already mounted there");
    }
    if (Status s = fs_->Load(); !s.ok()) return s;

    std::string opts = "fsname=octopus,subtype=octopus,default_permissions";
    if (options_.allow_other) opts += ",allow_other";
    if (options_.read_only) opts += ",ro";
    std::vector<std::string> argv = {"octopus", "-o", opts};
    if (options_.debug) argv.push_back("-d");
    std::vector<char*> cargv;
    for (auto& a : argv) cargv.push_back(a.data());
    fuse_args args = FUSE_ARGS_INIT(static_cast<int>(cargv.size()), cargv.data());
    session_ = fuse_session_new(&args, &Operations(), sizeof(fuse_lowlevel_ops), fs_.get());
    fuse_opt_free_args(&args);
    if (session_ == nullptr) return Status::Internal("cannot start a FUSE session");
    if (fuse_session_mount(session_, path.c_str()) != 0) {
      fuse_session_destroy(session_);
      session_ = nullptr;
      return Status::IoError(
          "cannot mount on " + path.string() + " (is /dev/fuse there and fuse3 installed?)", EIO);
    }
    mountpoint_ = path;
    // Both threads below read the session: it is handed over before
    // either starts.
    fs_->StartRefresher(session_);
    loop_ = std::thread([this] {
      fuse_loop_config* cfg = fuse_loop_cfg_create();
      fuse_loop_cfg_set_max_threads(cfg, 16);
      const int rc = fuse_session_loop_mt(session_, cfg);
      fuse_loop_cfg_destroy(cfg);
      if (rc != 0 && !stopping_) spdlog::warn("mount: loop ended with {}", rc);
    });
    spdlog::info("mount: user {} mounted on {}{}", options_.user, path.string(),
                 options_.read_only ? " (read-only)" : "");
    return Status::Ok();
  }

  void Stop() {
    std::lock_guard lock(mu_);
    if (stopping_ || session_ == nullptr) return;
    stopping_ = true;
    // The mount's root, opened while the loop still serves (O_PATH: no
    // request), to wake the loop below.
    UniqueFd root(::open(mountpoint_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    // The loop ends once it has answered the waker's statfs below. Setting
    // libfuse's exit flag here instead made a worker that read the statfs
    // drop it unanswered: the waker then held the detached mount, the
    // kernel connection outlived the loop and libfuse's own unmount said
    // "failed to unmount" at every stop.
    if (root) {
      fs_->EndLoopAfterNextStatFs();
    } else {
      fuse_session_exit(session_);
    }
    // Detach the mount. When no file of it is open, that ends the kernel's
    // connection and the loop's threads blocked reading /dev/fuse wake up.
    bool unmounted = ::umount2(mountpoint_.c_str(), MNT_DETACH) == 0;
    if (!unmounted) {
      const pid_t pid = ::fork();
      if (pid == 0) {
        ::execlp("fusermount3", "fusermount3", "-u", "-z", mountpoint_.c_str(), nullptr);
        ::_exit(127);
      }
      int status = 0;
      unmounted = pid > 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
                  WEXITSTATUS(status) == 0;
      if (!unmounted) spdlog::warn("mount: cannot unmount {}", mountpoint_.string());
    }
    // But while a program holds a file of the mount open, the connection
    // lives on and no request may ever come: the threads would wait in
    // read(2) forever, and so would Wait(). So send one request: a statfs,
    // whose answer ends the loop (above), from a thread of its own because
    // it blocks until a worker answers it (or, if the loop is gone already,
    // until the session is destroyed).
    if (root) {
      std::promise<void> done;
      waker_done_ = done.get_future();
      waker_ = std::thread([fd = std::move(root), done = std::move(done)]() mutable {
        struct statfs st {};
        (void)::fstatfs(fd.get(), &st);
        fd = UniqueFd();  // let go of the mount before saying so
        done.set_value();
      });
    }
  }

  // The loop may end on another request before reading the waker's statfs,
  // which then waits unanswered, its descriptor keeping the detached mount
  // and so the kernel connection alive (libfuse's unmount below would then
  // try again and complain). After the loop: answer what is left, on this
  // thread, until the waker is done (bounded).
  void AnswerLeftovers() {
    if (session_ == nullptr || !waker_.joinable() || loop_.joinable()) return;
    const int fd = fuse_session_fd(session_);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    fuse_buf buf{};
    while (waker_done_.wait_for(std::chrono::seconds(0)) != std::future_status::ready &&
           std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 50) != 1) continue;
      if ((p.revents & POLLIN) == 0) break;  // the connection is gone
      const int res = fuse_session_receive_buf(session_, &buf);
      if (res > 0) {
        fuse_session_process_buf(session_, &buf);
      } else if (res != -EINTR && res != -EAGAIN) {
        break;
      }
    }
    std::free(buf.mem);
    if (waker_done_.wait_for(std::chrono::seconds(0)) == std::future_status::ready) waker_.join();
  }

  void Wait() {
    std::lock_guard lock(wait_mu_);
    if (!loop_.joinable()) return;
    loop_.join();
    fs_->StopRefresher();
    spdlog::info("mount: {} unmounted", mountpoint_.string());
  }

 private:
  const MountOptions options_;
  std::unique_ptr<Filesystem> fs_;
  fuse_session* session_ = nullptr;
  std::filesystem::path mountpoint_;
  std::thread loop_;
  std::thread waker_;  // see Stop()
  std::future<void> waker_done_;
  std::mutex mu_, wait_mu_;
  bool stopping_ = false;
};

Result<std::unique_ptr<Mount>> Mount::Start(Library& library, const MountOptions& options) {
  auto impl = std::make_unique<Impl>(library, options);
  if (Status s = impl->Start(); !s.ok()) return s;
  return std::unique_ptr<Mount>(new Mount(std::move(impl)));
}

Mount::Mount(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Mount::~Mount() {
  impl_->Stop();
  impl_->Wait();
}

void Mount::Stop() { impl_->Stop(); }
void Mount::Wait() { impl_->Wait(); }

}  // namespace octopus::fs
