// The fake host behaves like the kernel where callers depend on it.
#include "kernel/sim/sim_host.h"

#include <gtest/gtest.h>

#include "rs/rs_test_util.h"

namespace lvsnft::netlink {
namespace {

using rs::testing::A;

TEST(FakeHostTest, AddressesAndErrors) {
  FakeHost h;
  int eth0 = h.AddLink("eth0", "veth");
  struct {
    const char* desc;
    int ifindex;
    const char* addr;
    int prefix;
    bool add;
    const char* error;  // "" = success
  } steps[] = {
      {"add to lo", 1, "192.168.1.100", 32, true, ""},
      {"same again: EEXIST", 1, "192.168.1.100", 32, true,
       "cannot add 192.168.1.100/32 to lo: File exists"},
      {"same address, other prefix: allowed", 1, "192.168.1.100", 24, true, ""},
      {"unknown link", 42, "10.0.0.1", 32, true,
       "cannot add 10.0.0.1/32 to ifindex 42: No such device"},
      {"remove it", 1, "192.168.1.100", 32, false, ""},
      {"remove again", 1, "192.168.1.100", 32, false,
       "cannot remove 192.168.1.100/32 from lo: Cannot assign requested "
       "address"},
      {"ipv6 on eth0", eth0, "2001:db8::10", 64, true, ""},
  };
  for (const auto& s : steps) {
    Status st = s.add ? h.AddAddress(s.ifindex, A(s.addr), s.prefix)
                      : h.DeleteAddress(s.ifindex, A(s.addr), s.prefix);
    EXPECT_EQ(st.message(), s.error) << s.desc;
  }
  auto v6 = h.ListAddresses(IpFamily::kV6);
  ASSERT_TRUE(v6.ok());
  ASSERT_EQ(v6->size(), 1u);
  EXPECT_EQ((*v6)[0].ifindex, eth0);
}

TEST(FakeHostTest, IpipModuleCreatesTunl0InheritingDefaults) {
  FakeHost h;
  h.SetSysctl("net/ipv4/conf/default/rp_filter", "1");
  IpipParams p;
  p.name = "t-rs1";
  p.remote = A("192.168.1.10");
  auto idx = h.CreateIpip(p);
  ASSERT_TRUE(idx.ok()) << idx.status().message();
  const Link* t = FindLink(h.links(), "tunl0");
  ASSERT_NE(t, nullptr);
  EXPECT_FALSE(t->up());
  EXPECT_EQ(t->kind, "ipip");
  EXPECT_EQ(h.sysctl("net/ipv4/conf/tunl0/rp_filter"), "1");
  EXPECT_EQ(h.sysctl("net/ipv4/conf/t-rs1/rp_filter"), "1");
  EXPECT_TRUE(FindLink(h.links(), *idx)->up());
  // DELLINK of tunl0 is ignored, of an ordinary tunnel is not.
  EXPECT_TRUE(h.DeleteLink(t->index).ok());
  EXPECT_NE(FindLink(h.links(), "tunl0"), nullptr);
  EXPECT_TRUE(h.DeleteLink(*idx).ok());
  EXPECT_EQ(FindLink(h.links(), "t-rs1"), nullptr);
  EXPECT_EQ(h.sysctl("net/ipv4/conf/t-rs1/rp_filter"), std::nullopt);
  std::vector<std::string> log = {"create-ipip t-rs1", "delete-link tunl0",
                                  "delete-link t-rs1"};
  EXPECT_EQ(h.log(), log);
}

TEST(FakeHostTest, IpipUnavailable) {
  FakeHost h;
  h.set_ipip_available(false);
  IpipParams p;
  p.name = "t";
  auto idx = h.CreateIpip(p);
  ASSERT_FALSE(idx.ok());
  EXPECT_EQ(idx.status().message(),
            "cannot create ipip device t: Operation not supported (Unknown "
            "device type)");
  p.name = "much-too-long-name";
  h.set_ipip_available(true);
  EXPECT_EQ(h.CreateIpip(p).status().message(),
            "invalid interface name \"much-too-long-name\": must be 1 to 15 "
            "bytes");
}

TEST(FakeHostTest, SysctlsOfMissingInterfacesDoNotExist) {
  FakeHost h;
  h.SetSysctl("net/ipv4/conf/all/arp_ignore", "0");
  auto r = h.Read("net/ipv4/conf/eth9/arp_ignore");
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->exists);
  EXPECT_EQ(h.Write("net/ipv4/conf/eth9/arp_ignore", "1").message(),
            "cannot set net.ipv4.conf.eth9.arp_ignore = 1: No such file or "
            "directory");
  EXPECT_TRUE(h.Write("net/ipv4/conf/all/arp_ignore", "1").ok());
  EXPECT_EQ(h.sysctl("net/ipv4/conf/all/arp_ignore"), "1");
  EXPECT_EQ(h.Read("../etc/passwd").status().message(),
            "invalid sysctl path \"../etc/passwd\"");
}

TEST(FakeHostTest, FailOnAndCopyOf) {
  FakeHost real;
  rs::testing::RealServerHost(real, "192.168.1.10");
  Route r;
  r.gateway = A("192.168.1.1");
  real.AddRoute(r);
  auto copy = FakeHost::CopyOf(real, &real);
  ASSERT_TRUE(copy.ok());
  EXPECT_EQ((*copy)->addresses(), real.addresses());
  EXPECT_EQ((*copy)->DefaultRoutes(IpFamily::kV4)->size(), 1u);
  EXPECT_EQ((*copy)->sysctl("net/ipv4/conf/eth0/arp_ignore"), "0");
  (*copy)->FailOn("set-link eth0", "Operation not permitted");
  EXPECT_EQ((*copy)->SetLinkUp(2, false).message(),
            "cannot set link eth0 down: Operation not permitted");
  EXPECT_TRUE((*copy)->Write("net/ipv4/conf/eth0/arp_ignore", "1").ok());
  EXPECT_EQ(real.sysctl("net/ipv4/conf/eth0/arp_ignore"), "0")
      << "the copy wrote through to the original";
}

}  // namespace
}  // namespace lvsnft::netlink
