// The change feed: every change to a user's photos appends one entry to
// that user's feed, in the transaction that makes the change, under a
// per-owner sequence number that grows by one per change. Readers (the
// mount, a server's caches, later other machines) remember the last number
// they applied and ask what changed since; they apply only that, by
// re-reading the photos named (an entry says which photo changed, the
// photos table says what it is now).
//
// Why a per-owner counter in the users row and not a global sequence: the
// counter's UPDATE locks that row, so two transactions changing one user's
// photos commit in the order of their numbers, on SQLite (one writer at a
// time anyway) as on a database with concurrent writers. A reader that saw
// number N can then never later find an entry below N appear.
//
// Entries are pruned once an owner has more than kKeep of them; the
// highest pruned number is the feed's horizon. A reader whose position is
// below the horizon missed entries and must reload everything once.
//
// Not thread-safe: a store lives as long as its connection lease.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/db/database.h"
#include "core/photo.h"

namespace octopus {

// kRemoved: purged for good; kTrashed and kRestored: into and out of the
// trash (the photo stays, in the trash's view only).
enum class ChangeKind : int { kAdded = 1, kRemoved = 2, kUpdated = 3, kTrashed = 4, kRestored = 5 };

struct Change {
  std::int64_t seq = 0;
  std::string photo_id;
  ChangeKind kind = ChangeKind::kUpdated;
};

// Where an owner's feed stands.
struct FeedPosition {
  std::int64_t head = 0;     // the newest entry's number (0: none yet)
  std::int64_t horizon = 0;  // entries up to this number are pruned
};

struct ChangeBatch {
  std::vector<Change> changes;  // in order, after the position asked for
  FeedPosition position;
  // The reader's position is below the horizon (it missed entries) or past
  // the head: it must reload; `changes` is empty.
  bool behind = false;
};

class ChangeFeed {
 public:
  // Entries kept per owner. A reader more than this many changes behind
  // reloads, which costs about as much as reading that many changes.
  static constexpr std::int64_t kKeep = 100'000;

  // `keep` other than kKeep is for tests: pruning shown on a few thousand
  // entries rather than a hundred thousand.
  explicit ChangeFeed(db::Database& db, std::int64_t keep = kKeep) : db_(db), keep_(keep) {}

  // Appends an entry; call in the transaction that makes the change.
  Status Append(UserId owner, const std::string& photo_id, ChangeKind kind);
  Result<FeedPosition> Position(UserId owner);
  // Up to `limit` entries after `since`, with the feed's position (read in
  // the caller's transaction, so position and entries agree).
  Result<ChangeBatch> Since(UserId owner, std::int64_t since, int limit);

 private:
  Status Prune(UserId owner, std::int64_t head);
  db::Database& db_;
  const std::int64_t keep_;
};

}  // namespace octopus
