// Token verification with a fixed key. Mode 0 feeds the input as a token.
// Mode 1 takes the input as a payload (and, after a NUL, a header) and
// signs it correctly with the key, so that the fuzzer gets past the
// signature into the header and claims checks. Properties: no crash; an
// accepted token has a non-empty sub and jti and is not expired, and its
// claims survive signing and verifying again; base64url decoding is
// canonical (what decodes re-encodes to the same text).
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/jwt.h"

namespace {

using octopus::http::Base64UrlEncode;

constexpr std::string_view kKey = "fuzzing key: fixed, 32 bytes long";
constexpr std::int64_t kNow = 1'700'000'000;

void Check(bool ok) {
  if (!ok) std::abort();
}

void Verify(std::string_view token) {
  auto claims = octopus::http::VerifyJwt(token, kKey, kNow);
  if (!claims.ok()) return;
  Check(!claims->sub.empty() && !claims->jti.empty());
  Check(claims->exp > kNow);
  auto again = octopus::http::VerifyJwt(octopus::http::SignJwt(*claims, kKey), kKey, kNow);
  Check(again.ok() && again->sub == claims->sub && again->jti == claims->jti &&
        again->exp == claims->exp && again->iat == claims->iat);
}

std::string Sign(std::string_view header, std::string_view payload) {
  const std::string input = Base64UrlEncode(header) + "." + Base64UrlEncode(payload);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kKey.data(), static_cast<int>(kKey.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac, &len);
  return input + "." + Base64UrlEncode({reinterpret_cast<const char*>(mac), len});
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::string decoded;
  if (octopus::http::Base64UrlDecode(input, &decoded)) {
    Check(Base64UrlEncode(decoded) == input);
  }
  if (data[0] % 2 == 0) {
    Verify(input);
  } else {
    const auto nul = input.find('\0');
    const std::string_view payload = input.substr(0, nul);
    const std::string_view header = nul == std::string_view::npos
                                        ? std::string_view(R"({"alg":"HS256","typ":"JWT"})")
                                        : input.substr(nul + 1);
    Verify(Sign(header, payload));
  }
  return 0;
}
