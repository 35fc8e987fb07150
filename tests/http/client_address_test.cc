// Whom to believe about the client's address: X-Forwarded-For and
// X-Real-IP only from the proxies named in OCTOPUS_TRUSTED_PROXIES.
#include "http/client_address.h"

#include <gtest/gtest.h>

namespace octopus::http {
namespace {

TrustedProxies Trust(const std::string& list) {
  auto t = TrustedProxies::Parse(list);
  EXPECT_TRUE(t.ok()) << t.status().message();
  return t.ok() ? *t : TrustedProxies();
}

TEST(TrustedProxiesTest, ParsesAddressesAndBlocks) {
  const TrustedProxies t = Trust("127.0.0.1, 10.0.0.0/8 ::1 2001:db8::/32");
  EXPECT_TRUE(t.Contains("127.0.0.1"));
  EXPECT_FALSE(t.Contains("127.0.0.2"));
  EXPECT_TRUE(t.Contains("10.200.3.4"));
  EXPECT_FALSE(t.Contains("11.0.0.1"));
  EXPECT_TRUE(t.Contains("::1"));
  EXPECT_TRUE(t.Contains("2001:db8:ffff::7"));
  EXPECT_FALSE(t.Contains("2001:db9::7"));
  // An IPv4 client seen on an IPv6 socket is the IPv4 address.
  EXPECT_TRUE(t.Contains("::ffff:10.1.2.3"));
  EXPECT_FALSE(t.Contains("not an address"));
  EXPECT_TRUE(Trust("").empty());
  EXPECT_FALSE(Trust("").Contains("127.0.0.1"));
}

TEST(TrustedProxiesTest, RefusesWhatIsNotAnAddressOrBlock) {
  for (const char* bad : {"localhost", "10.0.0.0/33", "::1/129", "10.0.0.1/", "10.0.0.1/x", "[::1]",
                          "1.2.3.4:80", "300.1.1.1"}) {
    const auto t = TrustedProxies::Parse(bad);
    EXPECT_FALSE(t.ok()) << bad;
    if (!t.ok()) {
      EXPECT_NE(t.status().message().find("OCTOPUS_TRUSTED_PROXIES"), std::string::npos);
    }
  }
}

TEST(TrustedProxiesTest, HeadersCountOnlyFromATrustedPeer) {
  const TrustedProxies t = Trust("127.0.0.1");
  // An untrusted peer says what it likes; it stays itself.
  EXPECT_EQ(t.ClientOf("192.0.2.9", "203.0.113.7", "203.0.113.8"), "192.0.2.9");
  // Through the proxy: the address it appended.
  EXPECT_EQ(t.ClientOf("127.0.0.1", "203.0.113.7", ""), "203.0.113.7");
  // A client's own X-Forwarded-For is only prepended to: the rightmost
  // untrusted entry is the one our proxy saw.
  EXPECT_EQ(t.ClientOf("127.0.0.1", "1.1.1.1, 203.0.113.7", ""), "203.0.113.7");
  // Proxies in a chain, all trusted, are skipped.
  EXPECT_EQ(Trust("127.0.0.1, 10.0.0.0/8").ClientOf("127.0.0.1", "203.0.113.7, 10.0.0.5", ""),
            "203.0.113.7");
  // Only X-Real-IP.
  EXPECT_EQ(t.ClientOf("127.0.0.1", "", "203.0.113.8"), "203.0.113.8");
  // Ports and brackets as some proxies write them.
  EXPECT_EQ(t.ClientOf("127.0.0.1", "[2001:db8::5]:4711", ""), "2001:db8::5");
  EXPECT_EQ(t.ClientOf("127.0.0.1", "203.0.113.7:4711", ""), "203.0.113.7");
  // Garbage where the client should be: the peer, not the garbage.
  EXPECT_EQ(t.ClientOf("127.0.0.1", "unknown", ""), "127.0.0.1");
  EXPECT_EQ(t.ClientOf("127.0.0.1", "", ""), "127.0.0.1");
  // Nobody trusted: always the peer.
  EXPECT_EQ(Trust("").ClientOf("127.0.0.1", "203.0.113.7", "203.0.113.8"), "127.0.0.1");
}

TEST(IpAddressTest, CapKeyGroupsAnIpv6Slash64) {
  IpAddress a, b, c, v4;
  ASSERT_TRUE(IpAddress::Parse("2001:db8:1:2:aaaa::1", &a));
  ASSERT_TRUE(IpAddress::Parse("2001:db8:1:2:bbbb::2", &b));
  ASSERT_TRUE(IpAddress::Parse("2001:db8:1:3::1", &c));
  ASSERT_TRUE(IpAddress::Parse("192.0.2.1", &v4));
  EXPECT_EQ(a.CapKey(), b.CapKey());
  EXPECT_NE(a.CapKey(), c.CapKey());
  EXPECT_EQ(v4.CapKey(), "192.0.2.1");
}

}  // namespace
}  // namespace octopus::http
