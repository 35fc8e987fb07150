#include "http/connection_guard.h"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>

#include "core/file_util.h"

namespace octopus::http {
namespace {

// A connection's phase and the moment it must end, in one word so that the
// watchdog reads both at once: deadline (ms since the guard's epoch) << 3,
// phase in the low bits.
enum Phase : std::uint64_t {
  kHeaders = 0,   // waiting for a request line and headers
  kBody = 1,      // the library reads a JSON body
  kUpload = 2,    // the handler streams a body; the deadline ends a window
  kHandling = 3,  // the handler runs or the response is written: no deadline
};
constexpr std::uint64_t Pack(std::uint64_t deadline_ms, Phase phase) {
  return (deadline_ms << 3) | phase;
}
constexpr Phase PhaseOf(std::uint64_t state) { return static_cast<Phase>(state & 7); }
constexpr std::uint64_t DeadlineOf(std::uint64_t state) { return state >> 3; }

// The kernel's struct tcp_info goes on past glibc's (<linux/tcp.h> has it
// all but clashes with <netinet/tcp.h>, which httplib.h includes): the
// fields up to the count of bytes received, a stable ABI since Linux 4.1.
struct TcpInfoWithBytes {
  tcp_info base;  // up to tcpi_total_retrans
  std::uint64_t pacing_rate, max_pacing_rate, bytes_acked, bytes_received;
};
static_assert(offsetof(TcpInfoWithBytes, bytes_received) == 128);

constexpr auto kTick = std::chrono::milliseconds(50);
constexpr auto kLogEvery = std::chrono::seconds(10);

constexpr std::string_view kBusyBody =
    R"({"error":{"code":"too_many_connections","message":"too many connections from this )"
    R"(address; retry later"}})";

// Answers a connection refused at accept, without ever blocking the
// accepting thread: the 503 goes out if the socket buffer takes it, and what
// the client already sent is read first, so that closing does not reset
// the connection and discard the answer.
void Refuse(int fd) {
  static const std::string response =
      "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: "
      "1\r\nConnection: close\r\nContent-Length: " +
      std::to_string(kBusyBody.size()) + "\r\n\r\n" + std::string(kBusyBody);
  ::send(fd, response.data(), response.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
  ::shutdown(fd, SHUT_WR);
  char sink[4096];
  for (int i = 0; i < 16; ++i) {
    if (::recvfrom(fd, sink, sizeof sink, MSG_DONTWAIT, nullptr, nullptr) <= 0) break;
  }
  ::close(fd);
}

// nginx's lingering close, for a connection the library has finished with
// (its descriptor is closed; ours still holds the socket). A client may
// still be sending a body the server answered without reading (a 413 on
// its Content-Length): closing with unread bytes makes the kernel reset
// the connection, the client's next send fails, and it never reads the
// answer waiting for it (curl printed 000 for a refused 2 GB upload). So
// the write side is shut first (FIN after the answer), and what still
// arrives is read and dropped until the client closes, is quiet for
// kLingerIdle, or kLingerTotal has passed: bounded, so a client that never
// closes holds a pool thread for at most kLingerTotal.
constexpr auto kLingerIdle = std::chrono::milliseconds(1000);
constexpr auto kLingerTotal = std::chrono::milliseconds(5000);

void LingeringClose(int fd) {
  ::shutdown(fd, SHUT_WR);
  const auto end = std::chrono::steady_clock::now() + kLingerTotal;
  char sink[64 * 1024];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min(left, kLingerIdle).count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return;  // quiet, or an error
    // recvfrom, not recv: recv is ours (socket_hooks) for the library's use.
    const ssize_t n = ::recvfrom(fd, sink, sizeof sink, MSG_DONTWAIT, nullptr, nullptr);
    if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) continue;
    if (n <= 0) return;  // the client closed (or reset)
  }
}

}  // namespace

struct ConnectionGuard::Connection final : socket_hooks::ReceiveWatch {
  Connection(ConnectionGuard* g, std::uint64_t i, int fd, UniqueFd dup, std::string key,
             std::uint64_t initial)
      : guard(g),
        id(i),
        library_fd(fd),
        own(std::move(dup)),
        cap_key(std::move(key)),
        state(initial) {}

  int fd() const override { return library_fd; }
  bool MayReceive() override { return !cut.load(std::memory_order_relaxed); }
  void Received(std::size_t n) override {
    if (PhaseOf(state.load(std::memory_order_relaxed)) != kHeaders) return;
    header_bytes += n;
    if (header_bytes > guard->limits_.max_header_bytes)
      guard->CutConnection(*this, Cut::kHeaderBytes);
  }

  ConnectionGuard* const guard;
  const std::uint64_t id;
  const int library_fd;       // the library's; valid while its task runs
  const UniqueFd own;         // ours: shutdown(2) through it always reaches this connection
  const std::string cap_key;  // empty: not counted per address (a trusted proxy)
  std::atomic<std::uint64_t> state;
  std::atomic<bool> cut{false};
  std::atomic<std::uint64_t> body_bytes{0};  // in the current upload window
  std::size_t header_bytes = 0;              // serving thread only
  std::uint64_t tcp_baseline = 0;            // watchdog only (TLS)
  std::uint64_t tcp_baseline_state = ~std::uint64_t{0};
};

thread_local ConnectionGuard::Connection* ConnectionGuard::t_current_ = nullptr;

// The pool the library runs connections on. Each task is bound, when it is
// queued, to the connection admitted just before: the library's accept loop
// calls accept() then enqueue() on one thread, with nothing in between that
// accepts.
class ConnectionGuard::TaskQueue final : public httplib::TaskQueue {
 public:
  TaskQueue(ConnectionGuard* guard, std::size_t threads) : guard_(guard), pool_(threads) {}

  void enqueue(std::function<void()> fn) override {
    pool_.enqueue([guard = guard_, c = guard_->TakePending(), fn = std::move(fn)] {
      if (!c) return fn();
      struct Serving {
        Serving(ConnectionGuard* g, std::shared_ptr<Connection> conn)
            : guard(g), c(std::move(conn)) {
          t_current_ = c.get();
          socket_hooks::SetThreadReceiveWatch(c.get());
        }
        ~Serving() {
          socket_hooks::SetThreadReceiveWatch(nullptr);
          t_current_ = nullptr;
          // A cut connection is shut both ways already: nothing to wait for.
          if (!c->cut.load(std::memory_order_relaxed)) LingeringClose(c->own.get());
          guard->Release(c);
        }
        ConnectionGuard* guard;
        std::shared_ptr<Connection> c;
      } serving(guard, c);
      fn();  // serves the connection until the library closes it
    });
  }
  void shutdown() override { pool_.shutdown(); }

 private:
  ConnectionGuard* const guard_;
  httplib::ThreadPool pool_;
};

ConnectionGuard::ConnectionGuard(ConnectionLimits limits, TrustedProxies trusted, bool tls)
    : limits_(limits), trusted_(std::move(trusted)), tls_(tls), last_log_(epoch_) {
  watchdog_ = std::thread([this] { Watch(); });
}

ConnectionGuard::~ConnectionGuard() {
  if (listen_fd_ >= 0) socket_hooks::Unregister(listen_fd_, this);
  {
    std::lock_guard lock(mu_);
    quit_ = true;
  }
  wake_.notify_all();
  watchdog_.join();
  LogSummary(/*force=*/true);
}

void ConnectionGuard::Attach(int listen_fd) {
  listen_fd_ = listen_fd;
  socket_hooks::Register(listen_fd, this);
}

httplib::TaskQueue* ConnectionGuard::NewTaskQueue(std::size_t threads) {
  return new TaskQueue(this, threads);
}

std::uint64_t ConnectionGuard::NowMs() const {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::steady_clock::now() - epoch_)
                                        .count());
}

bool ConnectionGuard::OnAccepted(int fd, const sockaddr* peer, socklen_t peer_len) {
  IpAddress address;
  const bool known = IpAddress::FromSockaddr(peer, peer_len, &address);
  const bool trusted = known && trusted_.Contains(address);
  std::string key = trusted ? std::string() : known ? address.CapKey() : std::string("?");
  std::unique_lock lock(mu_);
  if (pending_) {
    // Never queued: the library did not hand it to our queue. Forget it
    // rather than count it forever.
    spdlog::error("connection guard: an accepted connection was never queued");
    auto stale = std::move(pending_);
    lock.unlock();
    Release(stale);
    lock.lock();
  }
  bool refuse = stopping_ || open_.size() >= limits_.max_total;
  if (!refuse && !key.empty()) {
    const auto it = per_address_.find(key);
    refuse = it != per_address_.end() && it->second >= limits_.max_per_address;
  }
  UniqueFd own;
  if (!refuse) {
    own = UniqueFd(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
    refuse = !own;  // out of descriptors: refusing is the safe answer
  }
  if (refuse) {
    lock.unlock();
    refused_.fetch_add(1, std::memory_order_relaxed);
    Refuse(fd);
    return false;
  }
  const std::uint64_t id = next_id_++;
  auto c = std::make_shared<Connection>(this, id, fd, std::move(own), key,
                                        Pack(NowMs() + limits_.header_timeout.count(), kHeaders));
  open_.emplace(id, c);
  if (!key.empty()) ++per_address_[key];
  pending_ = std::move(c);
  admitted_.fetch_add(1, std::memory_order_relaxed);
  return true;
}

std::shared_ptr<ConnectionGuard::Connection> ConnectionGuard::TakePending() {
  std::lock_guard lock(mu_);
  return std::move(pending_);
}

void ConnectionGuard::Release(const std::shared_ptr<Connection>& c) {
  std::lock_guard lock(mu_);
  open_.erase(c->id);
  if (c->cap_key.empty()) return;
  const auto it = per_address_.find(c->cap_key);
  if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
}

void ConnectionGuard::CutConnection(Connection& c, Cut why) {
  if (c.cut.exchange(true)) return;
  // Counted before the socket is shut: a client that sees the connection
  // end and then reads the stats (ConnectionGuardTest does) must find the
  // cut counted; counted after, a loaded machine showed it 0.
  switch (why) {
    case Cut::kHeaderTime:
      cut_header_time_.fetch_add(1, std::memory_order_relaxed);
      break;
    case Cut::kHeaderBytes:
      cut_header_bytes_.fetch_add(1, std::memory_order_relaxed);
      break;
    case Cut::kBody:
      cut_body_.fetch_add(1, std::memory_order_relaxed);
      break;
    case Cut::kStop:
      cut_at_stop_.fetch_add(1, std::memory_order_relaxed);
      break;
  }
  // Both directions: a poll waiting on the socket wakes, and, the socket
  // being shut for reading in FIN_WAIT, anything more the client sends
  // resets it rather than queueing.
  ::shutdown(c.own.get(), SHUT_RDWR);
}

bool ConnectionGuard::OnHeadersComplete(BodyExpected body) {
  Connection* c = t_current_;
  if (c == nullptr) return false;
  const ConnectionLimits& limits = c->guard->limits_;
  const std::uint64_t now = c->guard->NowMs();
  switch (body) {
    case BodyExpected::kNone:
      c->state.store(Pack(0, kHandling), std::memory_order_release);
      break;
    case BodyExpected::kJson:
      c->state.store(Pack(now + limits.body_timeout.count(), kBody), std::memory_order_release);
      break;
    case BodyExpected::kStream:
      c->body_bytes.store(0, std::memory_order_relaxed);
      c->state.store(Pack(now + limits.body_timeout.count(), kUpload), std::memory_order_release);
      break;
  }
  return true;
}

void ConnectionGuard::OnBodyBytes(std::size_t n) {
  if (Connection* c = t_current_) c->body_bytes.fetch_add(n, std::memory_order_relaxed);
}

void ConnectionGuard::OnHandlerStarted() {
  if (Connection* c = t_current_) c->state.store(Pack(0, kHandling), std::memory_order_release);
}

void ConnectionGuard::OnResponseWritten() {
  Connection* c = t_current_;
  if (c == nullptr) return;
  c->header_bytes = 0;
  c->state.store(Pack(c->guard->NowMs() + c->guard->limits_.header_timeout.count(), kHeaders),
                 std::memory_order_release);
}

void ConnectionGuard::BeginStop() {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  stopping_ = true;
  stop_deadline_ = NowMs() + static_cast<std::uint64_t>(limits_.stop_grace.count());
  CheckAll_locked(NowMs());  // those waiting for a request go now, not a tick later
}

void ConnectionGuard::CheckAll_locked(std::uint64_t now) {
  const bool stop_grace_over = stopping_ && now >= stop_deadline_;
  for (auto& [id, c] : open_) {
    if (c->cut.load(std::memory_order_relaxed)) continue;
    const std::uint64_t state = c->state.load(std::memory_order_acquire);
    const std::uint64_t deadline = DeadlineOf(state);
    switch (PhaseOf(state)) {
      case kHeaders:
        if (stopping_) {
          CutConnection(*c, Cut::kStop);
        } else if (now >= deadline) {
          CutConnection(*c, Cut::kHeaderTime);
        } else if (tls_) {
          TcpInfoWithBytes info{};
          socklen_t len = sizeof info;
          if (::getsockopt(c->own.get(), IPPROTO_TCP, TCP_INFO, &info, &len) != 0 ||
              len < sizeof info) {
            break;
          }
          if (c->tcp_baseline_state != state) {  // a new header phase: count from here
            c->tcp_baseline_state = state;
            c->tcp_baseline = info.bytes_received;
          } else if (info.bytes_received - c->tcp_baseline >
                     2 * limits_.max_header_bytes) {  // room for TLS records and handshake
            CutConnection(*c, Cut::kHeaderBytes);
          }
        }
        break;
      case kBody:
        if (stop_grace_over) {
          CutConnection(*c, Cut::kStop);
        } else if (now >= deadline) {
          CutConnection(*c, Cut::kBody);
        }
        break;
      case kUpload:
        if (stop_grace_over) {
          CutConnection(*c, Cut::kStop);
        } else if (now >= deadline) {
          if (c->body_bytes.exchange(0, std::memory_order_relaxed) < limits_.body_min_bytes) {
            CutConnection(*c, Cut::kBody);
          } else {
            // Enough came in this window: open the next one, unless the
            // handler moved on meanwhile.
            std::uint64_t expected = state;
            c->state.compare_exchange_strong(expected,
                                             Pack(now + limits_.body_timeout.count(), kUpload),
                                             std::memory_order_acq_rel);
          }
        }
        break;
      case kHandling:
        break;
    }
  }
}

void ConnectionGuard::Watch() {
  std::unique_lock lock(mu_);
  while (!quit_) {
    wake_.wait_for(lock, kTick);
    if (quit_) break;
    CheckAll_locked(NowMs());
    lock.unlock();
    LogSummary(/*force=*/false);
    lock.lock();
  }
}

ConnectionGuard::Stats ConnectionGuard::stats() const {
  Stats s;
  s.admitted = admitted_.load();
  s.refused = refused_.load();
  s.cut_header_time = cut_header_time_.load();
  s.cut_header_bytes = cut_header_bytes_.load();
  s.cut_body = cut_body_.load();
  s.cut_at_stop = cut_at_stop_.load();
  std::lock_guard lock(mu_);
  s.open = open_.size();
  return s;
}

// At most one line per kLogEvery, and only when something was refused or
// cut: an attack must not flood the log.
void ConnectionGuard::LogSummary(bool force) {
  const auto now = std::chrono::steady_clock::now();
  if (!force && now - last_log_ < kLogEvery) return;
  Stats s = stats();
  const Stats& l = last_logged_;
  if (s.refused == l.refused && s.cut_header_time == l.cut_header_time &&
      s.cut_header_bytes == l.cut_header_bytes && s.cut_body == l.cut_body) {
    return;
  }
  spdlog::warn(
      "connections: {} refused over the per-address or total cap, {} cut for slow headers, {} "
      "for oversized headers, {} for a stalled body (since the last such line); {} open",
      s.refused - l.refused, s.cut_header_time - l.cut_header_time,
      s.cut_header_bytes - l.cut_header_bytes, s.cut_body - l.cut_body, s.open);
  last_logged_ = s;
  last_log_ = now;
}

}  // namespace octopus::http
