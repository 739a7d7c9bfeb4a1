// Register layout of the lowering: nft's 32-bit unit allocation and its
// wire numbering (checked against nft 1.0.6 by the kernel oracle test).
#include <gtest/gtest.h>
#include <linux/netfilter/nf_tables.h>

#include <memory>

#include "kernel/nft/nft_fields.h"
#include "kernel/nft/nft_linearize.h"
#include "kernel/nft/nft_rule.h"
#include "nft_plan_builders.h"

namespace lvsnft::testing {
namespace {

using netlink::KeyLen;
using netlink::KeyUnits;
using netlink::WireRegister;

TEST(NftRegsTest, WireNumbering) {
  struct Case {
    const char* desc;
    uint32_t internal;  // 32-bit units counted from NFT_REG_1 = 1
    uint32_t wire;
  };
  const Case cases[] = {
      {"verdict register stays 0", 0, NFT_REG_VERDICT},
      {"unit 0 starts NFT_REG_1", 1, NFT_REG_1},
      {"unit 1 is NFT_REG32_01", 2, NFT_REG32_01},
      {"unit 3 is NFT_REG32_03", 4, NFT_REG32_03},
      {"unit 4 starts NFT_REG_2", 5, NFT_REG_2},
      {"unit 5 is NFT_REG32_05", 6, NFT_REG32_05},
      {"unit 8 starts NFT_REG_3", 9, NFT_REG_3},
      {"unit 12 starts NFT_REG_4", 13, NFT_REG_4},
      {"unit 15 is NFT_REG32_15", 16, NFT_REG32_15},
  };
  for (const auto& c : cases)
    EXPECT_EQ(WireRegister(c.internal), c.wire) << c.desc;
}

TEST(NftRegsTest, KeyUnitsAndLengths) {
  struct Case {
    const char* desc;
    plan::Key key;
    uint32_t units;
    uint32_t len;
  };
  const Case cases[] = {
      {"single field takes a whole register", {F(Field::kIpSaddr)}, 4, 4},
      {"single 1-byte field keeps its length", {F(Field::kMetaL4proto)}, 4, 1},
      {"single ip6 field", {F(Field::kIp6Daddr)}, 4, 16},
      {"proto . addr . port pads each to 4 bytes",
       {F(Field::kMetaL4proto), F(Field::kIpDaddr), F(Field::kThDport)},
       3,
       12},
      {"ip6 . mark",
       {F(Field::kIp6Saddr, AddrMask("ffff::")), F(Field::kCtMark)},
       5,
       20},
      {"5-tuple with mark",
       {F(Field::kIpSaddr), F(Field::kIpDaddr), F(Field::kThSport),
        F(Field::kThDport), F(Field::kMetaMark)},
       5,
       20},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(KeyUnits(c.key), c.units) << c.desc;
    EXPECT_EQ(KeyLen(c.key), c.len) << c.desc;
  }
}

TEST(NftRegsTest, ConcatTypeIds) {
  using DT = plan::DataType;
  EXPECT_EQ(netlink::ConcatTypeId({DT::kMark}), 19u);
  EXPECT_EQ(
      netlink::ConcatTypeId({DT::kInetProto, DT::kIpv4Addr, DT::kInetService}),
      0xc1cdu);
  EXPECT_EQ(netlink::ConcatTypeId({DT::kIpv4Addr, DT::kInetService}), 0x1cdu);
  EXPECT_EQ(netlink::ConcatTypeId({DT::kIpv4Addr, DT::kInetService, DT::kMark}),
            0x7353u);
}

// Destination registers of the loads, in order, as sent on the wire.
std::vector<uint32_t> LoadRegisters(const nftnl_rule* r) {
  std::vector<uint32_t> regs;
  nftnl_expr_iter* it = nftnl_expr_iter_create(r);
  for (nftnl_expr* e = nftnl_expr_iter_next(it); e != nullptr;
       e = nftnl_expr_iter_next(it)) {
    std::string name = nftnl_expr_get_str(e, NFTNL_EXPR_NAME);
    if (name == "payload")
      regs.push_back(nftnl_expr_get_u32(e, NFTNL_EXPR_PAYLOAD_DREG));
    else if (name == "meta" && nftnl_expr_is_set(e, NFTNL_EXPR_META_DREG))
      regs.push_back(nftnl_expr_get_u32(e, NFTNL_EXPR_META_DREG));
  }
  nftnl_expr_iter_destroy(it);
  return regs;
}

netlink::RuleEnv Env(plan::TableFamily f, const netlink::SetRef& set) {
  netlink::RuleEnv env;
  env.table = {f, "t"};
  env.chain = "c";
  auto ref = std::make_shared<netlink::SetRef>(set);
  env.find_set = [ref](const std::string& n) -> const netlink::SetRef* {
    return n == ref->name ? ref.get() : nullptr;
  };
  return env;
}

TEST(NftRegsTest, ConcatenationFillsConsecutive32BitRegisters) {
  netlink::SetRef flows{"flows4", 1, false, netlink::SetRef::Kind::kSet, 20, 0};
  plan::Key key{F(Field::kIpSaddr), F(Field::kIpDaddr), F(Field::kThSport),
                F(Field::kThDport), F(Field::kMetaMark)};
  auto r =
      netlink::LowerRule(R({Match(F(Field::kMetaProtocol), Ethertype(0x0800)),
                            plan::Lookup{key, "flows4"}}),
                         Env(plan::TableFamily::kNetdev, flows));
  ASSERT_TRUE(r.ok()) << r.status().message();
  // meta protocol (reg 1), then the key in units 0..4 of the lookup.
  std::vector<uint32_t> expected{NFT_REG_1,    NFT_REG_1,    NFT_REG32_01,
                                 NFT_REG32_02, NFT_REG32_03, NFT_REG_2};
  EXPECT_EQ(LoadRegisters(r->rule.get()), expected);
}

TEST(NftRegsTest, HashKeyFollowsTheDestinationRegister) {
  plan::Jhash h{{F(Field::kIpSaddr), F(Field::kThSport)}, 7, 1, 0};
  auto r = netlink::LowerRule(R({NfprotoIs(2), SetMeta(h)}),
                              Env(plan::TableFamily::kInet, {}));
  ASSERT_TRUE(r.ok()) << r.status().message();
  // nfproto in reg 1; the hash result takes units 0..3, its key 4 and 5.
  std::vector<uint32_t> expected{NFT_REG_1, NFT_REG_2, NFT_REG32_05};
  EXPECT_EQ(LoadRegisters(r->rule.get()), expected);
}

}  // namespace
}  // namespace lvsnft::testing
