// Internal to http/: our definitions of accept(2), recv(2) and shutdown(2), which see the
// calls cpp-httplib makes from its compiled shared library.
//
// How: a symbol defined in the executable comes first in the dynamic
// linker's search, before libc's, for every object of the process, so
// libcpp-httplib.so's calls to accept and recv land in socket_hooks.cc
// (the linker exports them because that shared library refers to them;
// the sanitizers define their interceptors weak, so ours win there too).
// accept forwards to accept4, which the sanitizers still intercept; recv
// to the sanitizer's own recv interceptor when there is one (its socket
// bookkeeping matters to TSan), else to recvfrom. A call on a socket
// nobody registered passes through unchanged, so the rest of the process
// (tests' servers, clients) behaves as with libc's.
//
// Thread-safe: the registry has its own mutex; a ReceiveWatch is per thread.
#pragma once

#include <sys/socket.h>

#include <cstddef>

namespace octopus::http::socket_hooks {

// Told of every connection accepted on a registered listening socket, on
// the accepting thread, before the caller of accept() sees it.
class AcceptObserver {
 public:
  virtual ~AcceptObserver() = default;
  // `fd` is the new connection, `peer` its address. Returns false when the
  // connection is refused: the observer has closed it, and accept() reports
  // EAGAIN, which cpp-httplib's loop takes as "try again".
  virtual bool OnAccepted(int fd, const sockaddr* peer, socklen_t peer_len) = 0;
};

// From now until Unregister, connections accepted on `listen_fd` go to
// `observer`, which must outlive the registration. Unregister removes the
// entry only if it is still `observer`'s (the number may have been reused).
void Register(int listen_fd, AcceptObserver* observer);
void Unregister(int listen_fd, AcceptObserver* observer);

// Consulted by recv() and shutdown() on the thread that set it, for the
// socket it names: the library's shutdown(SHUT_RDWR) of that socket shuts
// only the write side, so that the guard can drain what the client still
// sends before the socket is closed (ConnectionGuard: lingering close).
class ReceiveWatch {
 public:
  virtual ~ReceiveWatch() = default;
  virtual int fd() const = 0;
  // False: recv() reports end of stream without reading.
  virtual bool MayReceive() = 0;
  virtual void Received(std::size_t bytes) = 0;
};
// The calling thread's watch (nullptr: none).
void SetThreadReceiveWatch(ReceiveWatch* watch);

// True when calls to accept() through the dynamic linker reach our hook,
// that is, when the library's calls do.
bool Active();

}  // namespace octopus::http::socket_hooks
