// The uploads each user has in flight, and the bytes they have staged so
// far. Staged files are not charged to the quota until ingested, so without
// this a user with 0.3 MB left streamed 300 MB into the staging folder and
// held it there (issue 15): an upload stops as soon as what the user has
// staged, over all their uploads, passes what their quota leaves, and a
// user has at most `max_per_user` uploads in flight.
//
// Thread-safe: guarded by mu_.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <unordered_map>
#include <utility>

#include "core/user.h"

namespace octopus::http {

class UploadLedger {
 public:
  explicit UploadLedger(int max_per_user) : max_per_user_(max_per_user) {}
  UploadLedger(const UploadLedger&) = delete;
  UploadLedger& operator=(const UploadLedger&) = delete;

  // One upload in flight; its bytes leave the ledger with it.
  class Entry {
   public:
    Entry(Entry&& other) noexcept
        : ledger_(std::exchange(other.ledger_, nullptr)),
          user_(other.user_),
          staged_(other.staged_) {}
    Entry& operator=(Entry&&) = delete;
    ~Entry();
    // Records `bytes` more staged by this upload; returns what the user has
    // staged over all their uploads in flight.
    std::int64_t Stage(std::int64_t bytes);

   private:
    friend class UploadLedger;
    Entry(UploadLedger* ledger, UserId user) : ledger_(ledger), user_(user) {}
    UploadLedger* ledger_;
    UserId user_;
    std::int64_t staged_ = 0;
  };

  // Nothing when `user` already has max_per_user uploads in flight.
  std::optional<Entry> Begin(UserId user);

 private:
  struct Account {
    int uploads = 0;
    std::int64_t staged = 0;
  };
  const int max_per_user_;
  std::mutex mu_;
  std::unordered_map<UserId, Account> accounts_;  // GUARDED_BY(mu_); users with uploads only
};

}  // namespace octopus::http
