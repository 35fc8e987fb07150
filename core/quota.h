// The quota engine: the one rule for what a user may store, shared by every
// front end. A user's usage is the sum of the sizes of their originals, each
// stored photo once; thumbnails are not charged (see the README).
//
// The check that matters runs inside the transaction that charges (see
// Ingestor): two processes importing at once serialise on its write lock,
// so a user can never go over. Check() is the cheap early answer front ends
// give before staging a copy.
//
// Thread-safe.
#pragma once

#include <cstdint>

#include "core/status.h"
#include "core/store/connection_pool.h"
#include "core/store/user_store.h"

namespace octopus {

class QuotaEngine {
 public:
  explicit QuotaEngine(ConnectionPool& pool) : pool_(pool) {}

  // kQuotaExceeded, with a message saying what was needed and what is free,
  // when `additional_bytes` more would not fit. Own connection, no lock.
  Status Check(UserId owner, std::int64_t additional_bytes);
  // What the user may still store: quota minus usage, 0 when over. Own
  // connection, no lock: front ends bound what they stage by it.
  Result<std::int64_t> Free(UserId owner);
  // The same check inside the caller's transaction.
  static Status CheckIn(UserStore& users, UserId owner, std::int64_t additional_bytes);

 private:
  ConnectionPool& pool_;
};

}  // namespace octopus
