#include "http/jwt.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>

namespace octopus::http {
namespace {

constexpr std::size_t kMaxTokenBytes = 4096;
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// One HMAC-SHA256 context per thread, keyed once: OpenSSL 3's one-shot
// HMAC() looks the algorithm up by name on every call (5% of an API request
// in perf). Each MAC starts from a copy of the keyed context.
class KeyedHmac {
 public:
  ~KeyedHmac() {
    EVP_MAC_CTX_free(keyed_);
    EVP_MAC_free(mac_);
  }
  bool Compute(std::string_view key, std::string_view data, std::array<unsigned char, 32>* out) {
    if (keyed_ == nullptr || key != key_) {
      if (!Rekey(key)) return false;
    }
    std::unique_ptr<EVP_MAC_CTX, void (*)(EVP_MAC_CTX*)> ctx(EVP_MAC_CTX_dup(keyed_),
                                                             EVP_MAC_CTX_free);
    std::size_t len = 0;
    return ctx &&
           EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(data.data()),
                          data.size()) == 1 &&
           EVP_MAC_final(ctx.get(), out->data(), &len, out->size()) == 1 && len == out->size();
  }

 private:
  bool Rekey(std::string_view key) {
    EVP_MAC_CTX_free(keyed_);
    keyed_ = nullptr;
    if (mac_ == nullptr) mac_ = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac_ == nullptr) return false;
    keyed_ = EVP_MAC_CTX_new(mac_);
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string("digest", digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (keyed_ == nullptr ||
        EVP_MAC_init(keyed_, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                     params) != 1) {
      EVP_MAC_CTX_free(keyed_);
      keyed_ = nullptr;
      return false;
    }
    key_.assign(key);
    return true;
  }

  EVP_MAC* mac_ = nullptr;
  EVP_MAC_CTX* keyed_ = nullptr;
  std::string key_;
};

Status Refuse(const std::string& why) { return Status::Unauthenticated("invalid token: " + why); }

}  // namespace

std::optional<std::array<unsigned char, 32>> HmacSha256(std::string_view key,
                                                        std::string_view data) {
  thread_local KeyedHmac hmac;
  std::array<unsigned char, 32> mac{};
  if (!hmac.Compute(key, data, &mac)) return std::nullopt;
  return mac;
}

std::string Base64UrlEncode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(data[k]); };
  for (; i + 3 <= data.size(); i += 3) {
    const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (data.size() - i == 1) {
    const unsigned v = byte(i) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (data.size() - i == 2) {
    const unsigned v = (byte(i) << 16) | (byte(i + 1) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

bool Base64UrlDecode(std::string_view text, std::string* out) {
  out->clear();
  if (text.size() % 4 == 1) return false;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = DecodeChar(c);
    if (v < 0) return false;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out->push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  // Leftover bits must be zero, or two texts would decode the same.
  return (buffer & ((1u << bits) - 1)) == 0;
}

std::string SignJwt(const JwtClaims& claims, std::string_view key) {
  const nlohmann::json header = {{"alg", "HS256"}, {"typ", "JWT"}};
  const nlohmann::json payload = {
      {"sub", claims.sub}, {"iat", claims.iat}, {"exp", claims.exp}, {"jti", claims.jti}};
  std::string signing_input =
      Base64UrlEncode(header.dump()) + "." + Base64UrlEncode(payload.dump());
  const auto mac = HmacSha256(key, signing_input);
  // Like an allocation failure: the login handler's caller answers 500.
  if (!mac) throw std::runtime_error("HMAC-SHA256 failed");
  return signing_input + "." +
         Base64UrlEncode({reinterpret_cast<const char*>(mac->data()), mac->size()});
}

Result<JwtClaims> VerifyJwt(std::string_view token, std::string_view key, std::int64_t now) {
  if (token.empty() || token.size() > kMaxTokenBytes) return Refuse("size");
  const auto dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return Refuse("structure");
  const auto dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Refuse("structure");
  }
  std::string header_text, payload_text, signature;
  if (!Base64UrlDecode(token.substr(0, dot1), &header_text) ||
      !Base64UrlDecode(token.substr(dot1 + 1, dot2 - dot1 - 1), &payload_text) ||
      !Base64UrlDecode(token.substr(dot2 + 1), &signature)) {
    return Refuse("encoding");
  }
  const auto header = nlohmann::json::parse(header_text, nullptr, false);
  if (!header.is_object()) return Refuse("header");
  const auto alg = header.find("alg");
  if (alg == header.end() || !alg->is_string() || alg->get<std::string>() != "HS256") {
    return Refuse("algorithm");
  }
  if (const auto typ = header.find("typ");
      typ != header.end() && (!typ->is_string() || typ->get<std::string>() != "JWT")) {
    return Refuse("type");
  }
  // Extensions that would change how the token is processed are refused.
  if (header.contains("crit") || header.contains("jku") || header.contains("jwk") ||
      header.contains("x5u")) {
    return Refuse("header parameters");
  }
  const auto mac = HmacSha256(key, token.substr(0, dot2));
  if (!mac || signature.size() != mac->size() ||
      CRYPTO_memcmp(signature.data(), mac->data(), mac->size()) != 0) {
    return Refuse("signature");
  }
  const auto payload = nlohmann::json::parse(payload_text, nullptr, false);
  if (!payload.is_object()) return Refuse("payload");
  const auto sub = payload.find("sub");
  const auto iat = payload.find("iat");
  const auto exp = payload.find("exp");
  const auto jti = payload.find("jti");
  if (sub == payload.end() || !sub->is_string() || iat == payload.end() ||
      !iat->is_number_integer() || exp == payload.end() || !exp->is_number_integer() ||
      jti == payload.end() || !jti->is_string()) {
    return Refuse("claims");
  }
  JwtClaims claims;
  claims.sub = sub->get<std::string>();
  claims.iat = iat->get<std::int64_t>();
  claims.exp = exp->get<std::int64_t>();
  claims.jti = jti->get<std::string>();
  if (claims.sub.empty() || claims.jti.empty()) return Refuse("claims");
  if (claims.exp <= now) return Refuse("expired");
  return claims;
}

}  // namespace octopus::http
