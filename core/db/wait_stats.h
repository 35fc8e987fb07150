// What this process has spent waiting on its database, summed over every
// thread since it started: for the server's log at shutdown and the
// PostgreSQL bench (tests/bench/postgres_bench.sh), which must tell "the
// cores are the limit" from "the database is".
//
//  - round trips: wall time inside libpq calls (PQexec, PQexecPrepared,
//    PQprepare), PostgreSQL only: the socket, the server's work and, at
//    COMMIT, its WAL flush. SQLite runs in the caller's thread: its time is
//    CPU, not a wait, and is not counted.
//  - pool waits: time in ConnectionPool::Acquire waiting for a connection
//    (all `max_open` leased), any backend.
//  - reruns: transactions RunInTransaction ran again after a kBusy
//    (serialization failure, deadlock, lost connection), with the time
//    slept in their backoff. The reruns' own round trips are in the first
//    figure too.
//
// Thread-safe: relaxed atomics (a few nanoseconds per call, beside a round
// trip's tens of microseconds).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace octopus::db {

struct WaitTotals {
  std::int64_t round_trips = 0;
  std::chrono::nanoseconds round_trip_time{0};
  std::int64_t pool_waits = 0;  // Acquires that found no connection free
  std::chrono::nanoseconds pool_wait_time{0};
  std::int64_t reruns = 0;
  std::chrono::nanoseconds backoff_time{0};
};

void NoteRoundTrip(std::chrono::nanoseconds took);
void NotePoolWait(std::chrono::nanoseconds took);
void NoteRerun(std::chrono::nanoseconds backoff);

WaitTotals ReadWaitTotals();

// One line: "database waits: 1234 round trips 0.812 s, pool waits 0 (0.000 s),
// reruns 3 (backoff 0.021 s)".
std::string FormatWaitTotals(const WaitTotals& totals);

// Times a scope and notes it as a round trip.
class RoundTripTimer {
 public:
  RoundTripTimer() : start_(std::chrono::steady_clock::now()) {}
  ~RoundTripTimer() { NoteRoundTrip(std::chrono::steady_clock::now() - start_); }
  RoundTripTimer(const RoundTripTimer&) = delete;
  RoundTripTimer& operator=(const RoundTripTimer&) = delete;

 private:
  std::chrono::steady_clock::time_point start_;
};

}  // namespace octopus::db
