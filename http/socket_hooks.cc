// accept(2), recv(2) and shutdown(2) for the whole process: see socket_hooks.h for why
// and how. Everything here must behave exactly as libc's for sockets
// nobody registered.
#undef _FORTIFY_SOURCE  // recv must be a plain function here, not glibc's inline wrapper
#include "http/socket_hooks.h"

#include <dlfcn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <vector>

// Under ASan or TSan, their recv interceptor, which our recv displaced (they
// are weak); null otherwise. Calling it keeps the sanitizer's bookkeeping:
// TSan's recv takes the happens-before edge it keeps for all sockets, and
// without it TSan reports the uninstrumented library's own lazily built
// statics as races between pool threads.
extern "C" ssize_t __interceptor_recv(int fd, void* buffer, size_t size, int flags)
    __attribute__((weak));
extern "C" int __interceptor_shutdown(int fd, int how) __attribute__((weak));

namespace octopus::http::socket_hooks {
namespace {

ssize_t PlainRecv(int fd, void* buffer, std::size_t size, int flags) {
  if (__interceptor_recv != nullptr) return __interceptor_recv(fd, buffer, size, flags);
  return ::recvfrom(fd, buffer, size, flags, nullptr, nullptr);
}

int PlainShutdown(int fd, int how) {
  if (__interceptor_shutdown != nullptr) return __interceptor_shutdown(fd, how);
  return static_cast<int>(::syscall(SYS_shutdown, fd, how));
}

struct Registration {
  int listen_fd;
  AcceptObserver* observer;
};

// A handful of servers at most in a process: a vector under a mutex. The
// observer is called with the mutex held, so Unregister cannot return while
// a call is in progress.
std::mutex& RegistryMutex() {
  static std::mutex mu;
  return mu;
}
std::vector<Registration>& Registry() {  // GUARDED_BY(RegistryMutex())
  static std::vector<Registration> registry;
  return registry;
}

bool IsRegistered(int fd) {
  std::lock_guard lock(RegistryMutex());
  const auto& r = Registry();
  return std::any_of(r.begin(), r.end(), [fd](const Registration& x) { return x.listen_fd == fd; });
}

thread_local ReceiveWatch* t_watch = nullptr;

int HookedAccept(int listen_fd, sockaddr* addr, socklen_t* addr_len) {
  if (!IsRegistered(listen_fd)) return ::accept4(listen_fd, addr, addr_len, 0);
  sockaddr_storage peer{};
  socklen_t peer_len = sizeof peer;
  // Close-on-exec: libfuse runs fusermount3, which must not inherit clients.
  const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&peer), &peer_len, SOCK_CLOEXEC);
  if (fd < 0) return fd;
  if (addr != nullptr && addr_len != nullptr) {
    std::memcpy(addr, &peer, std::min<socklen_t>(*addr_len, peer_len));
    *addr_len = peer_len;
  }
  std::lock_guard lock(RegistryMutex());
  for (const Registration& r : Registry()) {
    if (r.listen_fd != listen_fd) continue;
    if (!r.observer->OnAccepted(fd, reinterpret_cast<const sockaddr*>(&peer), peer_len)) {
      errno = EAGAIN;
      return -1;
    }
    break;
  }
  return fd;
}

ssize_t HookedRecv(int fd, void* buffer, std::size_t size, int flags) {
  ReceiveWatch* watch = t_watch;
  if (watch == nullptr || watch->fd() != fd) return PlainRecv(fd, buffer, size, flags);
  if (!watch->MayReceive()) return 0;
  const ssize_t got = PlainRecv(fd, buffer, size, flags);
  if (got > 0) watch->Received(static_cast<std::size_t>(got));
  return got;
}

int HookedShutdown(int fd, int how) {
  ReceiveWatch* watch = t_watch;
  // The library shuts its connection both ways just before closing it; the
  // read side stays open for the guard's lingering close.
  if (watch != nullptr && watch->fd() == fd && how == SHUT_RDWR) how = SHUT_WR;
  return PlainShutdown(fd, how);
}

}  // namespace

void Register(int listen_fd, AcceptObserver* observer) {
  std::lock_guard lock(RegistryMutex());
  auto& r = Registry();
  std::erase_if(r, [listen_fd](const Registration& x) { return x.listen_fd == listen_fd; });
  r.push_back({listen_fd, observer});
}

void Unregister(int listen_fd, AcceptObserver* observer) {
  std::lock_guard lock(RegistryMutex());
  std::erase_if(Registry(), [&](const Registration& x) {
    return x.listen_fd == listen_fd && x.observer == observer;
  });
}

void SetThreadReceiveWatch(ReceiveWatch* watch) { t_watch = watch; }

}  // namespace octopus::http::socket_hooks

extern "C" {

int accept(int fd, sockaddr* addr, socklen_t* addr_len) {
  return octopus::http::socket_hooks::HookedAccept(fd, addr, addr_len);
}

ssize_t recv(int fd, void* buffer, size_t size, int flags) {
  return octopus::http::socket_hooks::HookedRecv(fd, buffer, size, flags);
}

int shutdown(int fd, int how) { return octopus::http::socket_hooks::HookedShutdown(fd, how); }

}  // extern "C"

namespace octopus::http::socket_hooks {

bool Active() {
  // What the dynamic linker gives libcpp-httplib.so for "accept".
  return ::dlsym(RTLD_DEFAULT, "accept") == reinterpret_cast<void*>(&::accept);
}

}  // namespace octopus::http::socket_hooks
