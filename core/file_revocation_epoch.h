// The revocation epoch (core/revocation_epoch.h) of the processes of one
// machine on a SQLite library: two 64-bit counters in instance/revocations,
// memory-mapped.
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
#include "core/revocation_epoch.h"
#include "core/status.h"

namespace octopus {

class FileRevocationEpoch final : public RevocationEpoch {
 public:
  static Result<std::unique_ptr<FileRevocationEpoch>> Open(const std::filesystem::path& file);
  ~FileRevocationEpoch() override;
  FileRevocationEpoch(const FileRevocationEpoch&) = delete;
  FileRevocationEpoch& operator=(const FileRevocationEpoch&) = delete;

  // nullopt while a revoking write is in flight or was interrupted.
  std::optional<std::uint64_t> Stable() const override;
  // BeginWrite, then the transaction.
  Status RunRevoking(ConnectionPool& pool, const TransactionBody& body) override;
  Status RunRevoking(db::Database& db, const TransactionBody& body) override;

  // Brackets one revoking write: construct before the database write, let
  // it go out of scope after the commit (or the failure).
  class Write {
   public:
    Write(Write&&) = default;
    ~Write();

   private:
    friend class FileRevocationEpoch;
    Write(FileRevocationEpoch* epoch, UniqueFd lock) : epoch_(epoch), lock_(std::move(lock)) {}
    FileRevocationEpoch* epoch_;
    UniqueFd lock_;  // holds the shared flock until after `ended` moved
  };
  // Fails only when the file cannot be opened or locked; the caller must
  // then not write (the revocation could go unseen by other processes).
  Result<Write> BeginWrite();

  // Sets ended = begun when no writer holds the lock (a writer died between
  // its increments). Returns whether the epoch is stable afterwards.
  bool TryRepair();

 private:
  FileRevocationEpoch(std::filesystem::path file, UniqueFd fd, void* map);
  std::uint64_t* begun() const;
  std::uint64_t* ended() const;

  const std::filesystem::path file_;
  UniqueFd fd_;  // kept open for the mapping's lifetime
  void* map_;
};

}  // namespace octopus
