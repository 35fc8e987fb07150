// The revocation epoch of servers sharing one PostgreSQL database
// (core/database_revocation_epoch.h), against a real server: two pools
// stand for two servers.
#include "core/database_revocation_epoch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/store/schema.h"
#include "tests/testing/postgres_server.h"

namespace octopus {
namespace {

using testing::PostgresServer;

class DatabaseRevocationEpochOnPostgres : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    server_ = PostgresServer::Start(&why);
    ASSERT_NE(server_, nullptr) << why;
    auto db = Open();
    ASSERT_TRUE(db.ok()) << db.status().message();
    const Status migrated = db::Migrate(**db);
    ASSERT_TRUE(migrated.ok()) << migrated.message();
    ASSERT_TRUE((*db)->Exec("CREATE TABLE marks (n BIGINT NOT NULL)").ok());
  }

  Result<std::unique_ptr<db::Database>> Open() {
    return db::Database::OpenPostgres(server_->conninfo());
  }
  ConnectionPool::Factory Factory() {
    return [this] { return Open(); };
  }
  static TransactionBody Mark(std::int64_t n) {
    return [n](db::Database& db) -> Status {
      ASSIGN_OR_RETURN(auto stmt, db.Prepare("INSERT INTO marks (n) VALUES (:n)"));
      stmt.Bind(":n", n);
      return stmt.Run();
    };
  }
  std::int64_t Marks() {
    auto db = Open();
    EXPECT_TRUE(db.ok());
    auto q = (*db)->Prepare("SELECT count(*) FROM marks");
    EXPECT_TRUE(q.ok());
    EXPECT_TRUE(q->Step().ok());
    return q->Int(0);
  }

  std::unique_ptr<PostgresServer> server_;
};

TEST_F(DatabaseRevocationEpochOnPostgres, ARevocationOnOneServerMovesTheOthersEpochAtOnce) {
  ConnectionPool pool_a(Factory(), 4), pool_b(Factory(), 4);
  DatabaseRevocationEpoch a(pool_a), b(pool_b);
  const auto before = b.Stable();
  ASSERT_TRUE(before.has_value());
  EXPECT_EQ(a.Stable(), before);
  ASSERT_TRUE(a.RunRevoking(pool_a, Mark(1)).ok());
  const auto after = b.Stable();
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(*after, *before + 1) << "B must see A's revocation on its next read";
  EXPECT_EQ(Marks(), 1);
}

TEST_F(DatabaseRevocationEpochOnPostgres, AFailedWriteMovesNothing) {
  ConnectionPool pool(Factory(), 4);
  DatabaseRevocationEpoch epoch(pool);
  const auto before = epoch.Stable();
  ASSERT_TRUE(before.has_value());
  const Status failed = epoch.RunRevoking(pool, [](db::Database& db) -> Status {
    RETURN_IF_ERROR(Mark(1)(db));
    return Status::NotFound("no such session");
  });
  EXPECT_EQ(failed.code(), Code::kNotFound);
  EXPECT_EQ(epoch.Stable(), before);
  EXPECT_EQ(Marks(), 0) << "rolled back with the epoch";
}

TEST_F(DatabaseRevocationEpochOnPostgres, ConcurrentRevocationsEachMoveItOnceThroughReruns) {
  // Writers of two servers collide on the one row: SERIALIZABLE makes the
  // losers rerun (RunInTransaction), and each commit moves it exactly once.
  ConnectionPool pool_a(Factory(), 4), pool_b(Factory(), 4);
  DatabaseRevocationEpoch a(pool_a), b(pool_b);
  const auto before = a.Stable();
  ASSERT_TRUE(before.has_value());
  constexpr int kPerThread = 25;
  std::vector<std::thread> threads;
  std::atomic<int> failed{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      RevocationEpoch& epoch = t % 2 ? static_cast<RevocationEpoch&>(a) : b;
      ConnectionPool& pool = t % 2 ? pool_a : pool_b;
      for (int i = 0; i < kPerThread; ++i) {
        // A writer that runs out of reruns fails whole (kBusy): counted.
        if (!epoch.RunRevoking(pool, Mark(i)).ok()) ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  const auto after = a.Stable();
  ASSERT_TRUE(after.has_value());
  EXPECT_EQ(*after - *before, static_cast<std::uint64_t>(Marks()))
      << "one move per committed revocation, none for a rerun";
  EXPECT_EQ(Marks() + failed.load(), 4 * kPerThread);
}

TEST_F(DatabaseRevocationEpochOnPostgres, AnUnreadableEpochTrustsNothing) {
  ConnectionPool pool(Factory(), 4);
  DatabaseRevocationEpoch epoch(pool);
  ASSERT_TRUE(epoch.Stable().has_value());
  std::string why;
  ASSERT_TRUE(server_->Stop(&why)) << why;
  EXPECT_FALSE(epoch.Stable().has_value());
  ASSERT_TRUE(server_->Restart(&why)) << why;
  EXPECT_TRUE(epoch.Stable().has_value()) << "a new connection after the restart";
}

}  // namespace
}  // namespace octopus
