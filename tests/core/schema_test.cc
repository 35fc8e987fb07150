// Migrations: an old database is upgraded keeping its data; a newer one is
// refused with a clear message.
#include "core/store/schema.h"

#include <gtest/gtest.h>

#include "core/library.h"
#include "tests/testing/test_util.h"

namespace octopus {
namespace {

Config TestConfig(const testing::TempDir& dir) {
  auto c = LoadConfig({{"OCTOPUS_HOME", (dir / "home").string()}});
  EXPECT_TRUE(c.ok());
  return *c;
}

TEST(SchemaTest, UpgradesAVersionOneDatabaseKeepingUsers) {
  testing::TempDir dir;
  const Config config = TestConfig(dir);
  {
    auto db = db::Database::Open(config.database_path());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db::Migrate(**db, 1).ok());
    EXPECT_EQ(*db::SchemaVersion(**db), 1);
    ASSERT_TRUE((*db)
                    ->Exec("INSERT INTO users (name, password_hash, quota_bytes, created_at) "
                           "VALUES ('old', 'x', 5, '2020-01-01T00:00:00Z')")
                    .ok());
  }
  auto lib = Library::Open(config);
  ASSERT_TRUE(lib.ok()) << lib.status().message();
  auto old = (*lib)->FindUser("old");
  ASSERT_TRUE(old.ok());
  EXPECT_EQ(old->quota_bytes, 5);
  // Version 2 added sessions: usable after the upgrade.
  EXPECT_TRUE((*lib)->AddSession(old->id, "j", 4'000'000'000).ok());
  auto db = db::Database::Open(config.database_path());
  EXPECT_EQ(*db::SchemaVersion(**db), db::CurrentSchemaVersion());
}

TEST(SchemaTest, RefusesADatabaseFromANewerVersion) {
  testing::TempDir dir;
  const Config config = TestConfig(dir);
  {
    auto db = db::Database::Open(config.database_path());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version = 999").ok());
  }
  auto lib = Library::Open(config);
  ASSERT_FALSE(lib.ok());
  EXPECT_NE(lib.status().message().find("newer than this build supports"), std::string::npos)
      << lib.status().message();
}

}  // namespace
}  // namespace octopus
