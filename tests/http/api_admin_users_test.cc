// The admin's account routes: creating users and granting or taking
// administration through the API (issue 17's admin page), and the guard
// that a server is never left without an administrator.
#include "tests/http/api_fixture.h"

namespace octopus::http {
namespace {

class ApiAdminUsersTest : public ApiTest {
 protected:
  void SetUp() override {
    ApiTest::SetUp();
    root_ = NewAdmin("root");
    ASSERT_FALSE(root_.empty());
  }

  httplib::Result Create(const nlohmann::json& body, const std::string& token) {
    return PostJson("/api/v1/admin/users", body, Bearer(token));
  }
  httplib::Result PatchUser(const std::string& name, const nlohmann::json& body,
                            const std::string& token) {
    return Patch("/api/v1/admin/users/" + name, body, Bearer(token));
  }
  bool Exists(const std::string& name) { return library_->FindUser(name).ok(); }

  std::string root_;
};

TEST_F(ApiAdminUsersTest, AdminCreatesAUserWhoCanLogIn) {
  // Registration is closed (the default): this route is how the admin
  // makes accounts anyway.
  auto r =
      Create({{"username", "alice"}, {"password", "alice's password"}, {"quota", "2M"}}, root_);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  const auto created = Json(r);
  EXPECT_EQ(created.value("username", ""), "alice");
  EXPECT_EQ(created.value("quota_bytes", std::int64_t{0}), 2'000'000);
  EXPECT_FALSE(created.value("is_admin", true));
  // The same shape as the list's entries.
  const auto list = Json(Get("/api/v1/admin/users", root_));
  nlohmann::json listed;
  for (const auto& u : list["users"]) {
    if (u["username"] == "alice") listed = u;
  }
  EXPECT_EQ(listed, created);
  const std::string alice = Login("alice", "alice's password");
  ASSERT_FALSE(alice.empty());
  EXPECT_EQ(Me(alice).value("username", ""), "alice");
  EXPECT_EQ(Get("/api/v1/admin/users", alice)->status, 403) << "not an admin unless asked";

  // Without a quota: the default, as `octopus user add`.
  auto bob = Create({{"username", "bob"}, {"password", "bob's password"}}, root_);
  ASSERT_EQ(bob->status, 201) << bob->body;
  EXPECT_EQ(Json(bob).value("quota_bytes", std::int64_t{0}), config_.default_quota_bytes);
}

TEST_F(ApiAdminUsersTest, OnlyAdministratorsCreate) {
  const std::string alice = NewUser("alice");
  auto forbidden = Create({{"username", "mallory"}, {"password", "long enough"}}, alice);
  EXPECT_EQ(forbidden->status, 403);
  auto anonymous = PostJson("/api/v1/admin/users", {{"username", "mallory"}, {"password", "x"}});
  EXPECT_EQ(anonymous->status, 401);
  EXPECT_FALSE(Exists("mallory"));
}

TEST_F(ApiAdminUsersTest, NamesAreTakenInAnyCase) {
  ASSERT_EQ(Create({{"username", "alice"}, {"password", "long enough"}}, root_)->status, 201);
  auto clash = Create({{"username", "ALICE"}, {"password", "long enough 2"}}, root_);
  EXPECT_EQ(clash->status, 409) << clash->body;
  EXPECT_EQ(ErrorCode(clash), "already_exists");
  EXPECT_EQ(library_->FindUser("alice")->name, "alice");
  EXPECT_EQ(library_->ListUsers()->size(), 2u);
}

TEST_F(ApiAdminUsersTest, RefusedNamesAndPasswordsCreateNothing) {
  struct Case {
    nlohmann::json body;
    int status;
  };
  for (const Case& c : std::vector<Case>{
           {{{"username", "alice"}, {"password", "short"}}, 422},
           {{{"username", "-alice"}, {"password", "long enough"}}, 422},
           {{{"username", "al ice"}, {"password", "long enough"}}, 422},
           {{{"username", "alice"}}, 400},
           {{{"username", "alice"}, {"password", 12345678}}, 400},
           {{{"username", "alice"}, {"password", "long enough"}, {"quota", "lots"}}, 422},
           {{{"username", "alice"}, {"password", "long enough"}, {"is_admin", "yes"}}, 400},
       }) {
    auto r = Create(c.body, root_);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, c.status) << c.body.dump() << ": " << r->body;
  }
  EXPECT_EQ(library_->ListUsers()->size(), 1u) << "only root";
}

TEST_F(ApiAdminUsersTest, CreatedAdministratorAndGrantedAdministratorListUsers) {
  auto made =
      Create({{"username", "carol"}, {"password", "long enough"}, {"is_admin", true}}, root_);
  ASSERT_EQ(made->status, 201) << made->body;
  EXPECT_TRUE(Json(made).value("is_admin", false));
  EXPECT_EQ(Get("/api/v1/admin/users", Login("carol", "long enough"))->status, 200);

  const std::string alice = NewUser("alice");
  ASSERT_EQ(Get("/api/v1/admin/users", alice)->status, 403);
  auto granted = PatchUser("alice", {{"is_admin", true}}, root_);
  ASSERT_EQ(granted->status, 200) << granted->body;
  EXPECT_TRUE(Json(granted).value("is_admin", false));
  // The same token: the change counts on its next request.
  EXPECT_EQ(Get("/api/v1/admin/users", alice)->status, 200);

  // Taking it away revokes nothing else: alice is still signed in.
  auto taken = PatchUser("alice", {{"is_admin", false}}, root_);
  ASSERT_EQ(taken->status, 200) << taken->body;
  EXPECT_EQ(Get("/api/v1/admin/users", alice)->status, 403);
  EXPECT_EQ(Get("/api/v1/users/me", alice)->status, 200);
}

TEST_F(ApiAdminUsersTest, TheLastAdministratorStays) {
  const std::string alice = NewUser("alice");
  auto self = PatchUser("root", {{"is_admin", false}, {"quota", "1M"}}, root_);
  EXPECT_EQ(self->status, 409) << self->body;
  EXPECT_EQ(ErrorCode(self), "failed_precondition");
  const User root = *library_->FindUser("root");
  EXPECT_TRUE(root.is_admin);
  EXPECT_NE(root.quota_bytes, 1'000'000) << "a refused change changes nothing";
  EXPECT_EQ(Get("/api/v1/admin/users", root_)->status, 200);

  // With a second administrator, root may step down; the other one is
  // then the last, and cannot be demoted either.
  ASSERT_EQ(PatchUser("alice", {{"is_admin", true}}, root_)->status, 200);
  auto step_down = PatchUser("root", {{"is_admin", false}}, root_);
  EXPECT_EQ(step_down->status, 200) << step_down->body;
  EXPECT_EQ(Get("/api/v1/admin/users", root_)->status, 403);
  auto last = PatchUser("alice", {{"is_admin", false}}, alice);
  EXPECT_EQ(last->status, 409) << last->body;
  EXPECT_TRUE(library_->FindUser("alice")->is_admin);
}

TEST_F(ApiAdminUsersTest, ADisabledAdministratorDoesNotCount) {
  ASSERT_TRUE(library_->CreateUser("old", "long enough", -1, /*is_admin=*/true).ok());
  ASSERT_EQ(PatchUser("old", {{"disabled", true}}, root_)->status, 200);
  auto r = PatchUser("root", {{"is_admin", false}}, root_);
  EXPECT_EQ(r->status, 409) << "old is disabled: root is the last enabled administrator";
  EXPECT_TRUE(library_->FindUser("root")->is_admin);
}

TEST_F(ApiAdminUsersTest, CookieCreateNeedsTheCsrfToken) {
  const Session session = CookieLogin("root");
  ASSERT_FALSE(session.csrf.empty());
  const nlohmann::json body = {{"username", "alice"}, {"password", "long enough"}};
  auto refused = PostJson("/api/v1/admin/users", body, session.Headers(/*with_csrf=*/false));
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(ErrorCode(refused), "csrf");
  EXPECT_FALSE(Exists("alice"));
  auto made = PostJson("/api/v1/admin/users", body, session.Headers());
  EXPECT_EQ(made->status, 201) << made->body;
  EXPECT_TRUE(Exists("alice"));
}

}  // namespace
}  // namespace octopus::http
