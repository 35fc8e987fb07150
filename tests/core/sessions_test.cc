// Sessions are bounded: dead rows go at the next login, and a user's live
// sessions beyond the cap lose their oldest (issue 15: each login added a
// row, kept 24 h past its expiry).
#include "core/sessions.h"

#include <gtest/gtest.h>

#include <ctime>

#include "core/db/database.h"
#include "tests/testing/library_fixture.h"

namespace octopus {
namespace {

class SessionsTest : public testing::TwoUserLibraryTest {
 protected:
  // Rows in the sessions table, read through a connection of our own.
  std::int64_t Rows(const std::string& where = "TRUE") {
    auto db = ConnectToDatabase();
    if (!db) return -1;
    auto stmt = db->Prepare("SELECT COUNT(*) FROM sessions WHERE " + where);
    EXPECT_TRUE(stmt.ok()) << stmt.status().message();
    if (!stmt.ok()) return -1;
    auto row = stmt->Step();
    EXPECT_TRUE(row.ok() && *row);
    return stmt->Int(0);
  }
  const std::int64_t later_ = std::time(nullptr) + 3600;
};

LIBRARY_TEST(SessionsTest, ExpiredAndRevokedRowsGoAtTheNextLogin) {
  const std::int64_t now = std::time(nullptr);
  ASSERT_TRUE(lib_->AddSession(alice_, "expired", now - 1).ok());
  ASSERT_EQ(Rows(), 1);
  ASSERT_TRUE(lib_->AddSession(alice_, "revoked", later_).ok());
  EXPECT_EQ(Rows("jti = 'expired'"), 0) << "gone at the next login, not a day later";
  ASSERT_TRUE(lib_->RevokeSession("revoked").ok());
  ASSERT_EQ(Rows(), 1);
  ASSERT_TRUE(lib_->AddSession(bob_, "bob-live", later_).ok());
  EXPECT_EQ(Rows("jti = 'revoked'"), 0) << "a revoked row can let no one in again";
  ASSERT_TRUE(lib_->AddSession(bob_, "bob-new", later_).ok());
  EXPECT_EQ(Rows(), 2);
  EXPECT_TRUE(lib_->SessionUser(bob_, "bob-live").ok());
  EXPECT_TRUE(lib_->SessionUser(bob_, "bob-new").ok());
}

LIBRARY_TEST(SessionsTest, TheLoginPastTheCapDropsTheOldestSession) {
  ASSERT_TRUE(lib_->AddSession(alice_, "s0", later_).ok());
  ASSERT_TRUE(lib_->AddSession(bob_, "bob", later_).ok());
  ASSERT_TRUE(lib_->SessionUser(alice_, "s0").ok());  // cached now
  ASSERT_TRUE(lib_->SessionUser(alice_, "s0").ok());
  for (int i = 1; i < Sessions::kMaxPerUser; ++i) {
    ASSERT_TRUE(lib_->AddSession(alice_, "s" + std::to_string(i), later_).ok());
  }
  EXPECT_TRUE(lib_->SessionUser(alice_, "s0").ok()) << "at the cap, not past it";
  EXPECT_EQ(Rows("user_id = " + std::to_string(alice_)), Sessions::kMaxPerUser);
  ASSERT_TRUE(lib_->AddSession(alice_, "newest", later_).ok());
  EXPECT_EQ(lib_->SessionUser(alice_, "s0").status().code(), Code::kNotFound)
      << "the oldest is refused, cached or not";
  EXPECT_TRUE(lib_->SessionUser(alice_, "s1").ok());
  EXPECT_TRUE(lib_->SessionUser(alice_, "newest").ok());
  EXPECT_TRUE(lib_->SessionUser(bob_, "bob").ok()) << "another user's sessions are not touched";
  EXPECT_EQ(Rows("user_id = " + std::to_string(alice_)), Sessions::kMaxPerUser);
}

}  // namespace
}  // namespace octopus
