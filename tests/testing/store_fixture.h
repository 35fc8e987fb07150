// A migrated database with two users, alice and bob, for tests of
// core/store/ that drive the stores directly, and a maker of synthetic
// photo rows (no blobs: the stores never read them).
//
// Each STORE_TEST runs twice, on both backends: as `Fixture.Name` on a
// SQLite file in a temporary directory (the name it always had) and as
// `FixtureOnPostgres.Name` on a throwaway PostgreSQL cluster
// (tests/testing/postgres_server.h; ctest labels those `postgres`). One
// body, one set of expectations: a store that behaves differently on
// PostgreSQL fails its test there.
//
// Header-only: the core test program links the core library, the shared
// test helpers do not.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/db/database.h"
#include "core/store/schema.h"
#include "core/store/user_store.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/test_util.h"

namespace octopus::testing {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (backend_ == db::Backend::kPostgres) {
      std::string why;
      server_ = PostgresServer::StartDatabase(&why);
      ASSERT_NE(server_, nullptr) << why;
    }
    db_ = Connect();
    ASSERT_NE(db_, nullptr);
    Status migrated = db::Migrate(*db_);
    ASSERT_TRUE(migrated.ok()) << migrated.message();
    UserStore users(*db_);
    alice_ = *users.Insert({"alice", "x", false, 1'000'000'000'000, "2024-01-01T00:00:00Z"});
    bob_ = *users.Insert({"bob", "x", false, 1'000'000'000'000, "2024-01-01T00:00:00Z"});
  }

  // Another connection to the test's database.
  std::unique_ptr<db::Database> Connect() {
    auto db = backend_ == db::Backend::kPostgres ? db::Database::OpenPostgres(server_->conninfo())
                                                 : db::Database::Open(dir_ / "octopus.db");
    EXPECT_TRUE(db.ok()) << db.status().message();
    return db.ok() ? std::move(db).value() : nullptr;
  }

  // A photo row of `owner`: only what the stores read is filled in.
  static Photo Row(UserId owner, const std::string& id, const std::string& filename,
                   const std::string& taken_at, const CameraInfo& camera = {"Nikon", "D750"},
                   std::optional<Place> place = std::nullopt) {
    Photo p;
    p.id = id;
    p.owner = owner;
    p.filename = filename;
    p.size = 1000;
    p.sha256 = id + "-sha";
    p.meta.mime = "image/jpeg";
    p.meta.width = 10;
    p.meta.height = 10;
    p.meta.taken_at = taken_at;
    p.meta.camera = camera;
    p.place = std::move(place);
    p.imported_at = "2024-01-01T00:00:00.000Z";
    return p;
  }

  db::Backend backend_ = db::Backend::kSqlite;  // set before SetUp by STORE_TEST
  TempDir dir_;
  std::unique_ptr<PostgresServer> server_;  // before db_: the connection closes first
  std::unique_ptr<db::Database> db_;
  UserId alice_ = 0, bob_ = 0;
};

// Registers `suite.name` (SQLite) and `suite + "OnPostgres".name`. The
// factory returns the fixture type, not the test's own class, because
// gtest requires one fixture class per suite.
template <typename Fixture, typename Test>
void RegisterStoreTest(const char* suite, const char* name, const char* file, int line) {
  for (db::Backend backend : {db::Backend::kSqlite, db::Backend::kPostgres}) {
    const std::string suite_name =
        std::string(suite) + (backend == db::Backend::kPostgres ? "OnPostgres" : "");
    ::testing::RegisterTest(suite_name.c_str(), name, nullptr, nullptr, file, line,
                            [backend]() -> Fixture* {
                              auto* test = new Test;
                              test->backend_ = backend;
                              return test;
                            });
  }
}

}  // namespace octopus::testing

// As TEST_F(fixture, name), on both backends. `fixture` derives from
// octopus::testing::StoreTest.
#define STORE_TEST(fixture, name)                                                 \
  class fixture##_##name##_StoreTest : public fixture {                           \
   public:                                                                        \
    using fixture::backend_;                                                      \
    void TestBody() override;                                                     \
  };                                                                              \
  [[maybe_unused]] static const bool fixture##_##name##_registered = [] {         \
    ::octopus::testing::RegisterStoreTest<fixture, fixture##_##name##_StoreTest>( \
        #fixture, #name, __FILE__, __LINE__);                                     \
    return true;                                                                  \
  }();                                                                            \
  void fixture##_##name##_StoreTest::TestBody()
