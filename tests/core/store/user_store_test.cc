// The users table: names are one account whatever their case (issue 15).
#include "core/store/user_store.h"

#include <gtest/gtest.h>

#include "tests/testing/store_fixture.h"

namespace octopus {
namespace {

using UserStoreTest = testing::StoreTest;

// Issue 15 (12): "Admin" could be registered beside "admin".
STORE_TEST(UserStoreTest, NamesAreUniqueWithoutRegardToCase) {
  UserStore users(*db_);
  for (const char* clash : {"Alice", "ALICE", "aLiCe"}) {
    auto r = users.Insert({clash, "x", false, 1, "2024-01-01T00:00:00Z"});
    ASSERT_FALSE(r.ok()) << clash;
    EXPECT_EQ(r.status().code(), Code::kAlreadyExists) << clash;
  }
  auto list = users.List();
  ASSERT_TRUE(list.ok());
  EXPECT_EQ(list->size(), 2u);
}

STORE_TEST(UserStoreTest, EveryLookupByNameIgnoresCase) {
  UserStore users(*db_);
  auto found = users.FindByName("ALICE");
  ASSERT_TRUE(found.ok()) << found.status().message();
  EXPECT_EQ(found->id, alice_);
  EXPECT_EQ(found->name, "alice") << "the name as it was made";
  auto credentials = users.CredentialsOf("Alice");
  ASSERT_TRUE(credentials.ok());
  ASSERT_TRUE(credentials->has_value());
  EXPECT_EQ((*credentials)->id, alice_);
  ASSERT_TRUE(users.SetQuota("BOB", 42).ok());
  EXPECT_EQ(users.Get(bob_)->quota_bytes, 42);
  EXPECT_EQ(users.SetQuota("carol", 1).code(), Code::kNotFound);
}

}  // namespace
}  // namespace octopus
