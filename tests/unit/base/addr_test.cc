#include "base/addr.h"

#include <gtest/gtest.h>

namespace lvsnft {
namespace {

struct AddrCase {
  const char* desc;
  const char* text;
  bool ok;
  const char* canonical;
};

TEST(IpAddrTest, ParseTable) {
  const AddrCase cases[] = {
      {"dotted quad", "192.168.1.10", true, "192.168.1.10"},
      {"ipv6 compressed", "2001:DB8::10", true, "2001:db8::10"},
      {"ipv4 with leading zero octet rejected", "192.168.01.1", false, ""},
      {"too many octets", "1.2.3.4.5", false, ""},
      {"empty", "", false, ""},
      {"garbage", "web", false, ""},
      {"ipv6 with two ::", "2001::1::2", false, ""},
  };
  for (const auto& c : cases) {
    auto a = IpAddr::Parse(c.text);
    EXPECT_EQ(a.has_value(), c.ok) << c.desc;
    if (a && c.ok) {
      EXPECT_EQ(a->ToString(), c.canonical) << c.desc;
    }
  }
}

TEST(IpAddrTest, UnusableAddresses) {
  EXPECT_TRUE(IpAddr::Parse("0.0.0.0")->IsUnusableForService());
  EXPECT_TRUE(IpAddr::Parse("127.0.0.1")->IsUnusableForService());
  EXPECT_TRUE(IpAddr::Parse("239.1.1.1")->IsUnusableForService());
  EXPECT_TRUE(IpAddr::Parse("::1")->IsUnusableForService());
  EXPECT_TRUE(IpAddr::Parse("ff02::1")->IsUnusableForService());
  EXPECT_FALSE(IpAddr::Parse("10.0.0.1")->IsUnusableForService());
  EXPECT_EQ(IpAddr::Parse("10.0.0.1")->v4(), 0x0a000001u);
}

}  // namespace
}  // namespace lvsnft
