// A migrated database in a temporary directory with two users, alice and
// bob, for tests of core/store/ that drive the stores directly, and a maker
// of synthetic photo rows (no blobs: the stores never read them).
// Header-only: the core test program links the core library, the shared
// test helpers do not.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "core/db/database.h"
#include "core/store/schema.h"
#include "core/store/user_store.h"
#include "tests/testing/test_util.h"

namespace octopus::testing {

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = db::Database::Open(dir_ / "octopus.db");
    ASSERT_TRUE(db.ok()) << db.status().message();
    db_ = std::move(db).value();
    ASSERT_TRUE(db::Migrate(*db_).ok());
    UserStore users(*db_);
    alice_ = *users.Insert({"alice", "x", false, 1'000'000'000'000, "2024-01-01T00:00:00Z"});
    bob_ = *users.Insert({"bob", "x", false, 1'000'000'000'000, "2024-01-01T00:00:00Z"});
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

  TempDir dir_;
  std::unique_ptr<db::Database> db_;
  UserId alice_ = 0, bob_ = 0;
};

}  // namespace octopus::testing
