// Table, chain and set objects: attributes, userdata, errors.
#include "kernel/nft/nft_objects.h"

#include <gtest/gtest.h>
#include <linux/netfilter/nf_tables.h>

#include "kernel/nft/nft_debug.h"
#include "kernel/nft/nft_udata.h"
#include "nft_plan_builders.h"

namespace lvsnft::testing {
namespace {

using DT = plan::DataType;
using plan::Hook;
using plan::TableFamily;

const netlink::TableId kInet{TableFamily::kInet, "t"};
const netlink::TableId kNetdev{TableFamily::kNetdev, "t"};

std::vector<uint8_t> Udata(const nftnl_set* s) {
  uint32_t len = 0;
  auto* p = static_cast<const uint8_t*>(
      nftnl_set_get_data(s, NFTNL_SET_USERDATA, &len));
  return std::vector<uint8_t>(p, p + len);
}

TEST(NftObjectsTest, SetFlags) {
  plan::Set plain = Set("s", {DT::kMark});
  plan::Set vmap = Set("v", {DT::kInetProto, DT::kIpv4Addr});
  vmap.verdict_map = vmap.interval = true;
  plan::Set dyn = Set("d", {DT::kIpv4Addr, DT::kMark});
  dyn.dynamic = dyn.timeout = true;
  plan::Set map = Set("m", {DT::kMark}, {DT::kIpv4Addr});
  map.timeout_ms = 1000;
  EXPECT_EQ(netlink::SetFlags(plain), 0u);
  EXPECT_EQ(netlink::SetFlags(vmap),
            NFT_SET_INTERVAL | NFT_SET_MAP | NFT_SET_CONCAT);
  EXPECT_EQ(netlink::SetFlags(dyn), NFT_SET_TIMEOUT | NFT_SET_EVAL);
  EXPECT_EQ(netlink::SetFlags(map), NFT_SET_MAP | NFT_SET_TIMEOUT);
}

TEST(NftObjectsTest, SetUserdataAsNftWritesIt) {
  // Bytes taken from nft 1.0.6's `map be4 { type mark : ipv4_addr .
  // inet_service; }` (nft --debug=mnl): key byte order host, data byte
  // order none, data typeof nest { EXPR_CONCAT, {} }, data interval 0.
  plan::Set be4 = Set("be4", {DT::kMark}, {DT::kIpv4Addr, DT::kInetService});
  std::vector<uint8_t> expected{0, 4, 1,  0, 0, 0, 1, 4, 0, 0, 0, 0, 4, 8,
                                0, 4, 13, 0, 0, 0, 1, 0, 6, 4, 0, 0, 0, 0};
  EXPECT_EQ(netlink::SetUdata(be4), expected);
  plan::Set fn = Set("fn", {DT::kMark});
  fn.comment = "x";
  std::vector<uint8_t> with_comment{0, 4, 1, 0, 0, 0, 7, 2, 'x', 0};
  EXPECT_EQ(netlink::SetUdata(fn), with_comment);
  auto set = netlink::BuildSet(kInet, fn, 3);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(Udata(set->get()), with_comment);
  EXPECT_EQ(netlink::DebugSet(set->get()), "fn t 0\n");
}

TEST(NftObjectsTest, ChainsAsNftPrintsThem) {
  auto base = netlink::BuildChain(
      kNetdev, Base("in", "filter", Hook::kIngress, -500, {}, "eth0", "c"));
  ASSERT_TRUE(base.ok()) << base.status().message();
  EXPECT_EQ(netlink::DebugChain(base->get()),
            "netdev (null) (null) use 0 type filter hook ingress prio -500 "
            "packets 0 bytes 0 dev eth0 \n");
  EXPECT_EQ(nftnl_chain_get_u32(base->get(), NFTNL_CHAIN_POLICY), 1u);
  auto regular = netlink::BuildChain(kInet, Chain("svc", {}));
  ASSERT_TRUE(regular.ok());
  EXPECT_EQ(netlink::DebugChain(regular->get()), "inet (null) (null) use 0\n");
}

TEST(NftObjectsTest, Errors) {
  struct Case {
    const char* desc;
    Status status;
    const char* error;
  };
  plan::Set vm = Set("vm", {DT::kMark}, {DT::kMark});
  vm.verdict_map = true;
  plan::Set dyn = Set("dyn", {DT::kMark});
  dyn.interval = dyn.dynamic = true;
  plan::Set big = Set("big", {DT::kIpv6Addr, DT::kIpv6Addr, DT::kIpv6Addr,
                              DT::kIpv6Addr, DT::kMark});
  const Case cases[] = {
      {"ingress in inet",
       netlink::BuildChain(kInet, Base("c", "filter", Hook::kIngress, 0, {}))
           .status(),
       "chain c: hook ingress is not available in inet tables"},
      {"netdev chain without device",
       netlink::BuildChain(kNetdev, Base("c", "filter", Hook::kIngress, 0, {}))
           .status(),
       "chain c: netdev base chain needs a device"},
      {"device in inet",
       netlink::BuildChain(kInet,
                           Base("c", "nat", Hook::kPrerouting, 0, {}, "eth0"))
           .status(),
       "chain c: device is only valid in netdev tables"},
      {"unknown chain type",
       netlink::BuildChain(kInet, Base("c", "raw", Hook::kInput, 0, {}))
           .status(),
       "chain c: unknown chain type raw"},
      {"set without key", netlink::BuildSet(kInet, Set("k", {}), 1).status(),
       "set k: no key type"},
      {"verdict map with data", netlink::BuildSet(kInet, vm, 1).status(),
       "set vm: a verdict map has no data type"},
      {"dynamic interval set", netlink::BuildSet(kInet, dyn, 1).status(),
       "set dyn: dynamic interval sets are not supported"},
      {"key over 64 bytes", netlink::BuildSet(kInet, big, 1).status(),
       "set big: key or data longer than 64 bytes"},
      {"table comment too long",
       netlink::BuildTable(
           Table(TableFamily::kInet, "t", {}, {}, std::string(129, 'c')))
           .status(),
       "table t: comment too long, 128 characters maximum allowed"},
      {"round robin over mixed families",
       netlink::BuildAnonNatMap(kInet, {A("10.0.0.1"), A("::1")}, 1).status(),
       "round robin over mixed address families"},
  };
  for (const auto& c : cases) EXPECT_EQ(c.status.message(), c.error) << c.desc;
}

}  // namespace
}  // namespace lvsnft::testing
