// Keeps the API server available when clients misbehave, around a library
// whose loop we cannot change.
//
// cpp-httplib 0.11 (Debian's, a compiled shared library) serves each
// connection on one pool thread until it closes. Its read timeout restarts
// on every byte, it reads header lines without limit on their number, and
// stopping waits for every connection. Measured before this class: 130
// sockets sending a header line every 12 s starved the 128 threads (every
// /health timed out for 40 s); 2 connections of 200 MB of header lines took
// RSS to 1 GB; 3 slow sockets held SIGTERM for 45 s. None of its hooks sees
// a connection before its headers are complete (pre-routing) or at all
// (socket options: the listening socket only), so:
//
//  - accept: the library's accept() reaches OnAccepted (http/socket_hooks.h).
//    A connection from an address (an IPv6 /64) that already has
//    max_per_address open, or beyond max_total, is answered 503 and closed
//    before the library sees it. Trusted proxies (OCTOPUS_TRUSTED_PROXIES)
//    are exempt from the per-address cap: the front limits its clients.
//    Each admitted connection is tracked with a duplicate descriptor of our
//    own, so that shutdown(2) reaches that connection even after the
//    library closed its descriptor and the number was reused.
//  - the task queue (NewTaskQueue): the library hands each accepted
//    connection to it on the same thread right after accept(), which ties
//    the connection to the pool thread that then serves it.
//  - phases, reported on that thread by the server's hooks: headers complete
//    (pre-routing), handler started, body bytes, response written (logger).
//  - a watchdog thread shuts down (which wakes the library's poll) a
//    connection whose request headers are not complete `header_timeout`
//    after accept or after its previous response, whose JSON body is not
//    read within `body_timeout`, or whose upload brings less than
//    `body_min_bytes` in a `body_timeout`. After BeginStop(), connections
//    waiting for a request are cut at once, those still receiving a body
//    after `stop_grace`; requests being handled finish.
//  - recv: on the serving thread, bytes read while headers are expected are
//    counted and the connection is cut past `max_header_bytes`. Over TLS the
//    library reads through OpenSSL's read(), which is not hooked: there the
//    watchdog compares the kernel's count (TCP_INFO) every tick instead, a
//    looser bound (what arrives in a tick).
//
// The library's own knobs were weighed first, and none is enough:
//  - set_read_timeout: a timeout per read, restarted by every byte; a
//    header line every 12 s passes a 30 s timeout forever, and a short one
//    cuts honest slow uploads while a trickle just goes a little faster.
//  - pre-routing handler: runs once the headers are complete, which is
//    exactly what a slowloris or a header flood never lets happen.
//  - new_task_queue: we own the pool, but a task is an opaque function; it
//    does not say which socket it serves, or from whom.
//  - set_socket_options: called for the listening socket only.
//  - a subclass overriding Server::process_and_close_socket (virtual, run
//    per connection) cannot call the library's own: it is private.
// So the library's calls to accept() and recv() (listen_internal and
// read_socket in libcpp-httplib.so 0.11.4, nothing else) are hooked, and
// the task queue carries each connection to its thread.
//
// Thread-safe. Lock order: socket_hooks' registry mutex, then mu_.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "http/client_address.h"
#include "http/socket_hooks.h"

namespace octopus::http {

struct ConnectionLimits {
  std::size_t max_per_address = 32;
  std::size_t max_total = 512;
  std::chrono::milliseconds header_timeout{10'000};
  std::size_t max_header_bytes = 64 * 1024;  // request line and headers
  std::chrono::milliseconds body_timeout{30'000};
  std::size_t body_min_bytes = 32 * 1024;  // per body_timeout, for uploads
  std::chrono::milliseconds stop_grace{10'000};
};

// Counts since the server started.
struct ConnectionStats {
  std::uint64_t admitted = 0;
  std::uint64_t refused = 0;           // over the per-address or total cap
  std::uint64_t cut_header_time = 0;   // headers not complete in time
  std::uint64_t cut_header_bytes = 0;  // headers too large
  std::uint64_t cut_body = 0;          // body too slow
  std::uint64_t cut_at_stop = 0;
  std::size_t open = 0;  // tracked now
};

// What a request's headers say will be read next.
enum class BodyExpected {
  kNone,    // no body: the handler runs at once
  kJson,    // the library reads a (small) body before the handler
  kStream,  // the handler reads the body itself (uploads), reporting progress
};

class ConnectionGuard final : public socket_hooks::AcceptObserver {
 public:
  using Stats = ConnectionStats;

  ConnectionGuard(ConnectionLimits limits, TrustedProxies trusted, bool tls);
  ~ConnectionGuard() override;  // detaches, stops the watchdog
  ConnectionGuard(const ConnectionGuard&) = delete;
  ConnectionGuard& operator=(const ConnectionGuard&) = delete;

  // Guards the connections accepted on `listen_fd` from now on, until the
  // guard is destroyed. Once only.
  void Attach(int listen_fd);
  // For Server::new_task_queue: `threads` pool threads serving the
  // connections this guard admitted. The library owns (and deletes) it.
  httplib::TaskQueue* NewTaskQueue(std::size_t threads);
  // Stop has begun: cut what waits for a request now, bodies after the
  // grace. Idempotent.
  void BeginStop();
  Stats stats() const;

  // The phase hooks, called on the thread serving the connection (no-ops on
  // a thread that serves none). OnHeadersComplete returns false when the
  // thread serves no guarded connection: the hooks are not in effect.
  static bool OnHeadersComplete(BodyExpected body);
  static void OnBodyBytes(std::size_t n);
  static void OnHandlerStarted();
  static void OnResponseWritten();

  bool OnAccepted(int fd, const sockaddr* peer, socklen_t peer_len) override;

 private:
  struct Connection;
  class TaskQueue;
  enum class Cut { kHeaderTime, kHeaderBytes, kBody, kStop };

  std::uint64_t NowMs() const;
  std::shared_ptr<Connection> TakePending();
  void Release(const std::shared_ptr<Connection>& c);
  void CutConnection(Connection& c, Cut why);
  void Watch();
  void CheckAll_locked(std::uint64_t now);  // requires mu_
  void LogSummary(bool force);

  const ConnectionLimits limits_;
  const TrustedProxies trusted_;
  const bool tls_;
  const std::chrono::steady_clock::time_point epoch_ = std::chrono::steady_clock::now();
  int listen_fd_ = -1;

  mutable std::mutex mu_;
  std::map<std::uint64_t, std::shared_ptr<Connection>> open_;  // GUARDED_BY(mu_), by id
  std::map<std::string, std::size_t> per_address_;             // GUARDED_BY(mu_)
  std::shared_ptr<Connection> pending_;  // GUARDED_BY(mu_): accepted, not yet queued
  std::uint64_t next_id_ = 1;            // GUARDED_BY(mu_)
  bool stopping_ = false;                // GUARDED_BY(mu_)
  std::uint64_t stop_deadline_ = 0;      // GUARDED_BY(mu_), ms
  bool quit_ = false;                    // GUARDED_BY(mu_)
  std::condition_variable wake_;

  std::atomic<std::uint64_t> admitted_{0}, refused_{0}, cut_header_time_{0}, cut_header_bytes_{0},
      cut_body_{0}, cut_at_stop_{0};
  Stats last_logged_;  // watchdog thread only
  std::chrono::steady_clock::time_point last_log_;

  static thread_local Connection* t_current_;  // the one the calling pool thread serves

  std::thread watchdog_;  // last: started once everything above exists
};

}  // namespace octopus::http
