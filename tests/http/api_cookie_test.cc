// Browser sessions: the octopus_session cookie and its CSRF defences, as an
// attacker would probe them (issue 17).
#include "tests/http/api_fixture.h"

namespace octopus::http {
namespace {

class ApiCookieTest : public ApiTest {
 protected:
  // alice (with a photo) signed in by cookie, bob by bearer with a photo.
  void SetUpTwoUsers() {
    alice_token_ = NewUser("alice");
    alice_photo_ = UploadJpeg(alice_token_, 1).value("id", "");
    bob_token_ = NewUser("bob");
    bob_photo_ = UploadJpeg(bob_token_, 2).value("id", "");
    alice_ = CookieLogin("alice");
    ASSERT_FALSE(alice_.cookie.empty());
    ASSERT_FALSE(alice_.csrf.empty());
  }

  httplib::Result Rename(const std::string& id, const httplib::Headers& headers) {
    return Patch("/api/v1/photos/" + id, {{"filename", "renamed.jpg"}}, headers);
  }
  std::string FileName(const std::string& id) {
    return Json(Get("/api/v1/photos/" + id, alice_token_)).value("filename", "");
  }

  std::string alice_token_, bob_token_, alice_photo_, bob_photo_;
  Session alice_;
};

TEST_F(ApiCookieTest, CookieLoginSetsAHardenedCookieAndNoToken) {
  NewUser("alice");
  auto r = CookieLoginRaw("alice");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string set_cookie = r->get_header_value("Set-Cookie");
  EXPECT_EQ(set_cookie.rfind("octopus_session=", 0), 0u) << set_cookie;
  for (const char* attribute : {"; HttpOnly", "; SameSite=Strict", "; Path=/"}) {
    EXPECT_NE(set_cookie.find(attribute), std::string::npos) << attribute << " in " << set_cookie;
  }
  EXPECT_NE(set_cookie.find("; Max-Age=" + std::to_string(config_.token_ttl_seconds)),
            std::string::npos)
      << set_cookie;
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos) << "plain HTTP: " << set_cookie;
  const auto j = Json(r);
  EXPECT_FALSE(j.contains("access_token")) << r->body;
  const std::string token = set_cookie.substr(16, set_cookie.find(';') - 16);
  EXPECT_EQ(r->body.find(token), std::string::npos) << "the token is only in the cookie";
  EXPECT_EQ(j["user"]["name"], "alice");
  EXPECT_EQ(j["user"]["is_admin"], false);
  EXPECT_TRUE(j["user"]["id"].is_number_integer());
  EXPECT_FALSE(j.value("csrf_token", "").empty());
  EXPECT_GT(j.value("expires_at", 0), NowSeconds());
  // The same signed token as a bearer login.
  auto me = Get("/api/v1/users/me", token);
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 200);
}

TEST_F(ApiCookieTest, BearerLoginIsUnchanged) {
  NewUser("alice");
  for (const nlohmann::json& body :
       {nlohmann::json{{"username", "alice"}, {"password", "correct horse"}},
        nlohmann::json{
            {"username", "alice"}, {"password", "correct horse"}, {"session", "bearer"}}}) {
    auto r = PostJson("/api/v1/auth/login", body);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_FALSE(r->has_header("Set-Cookie"));
    EXPECT_TRUE(Json(r).contains("access_token"));
  }
  auto bad = PostJson("/api/v1/auth/login",
                      {{"username", "alice"}, {"password", "correct horse"}, {"session", "jar"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 422);
}

TEST_F(ApiCookieTest, CookieLoginsShareTheLoginThrottle) {
  NewUser("alice");
  // Three free attempts, whichever kind of login makes them.
  for (int i = 0; i < 2; ++i) EXPECT_EQ(LoginRaw("alice", "wrong password")->status, 401);
  EXPECT_EQ(CookieLoginRaw("alice", {}, "wrong password")->status, 401);
  auto r = CookieLoginRaw("alice");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 429) << r->body;
  EXPECT_TRUE(r->has_header("Retry-After"));
  EXPECT_FALSE(r->has_header("Set-Cookie"));
}

TEST_F(ApiCookieTest, CookieAloneAuthorisesReads) {
  SetUpTwoUsers();
  auto list = client_->Get("/api/v1/photos", alice_.Headers(false));
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  ASSERT_EQ(Json(list)["photos"].size(), 1u);
  EXPECT_EQ(Json(list)["photos"][0]["id"], alice_photo_);
  auto thumb = client_->Get(("/api/v1/photos/" + alice_photo_ + "/thumbnail").c_str(),
                            alice_.Headers(false));
  ASSERT_TRUE(thumb);
  EXPECT_EQ(thumb->status, 200);
  EXPECT_EQ(thumb->get_header_value("Content-Type"), "image/jpeg");
  EXPECT_EQ(thumb->get_header_value("Cache-Control"), "private, max-age=31536000, immutable");
  auto original =
      client_->Get(("/api/v1/photos/" + alice_photo_ + "/original").c_str(), alice_.Headers(false));
  ASSERT_TRUE(original);
  EXPECT_EQ(original->status, 200);
  // Without the cookie: the same request is refused.
  auto none = client_->Get("/api/v1/photos");
  ASSERT_TRUE(none);
  EXPECT_EQ(none->status, 401);
}

TEST_F(ApiCookieTest, ChangesNeedTheSessionsCsrfToken) {
  SetUpTwoUsers();
  const Session second = CookieLogin("alice");  // another session of the same user
  const Session bob = CookieLogin("bob");
  ASSERT_NE(second.csrf, alice_.csrf);
  struct Attempt {
    const char* what;
    httplib::Headers headers;
  };
  const std::vector<Attempt> refused = {
      {"no token", alice_.Headers(false)},
      {"wrong token",
       {{"Cookie", alice_.cookie}, {"X-CSRF-Token", "AAAA" + alice_.csrf.substr(4)}}},
      {"empty token", {{"Cookie", alice_.cookie}, {"X-CSRF-Token", ""}}},
      {"another session's token", {{"Cookie", alice_.cookie}, {"X-CSRF-Token", second.csrf}}},
      {"another user's token", {{"Cookie", alice_.cookie}, {"X-CSRF-Token", bob.csrf}}},
  };
  for (const Attempt& a : refused) {
    auto patch = Rename(alice_photo_, a.headers);
    ASSERT_TRUE(patch) << a.what;
    EXPECT_EQ(patch->status, 403) << a.what;
    EXPECT_EQ(ErrorCode(patch), "csrf") << a.what;
    auto del = client_->Delete(("/api/v1/photos/" + alice_photo_).c_str(), a.headers);
    ASSERT_TRUE(del) << a.what;
    EXPECT_EQ(del->status, 403) << a.what;
    auto post = client_->Post("/api/v1/auth/logout", a.headers, "", "application/json");
    ASSERT_TRUE(post) << a.what;
    EXPECT_EQ(post->status, 403) << a.what;
    httplib::MultipartFormDataItems items{
        {"file", testing::MakeJpeg(64, 48, 9), "x.jpg", "image/jpeg"}};
    auto upload = client_->Post("/api/v1/photos", a.headers, items);
    ASSERT_TRUE(upload) << a.what;
    EXPECT_EQ(upload->status, 403) << a.what;
  }
  EXPECT_EQ(FileName(alice_photo_), "img1.jpg") << "nothing changed";
  EXPECT_EQ(Json(Get("/api/v1/photos", alice_token_))["photos"].size(), 1u) << "nothing stored";

  auto patch = Rename(alice_photo_, alice_.Headers());
  ASSERT_TRUE(patch);
  EXPECT_EQ(patch->status, 200) << patch->body;
  EXPECT_EQ(FileName(alice_photo_), "renamed.jpg");
  httplib::MultipartFormDataItems items{
      {"file", testing::MakeJpeg(64, 48, 9), "x.jpg", "image/jpeg"}};
  auto upload = client_->Post("/api/v1/photos", alice_.Headers(), items);
  ASSERT_TRUE(upload);
  EXPECT_EQ(upload->status, 201) << upload->body;
  auto del = client_->Delete(("/api/v1/photos/" + alice_photo_).c_str(), alice_.Headers());
  ASSERT_TRUE(del);
  EXPECT_LT(del->status, 300) << del->body;
}

TEST_F(ApiCookieTest, RequestsFromAnotherSiteAreRefused) {
  SetUpTwoUsers();
  const std::string own = "http://127.0.0.1:" + std::to_string(server_->port());
  for (const auto& [name, value] : std::vector<std::pair<std::string, std::string>>{
           {"Origin", "http://evil.example"},
           {"Origin", "null"},
           {"Origin", "https://127.0.0.1:" + std::to_string(server_->port())},
           {"Sec-Fetch-Site", "cross-site"}}) {
    httplib::Headers h = alice_.Headers();
    h.emplace(name, value);
    auto r = Rename(alice_photo_, h);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << name << ": " << value;
    EXPECT_EQ(ErrorCode(r), "csrf") << name << ": " << value;
  }
  EXPECT_EQ(FileName(alice_photo_), "img1.jpg");
  // The page's own requests carry its origin and same-origin.
  httplib::Headers h = alice_.Headers();
  h.emplace("Origin", own);
  h.emplace("Sec-Fetch-Site", "same-origin");
  auto r = Rename(alice_photo_, h);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  // A bearer request is not a browser's forgery: no CSRF check.
  auto bearer =
      Patch("/api/v1/photos/" + alice_photo_, {{"filename", "b.jpg"}},
            {{"Authorization", "Bearer " + alice_token_}, {"Origin", "http://evil.example"}});
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->status, 200) << bearer->body;
}

TEST_F(ApiCookieTest, CrossSiteCookieLoginIsRefused) {
  NewUser("alice");
  for (const auto& header : std::vector<httplib::Headers>{{{"Origin", "http://evil.example"}},
                                                          {{"Sec-Fetch-Site", "cross-site"}}}) {
    auto r = CookieLoginRaw("alice", header);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 403) << r->body;
    EXPECT_EQ(ErrorCode(r), "csrf");
    EXPECT_FALSE(r->has_header("Set-Cookie"));
  }
  auto same =
      CookieLoginRaw("alice", {{"Origin", "http://127.0.0.1:" + std::to_string(server_->port())},
                               {"Sec-Fetch-Site", "same-origin"}});
  ASSERT_TRUE(same);
  EXPECT_EQ(same->status, 200) << same->body;
}

TEST_F(ApiCookieTest, LoggedOutSessionCookieIsRefused) {
  SetUpTwoUsers();
  auto out = client_->Post("/api/v1/auth/logout", alice_.Headers(), "", "application/json");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 204) << out->body;
  const std::string cleared = out->get_header_value("Set-Cookie");
  EXPECT_EQ(cleared.rfind("octopus_session=;", 0), 0u) << cleared;
  EXPECT_NE(cleared.find("Max-Age=0"), std::string::npos) << cleared;
  EXPECT_NE(cleared.find("HttpOnly"), std::string::npos) << cleared;
  for (const char* path : {"/api/v1/photos", "/api/v1/auth/session"}) {
    auto r = client_->Get(path, alice_.Headers());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 401) << path;
  }
  auto patch = Rename(alice_photo_, alice_.Headers());
  ASSERT_TRUE(patch);
  EXPECT_EQ(patch->status, 401);
  // The bearer session is another session: still alive.
  EXPECT_EQ(Get("/api/v1/photos", alice_token_)->status, 200);
}

TEST_F(ApiCookieTest, DisabledUsersCookieIsRefused) {
  SetUpTwoUsers();
  const std::string admin = NewAdmin("root");
  auto disabled = Patch("/api/v1/admin/users/alice", {{"disabled", true}},
                        {{"Authorization", "Bearer " + admin}});
  ASSERT_TRUE(disabled);
  ASSERT_EQ(disabled->status, 200) << disabled->body;
  auto r = client_->Get("/api/v1/photos", alice_.Headers());
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

TEST_F(ApiCookieTest, AnotherUsersPhotoIsNotFound) {
  SetUpTwoUsers();
  const std::string path = "/api/v1/photos/" + bob_photo_;
  for (const std::string& p : {path, path + "/thumbnail", path + "/original"}) {
    auto r = client_->Get(p.c_str(), alice_.Headers());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404) << p;
  }
  auto patch = Rename(bob_photo_, alice_.Headers());
  ASSERT_TRUE(patch);
  EXPECT_EQ(patch->status, 404);
  auto del = client_->Delete(path.c_str(), alice_.Headers());
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 404);
  EXPECT_EQ(Get(path, bob_token_)->status, 200) << "bob's photo is untouched";
}

TEST_F(ApiCookieTest, SessionEndpointSaysWhoIsSignedIn) {
  SetUpTwoUsers();
  auto anonymous = client_->Get("/api/v1/auth/session");
  ASSERT_TRUE(anonymous);
  EXPECT_EQ(anonymous->status, 401);
  auto r = client_->Get("/api/v1/auth/session", alice_.Headers(false));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto j = Json(r);
  EXPECT_EQ(j["user"]["name"], "alice");
  EXPECT_EQ(j["csrf_token"], alice_.csrf) << "the same token after a reload";
  auto bearer = Get("/api/v1/auth/session", bob_token_);
  ASSERT_TRUE(bearer);
  EXPECT_EQ(bearer->status, 200);
  EXPECT_EQ(Json(bearer)["user"]["name"], "bob");
}

TEST_F(ApiCookieTest, BearerHeaderWinsOverTheCookie) {
  SetUpTwoUsers();
  httplib::Headers h = alice_.Headers(false);
  h.emplace("Authorization", "Bearer " + bob_token_);
  auto me = client_->Get("/api/v1/auth/session", h);
  ASSERT_TRUE(me);
  EXPECT_EQ(Json(me)["user"]["name"], "bob");
  // A bad bearer header is not rescued by a good cookie.
  httplib::Headers bad = alice_.Headers(false);
  bad.emplace("Authorization", "Bearer not-a-token");
  auto r = client_->Get("/api/v1/photos", bad);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
}

TEST_F(ApiCookieTest, TwoSessionCookiesAreRefused) {
  SetUpTwoUsers();
  const Session bob = CookieLogin("bob");
  auto r = client_->Get("/api/v1/photos", {{"Cookie", alice_.cookie + "; " + bob.cookie}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401) << "a planted second cookie is not guessed between";
  auto other = client_->Get("/api/v1/photos", {{"Cookie", "theme=dark; " + alice_.cookie}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200) << "other cookies are ignored";
}

TEST_F(ApiTlsTest, CookieIsSecureUnderTls) {
  if (!have_openssl_) GTEST_SKIP() << "no openssl command to make a certificate";
  library_->CreateUser("alice", "correct horse", -1, false).value();
  httplib::SSLClient client("127.0.0.1", server_->port());
  client.enable_server_certificate_verification(false);
  client.set_connection_timeout(10);
  const nlohmann::json body = {
      {"username", "alice"}, {"password", "correct horse"}, {"session", "cookie"}};
  auto r = client.Post("/api/v1/auth/login", body.dump(), "application/json");
  ASSERT_TRUE(r) << httplib::to_string(r.error());
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string set_cookie = r->get_header_value("Set-Cookie");
  EXPECT_NE(set_cookie.find("; Secure"), std::string::npos) << set_cookie;
  EXPECT_NE(set_cookie.find("; HttpOnly"), std::string::npos) << set_cookie;
  // The page's origin under TLS is https://host: it may change things.
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));
  auto out = client.Post("/api/v1/auth/logout",
                         {{"Cookie", cookie},
                          {"X-CSRF-Token", Json(r).value("csrf_token", "")},
                          {"Origin", "https://127.0.0.1:" + std::to_string(server_->port())}},
                         "", "application/json");
  ASSERT_TRUE(out);
  EXPECT_EQ(out->status, 204) << out->body;
  EXPECT_NE(out->get_header_value("Set-Cookie").find("; Secure"), std::string::npos);
  // The dead cookie is cleared by the guard, Secure as it was set.
  auto dead = client.Get("/api/v1/photos", {{"Cookie", cookie}});
  ASSERT_TRUE(dead);
  EXPECT_EQ(dead->status, 401) << dead->body;
  EXPECT_NE(dead->get_header_value("Set-Cookie").find("; Secure"), std::string::npos);
}

}  // namespace
}  // namespace octopus::http
