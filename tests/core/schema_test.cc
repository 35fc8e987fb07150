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

// Migration 7 (issue 15): a home where open registration made "Admin"
// beside "admin", and a photo named with U+202E. The oldest account keeps
// its name, the newer is renamed and can no longer pass for it; the photo's
// name loses its override.
TEST(SchemaTest, Version7SeparatesNamesThatDifferOnlyInCaseAndCleansPhotoNames) {
  testing::TempDir dir;
  const Config config = TestConfig(dir);
  {
    auto db = db::Database::Open(config.database_path());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(db::Migrate(**db, 6).ok());
    ASSERT_TRUE((*db)
                    ->Exec("INSERT INTO users (id, name, password_hash, quota_bytes, created_at) "
                           "VALUES (1, 'admin', 'x', 5, '2020-01-01T00:00:00Z'), "
                           "(2, 'Admin', 'x', 5, '2020-01-02T00:00:00Z'), "
                           "(3, 'ADMIN', 'x', 5, '2020-01-03T00:00:00Z'), "
                           "(4, 'bob', 'x', 5, '2020-01-03T00:00:00Z')")
                    .ok());
    ASSERT_TRUE((*db)
                    ->Exec("INSERT INTO photos (id, owner, filename, size, sha256, mime, width, "
                           "height, orientation, taken_at, taken_at_estimated, camera_make, "
                           "camera_model, camera_label, lens, imported_at) VALUES ('p1', 4, "
                           "'photo\u202Egpj.exe', 1, 's', 'image/jpeg', 1, 1, 1, "
                           "'2020-01-01T00:00:00', 0, '', '', '', '', '2020-01-01T00:00:00Z')")
                    .ok());
  }
  auto lib = Library::Open(config);
  ASSERT_TRUE(lib.ok()) << lib.status().message();
  auto users = (*lib)->ListUsers();
  ASSERT_TRUE(users.ok());
  std::vector<std::string> names;
  for (const User& u : *users) names.push_back(u.name);
  EXPECT_EQ(names, (std::vector<std::string>{"ADMIN-3", "Admin-2", "admin", "bob"}));
  EXPECT_EQ((*lib)->FindUser("ADMIN")->id, 1) << "the oldest account keeps the name";
  EXPECT_EQ((*lib)->CreateUser("Bob", "long enough").status().code(), Code::kAlreadyExists);
  auto bob = (*lib)->FindUser("bob");
  ASSERT_TRUE(bob.ok());
  auto photo = (*lib)->GetPhoto(bob->id, "p1");
  ASSERT_TRUE(photo.ok()) << photo.status().message();
  EXPECT_EQ(photo->filename, "photogpj.exe");
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
