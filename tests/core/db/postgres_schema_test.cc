// The schema on PostgreSQL (core/store/schema.h): its own migration list,
// the version in a schema_version table, a newer database refused as on
// SQLite, and two servers starting at once migrating once.
#include <gtest/gtest.h>

#include <thread>

#include "core/store/schema.h"
#include "tests/testing/postgres_server.h"

namespace octopus::db {
namespace {

using testing::PostgresServer;

class PostgresSchemaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string why;
    server_ = PostgresServer::Start(&why);
    ASSERT_NE(server_, nullptr) << why;
    db_ = Connect();
    ASSERT_NE(db_, nullptr);
  }
  std::unique_ptr<Database> Connect() {
    auto db = Database::OpenPostgres(server_->conninfo());
    EXPECT_TRUE(db.ok()) << db.status().message();
    return db.ok() ? std::move(db).value() : nullptr;
  }
  std::unique_ptr<PostgresServer> server_;
  std::unique_ptr<Database> db_;
};

TEST_F(PostgresSchemaTest, AnEmptyDatabaseIsMigratedToTheCurrentVersionOnce) {
  EXPECT_EQ(*SchemaVersion(*db_), 0);
  Status s = Migrate(*db_);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(*SchemaVersion(*db_), CurrentSchemaVersion(Backend::kPostgres));
  ASSERT_TRUE(db_->Exec("INSERT INTO users (name, password_hash, quota_bytes, created_at) "
                        "VALUES ('kept', 'x', 5, 'now')")
                  .ok());
  s = Migrate(*db_);  // nothing to do, nothing lost
  ASSERT_TRUE(s.ok()) << s.message();
  auto q = db_->Prepare("SELECT count(*) FROM users");
  ASSERT_TRUE(q.ok() && *q->Step());
  EXPECT_EQ(q->Int(0), 1);
}

TEST_F(PostgresSchemaTest, RefusesADatabaseFromANewerVersion) {
  ASSERT_TRUE(Migrate(*db_).ok());
  ASSERT_TRUE(db_->Exec("UPDATE schema_version SET version = 999").ok());
  Status s = Migrate(*db_);
  EXPECT_EQ(s.code(), Code::kCorrupt);
  EXPECT_NE(s.message().find("newer than this build supports"), std::string::npos) << s.message();
}

// Two servers starting at once: one migrates, the other waits on the lock
// and then finds the schema current (without the lock, the second would
// fail creating tables the first made, or on a serialization failure).
TEST_F(PostgresSchemaTest, TwoServersStartingAtOnceBothSucceed) {
  auto a = Connect();
  auto b = Connect();
  ASSERT_TRUE(a && b);
  Status sa, sb;
  std::thread ta([&] { sa = Migrate(*a); });
  std::thread tb([&] { sb = Migrate(*b); });
  ta.join();
  tb.join();
  EXPECT_TRUE(sa.ok()) << sa.message();
  EXPECT_TRUE(sb.ok()) << sb.message();
  EXPECT_EQ(*SchemaVersion(*db_), CurrentSchemaVersion(Backend::kPostgres));
}

// Text keeps byte order whatever the database's collation (here ICU's
// English, where "B" sorts after "a0"): the import store's range trick
// ('/' + 1 == '0') and the cursors need it.
TEST_F(PostgresSchemaTest, TextColumnsSortInByteOrderInAnEnglishDatabase) {
  Status made = db_->Exec(
      "CREATE DATABASE english TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu "
      "ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'");
  ASSERT_TRUE(made.ok()) << made.message();
  auto english = Database::OpenPostgres(server_->conninfo() + " dbname=english");
  ASSERT_TRUE(english.ok()) << english.status().message();
  Database& db = **english;
  {
    auto q = db.Prepare(
        "SELECT string_agg(s, ' ' ORDER BY s) FROM "
        "(VALUES ('a/b'), ('a0'), ('B'), ('a-b')) v(s)");
    ASSERT_TRUE(q.ok() && *q->Step());
    ASSERT_NE(q->Text(0), "B a-b a/b a0") << "the database's own order is not English";
  }
  ASSERT_TRUE(Migrate(db).ok());
  ASSERT_TRUE(db.Exec("INSERT INTO users (id, name, password_hash, quota_bytes, created_at) "
                      "VALUES (1, 'u', 'x', 5, 'now');"
                      "INSERT INTO import_entries VALUES (1, 'a/b', 1, 1, 'p'), "
                      "(1, 'a0', 1, 1, 'p'), (1, 'B', 1, 1, 'p'), (1, 'a-b', 1, 1, 'p')")
                  .ok());
  auto q = db.Prepare("SELECT string_agg(path, ' ' ORDER BY path) FROM import_entries");
  ASSERT_TRUE(q.ok() && *q->Step());
  EXPECT_EQ(q->Text(0), "B a-b a/b a0");
}

}  // namespace
}  // namespace octopus::db
