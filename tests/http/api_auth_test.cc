// Accounts and tokens through a real server: registration, login, the
// token's life (logout, password change, disabling), forged tokens, admin
// routes, throttling, malformed bodies.
#include <ctime>
#include <set>

#include "http/jwt.h"
#include "tests/http/api_fixture.h"

namespace octopus::http {
namespace {

API_TEST(ApiOpenRegistrationTest, RegisterLoginMe) {
  auto r = Register("alice", "correct horse");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(Json(r)["username"], "alice");

  auto login = LoginRaw("alice", "correct horse");
  ASSERT_TRUE(login);
  ASSERT_EQ(login->status, 200) << login->body;
  const auto j = Json(login);
  EXPECT_EQ(j["token_type"], "bearer");
  EXPECT_EQ(j["expires_in"], config_.token_ttl_seconds);
  const std::string token = j["access_token"];

  auto me = Get("/api/v1/users/me", token);
  ASSERT_TRUE(me);
  ASSERT_EQ(me->status, 200) << me->body;
  const auto m = Json(me);
  EXPECT_EQ(m["username"], "alice");
  EXPECT_EQ(m["used_bytes"], 0);
  EXPECT_EQ(m["photo_count"], 0);
  EXPECT_FALSE(m.contains("password_hash"));
}

// Issue 15 (9): when the user table was empty, the next anonymous
// registration was made an administrator.
TEST_F(ApiOpenRegistrationTest, ARegistrationIsNeverAnAdministrator) {
  ASSERT_TRUE(library_->ListUsers()->empty());
  auto first = Register("alice", "correct horse");
  ASSERT_TRUE(first);
  ASSERT_EQ(first->status, 201) << first->body;
  EXPECT_EQ(Json(first)["is_admin"], false) << "not even the first account";
  EXPECT_FALSE(library_->FindUser("alice")->is_admin);
  // The table emptied again (the last user removed): still not.
  ASSERT_TRUE(library_->RemoveUser("alice").ok());
  auto again = Register("bob", "correct horse");
  ASSERT_TRUE(again);
  ASSERT_EQ(again->status, 201) << again->body;
  EXPECT_EQ(Json(again)["is_admin"], false);
  const std::string token = Login("bob", "correct horse");
  EXPECT_EQ(Get("/api/v1/admin/users", token)->status, 403);
}

// Issue 15 (4): each anonymous account got the default quota (10 GB), so 50
// of them promised 500 GB on a 252 GB disk.
TEST_F(ApiOpenRegistrationTest, ARegisteredAccountGetsTheRegistrationQuota) {
  auto r = Register("alice", "correct horse");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 201) << r->body;
  EXPECT_EQ(Json(r)["quota_bytes"], config_.registration_quota_bytes);
  EXPECT_LT(config_.registration_quota_bytes, config_.default_quota_bytes);
  EXPECT_EQ(library_->FindUser("alice")->quota_bytes, config_.registration_quota_bytes);
}

TEST_F(ApiOpenRegistrationTest, RegistrationRefusals) {
  ASSERT_EQ(Register("alice", "correct horse")->status, 201);
  auto dup = Register("alice", "another password");
  EXPECT_EQ(dup->status, 409);
  EXPECT_EQ(ErrorCode(dup), "already_exists");
  auto short_pw = Register("carol", "short");
  EXPECT_EQ(short_pw->status, 422);
  auto bad_name = Register("../etc", "long enough password");
  EXPECT_EQ(bad_name->status, 422);
  auto missing = PostJson("/api/v1/auth/register", {{"username", "dave"}});
  EXPECT_EQ(missing->status, 400);
  auto wrong_type = PostJson("/api/v1/auth/register", {{"username", 5}, {"password", true}});
  EXPECT_EQ(wrong_type->status, 400);
}

// Issue 15 (12): "Admin" could be registered beside "admin", and passed for
// it wherever names are shown.
TEST_F(ApiOpenRegistrationTest, NamesThatDifferOnlyInCaseAreOneAccount) {
  NewAdmin("admin", "the admin's password");
  for (const char* clash : {"Admin", "ADMIN", "aDmIn"}) {
    auto r = Register(clash, "correct horse");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 409) << clash << ": " << r->body;
    EXPECT_EQ(ErrorCode(r), "already_exists") << clash;
  }
  ASSERT_EQ(library_->ListUsers()->size(), 1u);
  // Logging in by another case is the same account, with its own password.
  EXPECT_EQ(LoginRaw("ADMIN", "correct horse")->status, 401);
  const std::string token = Login("ADMIN", "the admin's password");
  auto me = Get("/api/v1/users/me", token);
  ASSERT_TRUE(me);
  EXPECT_EQ(Json(me)["username"], "admin");
  EXPECT_EQ(Json(me)["is_admin"], true);
}

// Issue 15 (12): invisible characters (U+202E, U+200B, C1 controls) never
// make a user name that looks like another.
TEST_F(ApiOpenRegistrationTest, InvisibleCharactersNeverReachAUserName) {
  for (const std::string& name :
       {std::string("admin\u202E"), std::string("\u202Eadmin"), std::string("ad\u200Bmin"),
        std::string("admin\u2066"), std::string("admin\u0085")}) {
    auto r = Register(name, "correct horse");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 422) << r->body;
  }
  EXPECT_TRUE(library_->ListUsers()->empty());
}

// Issue 15 (4): closed by default; the first account is no exception (it
// is made by the CLI or by `serve` on an empty home).
TEST_F(ApiTest, RegistrationIsClosedByDefault) {
  for (const char* name : {"first", "second"}) {
    auto r = Register(name, "correct horse");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << r->body;
    EXPECT_EQ(ErrorCode(r), "registration_closed");
    EXPECT_NE(Json(r)["error"].value("message", "").find("registration is closed"),
              std::string::npos);
  }
  EXPECT_TRUE(library_->ListUsers()->empty());
}

class ApiRegistrationFloodTest : public ApiOpenRegistrationTest {
 public:
  ApiRegistrationFloodTest() {
    settings_["OCTOPUS_REGISTRATIONS_PER_HOUR"] = "3";
    settings_["OCTOPUS_TRUSTED_PROXIES"] = "127.0.0.9";  // not us: X-Forwarded-For is ignored
  }
  httplib::Result RegisterFrom(const std::string& name, const std::string& forwarded_for) {
    return client_->Post("/api/v1/auth/register", {{"X-Forwarded-For", forwarded_for}},
                         nlohmann::json{{"username", name}, {"password", "correct horse"}}.dump(),
                         "application/json");
  }
};

// Issue 15 (4): 50 anonymous accounts in 5 s from one client.
TEST_F(ApiRegistrationFloodTest, AFloodFromOneAddressIs429) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(RegisterFrom("user" + std::to_string(i), "198.51.100." + std::to_string(i))->status,
              201);
  }
  // Attempts count, not only accounts made: a refused name costs a hash too.
  for (int i = 3; i < 10; ++i) {
    auto r = RegisterFrom("user" + std::to_string(i), "198.51.100." + std::to_string(i));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 429) << "a forged X-Forwarded-For is not another client: " << r->body;
    EXPECT_EQ(ErrorCode(r), "too_many_requests");
    const std::string retry = r->get_header_value("Retry-After");
    ASSERT_FALSE(retry.empty());
    EXPECT_GT(std::stoi(retry), 3500);
    EXPECT_LE(std::stoi(retry), 3600);
  }
  EXPECT_EQ(library_->ListUsers()->size(), 3u);
}

class ApiRegistrationBehindFrontTest : public ApiOpenRegistrationTest {
 public:
  ApiRegistrationBehindFrontTest() {
    settings_["OCTOPUS_REGISTRATIONS_PER_HOUR"] = "2";
    settings_["OCTOPUS_TRUSTED_PROXIES"] = "127.0.0.1";
  }
};

// Behind a trusted front, each client it names has its own count: one
// flooding client does not close registration for everyone else.
TEST_F(ApiRegistrationBehindFrontTest, TheCountIsPerForwardedClient) {
  auto from = [&](const std::string& name, const std::string& client) {
    return client_
        ->Post("/api/v1/auth/register", {{"X-Forwarded-For", client}},
               nlohmann::json{{"username", name}, {"password", "correct horse"}}.dump(),
               "application/json")
        ->status;
  };
  EXPECT_EQ(from("a1", "198.51.100.1"), 201);
  EXPECT_EQ(from("a2", "198.51.100.1"), 201);
  EXPECT_EQ(from("a3", "198.51.100.1"), 429);
  EXPECT_EQ(from("b1", "198.51.100.2"), 201);
  // One IPv6 client holds a whole /64: its addresses share one count.
  EXPECT_EQ(from("c1", "2001:db8::1"), 201);
  EXPECT_EQ(from("c2", "2001:db8::2"), 201);
  EXPECT_EQ(from("c3", "2001:db8::3"), 429);
}

TEST_F(ApiTest, MalformedJsonIs400WithTheErrorShape) {
  const std::vector<std::string> bodies = {"{", "not json", "[1,2]", "\"str\"",
                                           "{\"username\": \"a\""};
  for (const std::string& body : bodies) {
    auto r = client_->Post("/api/v1/auth/login", body, "application/json");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << body;
    EXPECT_EQ(ErrorCode(r), "bad_request") << body;
  }
  // Just over the limit: the server answers from the Content-Length and
  // closes without reading the body, which must fit the socket buffers for
  // the client to finish sending and read the answer.
  auto big = client_->Post("/api/v1/auth/login", std::string(options_.max_json_bytes + 1, ' '),
                           "application/json");
  ASSERT_TRUE(big);
  EXPECT_EQ(big->status, 413);
}

API_TEST(ApiTest, WrongPasswordAndUnknownUserLookTheSame) {
  NewUser("alice");
  auto wrong = LoginRaw("alice", "wrong password");
  auto unknown = LoginRaw("nobody", "wrong password");
  ASSERT_TRUE(wrong && unknown);
  EXPECT_EQ(wrong->status, 401);
  EXPECT_EQ(unknown->status, 401);
  EXPECT_EQ(wrong->body, unknown->body);
}

API_TEST(ApiTest, MissingOrForgedTokensAre401) {
  const std::string token = NewUser("alice");
  ASSERT_FALSE(token.empty());
  EXPECT_EQ(client_->Get("/api/v1/users/me")->status, 401);
  auto basic = client_->Get("/api/v1/users/me", {{"Authorization", "Basic YWxpY2U6eA=="}});
  EXPECT_EQ(basic->status, 401);
  EXPECT_EQ(basic->get_header_value("WWW-Authenticate"), "Bearer");

  // Tampered: the payload swapped for one naming another user.
  const auto dot1 = token.find('.');
  const auto dot2 = token.rfind('.');
  const std::string other_payload = Base64UrlEncode(
      nlohmann::json{{"sub", "2"}, {"iat", 1}, {"exp", 4102444800}, {"jti", "x"}}.dump());
  const std::string tampered = token.substr(0, dot1 + 1) + other_payload + token.substr(dot2);
  // alg none with the real claims, no signature.
  const std::string none = Base64UrlEncode(R"({"alg":"none","typ":"JWT"})") + "." +
                           token.substr(dot1 + 1, dot2 - dot1 - 1) + ".";
  // Signed with another key.
  std::string payload_json;
  ASSERT_TRUE(Base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1), &payload_json));
  const auto p = nlohmann::json::parse(payload_json);
  JwtClaims claims{p["sub"], p["iat"], p["exp"], p["jti"]};
  const std::string wrong_key = SignJwt(claims, "not the server's secret key at all!!");
  // Expired, correctly signed with the server's key.
  JwtClaims old = claims;
  old.exp = NowSeconds() - 10;
  old.iat = old.exp - 3600;
  const std::string expired = SignJwt(old, config_.secret_key);
  // Correctly signed, with a session id the server never issued.
  JwtClaims unknown_session = claims;
  unknown_session.jti = "00000000000000000000000000000000";
  const std::string no_session = SignJwt(unknown_session, config_.secret_key);
  // Correctly signed for a user id that does not exist.
  JwtClaims ghost = claims;
  ghost.sub = "999999";
  const std::string ghost_token = SignJwt(ghost, config_.secret_key);

  for (const auto& [what, bad] : std::vector<std::pair<std::string, std::string>>{
           {"tampered", tampered},
           {"alg none", none},
           {"wrong key", wrong_key},
           {"expired", expired},
           {"unknown session", no_session},
           {"unknown user", ghost_token},
           {"garbage", "garbage"},
       }) {
    auto r = Get("/api/v1/users/me", bad);
    ASSERT_TRUE(r) << what;
    EXPECT_EQ(r->status, 401) << what;
    EXPECT_EQ(ErrorCode(r), "unauthenticated") << what;
  }
  EXPECT_EQ(Get("/api/v1/users/me", token)->status, 200) << "the real token still works";
}

API_TEST(ApiTest, LogoutRevokesTheToken) {
  const std::string token = NewUser("alice");
  const std::string second = Login("alice", "correct horse");
  ASSERT_EQ(Get("/api/v1/users/me", token)->status, 200);
  auto out = client_->Post("/api/v1/auth/logout", Bearer(token), "", "application/json");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 204);
  EXPECT_EQ(Get("/api/v1/users/me", token)->status, 401);
  EXPECT_EQ(Get("/api/v1/users/me", second)->status, 200) << "other sessions are untouched";
}

API_TEST(ApiTest, PasswordChangeRevokesOtherTokens) {
  const std::string token = NewUser("alice");
  const std::string other = Login("alice", "correct horse");
  auto wrong = client_->Patch("/api/v1/users/me/password", Bearer(token),
                              R"({"current_password":"nope nope","new_password":"new password 1"})",
                              "application/json");
  EXPECT_EQ(wrong->status, 403);
  auto too_short = client_->Patch("/api/v1/users/me/password", Bearer(token),
                                  R"({"current_password":"correct horse","new_password":"short"})",
                                  "application/json");
  EXPECT_EQ(too_short->status, 422);
  auto ok =
      client_->Patch("/api/v1/users/me/password", Bearer(token),
                     R"({"current_password":"correct horse","new_password":"new password 1"})",
                     "application/json");
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 204) << ok->body;
  EXPECT_EQ(Get("/api/v1/users/me", token)->status, 200);
  EXPECT_EQ(Get("/api/v1/users/me", other)->status, 401);
  EXPECT_EQ(LoginRaw("alice", "correct horse")->status, 401);
  EXPECT_EQ(LoginRaw("alice", "new password 1")->status, 200);
}

API_TEST(ApiTest, AdminRoutes) {
  const std::string admin = NewAdmin("root");
  const std::string alice = NewUser("alice");
  auto forbidden = Get("/api/v1/admin/users", alice);
  EXPECT_EQ(forbidden->status, 403);
  EXPECT_EQ(ErrorCode(forbidden), "forbidden");
  auto patch_forbidden = client_->Patch("/api/v1/admin/users/root", Bearer(alice),
                                        R"({"disabled":true})", "application/json");
  EXPECT_EQ(patch_forbidden->status, 403);

  auto list = Get("/api/v1/admin/users", admin);
  ASSERT_EQ(list->status, 200);
  std::set<std::string> names;
  const auto users = Json(list);
  for (const auto& u : users["users"]) names.insert(u["username"]);
  EXPECT_EQ(names, (std::set<std::string>{"root", "alice"}));

  auto quota = client_->Patch("/api/v1/admin/users/alice", Bearer(admin),
                              R"({"quota_bytes": 12345})", "application/json");
  ASSERT_EQ(quota->status, 200) << quota->body;
  EXPECT_EQ(Json(quota)["quota_bytes"], 12345);
  auto quota_text = client_->Patch("/api/v1/admin/users/alice", Bearer(admin), R"({"quota": "2M"})",
                                   "application/json");
  ASSERT_EQ(quota_text->status, 200) << quota_text->body;
  EXPECT_EQ(Json(quota_text)["quota_bytes"], 2'000'000);
  EXPECT_EQ(client_
                ->Patch("/api/v1/admin/users/nobody", Bearer(admin), R"({"disabled":true})",
                        "application/json")
                ->status,
            404);
  EXPECT_EQ(client_
                ->Patch("/api/v1/admin/users/root", Bearer(admin), R"({"disabled":true})",
                        "application/json")
                ->status,
            422);
  EXPECT_EQ(client_->Patch("/api/v1/admin/users/alice", Bearer(admin), R"({})", "application/json")
                ->status,
            400);
}

API_TEST(ApiTest, DisabledUserIsLockedOutAtOnce) {
  const std::string admin = NewAdmin("root");
  const std::string alice = NewUser("alice");
  ASSERT_EQ(Get("/api/v1/users/me", alice)->status, 200);
  auto off = client_->Patch("/api/v1/admin/users/alice", Bearer(admin), R"({"disabled":true})",
                            "application/json");
  ASSERT_EQ(off->status, 200) << off->body;
  EXPECT_EQ(Get("/api/v1/users/me", alice)->status, 401) << "an issued token stops working";
  EXPECT_EQ(LoginRaw("alice", "correct horse")->status, 401);
  auto on = client_->Patch("/api/v1/admin/users/alice", Bearer(admin), R"({"disabled":false})",
                           "application/json");
  ASSERT_EQ(on->status, 200);
  EXPECT_EQ(Get("/api/v1/users/me", alice)->status, 401)
      << "disabling revoked the token: re-enabling does not bring it back";
  const auto again = LoginRaw("alice", "correct horse");
  ASSERT_EQ(again->status, 200);
  const std::string fresh = Json(again)["access_token"];
  EXPECT_EQ(Get("/api/v1/users/me", fresh)->status, 200);
  EXPECT_EQ(Get("/api/v1/users/me", alice)->status, 401);
}

// The server caches verified sessions; revocations made elsewhere (the CLI,
// a second server on the same home) must still count on the next request.
API_TEST(ApiTest, RevocationsByOtherProcessesCountOnTheNextRequest) {
  const std::string alice = NewUser("alice");
  const std::string alice2 = Login("alice", "correct horse");
  const std::string alice3 = Login("alice", "correct horse");
  const std::string bob = NewUser("bob");
  for (int i = 0; i < 3; ++i) {  // verified, then served from the cache
    for (const std::string* t : {&alice, &alice2, &alice3, &bob}) {
      ASSERT_EQ(Get("/api/v1/photos", *t)->status, 200);
    }
  }
  // A second library on the same home, as a second server would hold.
  auto other = Library::Open(config_);
  ASSERT_TRUE(other.ok()) << other.status().message();
  auto claims = VerifyJwt(alice, config_.secret_key, std::time(nullptr));
  ASSERT_TRUE(claims.ok());
  ASSERT_TRUE((*other)->RevokeSession(claims->jti).ok());
  EXPECT_EQ(Get("/api/v1/photos", alice)->status, 401) << "logged out elsewhere";
  EXPECT_EQ(Get("/api/v1/photos", alice2)->status, 200);
  ASSERT_TRUE((*other)->ChangeUser("alice", {.disabled = true}).ok());
  EXPECT_EQ(Get("/api/v1/photos", alice2)->status, 401) << "disabled elsewhere";
  ASSERT_TRUE((*other)->ChangeUser("alice", {.disabled = false}).ok());
  EXPECT_EQ(Get("/api/v1/photos", alice2)->status, 401) << "disabling revoked it for good";
  const std::string alice4 = Login("alice", "correct horse");
  EXPECT_EQ(Get("/api/v1/photos", alice4)->status, 200);
  claims = VerifyJwt(alice4, config_.secret_key, std::time(nullptr));
  ASSERT_TRUE(claims.ok());
  const std::string alice5 = Login("alice", "correct horse");
  EXPECT_EQ(Get("/api/v1/photos", alice5)->status, 200);
  ASSERT_TRUE((*other)->RevokeOtherSessions(std::stoll(claims->sub), claims->jti).ok());
  EXPECT_EQ(Get("/api/v1/photos", alice5)->status, 401) << "password changed elsewhere";
  EXPECT_EQ(Get("/api/v1/photos", alice4)->status, 200);
  // Another process: the CLI removes bob while his token is cached here.
  const auto removed = testing::RunCommand(testing::OctopusBinary() + " --home " +
                                           testing::Quote(config_.home.string()) + Database() +
                                           " user remove bob --yes");
  ASSERT_EQ(removed.exit_code, 0) << removed.output;
  EXPECT_EQ(Get("/api/v1/photos", bob)->status, 401) << "removed by the CLI";
  EXPECT_EQ(Get("/api/v1/photos", alice4)->status, 200);
  // The CLI resets alice's password: every session of hers is signed out.
  const auto reset = testing::RunCommand(
      "printf '%s\\n' 'a new long password' | " + testing::OctopusBinary() + " --home " +
      testing::Quote(config_.home.string()) + Database() + " user passwd alice --password-stdin");
  ASSERT_EQ(reset.exit_code, 0) << reset.output;
  EXPECT_EQ(Get("/api/v1/photos", alice4)->status, 401) << "password reset by the CLI";
  EXPECT_FALSE(Login("alice", "a new long password").empty());
}

// A first delay far longer than any hash, so that no test depends on how
// long one takes.
class ApiSlowingTest : public ApiTest {
 public:
  ApiSlowingTest() {
    options_.throttle.base_delay = std::chrono::seconds(600);
    options_.throttle.max_delay = std::chrono::seconds(600);
  }
};

TEST_F(ApiSlowingTest, LoginIsSlowedPerUserAndAddress) {
  NewUser("alice");
  int refused = 0;
  for (int i = 0; i < options_.throttle.free_attempts; ++i) {
    refused += LoginRaw("alice", "wrong password")->status == 401;
  }
  EXPECT_EQ(refused, options_.throttle.free_attempts);
  auto blocked = LoginRaw("alice", "correct horse");
  ASSERT_TRUE(blocked);
  EXPECT_EQ(blocked->status, 429) << "the right password too waits out the delay";
  EXPECT_EQ(ErrorCode(blocked), "too_many_requests");
  const std::string retry_after = blocked->get_header_value("Retry-After");
  ASSERT_FALSE(retry_after.empty());
  EXPECT_GT(std::stoi(retry_after), 500);
  EXPECT_LE(std::stoi(retry_after), 600);
}

// Names ignore case at login, so the throttle must too: otherwise "Alice",
// "ALICE", "aLice"... would each get their own count of guesses at alice's
// password.
TEST_F(ApiTest, LoginThrottleCountsEveryCaseOfANameAsOne) {
  NewUser("alice");
  const std::vector<std::string> spellings = {"Alice", "ALICE", "aLice", "alIce",
                                              "aliCe", "alicE", "ALice", "AlIcE"};
  // The free attempts of the pair (alice, this address) spent under other
  // spellings: the next login waits, whatever its spelling.
  ASSERT_GE(spellings.size(), static_cast<std::size_t>(options_.throttle.free_attempts));
  for (int i = 0; i < options_.throttle.free_attempts; ++i) {
    EXPECT_EQ(LoginRaw(spellings[i], "wrong password")->status, 401);
  }
  EXPECT_EQ(LoginRaw("alice", "correct horse")->status, 429);
}

class ApiThrottleAddressTest : public ApiTest {
 public:
  ApiThrottleAddressTest() {
    options_.throttle.free_attempts = 100;
    options_.throttle.max_attempts_per_address = 4;
  }
};

TEST_F(ApiThrottleAddressTest, LoginIsThrottledPerAddress) {
  NewUser("alice");
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(LoginRaw("guess" + std::to_string(i), "wrong password")->status, 401);
  }
  EXPECT_EQ(LoginRaw("alice", "correct horse")->status, 429);
}

TEST_F(ApiTest, UnknownRoutesAre404JsonAndHealthWorks) {
  auto r = client_->Get("/api/v1/nope");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 404);
  EXPECT_EQ(ErrorCode(r), "not_found");
  auto health = client_->Get("/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(Json(health)["status"], "ok");
  EXPECT_EQ(health->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_FALSE(health->has_header("Access-Control-Allow-Origin")) << "CORS is off by default";
}

class ApiCorsTest : public ApiTest {
 public:
  ApiCorsTest() { settings_["OCTOPUS_CORS_ORIGIN"] = "https://app.example"; }
};

TEST_F(ApiCorsTest, AllowsTheConfiguredOriginOnly) {
  auto ok = client_->Get("/health", {{"Origin", "https://app.example"}});
  EXPECT_EQ(ok->get_header_value("Access-Control-Allow-Origin"), "https://app.example");
  auto other = client_->Get("/health", {{"Origin", "https://evil.example"}});
  EXPECT_FALSE(other->has_header("Access-Control-Allow-Origin"));
  auto preflight = client_->Options("/api/v1/photos", {{"Origin", "https://app.example"}});
  ASSERT_TRUE(preflight);
  EXPECT_EQ(preflight->status, 204);
}

}  // namespace
}  // namespace octopus::http
