// Sessions are cached per process (core/session_cache.h) under the home's
// revocation epoch (core/revocation_epoch.h). These tests revoke from
// another Library instance, from another process, and from a writer that
// dies between its database write and the end of its bracket: each time the
// session the first library cached must be refused on the very next call.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <functional>

#include "core/db/database.h"
#include "core/file_revocation_epoch.h"
#include "core/library.h"
#include "tests/testing/library_fixture.h"
#include "tests/testing/test_util.h"

namespace octopus {
namespace {

using testing::TempDir;

class SessionRevocationTest : public testing::TwoUserLibraryTest {
 protected:
  void SetUp() override {
    TwoUserLibraryTest::SetUp();
    if (HasFatalFailure()) return;
    const std::int64_t later = std::time(nullptr) + 3600;
    ASSERT_TRUE(lib_->AddSession(alice_, "a1", later).ok());
    ASSERT_TRUE(lib_->AddSession(alice_, "a2", later).ok());
    ASSERT_TRUE(lib_->AddSession(bob_, "b1", later).ok());
    // Cached: the second call of each is answered without a query.
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(lib_->SessionUser(alice_, "a1").ok());
      ASSERT_TRUE(lib_->SessionUser(alice_, "a2").ok());
      ASSERT_TRUE(lib_->SessionUser(bob_, "b1").ok());
    }
  }

  std::unique_ptr<Library> OpenOther() {
    auto lib = Library::Open(config_);
    EXPECT_TRUE(lib.ok()) << lib.status().message();
    return lib.ok() ? std::move(lib).value() : nullptr;
  }

  // Runs `revoke` in a child process with its own Library; the child's exit
  // status says whether the call succeeded.
  void InChild(const std::function<Status(Library&)>& revoke) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      auto lib = Library::Open(config_);
      if (!lib.ok()) _exit(10);
      _exit(revoke(**lib).ok() ? 0 : 11);
    }
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
};

TEST_F(SessionRevocationTest, CachedSessionKeepsItsIdentity) {
  auto s = lib_->SessionUser(alice_, "a1");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->id, alice_);
  EXPECT_EQ(s->name, "alice");
  EXPECT_FALSE(s->is_admin);
}

TEST_F(SessionRevocationTest, CachedSessionOfAnotherUserIsRefused) {
  // A token claiming bob with alice's session id: cached for alice only.
  EXPECT_EQ(lib_->SessionUser(bob_, "a1").status().code(), Code::kNotFound);
  EXPECT_EQ(lib_->SessionUser(alice_, "b1").status().code(), Code::kNotFound);
  EXPECT_EQ(lib_->SessionUser(alice_, "unknown").status().code(), Code::kNotFound);
}

TEST_F(SessionRevocationTest, LogoutInAnotherLibraryIsHonouredAtOnce) {
  auto other = OpenOther();
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->RevokeSession("a1").ok());
  EXPECT_EQ(lib_->SessionUser(alice_, "a1").status().code(), Code::kNotFound);
  EXPECT_TRUE(lib_->SessionUser(alice_, "a2").ok()) << "other sessions stay valid";
}

TEST_F(SessionRevocationTest, RevokeOthersInAnotherLibraryIsHonouredAtOnce) {
  auto other = OpenOther();
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->RevokeOtherSessions(alice_, "a2").ok());
  EXPECT_FALSE(lib_->SessionUser(alice_, "a1").ok());
  EXPECT_TRUE(lib_->SessionUser(alice_, "a2").ok());
}

TEST_F(SessionRevocationTest, DisableInAnotherProcessIsHonouredAtOnce) {
  InChild([](Library& lib) { return lib.ChangeUser("alice", {.disabled = true}).status(); });
  EXPECT_FALSE(lib_->SessionUser(alice_, "a1").ok());
  EXPECT_FALSE(lib_->SessionUser(alice_, "a2").ok());
  EXPECT_TRUE(lib_->SessionUser(bob_, "b1").ok());
  InChild([](Library& lib) { return lib.ChangeUser("alice", {.disabled = false}).status(); });
  EXPECT_FALSE(lib_->SessionUser(alice_, "a1").ok()) << "re-enabled: the old sessions stay revoked";
  EXPECT_TRUE(lib_->SessionUser(bob_, "b1").ok());
}

// The cached identity carries is_admin: a grant or a revocation made by
// another process (`octopus user admin`) counts on the very next call.
TEST_F(SessionRevocationTest, AdminGrantAndRevocationInAnotherProcessCountAtOnce) {
  InChild([](Library& lib) { return lib.SetAdmin("alice", true); });
  auto granted = lib_->SessionUser(alice_, "a1");
  ASSERT_TRUE(granted.ok());
  EXPECT_TRUE(granted->is_admin);
  EXPECT_TRUE(lib_->SessionUser(alice_, "a1")->is_admin) << "and cached so";
  InChild([](Library& lib) { return lib.SetAdmin("alice", false); });
  auto revoked = lib_->SessionUser(alice_, "a1");
  ASSERT_TRUE(revoked.ok()) << "still signed in, no longer an administrator";
  EXPECT_FALSE(revoked->is_admin);
  EXPECT_FALSE(lib_->SessionUser(bob_, "b1")->is_admin);
  EXPECT_EQ(lib_->SetAdmin("nobody", true).code(), Code::kNotFound);
}

TEST_F(SessionRevocationTest, LogoutInAnotherProcessIsHonouredAtOnce) {
  InChild([](Library& lib) { return lib.RevokeSession("a1"); });
  EXPECT_FALSE(lib_->SessionUser(alice_, "a1").ok());
  EXPECT_TRUE(lib_->SessionUser(alice_, "a2").ok());
}

TEST_F(SessionRevocationTest, RemovalInAnotherProcessIsHonouredAtOnce) {
  InChild([](Library& lib) { return lib.RemoveUser("alice"); });
  EXPECT_FALSE(lib_->SessionUser(alice_, "a1").ok());
  // A new user may get the removed one's id; the old session must not
  // carry over to them.
  auto carol = lib_->CreateUser("carol", "long enough password");
  ASSERT_TRUE(carol.ok());
  EXPECT_FALSE(lib_->SessionUser(carol->id, "a1").ok());
}

TEST_F(SessionRevocationTest, ARevokerThatDiesBeforeEndingItsWriteLeavesNothingTrusted) {
  // The child does what a revoking write does, but dies after its commit,
  // before the end of its bracket: the epoch is left in flight.
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto epoch = FileRevocationEpoch::Open(config_.instance_dir() / "revocations");
    if (!epoch.ok()) _exit(10);
    auto write = (*epoch)->BeginWrite();
    if (!write.ok()) _exit(11);
    auto db = db::Database::Open(config_.database_path());
    if (!db.ok()) _exit(12);
    auto stmt = (*db)->Prepare("UPDATE sessions SET revoked = 1 WHERE jti = 'a1'");
    if (!stmt.ok() || !stmt->Run().ok()) _exit(13);
    _exit(0);  // no destructors: `ended` never moves
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_FALSE(lib_->SessionUser(alice_, "a1").ok());
  EXPECT_TRUE(lib_->SessionUser(alice_, "a2").ok());
  EXPECT_FALSE(lib_->SessionUser(alice_, "a1").ok()) << "not cached from the in-flight epoch";
  // The dead writer's lock went with it: the next Open repairs the epoch,
  // and the revocation still holds.
  auto other = OpenOther();
  ASSERT_TRUE(other);
  EXPECT_FALSE(lib_->SessionUser(alice_, "a1").ok());
  EXPECT_TRUE(lib_->SessionUser(alice_, "a2").ok());
}

TEST(FileRevocationEpochTest, InFlightWriteIsNotStableAndCannotBeRepaired) {
  TempDir dir;
  auto epoch = FileRevocationEpoch::Open(dir / "revocations");
  ASSERT_TRUE(epoch.ok()) << epoch.status().message();
  auto start = (*epoch)->Stable();
  ASSERT_TRUE(start.has_value());
  {
    auto write = (*epoch)->BeginWrite();
    ASSERT_TRUE(write.ok());
    EXPECT_FALSE((*epoch)->Stable().has_value());
    EXPECT_FALSE((*epoch)->TryRepair()) << "a live writer holds the lock";
    EXPECT_FALSE((*epoch)->Stable().has_value());
  }
  auto after = (*epoch)->Stable();
  ASSERT_TRUE(after.has_value());
  EXPECT_GT(*after, *start);
  // A second mapping of the same file sees the same counters.
  auto again = FileRevocationEpoch::Open(dir / "revocations");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->Stable(), after);
}

}  // namespace
}  // namespace octopus
