// Clients for the hostile-client suite: sockets from a chosen loopback
// address (the attacker and the well-behaved neighbour are different
// addresses, as they would be on a network), plain or TLS, every operation
// bounded by a deadline; a /health probe measuring, from the client's side,
// whether the server keeps answering within a second; and a sampler of the
// server's resident memory.
//
// Thread-safety: a ClientSocket belongs to one thread; HealthProbe and
// RssSampler run their own thread and are read after Stop().
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

typedef struct ssl_st SSL;

namespace octopus::testing {

using Clock = std::chrono::steady_clock;

struct Target {
  int port = 0;
  bool tls = false;  // nginx's port: TLS (certificate not verified)
};

inline constexpr char kAttackerAddress[] = "127.0.0.3";
inline constexpr char kNeighbourAddress[] = "127.0.0.2";

class ClientSocket {
 public:
  ClientSocket() = default;
  ~ClientSocket() { Close(); }
  ClientSocket(ClientSocket&& o) noexcept;
  ClientSocket& operator=(ClientSocket&& o) noexcept;
  ClientSocket(const ClientSocket&) = delete;
  ClientSocket& operator=(const ClientSocket&) = delete;

  // Connects from `source` (and completes the TLS handshake) by `deadline`.
  bool Connect(const Target& target, const char* source, Clock::time_point deadline);
  // Sends all of `bytes` by `deadline`; false if the peer is gone or time ran out.
  bool Send(std::string_view bytes, Clock::time_point deadline);
  // Reads until `marker` has arrived, the peer closed, or `deadline`;
  // returns everything read. `closed` says whether the peer closed.
  std::string ReadUntil(std::string_view marker, Clock::time_point deadline, bool* closed);
  // Whether the peer has closed or reset the connection, without waiting
  // (what it sent meanwhile is read and dropped).
  bool PeerGone();
  bool open() const { return fd_ >= 0; }
  void Close();

 private:
  // Waits for the socket to be readable or writable; false past `deadline`.
  bool Wait(bool write, Clock::time_point deadline);
  int fd_ = -1;
  SSL* ssl_ = nullptr;
};

// GET /health from the neighbour's address every 250 ms on a fresh
// connection. A probe passes when one of up to 3 attempts gets "200" within
// 1 s of starting it (the retries absorb a loaded CI machine's hiccups; a
// starved server fails all three).
class HealthProbe {
 public:
  explicit HealthProbe(Target target);
  ~HealthProbe() { Stop(); }
  void Stop();

  int probes() const { return probes_; }
  int failed() const { return failed_; }
  double worst_ms() const { return worst_ms_; }  // slowest successful attempt
  std::string Summary() const;

 private:
  void Run();
  const Target target_;
  std::atomic<bool> stop_{false};
  std::atomic<int> probes_{0}, failed_{0};
  std::atomic<double> worst_ms_{0};
  std::thread thread_;
};

// VmRSS of `pid`, sampled every 100 ms.
class RssSampler {
 public:
  explicit RssSampler(pid_t pid);
  ~RssSampler() { Stop(); }
  void Stop();
  long start_kb() const { return start_kb_; }
  long peak_kb() const { return peak_kb_; }
  long growth_mb() const { return (peak_kb_ - start_kb_) / 1024; }

 private:
  const pid_t pid_;
  long start_kb_ = 0;
  std::atomic<long> peak_kb_{0};
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

long RssKb(pid_t pid);

// How much the server's memory may grow under an attack:
// OCTOPUS_RSS_SLACK_MB (the sanitizer runs widen it), default 256.
long RssSlackMb();

}  // namespace octopus::testing
