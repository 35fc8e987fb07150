// core/db: the statement cache gives each live Statement its own compiled
// program and hands programs back reset, holding no read snapshot.
#include "core/db/database.h"

#include <gtest/gtest.h>

#include "tests/testing/test_util.h"

namespace octopus::db {
namespace {

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_ / "t.db");
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db).value();
    ASSERT_TRUE(db_->Exec("CREATE TABLE t(k INTEGER PRIMARY KEY, v TEXT)").ok());
    for (int k = 1; k <= 3; ++k) {
      auto ins = db_->Prepare("INSERT INTO t(k, v) VALUES (:k, :v)");
      ASSERT_TRUE(ins.ok());
      const std::string v = 'v' + std::to_string(k);
      ASSERT_TRUE(ins->Bind(":k", k).Bind(":v", v).Run().ok());
    }
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

// The copy to PostgreSQL (core/store/database_copy.h) reads a library that
// a service may still have open: it must neither write nor create.
TEST_F(DatabaseTest, ReadOnlyReadsWhileAWriterHasItOpenAndNeverWritesNorCreates) {
  auto ro = Database::OpenReadOnly(dir_ / "t.db");
  ASSERT_TRUE(ro.ok()) << ro.status().message();
  auto count = (*ro)->Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.ok());
  auto row = count->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(count->Int(0), 3);
  EXPECT_FALSE((*ro)->Exec("INSERT INTO t(k, v) VALUES (9, 'x')").ok());
  EXPECT_FALSE((*ro)->Exec("CREATE TABLE u(a)").ok());
  EXPECT_TRUE(db_->Exec("INSERT INTO t(k, v) VALUES (9, 'x')").ok()) << "the writer still writes";

  auto missing = Database::OpenReadOnly(dir_ / "missing.db");
  EXPECT_EQ(missing.status().code(), Code::kNotFound);
  EXPECT_FALSE(std::filesystem::exists(dir_ / "missing.db"));
}

TEST_F(DatabaseTest, TheSameSqlNestedGetsItsOwnStatement) {
  const char* kSql = "SELECT k, v FROM t WHERE k >= :k ORDER BY k";
  auto outer = db_->Prepare(kSql);
  ASSERT_TRUE(outer.ok());
  outer->Bind(":k", 1);
  std::vector<std::string> seen;
  while (true) {
    auto row = outer->Step();
    ASSERT_TRUE(row.ok());
    if (!*row) break;
    // The same SQL while the outer one is mid-iteration: a shared program
    // would restart the outer loop or end it early.
    auto inner = db_->Prepare(kSql);
    ASSERT_TRUE(inner.ok());
    inner->Bind(":k", 3);
    auto r = inner->Step();
    ASSERT_TRUE(r.ok() && *r);
    EXPECT_EQ(inner->Text(1), "v3");
    seen.push_back(outer->Text(1));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"v1", "v2", "v3"}));
}

TEST_F(DatabaseTest, AReturnedStatementKeepsNoBindingsAndNoSnapshot) {
  const char* kSql = "SELECT v FROM t WHERE k = :k";
  {
    auto s = db_->Prepare(kSql);
    ASSERT_TRUE(s.ok());
    s->Bind(":k", 2);
    auto r = s->Step();
    ASSERT_TRUE(r.ok() && *r);  // left mid-result, as an early return does
  }
  // No read transaction lingers in the cache: another connection writes and
  // a full checkpoint completes (a held snapshot would make it busy).
  auto other = Database::Open(dir_ / "t.db");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Exec("INSERT INTO t(k, v) VALUES (4, 'v4')").ok());
  auto ckpt = db_->Prepare("PRAGMA wal_checkpoint(TRUNCATE)");
  ASSERT_TRUE(ckpt.ok());
  auto r = ckpt->Step();
  ASSERT_TRUE(r.ok() && *r);
  EXPECT_EQ(ckpt->Int(0), 0) << "checkpoint blocked by a cached statement's snapshot";
  {
    // Reused from the cache: the old binding is gone (NULL matches no row).
    auto s = db_->Prepare(kSql);
    ASSERT_TRUE(s.ok());
    auto r = s->Step();
    ASSERT_TRUE(r.ok());
    EXPECT_FALSE(*r);
  }
  auto s = db_->Prepare(kSql);
  ASSERT_TRUE(s.ok());
  s->Bind(":k", 4);
  auto row = s->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(s->Text(0), "v4");
}

TEST_F(DatabaseTest, AnUnknownParameterNameIsAnErrorNotANull) {
  // A misspelt name used to leave its parameter NULL: the query then
  // matched nothing, or wrote a NULL, without a word.
  auto s = db_->Prepare("UPDATE t SET v = :value WHERE k = :k");
  ASSERT_TRUE(s.ok());
  s->Bind(":k", 1).Bind(":valeu", "changed");
  Status run = s->Run();
  EXPECT_FALSE(run.ok());
  EXPECT_NE(run.message().find(":valeu"), std::string::npos) << run.message();
  auto check = db_->Prepare("SELECT v FROM t WHERE k = 1");
  ASSERT_TRUE(check.ok());
  auto row = check->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(check->Text(0), "v1");
}

TEST_F(DatabaseTest, AReadTransactionSeesOneSnapshot) {
  auto tx = ReadTransaction::Begin(*db_);
  ASSERT_TRUE(tx.ok());
  auto count = [&] {
    auto s = db_->Prepare("SELECT COUNT(*) FROM t");
    EXPECT_TRUE(s.ok());
    auto r = s->Step();
    EXPECT_TRUE(r.ok() && *r);
    return s->Int(0);
  };
  const auto before = count();
  auto other = Database::Open(dir_ / "t.db");
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE((*other)->Exec("INSERT INTO t(k, v) VALUES (9, 'v9')").ok());
  EXPECT_EQ(count(), before) << "a read transaction saw a later commit";
}

}  // namespace
}  // namespace octopus::db
