// RunInTransaction (core/store/run_in_transaction.h) and the pool it draws
// from, against a real PostgreSQL server: the conflicts it reruns are made
// for real (a concurrent update, a terminated backend), not simulated.
#include "core/store/run_in_transaction.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/db/wait_stats.h"
#include "core/store/connection_pool.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/test_util.h"

namespace octopus {
namespace {

using testing::PostgresServer;

// One cluster for the suite: each test makes its own table name, so they
// do not see each other when run in one process.
class PostgresRetryTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::string why;
    server_ = PostgresServer::Start(&why).release();
    ASSERT_NE(server_, nullptr) << why;
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(server_, nullptr);
    other_ = Connect();
    ASSERT_NE(other_, nullptr);
    ASSERT_TRUE(other_
                    ->Exec("DROP TABLE IF EXISTS counter;"
                           "CREATE TABLE counter (id BIGINT PRIMARY KEY, n BIGINT NOT NULL);"
                           "INSERT INTO counter VALUES (1, 0)")
                    .ok());
  }

  static std::unique_ptr<db::Database> Connect(const db::PostgresSettings& settings = {}) {
    auto db = db::Database::OpenPostgres(server_->conninfo(), settings);
    EXPECT_TRUE(db.ok()) << db.status().message();
    return db.ok() ? std::move(db).value() : nullptr;
  }
  static ConnectionPool::Factory Factory() {
    return [] { return db::Database::OpenPostgres(server_->conninfo()); };
  }
  static Result<std::int64_t> ReadInt(db::Database& db, const std::string& sql) {
    ASSIGN_OR_RETURN(auto q, db.Prepare(sql));
    ASSIGN_OR_RETURN(const bool row, q.Step());
    if (!row) return Status::NotFound("no row");
    return q.Int(0);
  }

  static PostgresServer* server_;
  std::unique_ptr<db::Database> other_;  // the concurrent writer
};
PostgresServer* PostgresRetryTest::server_ = nullptr;

// The body reads the counter, another server commits a change to it, the
// body writes what it read plus one: under SERIALIZABLE that write is a
// serialization failure (40001), and only a rerun, reading afresh, gets
// both increments in.
TEST_F(PostgresRetryTest, SerializationFailureIsRerunAndBothWritesCount) {
  ConnectionPool pool(Factory(), 4);
  int runs = 0;
  Status s = RunInTransaction(pool, [&](db::Database& db) -> Status {
    ++runs;
    ASSIGN_OR_RETURN(const std::int64_t n, ReadInt(db, "SELECT n FROM counter WHERE id = 1"));
    if (runs == 1) RETURN_IF_ERROR(other_->Exec("UPDATE counter SET n = n + 10 WHERE id = 1"));
    ASSIGN_OR_RETURN(auto up, db.Prepare("UPDATE counter SET n = :n WHERE id = 1"));
    return up.Bind(":n", n + 1).Run();
  });
  EXPECT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(runs, 2);
  auto n = ReadInt(*other_, "SELECT n FROM counter WHERE id = 1");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 11);  // not 1: the concurrent +10 was not overwritten
}

// Read-then-write increments from four threads, each allowed a single run:
// with a queue key they wait for each other before BEGIN, so none
// conflicts and every increment counts. Without one, SERIALIZABLE makes
// some of them fail (the ingest's case before it queued per owner).
TEST_F(PostgresRetryTest, WritersWithOneQueueKeyQueueInsteadOfConflicting) {
  ConnectionPool pool(Factory(), 8);
  constexpr int kThreads = 4, kEach = 25;
  std::atomic<int> failed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        Status s = RunInTransaction(
            pool,
            [&](db::Database& db) -> Status {
              ASSIGN_OR_RETURN(const std::int64_t n,
                               ReadInt(db, "SELECT n FROM counter WHERE id = 1"));
              ASSIGN_OR_RETURN(auto up, db.Prepare("UPDATE counter SET n = :n WHERE id = 1"));
              return up.Bind(":n", n + 1).Run();
            },
            {.queue_key = 7, .attempts = 1});
        if (!s.ok()) ++failed;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failed.load(), 0);
  auto n = ReadInt(*other_, "SELECT n FROM counter WHERE id = 1");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, kThreads * kEach);
}

// The figures the server logs at shutdown (core/db/wait_stats.h): a rerun
// is counted once, and every statement of both connections is a round trip.
TEST_F(PostgresRetryTest, WaitStatsCountRoundTripsAndReruns) {
  ConnectionPool pool(Factory(), 4);
  const db::WaitTotals before = db::ReadWaitTotals();
  int runs = 0;
  Status s = RunInTransaction(pool, [&](db::Database& db) -> Status {
    ++runs;
    ASSIGN_OR_RETURN(const std::int64_t n, ReadInt(db, "SELECT n FROM counter WHERE id = 1"));
    if (runs == 1) RETURN_IF_ERROR(other_->Exec("UPDATE counter SET n = n + 10 WHERE id = 1"));
    ASSIGN_OR_RETURN(auto up, db.Prepare("UPDATE counter SET n = :n WHERE id = 1"));
    return up.Bind(":n", n + 1).Run();
  });
  ASSERT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(runs, 2);
  const db::WaitTotals after = db::ReadWaitTotals();
  EXPECT_EQ(after.reruns - before.reruns, 1);
  // Two runs of BEGIN, SELECT, UPDATE and COMMIT or ROLLBACK, the other
  // connection's UPDATE: at least 9 (prepares come on top).
  EXPECT_GE(after.round_trips - before.round_trips, 9);
  EXPECT_GT(after.round_trip_time, before.round_trip_time);
}

TEST_F(PostgresRetryTest, WaitStatsCountAnAcquireThatFoundThePoolFull) {
  ConnectionPool pool(Factory(), 1, std::chrono::milliseconds(1));
  auto held = pool.Acquire();
  ASSERT_TRUE(held.ok());
  const db::WaitTotals before = db::ReadWaitTotals();
  auto second = pool.Acquire();  // waits its 1 ms for the held one, in vain
  EXPECT_EQ(second.status().code(), Code::kBusy);
  const db::WaitTotals after = db::ReadWaitTotals();
  EXPECT_EQ(after.pool_waits - before.pool_waits, 1);
  EXPECT_GT(after.pool_wait_time, before.pool_wait_time);
}

// A generic plan (made after five runs without the parameters' values)
// sorted every photo of the owner for one page: each run is planned with
// its values (see OpenPostgres).
TEST_F(PostgresRetryTest, ConnectionsPlanEveryRunWithItsValues) {
  auto db = Connect();
  ASSERT_NE(db, nullptr);
  auto custom = ReadInt(*db,
                        "SELECT CASE WHEN current_setting('plan_cache_mode') = "
                        "'force_custom_plan' THEN 1 ELSE 0 END");
  ASSERT_TRUE(custom.ok()) << custom.status().message();
  EXPECT_EQ(*custom, 1);
}

// The server ends the body's session mid-transaction (as a restart would):
// the rerun runs on a new connection, and the dead one leaves the pool.
TEST_F(PostgresRetryTest, LostConnectionIsRerunOnAFreshConnection) {
  ConnectionPool pool(Factory(), 4);
  std::vector<std::int64_t> pids;
  Status s = RunInTransaction(pool, [&](db::Database& db) -> Status {
    ASSIGN_OR_RETURN(const std::int64_t pid, ReadInt(db, "SELECT pg_backend_pid()"));
    pids.push_back(pid);
    if (pids.size() == 1) {
      RETURN_IF_ERROR(other_->Exec("SELECT pg_terminate_backend(" + std::to_string(pid) + ")"));
    }
    return db.Exec("UPDATE counter SET n = n + 1 WHERE id = 1");
  });
  EXPECT_TRUE(s.ok()) << s.message();
  ASSERT_EQ(pids.size(), 2u);
  EXPECT_NE(pids[0], pids[1]);
  EXPECT_EQ(pool.open_count(), 1u);
  EXPECT_EQ(*ReadInt(*other_, "SELECT n FROM counter WHERE id = 1"), 1);
}

TEST_F(PostgresRetryTest, GivesUpAfterTheAttemptsWithTheLastBusy) {
  ConnectionPool pool(Factory(), 4);
  int runs = 0;
  Status s = RunInTransaction(
      pool,
      [&](db::Database& db) -> Status {
        ++runs;
        RETURN_IF_ERROR(db.Exec("UPDATE counter SET n = n + 1 WHERE id = 1"));
        return Status::Busy("conflict " + std::to_string(runs));
      },
      RetryPolicy{.attempts = 3});
  EXPECT_EQ(s.code(), Code::kBusy);
  EXPECT_EQ(s.message(), "conflict 3");
  EXPECT_EQ(runs, 3);
  EXPECT_EQ(*ReadInt(*other_, "SELECT n FROM counter WHERE id = 1"), 0);  // all rolled back
}

TEST_F(PostgresRetryTest, OtherErrorsAreNotRerun) {
  ConnectionPool pool(Factory(), 4);
  int runs = 0;
  Status s = RunInTransaction(pool, [&](db::Database&) -> Status {
    ++runs;
    return Status::QuotaExceeded("full");
  });
  EXPECT_EQ(s.code(), Code::kQuotaExceeded);
  EXPECT_EQ(runs, 1);
}

TEST_F(PostgresRetryTest, StatementTimeoutIsBusy) {
  auto db = Connect({.statement_timeout_ms = 100});
  ASSERT_NE(db, nullptr);
  Status s = db->Exec("SELECT pg_sleep(5)");
  EXPECT_EQ(s.code(), Code::kBusy) << s.message();
  EXPECT_NE(s.message().find("57014"), std::string::npos) << s.message();
  EXPECT_TRUE(db->healthy());  // only the statement was cancelled
  EXPECT_TRUE(db->Exec("SELECT 1").ok());
}

TEST_F(PostgresRetryTest, IdleInTransactionEndsTheSession) {
  auto db = Connect({.idle_in_transaction_timeout_ms = 100});
  ASSERT_NE(db, nullptr);
  auto tx = db::Transaction::Begin(*db);
  ASSERT_TRUE(tx.ok());
  ASSERT_TRUE(db->Exec("UPDATE counter SET n = 5 WHERE id = 1").ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  Status s = tx->Commit();
  EXPECT_EQ(s.code(), Code::kBusy) << s.message();
  EXPECT_FALSE(db->healthy());
  EXPECT_EQ(*ReadInt(*other_, "SELECT n FROM counter WHERE id = 1"), 0);
}

// SQLite: the write lock already queued the writers, so one run, as before.
TEST(SqliteRetryTest, BusyIsNotRerun) {
  testing::TempDir dir;
  ConnectionPool pool(dir / "test.db");
  int runs = 0;
  Status s = RunInTransaction(pool, [&](db::Database& db) -> Status {
    ++runs;
    RETURN_IF_ERROR(db.Exec("CREATE TABLE t (n INTEGER)"));
    return Status::Busy("locked");
  });
  EXPECT_EQ(s.code(), Code::kBusy);
  EXPECT_EQ(runs, 1);
  Status made = RunInTransaction(pool, [](db::Database& db) {
    return db.Exec("CREATE TABLE t (n INTEGER); INSERT INTO t VALUES (1)");
  });
  EXPECT_TRUE(made.ok()) << made.message();  // the first was rolled back
}

TEST(ConnectionPoolTest, AcquireWaitsWhenAllAreLeasedThenFailsBusy) {
  testing::TempDir dir;
  std::atomic<int> opened = 0;
  ConnectionPool pool(
      [&]() -> Result<std::unique_ptr<db::Database>> {
        ++opened;
        return db::Database::Open(dir / "test.db");
      },
      2, std::chrono::milliseconds(100));
  auto a = pool.Acquire();
  auto b = pool.Acquire();
  ASSERT_TRUE(a.ok() && b.ok());
  auto c = pool.Acquire();
  EXPECT_EQ(c.status().code(), Code::kBusy);
  EXPECT_EQ(opened, 2);
  // One comes back while a caller waits: the waiter gets that one.
  std::optional<ConnectionPool::Lease> held(std::move(a).value());
  std::thread returner([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    held.reset();
  });
  auto d = pool.Acquire();
  returner.join();
  EXPECT_TRUE(d.ok()) << d.status().message();
  EXPECT_EQ(opened, 2);
  EXPECT_EQ(pool.open_count(), 2u);
}

TEST(ConnectionPoolTest, AFailedOpenFreesItsSlot) {
  bool fail = true;
  testing::TempDir dir;
  ConnectionPool pool(
      [&]() -> Result<std::unique_ptr<db::Database>> {
        if (fail) return Status::Busy("server down");
        return db::Database::Open(dir / "test.db");
      },
      1, std::chrono::milliseconds(50));
  EXPECT_EQ(pool.Acquire().status().message(), "server down");
  fail = false;
  EXPECT_TRUE(pool.Acquire().ok());
}

}  // namespace
}  // namespace octopus
