// The change feed: one strictly increasing sequence per owner, written in
// the transaction of the change, pruned behind a horizon that readers past
// it are told about.
#include "core/store/change_feed.h"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/store/photo_store.h"
#include "tests/testing/store_fixture.h"

namespace octopus {
namespace {

class ChangeFeedTest : public testing::StoreTest {
 protected:
  ChangeBatch Since(UserId owner, std::int64_t since, int limit = 1000) {
    auto batch = ChangeFeed(*db_).Since(owner, since, limit);
    EXPECT_TRUE(batch.ok()) << batch.status().message();
    return batch.ok() ? *batch : ChangeBatch{};
  }
  void Insert(const Photo& p) {
    auto tx = db::Transaction::Begin(*db_);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(PhotoStore(*db_).Insert(p).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
};

STORE_TEST(ChangeFeedTest, EachOwnerHasItsOwnGaplessSequenceInOrderOfChange) {
  Insert(Row(alice_, "a1", "a.jpg", "2024-07-14T10:00:00"));
  Insert(Row(bob_, "b1", "b.jpg", "2024-07-14T10:00:00"));
  Insert(Row(alice_, "a2", "c.jpg", "2024-07-14T10:00:00"));
  {
    auto tx = db::Transaction::Begin(*db_);
    PhotoStore photos(*db_);
    ASSERT_TRUE(photos.Rename(alice_, "a1", "renamed.jpg").ok());
    ASSERT_TRUE(photos.Delete(alice_, "a2").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  const ChangeBatch alice = Since(alice_, 0);
  ASSERT_EQ(alice.changes.size(), 4u);
  const std::vector<std::pair<std::string, ChangeKind>> expected = {{"a1", ChangeKind::kAdded},
                                                                    {"a2", ChangeKind::kAdded},
                                                                    {"a1", ChangeKind::kUpdated},
                                                                    {"a2", ChangeKind::kRemoved}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(alice.changes[i].seq, static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(alice.changes[i].photo_id, expected[i].first);
    EXPECT_EQ(alice.changes[i].kind, expected[i].second);
  }
  EXPECT_EQ(alice.position.head, 4);
  EXPECT_FALSE(alice.behind);
  const ChangeBatch bob = Since(bob_, 0);
  ASSERT_EQ(bob.changes.size(), 1u);
  EXPECT_EQ(bob.changes[0].seq, 1);

  // From a position on: only what came after, in pages.
  const ChangeBatch later = Since(alice_, 2, 1);
  ASSERT_EQ(later.changes.size(), 1u);
  EXPECT_EQ(later.changes[0].seq, 3);
  EXPECT_TRUE(Since(alice_, 4).changes.empty());
}

STORE_TEST(ChangeFeedTest, AChangeRolledBackLeavesNoEntryAndNoGap) {
  Insert(Row(alice_, "a1", "a.jpg", "2024-07-14T10:00:00"));
  {
    auto tx = db::Transaction::Begin(*db_);
    ASSERT_TRUE(PhotoStore(*db_).Insert(Row(alice_, "gone", "g.jpg", "2024-07-14T10:00:00")).ok());
  }  // rolled back
  Insert(Row(alice_, "a2", "b.jpg", "2024-07-14T10:00:00"));
  const ChangeBatch batch = Since(alice_, 0);
  ASSERT_EQ(batch.changes.size(), 2u);
  EXPECT_EQ(batch.changes[1].seq, 2);
  EXPECT_EQ(batch.changes[1].photo_id, "a2");
}

STORE_TEST(ChangeFeedTest, AWriterKilledMidTransactionLeavesNoEntryAndNoGap) {
  Insert(Row(alice_, "a1", "a.jpg", "2024-07-14T10:00:00"));
  const pid_t child = ::fork();
  if (child == 0) {
    // Its own connection; killed with the write lock held (SQLite) or the
    // transaction open (PostgreSQL) and the change written but not committed.
    auto db = Connect();
    if (!db || !db->Exec(db->BeginWriteSql()).ok()) ::_exit(1);
    if (!PhotoStore(*db).Insert(Row(alice_, "lost", "l.jpg", "2024-07-14T10:00:00")).ok()) {
      ::_exit(1);
    }
    ::kill(::getpid(), SIGKILL);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status));
  Insert(Row(alice_, "a2", "b.jpg", "2024-07-14T10:00:00"));
  const ChangeBatch batch = Since(alice_, 0);
  ASSERT_EQ(batch.changes.size(), 2u);
  EXPECT_EQ(batch.changes[1].seq, 2);
  EXPECT_EQ(batch.changes[1].photo_id, "a2");
}

STORE_TEST(ChangeFeedTest, PrunedEntriesPutReadersBehindTheHorizon) {
  // A small keep: the mechanism is the same, and 100,000 updates of one
  // users row in one transaction take minutes on PostgreSQL.
  constexpr std::int64_t kKeep = 4096;
  auto tx = db::Transaction::Begin(*db_);
  ASSERT_TRUE(tx.ok());
  ChangeFeed feed(*db_, kKeep);
  const std::int64_t total = kKeep + 2048;
  for (std::int64_t i = 0; i < total; ++i) {
    ASSERT_TRUE(feed.Append(alice_, 'p' + std::to_string(i % 7), ChangeKind::kUpdated).ok());
  }
  ASSERT_TRUE(tx->Commit().ok());
  const FeedPosition position = *feed.Position(alice_);
  EXPECT_EQ(position.head, total);
  EXPECT_GT(position.horizon, 0);
  EXPECT_LE(position.horizon, total - kKeep);
  // A reader at the horizon or past it reads on; one before it missed
  // entries and is told to reload.
  EXPECT_FALSE(Since(alice_, position.horizon, 10).behind);
  EXPECT_EQ(Since(alice_, position.horizon, 10).changes.front().seq, position.horizon + 1);
  const ChangeBatch behind = Since(alice_, position.horizon - 1, 10);
  EXPECT_TRUE(behind.behind);
  EXPECT_TRUE(behind.changes.empty());
  // A position past the head is not this feed's: reload too.
  EXPECT_TRUE(Since(alice_, total + 1).behind);
  // The other owner's feed is untouched.
  EXPECT_EQ(feed.Position(bob_)->horizon, 0);
  // At most kKeep entries stay, plus the step the pruning goes by.
  auto count = db_->Prepare("SELECT COUNT(*) FROM changes WHERE owner = :owner");
  count->Bind(":owner", alice_);
  ASSERT_TRUE(*count->Step());
  EXPECT_LE(count->Int(0), kKeep + 1024);
}

}  // namespace
}  // namespace octopus
