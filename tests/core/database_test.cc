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
      auto ins = db_->Prepare("INSERT INTO t(k, v) VALUES (?, ?)");
      ASSERT_TRUE(ins.ok());
      ASSERT_TRUE(ins->Bind(1, k).Bind(2, 'v' + std::to_string(k)).Run().ok());
    }
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(DatabaseTest, TheSameSqlNestedGetsItsOwnStatement) {
  const char* kSql = "SELECT k, v FROM t WHERE k >= ? ORDER BY k";
  auto outer = db_->Prepare(kSql);
  ASSERT_TRUE(outer.ok());
  outer->Bind(1, 1);
  std::vector<std::string> seen;
  while (true) {
    auto row = outer->Step();
    ASSERT_TRUE(row.ok());
    if (!*row) break;
    // The same SQL while the outer one is mid-iteration: a shared program
    // would restart the outer loop or end it early.
    auto inner = db_->Prepare(kSql);
    ASSERT_TRUE(inner.ok());
    inner->Bind(1, 3);
    auto r = inner->Step();
    ASSERT_TRUE(r.ok() && *r);
    EXPECT_EQ(inner->Text(1), "v3");
    seen.push_back(outer->Text(1));
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"v1", "v2", "v3"}));
}

TEST_F(DatabaseTest, AReturnedStatementKeepsNoBindingsAndNoSnapshot) {
  const char* kSql = "SELECT v FROM t WHERE k = ?";
  {
    auto s = db_->Prepare(kSql);
    ASSERT_TRUE(s.ok());
    s->Bind(1, 2);
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
  s->Bind(1, 4);
  auto row = s->Step();
  ASSERT_TRUE(row.ok() && *row);
  EXPECT_EQ(s->Text(0), "v4");
}

}  // namespace
}  // namespace octopus::db
