// A library in a temporary home with two users, alice and bob (10 MB quota
// each), for the core tests that drive a Library directly.
//
// LIBRARY_TEST(Fixture, Name) runs a test on both backends, as STORE_TEST
// does (tests/testing/store_fixture.h): `Fixture.Name` on SQLite in the
// home, `FixtureOnPostgres.Name` with the metadata in a throwaway
// PostgreSQL cluster (config.database_url; ctest label `postgres`). TEST_F
// stays SQLite only.
//
// Header-only: the core test program links the core library, the shared
// test helpers do not.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "core/config.h"
#include "core/library.h"
#include "tests/testing/postgres_server.h"
#include "tests/testing/store_fixture.h"
#include "tests/testing/test_util.h"

namespace octopus::testing {

class TwoUserLibraryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Overrides settings{{"OCTOPUS_HOME", (home_ / "home").string()}};
    if (backend_ == db::Backend::kPostgres) {
      std::string why;
      server_ = own_cluster_ ? PostgresServer::Start(&why) : PostgresServer::StartDatabase(&why);
      ASSERT_NE(server_, nullptr) << why;
      settings["OCTOPUS_DATABASE_URL"] = server_->conninfo();
    }
    auto config = LoadConfig(settings);
    ASSERT_TRUE(config.ok()) << config.status().message();
    config_ = *config;
    auto lib = Library::Open(config_);
    ASSERT_TRUE(lib.ok()) << lib.status().message();
    lib_ = std::move(lib).value();
    auto alice = lib_->CreateUser("alice", "correct horse", 10'000'000);
    ASSERT_TRUE(alice.ok()) << alice.status().message();
    alice_ = alice->id;
    auto bob = lib_->CreateUser("bob", "battery staple", 10'000'000);
    ASSERT_TRUE(bob.ok()) << bob.status().message();
    bob_ = bob->id;
  }

  // A connection of the test's own to the library's database, either backend.
  std::unique_ptr<db::Database> ConnectToDatabase() {
    auto db = config_.database_is_sqlite() ? db::Database::Open(config_.database_path())
                                           : db::Database::OpenPostgres(config_.database_url);
    EXPECT_TRUE(db.ok()) << db.status().message();
    return db.ok() ? std::move(db).value() : nullptr;
  }

  // Deleting as a person does moves to the trash; this is the trash emptied
  // too: the photo gone for good.
  Status DeleteForGood(UserId owner, const std::string& id) {
    if (Status s = lib_->DeletePhoto(owner, id); !s.ok()) return s;
    return lib_->PurgePhoto(owner, id);
  }

  db::Backend backend_ = db::Backend::kSqlite;  // set before SetUp by LIBRARY_TEST
  // A PostgreSQL cluster of the test's own, for tests that stop it; else a
  // database on the cluster the tests share (tests/testing/postgres_server.h).
  bool own_cluster_ = false;
  TempDir home_;
  std::unique_ptr<PostgresServer> server_;  // before lib_: its connections close first
  Config config_;
  std::unique_ptr<Library> lib_;
  UserId alice_ = 0, bob_ = 0;
};

}  // namespace octopus::testing

// As TEST_F(fixture, name), on both backends. `fixture` derives from
// octopus::testing::TwoUserLibraryTest.
#define LIBRARY_TEST(fixture, name) STORE_TEST(fixture, name)
