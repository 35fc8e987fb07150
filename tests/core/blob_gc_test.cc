// Blob removal (core/blob_gc.h) against a photo row of the same bytes
// being committed by another connection: on both backends the removal
// must wait for that writer and then leave the blobs. On PostgreSQL the
// removal's transaction only reads, so without the owner's write order
// (UserStore::SerializeWith) SERIALIZABLE lets it interleave: it would
// see no row and delete the blobs of a row that commits just after.
#include "core/blob_gc.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

#include "core/store/photo_store.h"
#include "tests/testing/store_fixture.h"

namespace octopus {
namespace {

class BlobGcTest : public testing::StoreTest {
 protected:
  ConnectionPool Pool() {
    if (backend_ == db::Backend::kSqlite) return ConnectionPool(dir_ / "octopus.db");
    return ConnectionPool([url = server_->conninfo()] { return db::Database::OpenPostgres(url); },
                          4);
  }
  // Whether another connection waits on a lock (PostgreSQL only).
  bool SomeoneWaitsOnALock() {
    auto q = db_->Prepare(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND datname = current_database()");
    return q.ok() && q->Step().ok() && q->Int(0) > 0;
  }
};

STORE_TEST(BlobGcTest, ARemovalWaitsForARowOfTheSameBytesAndLeavesItsBlobs) {
  const BlobStore blobs(dir_ / "storage");
  ASSERT_TRUE(blobs.Init().ok());
  const Photo row = Row(alice_, "p1", "a.jpg", "2024-05-01T10:00:00");
  ASSERT_TRUE(blobs.CommitThumbnail(alice_, row.sha256, BlobKind::kSmall, "jpeg").ok());
  const auto small = blobs.PathOf(alice_, row.sha256, BlobKind::kSmall);

  // An ingest of these bytes, mid-transaction: its blobs are written, its
  // row is not committed yet.
  auto ingest = Connect();
  ASSERT_NE(ingest, nullptr);
  auto tx = db::Transaction::Begin(*ingest);
  ASSERT_TRUE(tx.ok()) << tx.status().message();
  ASSERT_TRUE(PhotoStore(*ingest).Insert(row).ok());

  ConnectionPool pool = Pool();
  std::atomic<bool> done{false};
  Status removed;
  std::thread gc([&] {
    removed = RemoveUnreferencedBlobs(pool, blobs, alice_, row.sha256);
    done = true;
  });
  // Bounded: a removal that does not wait is done at once, and fails below.
  if (backend_ == db::Backend::kPostgres) {
    testing::PollUntil([&] { return done || SomeoneWaitsOnALock(); }, 10);
  } else {
    testing::PollUntil([&] { return done.load(); }, 0.5);
  }
  ASSERT_TRUE(tx->Commit().ok());
  gc.join();
  EXPECT_TRUE(removed.ok()) << removed.message();
  EXPECT_TRUE(std::filesystem::exists(small)) << "the blobs of a committed row were removed";
}

STORE_TEST(BlobGcTest, BlobsNoRowNamesAreRemoved) {
  const BlobStore blobs(dir_ / "storage");
  ASSERT_TRUE(blobs.Init().ok());
  ASSERT_TRUE(blobs.CommitThumbnail(alice_, "orphan-sha", BlobKind::kSmall, "jpeg").ok());
  ConnectionPool pool = Pool();
  ASSERT_TRUE(RemoveUnreferencedBlobs(pool, blobs, alice_, "orphan-sha").ok());
  EXPECT_FALSE(std::filesystem::exists(blobs.PathOf(alice_, "orphan-sha", BlobKind::kSmall)));
}

}  // namespace
}  // namespace octopus
