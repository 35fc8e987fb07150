// The verified-token cache: a token it accepted once is accepted again
// without a new HMAC, but every forgery built from it, its expiry, and
// tokens of another key are still refused.
#include "http/token_cache.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace octopus::http {
namespace {

const std::string kKey = "0123456789abcdef0123456789abcdef";

std::string Token(const std::string& sub, std::int64_t exp, const std::string& key = kKey) {
  JwtClaims c;
  c.sub = sub;
  c.iat = 1000;
  c.exp = exp;
  c.jti = "jti-" + sub;
  return SignJwt(c, key);
}

class TokenCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Verified twice: the second answer comes from the cache.
    for (int i = 0; i < 2; ++i) {
      auto claims = cache_.Verify(token_, 1500);
      ASSERT_TRUE(claims.ok()) << claims.status().message();
      ASSERT_EQ(claims->sub, "42");
      ASSERT_EQ(claims->jti, "jti-42");
      ASSERT_EQ(claims->exp, 2000);
    }
  }
  bool Refused(const std::string& token, std::int64_t now = 1500) {
    auto claims = cache_.Verify(token, now);
    return !claims.ok() && claims.status().code() == Code::kUnauthenticated;
  }

  VerifiedTokenCache cache_{kKey};
  const std::string token_ = Token("42", 2000);
};

TEST_F(TokenCacheTest, ExpiryIsCheckedOnEveryUse) {
  EXPECT_TRUE(Refused(token_, 2000));
  EXPECT_TRUE(Refused(token_, 9999));
  EXPECT_FALSE(Refused(token_, 1999)) << "still valid a second before";
}

TEST_F(TokenCacheTest, EveryChangeToACachedTokenIsVerifiedInFull) {
  const auto dot1 = token_.find('.');
  const auto dot2 = token_.rfind('.');
  // Another payload under the cached token's header and signature.
  const std::string payload = Base64UrlEncode(
      nlohmann::json{{"sub", "1"}, {"iat", 1000}, {"exp", 2000}, {"jti", "jti-42"}}.dump());
  EXPECT_TRUE(Refused(token_.substr(0, dot1 + 1) + payload + token_.substr(dot2)));
  for (std::size_t at : {std::size_t{0}, dot1 + 2, dot2 + 3, token_.size() - 1}) {
    std::string flipped = token_;
    flipped[at] = flipped[at] == 'A' ? 'B' : 'A';
    EXPECT_TRUE(Refused(flipped)) << "byte " << at;
  }
  EXPECT_TRUE(Refused(token_.substr(0, token_.size() - 1))) << "truncated signature";
  EXPECT_TRUE(Refused(token_.substr(0, dot2))) << "no signature";
  EXPECT_TRUE(Refused(token_ + "A")) << "extended signature";
  EXPECT_TRUE(Refused(token_ + ".")) << "an extra part";
}

TEST_F(TokenCacheTest, TokensOfAnotherKeyAreRefusedAndNotCached) {
  const std::string other = Token("42", 2000, "another key, as long as the first one");
  EXPECT_TRUE(Refused(other));
  EXPECT_TRUE(Refused(other)) << "a refusal must not be remembered as a success";
  // A cache under another key does not accept this server's tokens.
  VerifiedTokenCache elsewhere("another key, as long as the first one");
  EXPECT_FALSE(elsewhere.Verify(token_, 1500).ok());
}

TEST_F(TokenCacheTest, ManyClientsStayCorrectPastTheCacheBound) {
  for (int i = 0; i < 5000; ++i) {
    const std::string sub = std::to_string(i);
    auto claims = cache_.Verify(Token(sub, 2000), 1500);
    ASSERT_TRUE(claims.ok());
    ASSERT_EQ(claims->sub, sub);
  }
  EXPECT_FALSE(Refused(token_));
  EXPECT_TRUE(Refused(token_, 2001));
}

}  // namespace
}  // namespace octopus::http
