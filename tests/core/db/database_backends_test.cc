// The database layer's contract, run against both backends: a SQLite file
// and a real PostgreSQL server (tests/testing/postgres_server.h). The same
// test body must pass on each; where a backend differs by design (only a
// server can be lost) the test says so.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "core/db/database.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/test_util.h"

namespace octopus::db {
namespace {

using testing::PostgresServer;
using testing::TempDir;

class DatabaseBackendTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (GetParam() == Backend::kPostgres) {
      std::string why;
      server_ = PostgresServer::Start(&why);
      ASSERT_NE(server_, nullptr) << why;
    }
    db_ = Connect();
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(db_->Exec("CREATE TABLE t (id BIGINT PRIMARY KEY, n BIGINT, x DOUBLE PRECISION,"
                          " s TEXT, m BIGINT)")
                    .ok());
  }

  // A new connection to the same database.
  std::unique_ptr<Database> Connect() {
    auto db = GetParam() == Backend::kPostgres ? Database::OpenPostgres(server_->conninfo())
                                               : Database::Open(dir_ / "test.db");
    EXPECT_TRUE(db.ok()) << db.status().message();
    return db.ok() ? std::move(db).value() : nullptr;
  }

  std::int64_t Count(Database& db) {
    auto s = db.Prepare("SELECT count(*) FROM t");
    EXPECT_TRUE(s.ok()) << s.status().message();
    auto row = s->Step();
    EXPECT_TRUE(row.ok() && *row) << row.status().message();
    return s->Int(0);
  }

  Status Insert(Database& db, std::int64_t id, std::string_view text = "") {
    auto s = db.Prepare("INSERT INTO t (id, s) VALUES (:id, :s)");
    if (!s.ok()) return s.status();
    return s->Bind(":id", id).Bind(":s", text).Run();
  }

  TempDir dir_;
  std::unique_ptr<PostgresServer> server_;
  std::unique_ptr<Database> db_;
};

TEST_P(DatabaseBackendTest, NamedBindsWithARepeatedName) {
  {
    auto ins = db_->Prepare("INSERT INTO t (id, n, m, s) VALUES (:id, :x, :x, :label)");
    ASSERT_TRUE(ins.ok()) << ins.status().message();
    ASSERT_TRUE(ins->Bind(":id", 1).Bind(":x", 42).Bind(":label", "one").Run().ok());
  }
  auto q = db_->Prepare("SELECT n, m, s FROM t WHERE n = :x AND m = :x AND id = :id");
  ASSERT_TRUE(q.ok()) << q.status().message();
  q->Bind(":x", 42).Bind(":id", 1);
  auto row = q->Step();
  ASSERT_TRUE(row.ok()) << row.status().message();
  ASSERT_TRUE(*row);
  EXPECT_EQ(q->Int(0), 42);
  EXPECT_EQ(q->Int(1), 42);
  EXPECT_EQ(q->Text(2), "one");
  auto done = q->Step();
  ASSERT_TRUE(done.ok());
  EXPECT_FALSE(*done);
}

TEST_P(DatabaseBackendTest, AnUnknownNameIsAnErrorNotANull) {
  auto q = db_->Prepare("SELECT s FROM t WHERE id = :id");
  ASSERT_TRUE(q.ok());
  q->Bind(":idd", 1);
  auto row = q->Step();
  ASSERT_FALSE(row.ok());
  EXPECT_EQ(row.status().code(), Code::kInternal);
  EXPECT_NE(row.status().message().find(":idd"), std::string::npos) << row.status().message();
}

TEST_P(DatabaseBackendTest, NullsRoundTrip) {
  {
    auto ins = db_->Prepare("INSERT INTO t (id, n, x, s) VALUES (:id, :n, :x, :s)");
    ASSERT_TRUE(ins.ok());
    ASSERT_TRUE(ins->Bind(":id", 1)
                    .BindNull(":n")
                    .Bind(":x", std::optional<double>())
                    .Bind(":s", std::optional<std::string>())
                    .Run()
                    .ok());
    ins->Reset();
    ASSERT_TRUE(ins->Bind(":id", 2).Bind(":n", 0).Bind(":x", 0.0).Bind(":s", "").Run().ok());
  }
  auto q = db_->Prepare("SELECT n, x, s FROM t ORDER BY id");
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(*q->Step());
  EXPECT_TRUE(q->IsNull(0));
  EXPECT_EQ(q->OptInt(0), std::nullopt);
  EXPECT_EQ(q->OptDouble(1), std::nullopt);
  EXPECT_EQ(q->OptText(2), std::nullopt);
  ASSERT_TRUE(*q->Step());  // zero and empty are not NULL
  EXPECT_EQ(q->OptInt(0), std::optional<std::int64_t>(0));
  EXPECT_EQ(q->OptDouble(1), std::optional<double>(0.0));
  EXPECT_EQ(q->OptText(2), std::optional<std::string>(""));
}

TEST_P(DatabaseBackendTest, Int64ExtremesAndDoublesRoundTrip) {
  const std::int64_t ints[] = {std::numeric_limits<std::int64_t>::min(),
                               std::numeric_limits<std::int64_t>::max(), -1, 0};
  const double doubles[] = {-0.1, 1e300, 5e-324, 0.30000000000000004};
  for (int i = 0; i < 4; ++i) {
    auto ins = db_->Prepare("INSERT INTO t (id, n, x) VALUES (:id, :n, :x)");
    ASSERT_TRUE(ins.ok());
    ASSERT_TRUE(ins->Bind(":id", i).Bind(":n", ints[i]).Bind(":x", doubles[i]).Run().ok());
  }
  auto q = db_->Prepare("SELECT n, x FROM t WHERE n = :n");
  ASSERT_TRUE(q.ok());
  for (int i = 0; i < 4; ++i) {
    q->Reset();
    q->Bind(":n", ints[i]);
    auto row = q->Step();
    ASSERT_TRUE(row.ok() && *row) << i;
    EXPECT_EQ(q->Int(0), ints[i]);
    EXPECT_EQ(q->Double(1), doubles[i]);  // exact: no decimal rounding on the way
  }
}

TEST_P(DatabaseBackendTest, TextWithQuotesAndUtf8RoundTrips) {
  const std::string texts[] = {"it's \"quoted\"; -- no comment", "a :name and $1 and ::int",
                               "Zoë 🐙 日本語", "back\\slash"};
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Insert(*db_, i, texts[i]).ok());
  // A colon inside a literal is not a parameter; a cast is not either.
  auto q = db_->Prepare(
      "SELECT s, ':not_a_param', CAST(id AS TEXT) FROM t WHERE s = :s AND id >= 0");
  ASSERT_TRUE(q.ok()) << q.status().message();
  for (int i = 0; i < 4; ++i) {
    q->Reset();
    q->Bind(":s", texts[i]);
    auto row = q->Step();
    ASSERT_TRUE(row.ok()) << row.status().message();
    ASSERT_TRUE(*row) << texts[i];
    EXPECT_EQ(q->Text(0), texts[i]);
    EXPECT_EQ(q->Text(1), ":not_a_param");
    EXPECT_EQ(q->Text(2), std::to_string(i));
  }
}

TEST_P(DatabaseBackendTest, StatementCacheIsReused) {
  const std::string sql = "SELECT s FROM t WHERE id = :id";
  const std::int64_t before = db_->compiled_count();
  for (int i = 0; i < 3; ++i) {
    auto q = db_->Prepare(sql);
    ASSERT_TRUE(q.ok());
    ASSERT_TRUE(q->Bind(":id", i).Run().ok());
  }
  EXPECT_EQ(db_->compiled_count(), before + 1);
  {
    // Nested use of the same SQL: a second one, so neither disturbs the other.
    auto a = db_->Prepare(sql);
    auto b = db_->Prepare(sql);
    ASSERT_TRUE(a.ok() && b.ok());
    EXPECT_EQ(db_->compiled_count(), before + 2);
  }
  if (GetParam() == Backend::kPostgres) {
    // And the server prepared it once, not once per Prepare nor per Compile.
    auto q = db_->Prepare("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE :p");
    ASSERT_TRUE(q.ok());
    q->Bind(":p", "%FROM t WHERE id = $1%");
    ASSERT_TRUE(*q->Step());
    EXPECT_EQ(q->Int(0), 1);
  }
}

TEST_P(DatabaseBackendTest, UniqueViolationIsAlreadyExists) {
  ASSERT_TRUE(Insert(*db_, 7).ok());
  Status again = Insert(*db_, 7);
  EXPECT_EQ(again.code(), Code::kAlreadyExists) << again.message();
  EXPECT_EQ(Count(*db_), 1);
}

TEST_P(DatabaseBackendTest, TransactionRollsBackUnlessCommitted) {
  {
    auto tx = Transaction::Begin(*db_);
    ASSERT_TRUE(tx.ok()) << tx.status().message();
    ASSERT_TRUE(Insert(*db_, 1).ok());
    EXPECT_EQ(Count(*db_), 1);
  }  // destroyed without Commit
  EXPECT_EQ(Count(*db_), 0);
  {
    auto tx = Transaction::Begin(*db_);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(Insert(*db_, 2).ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto other = Connect();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(Count(*other), 1);
}

TEST_P(DatabaseBackendTest, ReadTransactionSeesOneSnapshot) {
  ASSERT_TRUE(Insert(*db_, 1).ok());
  auto writer = Connect();
  ASSERT_NE(writer, nullptr);
  {
    auto snapshot = ReadTransaction::Begin(*db_);
    ASSERT_TRUE(snapshot.ok()) << snapshot.status().message();
    EXPECT_EQ(Count(*db_), 1);
    ASSERT_TRUE(Insert(*writer, 2).ok());  // commits at once (autocommit)
    EXPECT_EQ(Count(*writer), 2);
    EXPECT_EQ(Count(*db_), 1);  // still the snapshot
  }
  EXPECT_EQ(Count(*db_), 2);
}

TEST_P(DatabaseBackendTest, ChangesCountsWrittenRows) {
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(Insert(*db_, i).ok());
  auto up = db_->Prepare("UPDATE t SET n = 1 WHERE id < :id");
  ASSERT_TRUE(up.ok());
  ASSERT_TRUE(up->Bind(":id", 2).Run().ok());
  EXPECT_EQ(db_->Changes(), 2);
  EXPECT_EQ(Count(*db_), 3);  // a SELECT does not reset it
  EXPECT_EQ(db_->Changes(), 2);
}

TEST_P(DatabaseBackendTest, LostConnectionIsBusyAndANewOneWorks) {
  if (GetParam() != Backend::kPostgres) GTEST_SKIP() << "an embedded file has no server to lose";
  ASSERT_TRUE(Insert(*db_, 1).ok());
  std::string why;
  ASSERT_TRUE(server_->Stop(&why)) << why;
  Status lost = Insert(*db_, 2);
  EXPECT_EQ(lost.code(), Code::kBusy) << lost.message();
  EXPECT_FALSE(db_->healthy());
  EXPECT_EQ(Transaction::Begin(*db_).status().code(), Code::kBusy);
  auto refused = Database::OpenPostgres(server_->conninfo());
  EXPECT_EQ(refused.status().code(), Code::kBusy);

  ASSERT_TRUE(server_->Restart(&why)) << why;
  auto again = Connect();
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->healthy());
  EXPECT_EQ(Count(*again), 1);  // what committed survived, nothing half-written
  EXPECT_TRUE(Insert(*again, 2).ok());
}

INSTANTIATE_TEST_SUITE_P(Backends, DatabaseBackendTest,
                         ::testing::Values(Backend::kSqlite, Backend::kPostgres),
                         [](const auto& info) {
                           return info.param == Backend::kSqlite ? "Sqlite" : "Postgres";
                         });

// PostgreSQL only: what its write transactions (SERIALIZABLE) guarantee
// across connections, which on SQLite the single write lock gives.
class PostgresDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    server_ = PostgresServer::Start(&why);
    ASSERT_NE(server_, nullptr) << why;
  }
  std::unique_ptr<Database> Connect() {
    auto db = Database::OpenPostgres(server_->conninfo());
    EXPECT_TRUE(db.ok()) << db.status().message();
    return db.ok() ? std::move(db).value() : nullptr;
  }
  std::unique_ptr<PostgresServer> server_;
};

// The quota's check-and-charge from two servers at once: each reads the
// usage, finds room for its photo, charges it. Only one may commit; the
// other gets kBusy (and, retried, would find no room).
TEST_F(PostgresDatabaseTest, ConcurrentChargesCannotBothGoOverQuota) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(a->Exec("CREATE TABLE usage (owner BIGINT PRIMARY KEY, bytes BIGINT, quota BIGINT);"
                      "INSERT INTO usage VALUES (1, 0, 100)")
                  .ok());
  auto charge = [](Database& db, Transaction& tx, std::int64_t bytes) -> Status {
    auto read = db.Prepare("SELECT quota - bytes FROM usage WHERE owner = 1");
    if (!read.ok()) return read.status();
    ASSIGN_OR_RETURN(bool row, read->Step());
    if (!row || read->Int(0) < bytes) return Status::QuotaExceeded("full");
    auto write = db.Prepare("UPDATE usage SET bytes = bytes + :b WHERE owner = 1");
    if (!write.ok()) return write.status();
    RETURN_IF_ERROR(write->Bind(":b", bytes).Run());
    return tx.Commit();
  };
  auto ta = Transaction::Begin(*a);
  auto tb = Transaction::Begin(*b);
  ASSERT_TRUE(ta.ok() && tb.ok());
  // Both take their snapshot before either writes.
  auto peek = [](Database& db) {
    auto q = db.Prepare("SELECT bytes FROM usage WHERE owner = 1");
    return q.ok() && *q->Step() ? q->Int(0) : -1;
  };
  ASSERT_EQ(peek(*a), 0);
  ASSERT_EQ(peek(*b), 0);
  EXPECT_TRUE(charge(*a, *ta, 60).ok());
  Status second = charge(*b, *tb, 60);
  EXPECT_EQ(second.code(), Code::kBusy) << second.message();
  EXPECT_EQ(peek(*a), 60);
}

TEST_F(PostgresDatabaseTest, PasswordNeverInAnError) {
  for (const std::string info :
       {"host=/nonexistent-octopus dbname=lib user=alice password=hunter2secret",
        "postgresql://alice:hunter2secret@/lib?host=/nonexistent-octopus"}) {
    auto db = Database::OpenPostgres(info);
    ASSERT_FALSE(db.ok());
    EXPECT_EQ(db.status().code(), Code::kBusy);
    EXPECT_EQ(db.status().message().find("hunter2secret"), std::string::npos)
        << db.status().message();
    EXPECT_NE(db.status().message().find("alice"), std::string::npos) << db.status().message();
  }
}

}  // namespace
}  // namespace octopus::db
