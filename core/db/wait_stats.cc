#include "core/db/wait_stats.h"

#include <atomic>
#include <cstdio>

namespace octopus::db {
namespace {

struct Counters {
  std::atomic<std::int64_t> round_trips{0};
  std::atomic<std::int64_t> round_trip_ns{0};
  std::atomic<std::int64_t> pool_waits{0};
  std::atomic<std::int64_t> pool_wait_ns{0};
  std::atomic<std::int64_t> reruns{0};
  std::atomic<std::int64_t> backoff_ns{0};
};

Counters& counters() {
  static Counters c;
  return c;
}

double Seconds(std::chrono::nanoseconds ns) { return static_cast<double>(ns.count()) / 1e9; }

}  // namespace

void NoteRoundTrip(std::chrono::nanoseconds took) {
  counters().round_trips.fetch_add(1, std::memory_order_relaxed);
  counters().round_trip_ns.fetch_add(took.count(), std::memory_order_relaxed);
}

void NotePoolWait(std::chrono::nanoseconds took) {
  counters().pool_waits.fetch_add(1, std::memory_order_relaxed);
  counters().pool_wait_ns.fetch_add(took.count(), std::memory_order_relaxed);
}

void NoteRerun(std::chrono::nanoseconds backoff) {
  counters().reruns.fetch_add(1, std::memory_order_relaxed);
  counters().backoff_ns.fetch_add(backoff.count(), std::memory_order_relaxed);
}

WaitTotals ReadWaitTotals() {
  const Counters& c = counters();
  WaitTotals t;
  t.round_trips = c.round_trips.load(std::memory_order_relaxed);
  t.round_trip_time = std::chrono::nanoseconds(c.round_trip_ns.load(std::memory_order_relaxed));
  t.pool_waits = c.pool_waits.load(std::memory_order_relaxed);
  t.pool_wait_time = std::chrono::nanoseconds(c.pool_wait_ns.load(std::memory_order_relaxed));
  t.reruns = c.reruns.load(std::memory_order_relaxed);
  t.backoff_time = std::chrono::nanoseconds(c.backoff_ns.load(std::memory_order_relaxed));
  return t;
}

std::string FormatWaitTotals(const WaitTotals& t) {
  char line[200];
  std::snprintf(line, sizeof line,
                "database waits: %lld round trips %.3f s, pool waits %lld (%.3f s), "
                "reruns %lld (backoff %.3f s)",
                static_cast<long long>(t.round_trips), Seconds(t.round_trip_time),
                static_cast<long long>(t.pool_waits), Seconds(t.pool_wait_time),
                static_cast<long long>(t.reruns), Seconds(t.backoff_time));
  return line;
}

}  // namespace octopus::db
