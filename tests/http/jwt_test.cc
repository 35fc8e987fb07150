// HS256 tokens: what is accepted, and every way a forged one is refused.
#include "http/jwt.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <vector>

namespace octopus::http {
namespace {

const std::string kKey = "0123456789abcdef0123456789abcdef";

JwtClaims Claims(std::int64_t exp = 2000) {
  JwtClaims c;
  c.sub = "42";
  c.iat = 1000;
  c.exp = exp;
  c.jti = "abc123";
  return c;
}

std::string Part(const nlohmann::json& j) { return Base64UrlEncode(j.dump()); }

TEST(Base64UrlTest, RoundTripsAndIsStrict) {
  const std::vector<std::string> samples = {
      "", "f", "fo", "foo", "foob", "fooba", "foobar", std::string("\xff\xfe\x00", 3)};
  for (const std::string& s : samples) {
    std::string out;
    ASSERT_TRUE(Base64UrlDecode(Base64UrlEncode(s), &out));
    EXPECT_EQ(out, s);
  }
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  std::string out;
  EXPECT_FALSE(Base64UrlDecode("Zm9v=", &out));  // padding
  EXPECT_FALSE(Base64UrlDecode("Zm+v", &out));   // base64, not base64url
  EXPECT_FALSE(Base64UrlDecode("Z", &out));      // impossible length
  EXPECT_FALSE(Base64UrlDecode("Zh", &out));     // non-zero leftover bits
}

TEST(JwtTest, SignedTokenVerifies) {
  const std::string token = SignJwt(Claims(), kKey);
  auto claims = VerifyJwt(token, kKey, 1500);
  ASSERT_TRUE(claims.ok()) << claims.status().message();
  EXPECT_EQ(claims->sub, "42");
  EXPECT_EQ(claims->jti, "abc123");
  EXPECT_EQ(claims->iat, 1000);
  EXPECT_EQ(claims->exp, 2000);
}

TEST(JwtTest, ExpiredTokenIsRefused) {
  const std::string token = SignJwt(Claims(2000), kKey);
  EXPECT_EQ(VerifyJwt(token, kKey, 2000).status().code(), Code::kUnauthenticated);
  EXPECT_EQ(VerifyJwt(token, kKey, 9999).status().code(), Code::kUnauthenticated);
}

TEST(JwtTest, WrongKeyIsRefused) {
  const std::string token = SignJwt(Claims(), kKey);
  EXPECT_FALSE(VerifyJwt(token, "another key another key another key", 1500).ok());
}

TEST(JwtTest, TamperedPayloadIsRefused) {
  const std::string token = SignJwt(Claims(), kKey);
  const auto dot1 = token.find('.');
  const auto dot2 = token.rfind('.');
  nlohmann::json payload = {{"sub", "1"}, {"iat", 1000}, {"exp", 2000}, {"jti", "abc123"}};
  const std::string forged = token.substr(0, dot1 + 1) + Part(payload) + token.substr(dot2);
  EXPECT_FALSE(VerifyJwt(forged, kKey, 1500).ok());
  std::string flipped = token;
  flipped[dot2 + 3] = flipped[dot2 + 3] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(VerifyJwt(flipped, kKey, 1500).ok());
}

TEST(JwtTest, AlgNoneAndOtherAlgorithmsAreRefused) {
  const nlohmann::json payload = {{"sub", "42"}, {"iat", 1000}, {"exp", 2000}, {"jti", "x"}};
  for (const char* alg : {"none", "None", "HS512", "RS256", "hs256"}) {
    const std::string unsigned_token =
        Part({{"alg", alg}, {"typ", "JWT"}}) + "." + Part(payload) + ".";
    EXPECT_FALSE(VerifyJwt(unsigned_token, kKey, 1500).ok()) << alg;
  }
  // A header without alg at all.
  EXPECT_FALSE(VerifyJwt(Part({{"typ", "JWT"}}) + "." + Part(payload) + ".", kKey, 1500).ok());
}

TEST(JwtTest, MalformedTokensAreRefused) {
  const std::vector<std::string> tokens = {
      "", "a", "a.b", "a.b.c.d", "...", "e30.e30.", std::string(5000, 'a') + ".b.c"};
  for (const std::string& bad : tokens) {
    EXPECT_EQ(VerifyJwt(bad, kKey, 1500).status().code(), Code::kUnauthenticated) << bad;
  }
}

TEST(JwtTest, MissingClaimsAreRefused) {
  // Correctly signed, but without exp: never valid.
  const std::string input = Part({{"alg", "HS256"}, {"typ", "JWT"}}) + "." +
                            Part({{"sub", "42"}, {"iat", 1}, {"jti", "x"}});
  const std::string whole = SignJwt(Claims(), kKey);
  JwtClaims c = Claims();
  c.jti = "";
  EXPECT_FALSE(VerifyJwt(SignJwt(c, kKey), kKey, 1500).ok());
  EXPECT_FALSE(VerifyJwt(input + "." + whole.substr(whole.rfind('.') + 1), kKey, 1500).ok());
}

}  // namespace
}  // namespace octopus::http
