#include "http/browser_session.h"

#include <gtest/gtest.h>

namespace octopus::http {
namespace {

httplib::Request WithCookies(std::initializer_list<std::string> cookies) {
  httplib::Request req;
  for (const std::string& c : cookies) req.headers.emplace("Cookie", c);
  return req;
}

TEST(BrowserSessionTest, FindsTheSessionCookieAmongOthers) {
  EXPECT_EQ(SessionCookie(WithCookies({"octopus_session=a.b.c"})), "a.b.c");
  EXPECT_EQ(SessionCookie(WithCookies({"theme=dark; octopus_session=a.b.c; lang=en"})), "a.b.c");
  EXPECT_EQ(SessionCookie(WithCookies({"theme=dark", " octopus_session = \"a.b.c\" "})), "a.b.c");
  EXPECT_EQ(SessionCookie(WithCookies({})), std::nullopt);
  EXPECT_EQ(SessionCookie(WithCookies({"octopus_session="})), std::nullopt);
  EXPECT_EQ(SessionCookie(WithCookies({"xoctopus_session=a; octopus_sessionx=b"})), std::nullopt);
  EXPECT_EQ(SessionCookie(WithCookies({"octopus_session"})), std::nullopt);
}

TEST(BrowserSessionTest, TwoSessionCookiesAreNone) {
  EXPECT_EQ(SessionCookie(WithCookies({"octopus_session=a; octopus_session=b"})), std::nullopt);
  EXPECT_EQ(SessionCookie(WithCookies({"octopus_session=a", "octopus_session=a"})), std::nullopt);
}

TEST(BrowserSessionTest, CsrfTokenBelongsToOneSessionAndKey) {
  const std::string token = CsrfToken("key", "jti-1");
  EXPECT_EQ(token.size(), 43u);  // 32 bytes, base64url without padding
  EXPECT_EQ(token, CsrfToken("key", "jti-1"));
  EXPECT_NE(token, CsrfToken("key", "jti-2"));
  EXPECT_NE(token, CsrfToken("other key", "jti-1"));
}

TEST(BrowserSessionTest, CookieHeaders) {
  EXPECT_EQ(SessionCookieHeader("t.o.k", 3600, false),
            "octopus_session=t.o.k; HttpOnly; SameSite=Strict; Path=/; Max-Age=3600");
  EXPECT_EQ(SessionCookieHeader("t.o.k", 60, true),
            "octopus_session=t.o.k; HttpOnly; SameSite=Strict; Path=/; Max-Age=60; Secure");
  EXPECT_EQ(ClearedSessionCookieHeader(false),
            "octopus_session=; Max-Age=0; Path=/; HttpOnly; SameSite=Strict");
}

TEST(BrowserSessionTest, CrossSiteRequestsAreRefused) {
  httplib::Request req;
  req.headers.emplace("Host", "photos.example:8080");
  EXPECT_FALSE(CrossSiteRefusal(req, "http"));  // no Origin, no Sec-Fetch-Site: curl
  req.headers.emplace("Origin", "http://Photos.Example:8080");
  EXPECT_FALSE(CrossSiteRefusal(req, "http"));
  EXPECT_TRUE(CrossSiteRefusal(req, "https"));  // another scheme is another origin
  req.headers.emplace("Sec-Fetch-Site", "cross-site");
  auto refused = CrossSiteRefusal(req, "http");
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 403);
  EXPECT_EQ(refused->code, "csrf");
  httplib::Request other;
  other.headers.emplace("Host", "photos.example:8080");
  other.headers.emplace("Origin", "http://photos.example:8080.evil.example");
  EXPECT_TRUE(CrossSiteRefusal(other, "http"));
}

TEST(BrowserSessionTest, CsrfHeaderMustBeTheSessionsToken) {
  httplib::Request req;
  req.method = "POST";
  EXPECT_TRUE(CheckCookieRequest(req, "http", "key", "jti"));
  req.headers.emplace("X-CSRF-Token", CsrfToken("key", "other"));
  EXPECT_TRUE(CheckCookieRequest(req, "http", "key", "jti"));
  req.headers.erase("X-CSRF-Token");
  req.headers.emplace("x-csrf-token", CsrfToken("key", "jti"));  // any case, as HTTP says
  EXPECT_FALSE(CheckCookieRequest(req, "http", "key", "jti"));
}

TEST(BrowserSessionTest, SchemeFromATrustedProxyOnly) {
  auto trusted = TrustedProxies::Parse("10.0.0.1");
  ASSERT_TRUE(trusted.ok());
  httplib::Request req;
  req.remote_addr = "10.0.0.2";
  req.headers.emplace("X-Forwarded-Proto", "https");
  EXPECT_EQ(RequestScheme(false, *trusted, req), "http");
  req.remote_addr = "10.0.0.1";
  EXPECT_EQ(RequestScheme(false, *trusted, req), "https");
  EXPECT_EQ(RequestScheme(true, TrustedProxies(), req), "https");
  EXPECT_TRUE(IsUnsafeMethod("PATCH") && IsUnsafeMethod("DELETE") && IsUnsafeMethod("PUT"));
  EXPECT_FALSE(IsUnsafeMethod("GET") || IsUnsafeMethod("HEAD") || IsUnsafeMethod("OPTIONS"));
}

}  // namespace
}  // namespace octopus::http
