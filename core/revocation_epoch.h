// A revocation epoch shared by every process that opens a home: two 64-bit
// counters in instance/revocations, memory-mapped, that every write able to
// invalidate what a process caches moves: an API session (logout, password
// change, disable, user removal) or a photo (deletion, by a user or by
// fsck). A process may trust what it cached about sessions and photos only
// while the epoch it cached under is still current.
//
// Protocol. A revoking write holds a shared flock on the file (its own open
// file description), increments `begun`, writes to the database, then
// increments `ended` and unlocks. A reader reads `ended`, then `begun`: equal
// values mean no revoking write was in flight, and that value tags what the
// reader then loads from the database. Later the tag is still current only
// if both counters still equal it; any write begun since moved `begun`.
//
// Crashes. A writer killed between its two increments leaves begun > ended:
// readers then trust nothing cached and query the database on every call,
// until a repair (Library::Open, the end of any revoking write) finds no
// writer holding the lock (flock is released by the kernel when a process
// dies) and sets ended = begun. A stale counter can thus cost speed, never
// let a revoked session through.
//
// Like the database, the file must not be removed while processes use the
// home: a process keeps the counters it mapped.
//
// Thread-safe: the counters are atomics in shared memory; each write opens
// its own descriptor so that threads' flocks are independent.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>

#include "core/file_util.h"
#include "core/status.h"

namespace octopus {

class RevocationEpoch {
 public:
  static Result<std::unique_ptr<RevocationEpoch>> Open(const std::filesystem::path& file);
  ~RevocationEpoch();
  RevocationEpoch(const RevocationEpoch&) = delete;
  RevocationEpoch& operator=(const RevocationEpoch&) = delete;

  // The current epoch, or nullopt while a revoking write is in flight or was
  // interrupted: then nothing cached may be trusted.
  std::optional<std::uint64_t> Stable() const;

  // Brackets one revoking write: construct before the database write, let
  // it go out of scope after the commit (or the failure).
  class Write {
   public:
    Write(Write&&) = default;
    ~Write();

   private:
    friend class RevocationEpoch;
    Write(RevocationEpoch* epoch, UniqueFd lock) : epoch_(epoch), lock_(std::move(lock)) {}
    RevocationEpoch* epoch_;
    UniqueFd lock_;  // holds the shared flock until after `ended` moved
  };
  // Fails only when the file cannot be opened or locked; the caller must
  // then not write (the revocation could go unseen by other processes).
  Result<Write> BeginWrite();

  // Sets ended = begun when no writer holds the lock (a writer died between
  // its increments). Returns whether the epoch is stable afterwards.
  bool TryRepair();

 private:
  RevocationEpoch(std::filesystem::path file, UniqueFd fd, void* map);
  std::uint64_t* begun() const;
  std::uint64_t* ended() const;

  const std::filesystem::path file_;
  UniqueFd fd_;  // kept open for the mapping's lifetime
  void* map_;
};

}  // namespace octopus
