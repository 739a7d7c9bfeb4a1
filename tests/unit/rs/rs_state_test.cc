// State file format and storage; procfs sysctl access with a fake root;
// name checks of the netlink library.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "kernel/host_net.h"
#include "kernel/rtnl/netns.h"
#include "kernel/rtnl/proc_sysctls.h"
#include "rs/state.h"
#include "rs_test_util.h"
#include "test_util.h"

namespace lvsnft::rs {
namespace {

using testing::A;

using lvsnft::testing::TempDir;

State Sample() {
  State s;
  s.sysctls = {{"net/ipv4/conf/all/arp_ignore", "0", true},
               {"net/ipv4/conf/tunl0/rp_filter", "", false}};
  s.addresses = {{"lo", A("192.168.1.100"), 32},
                 {"lo", A("2001:db8::100"), 128}};
  s.links_up = {"tunl0"};
  return s;
}

TEST(RsStateTest, JsonRoundTrip) {
  auto back = StateFromJson(StateToJson(Sample()));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(*back, Sample());
}

TEST(RsStateTest, JsonErrors) {
  struct {
    const char* desc;
    const char* text;
    const char* error;
  } cases[] = {
      {"other version", R"({"version":2})", "unsupported state version 2"},
      {"bad address",
       R"({"version":1,"sysctls":[],"addresses":[{"device":"lo",)"
       R"("address":"x","prefix":32}]})",
       "invalid state: invalid address \"x\""},
  };
  for (const auto& c : cases) {
    auto s = StateFromJson(c.text);
    ASSERT_FALSE(s.ok()) << c.desc;
    EXPECT_EQ(s.status().message(), c.error) << c.desc;
  }
  EXPECT_FALSE(StateFromJson("{").ok());
}

TEST(RsStateTest, FileStoreCreatesDirectoryAndRemovesWhenEmpty) {
  TempDir tmp;
  std::string path = tmp.path + "/var/lib/lvsnft/rs-setup.json";
  FileStateStore store(path);
  auto none = store.Load();
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(store.Save(Sample()).ok());
  auto loaded = store.Load();
  ASSERT_TRUE(loaded.ok() && loaded->has_value());
  EXPECT_EQ(**loaded, Sample());
  EXPECT_NE(access((path + ".tmp").c_str(), F_OK), 0);
  ASSERT_TRUE(store.Save(State{}).ok());
  EXPECT_NE(access(path.c_str(), F_OK), 0) << "empty state must remove file";
  std::ofstream(path) << "not json";
  EXPECT_EQ(store.Load().status().message().rfind("state file " + path, 0), 0u);
}

TEST(RsStateTest, DefaultPaths) {
  EXPECT_EQ(DefaultStatePath(""), "/var/lib/lvsnft/rs-setup.json");
  EXPECT_EQ(DefaultStatePath("rs1"), "/var/lib/lvsnft/rs-setup@rs1.json");
}

TEST(ProcSysctlsTest, ReadWriteWithFakeRoot) {
  TempDir tmp;
  mkdir((tmp.path + "/net").c_str(), 0755);
  std::ofstream(tmp.path + "/net/x") << "1\n";
  netlink::ProcSysctls sys(tmp.path);
  auto v = sys.Read("net/x");
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->exists);
  EXPECT_EQ(v->value, "1");
  auto missing = sys.Read("net/y");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->exists);
  ASSERT_TRUE(sys.Write("net/x", "2").ok());
  EXPECT_EQ(sys.Read("net/x")->value, "2");
  EXPECT_EQ(sys.Write("net/y", "2").message(),
            "cannot set net.y = 2: No such file or directory");
}

TEST(NetlinkNamesTest, Checks) {
  struct {
    const char* desc;
    Status status;
    const char* error;
  } cases[] = {
      {"sysctl ok", netlink::CheckSysctlPath("net/ipv4/conf/eth0.10/rp_filter"),
       ""},
      {"sysctl absolute", netlink::CheckSysctlPath("/net/x"),
       "invalid sysctl path \"/net/x\""},
      {"sysctl dot-dot", netlink::CheckSysctlPath("net/../x"),
       "invalid sysctl path \"net/../x\""},
      {"sysctl empty part", netlink::CheckSysctlPath("net//x"),
       "invalid sysctl path \"net//x\""},
      {"link ok", netlink::CheckLinkName("tunl0"), ""},
      {"link with slash", netlink::CheckLinkName("a/b"),
       "invalid interface name \"a/b\": contains '/', ':', a space or a "
       "control byte"},
      {"netns ok", netlink::CheckNetnsName("lvhs123"), ""},
      {"netns with slash", netlink::CheckNetnsName("../x"),
       "invalid network namespace name \"../x\""},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(c.status.message(), c.error) << c.desc;
  }
  EXPECT_EQ(netlink::DisplayName("net/ipv4/conf/eth0.10/rp_filter"),
            "net.ipv4.conf.eth0/10.rp_filter");
  EXPECT_EQ(netlink::EnterNetns("lvsnft-no-such-ns").message(),
            "cannot enter network namespace lvsnft-no-such-ns: no such "
            "namespace (/run/netns/lvsnft-no-such-ns)");
}

}  // namespace
}  // namespace lvsnft::rs
