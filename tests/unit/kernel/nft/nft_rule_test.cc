// Rule lowering: implicit dependencies and the errors nft would raise.
#include "kernel/nft/nft_rule.h"

#include <gtest/gtest.h>

#include <map>

#include "kernel/nft/nft_debug.h"
#include "nft_plan_builders.h"

namespace lvsnft::testing {
namespace {

using netlink::SetRef;
using DT = plan::DataType;

// A table with a few sets, lowered without a kernel.
class NftRuleTest : public ::testing::Test {
 protected:
  NftRuleTest() {
    Add("be4", SetRef::Kind::kMap, 4, 4);
    Add("be6", SetRef::Kind::kMap, 4, 16);
    Add("bep", SetRef::Kind::kMap, 4, 2);
    Add("vm", SetRef::Kind::kVmap, 4, 0);
    Add("flows", SetRef::Kind::kSet, 8, 0);
    Add("marks", SetRef::Kind::kSet, 4, 0);
  }

  void Add(const char* name, SetRef::Kind kind, uint32_t key, uint32_t data) {
    refs_[name] = SetRef{name, 0, false, kind, key, data};
  }

  netlink::RuleEnv Env(plan::TableFamily f) {
    netlink::RuleEnv env;
    env.table = {f, "t"};
    env.chain = "c";
    env.find_set = [this](const std::string& n) -> const SetRef* {
      auto it = refs_.find(n);
      return it == refs_.end() ? nullptr : &it->second;
    };
    env.ifindex = [](const std::string& d) -> std::optional<uint32_t> {
      if (d == "eth0") return 2;
      return std::nullopt;
    };
    return env;
  }

  std::string Lower(std::vector<plan::Stmt> stmts,
                    plan::TableFamily f = plan::TableFamily::kInet,
                    std::string comment = "") {
    auto r = netlink::LowerRule(R(std::move(stmts), comment), Env(f));
    if (!r.ok()) return "error: " + r.status().message();
    return netlink::DebugRule(r->rule.get());
  }

  std::map<std::string, SetRef> refs_;
};

TEST_F(NftRuleTest, DependencyIsAddedOnceBeforeTheFirstIpField) {
  EXPECT_EQ(Lower({L4Is(6), Match(F(Field::kIpSaddr), Addr("10.0.0.1")),
                   Match(F(Field::kIpDaddr), Addr("10.0.0.2"))}),
            "inet t c\n"
            "  [ meta load l4proto => reg 1 ]\n"
            "  [ cmp eq reg 1 0x00000006 ]\n"
            "  [ meta load nfproto => reg 1 ]\n"
            "  [ cmp eq reg 1 0x00000002 ]\n"
            "  [ payload load 4b @ network header + 12 => reg 1 ]\n"
            "  [ cmp eq reg 1 0x0100000a ]\n"
            "  [ payload load 4b @ network header + 16 => reg 1 ]\n"
            "  [ cmp eq reg 1 0x0200000a ]\n\n");
}

TEST_F(NftRuleTest, ExplicitMatchReplacesTheDependency) {
  EXPECT_EQ(Lower({Match(F(Field::kMetaProtocol), Ethertype(0x86dd)),
                   Match(F(Field::kIp6Saddr), Addr("::1"))},
                  plan::TableFamily::kNetdev),
            "netdev t c\n"
            "  [ meta load protocol => reg 1 ]\n"
            "  [ cmp eq reg 1 0x0000dd86 ]\n"
            "  [ payload load 16b @ network header + 8 => reg 1 ]\n"
            "  [ cmp eq reg 1 0x00000000 0x00000000 0x00000000 0x01000000 ]"
            "\n\n");
}

TEST_F(NftRuleTest, RuleCommentIsUserdata) {
  EXPECT_EQ(Lower({plan::Counter{}}, plan::TableFamily::kInet, "web"),
            "inet t c\n  [ counter pkts 0 bytes 0 ]\n"
            "  userdata = { \\x00\\x04web\\x00 }\n");
}

struct NatCase {
  const char* desc;
  plan::Nat nat;
  const char* expected;
};

// Expected texts: nft 1.0.6 --debug=netlink for `meta l4proto tcp dnat ip
// to ct mark map @be4 : ct mark map @bep` and friends.
TEST_F(NftRuleTest, NatMapsAsNftLowersThem) {
  const IpFamily v4 = IpFamily::kV4, v6 = IpFamily::kV6;
  const NatCase cases[] = {
      {"ipv4 address and port maps",
       Dnat(plan::NatAddrMap{Field::kCtMark, "be4", "bep"}, v4),
       "  [ ct load mark => reg 1 ]\n"
       "  [ lookup reg 1 set be4 dreg 1 ]\n"
       "  [ ct load mark => reg 2 ]\n"
       "  [ lookup reg 2 set bep dreg 2 ]\n"
       "  [ nat dnat ip addr_min reg 1 proto_min reg 2 flags 0x2 ]\n"},
      {"ipv4 address map only",
       Dnat(plan::NatAddrMap{Field::kCtMark, "be4", ""}, v4),
       "  [ ct load mark => reg 1 ]\n"
       "  [ lookup reg 1 set be4 dreg 1 ]\n"
       "  [ nat dnat ip addr_min reg 1 ]\n"},
      {"ipv6 address and port maps",
       Dnat(plan::NatAddrMap{Field::kCtMark, "be6", "bep"}, v6),
       "  [ ct load mark => reg 1 ]\n"
       "  [ lookup reg 1 set be6 dreg 1 ]\n"
       "  [ ct load mark => reg 2 ]\n"
       "  [ lookup reg 2 set bep dreg 2 ]\n"
       "  [ nat dnat ip6 addr_min reg 1 proto_min reg 2 flags 0x2 ]\n"},
      {"ipv6 address map only",
       Dnat(plan::NatAddrMap{Field::kCtMark, "be6", ""}, v6),
       "  [ ct load mark => reg 1 ]\n"
       "  [ lookup reg 1 set be6 dreg 1 ]\n"
       "  [ nat dnat ip6 addr_min reg 1 ]\n"},
      {"ipv4 address", Dnat(A("10.0.0.1"), v4),
       "  [ immediate reg 1 0x0100000a ]\n"
       "  [ nat dnat ip addr_min reg 1 ]\n"},
  };
  const std::string l4 =
      "inet t c\n"
      "  [ meta load l4proto => reg 1 ]\n"
      "  [ cmp eq reg 1 0x00000006 ]\n";
  for (const auto& c : cases)
    EXPECT_EQ(Lower({L4Is(6), c.nat}), l4 + c.expected + "\n") << c.desc;
}

struct ErrorCase {
  const char* desc;
  std::vector<plan::Stmt> stmts;
  plan::TableFamily family;
  const char* error;
};

TEST_F(NftRuleTest, ErrorsInSetsAndNat) {
  using TF = plan::TableFamily;
  plan::NatAddrMap be4{Field::kCtMark, "be4", "bep"};
  plan::Key flows{F(Field::kIpSaddr), F(Field::kThDport)};
  const ErrorCase cases[] = {
      {"unknown set",
       {plan::Lookup{{F(Field::kCtMark)}, "nope"}},
       TF::kInet,
       "chain c: statement 1: set @nope does not exist"},
      {"vmap on a plain set",
       {plan::VmapLookup{{F(Field::kCtMark)}, "marks"}},
       TF::kInet,
       "chain c: statement 1: @marks is not a verdict map"},
      {"key longer than the set key",
       {plan::Lookup{flows, "marks"}},
       TF::kInet,
       "chain c: statement 1: key does not match the key type of @marks"},
      {"port mapping without transport match",
       {SetCt(1u), Dnat(be4)},
       TF::kInet,
       "chain c: statement 2: transport protocol mapping is only valid "
       "after transport protocol match"},
      {"port map whose data is an address",
       {L4Is(6), Dnat(plan::NatAddrMap{Field::kCtMark, "be4", "be4"})},
       TF::kInet,
       "chain c: statement 2: data type of @be4 does not fit"},
      {"ip6 dnat to an ipv4 address map",
       {Dnat(plan::NatAddrMap{Field::kCtMark, "be4", ""}, IpFamily::kV6)},
       TF::kInet,
       "chain c: statement 1: data type of @be4 does not fit"},
      {"address map whose data is a port",
       {Dnat(plan::NatAddrMap{Field::kCtMark, "bep", ""})},
       TF::kInet,
       "chain c: statement 1: data type of @bep does not fit"},
      {"unknown port map",
       {L4Is(6), Dnat(plan::NatAddrMap{Field::kCtMark, "be4", "nope"})},
       TF::kInet,
       "chain c: statement 2: set @nope does not exist"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(Lower(c.stmts, c.family), std::string("error: ") + c.error)
        << c.desc;
}

TEST_F(NftRuleTest, ErrorsInFamilies) {
  using TF = plan::TableFamily;
  const ErrorCase cases[] = {
      {"nat in netdev",
       {Masquerade()},
       TF::kNetdev,
       "chain c: statement 1: nat is only supported in inet tables"},
      {"fwd in inet",
       {plan::Fwd{A("10.0.0.1"), "eth0"}},
       TF::kInet,
       "chain c: statement 1: fwd is only supported in netdev tables"},
      {"unknown device",
       {plan::Fwd{A("10.0.0.1"), "eth9"}},
       TF::kNetdev,
       "chain c: statement 1: device eth9 not found"},
      {"ct mark in netdev",
       {SetCt(1u)},
       TF::kNetdev,
       "chain c: statement 1: ct mark is not available in netdev tables"},
      {"meta nfproto in netdev",
       {NfprotoIs(2)},
       TF::kNetdev,
       "chain c: statement 1: meta nfproto is only useful in the inet family"},
      {"ip6 field after ipv4 match",
       {NfprotoIs(2), Match(F(Field::kIp6Saddr), Addr("::1"))},
       TF::kInet,
       "chain c: statement 2: conflicting protocols specified: ip6 field "
       "after another protocol"},
      {"ip and ip6 in one key",
       {plan::Update{"flows", {F(Field::kIpSaddr), F(Field::kIp6Saddr)}, 0}},
       TF::kInet,
       "chain c: statement 1: conflicting protocols ip and ip6"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(Lower(c.stmts, c.family), std::string("error: ") + c.error)
        << c.desc;
}

TEST_F(NftRuleTest, ErrorsInFields) {
  using TF = plan::TableFamily;
  const ErrorCase cases[] = {
      {"mask of the wrong length",
       {Match(F(Field::kIpSaddr, {0xff}), Addr("10.0.0.0"))},
       TF::kInet,
       "chain c: statement 1: mask length does not match ip saddr"},
      {"value of the wrong length",
       {Match(F(Field::kThDport), Mark(1))},
       TF::kInet,
       "chain c: statement 1: value length does not match th dport"},
      {"set a field that is not a mark",
       {SetField(Field::kIpSaddr, 1u)},
       TF::kInet,
       "chain c: statement 1: only meta mark and ct mark can be set"},
      {"masquerade with an address",
       {plan::Nat{plan::NatKind::kMasquerade, IpFamily::kV4, A("1.1.1.1")}},
       TF::kInet,
       "chain c: statement 1: masquerade takes no address"},
      {"snat without address",
       {Snat(std::monostate{})},
       TF::kInet,
       "chain c: statement 1: dnat/snat needs an address"},
      {"address of the other family",
       {Snat(A("::1"))},
       TF::kInet,
       "chain c: statement 1: address family mismatch"},
      {"jump without chain",
       {Jump("")},
       TF::kInet,
       "chain c: statement 1: jump or goto without a chain"},
  };
  for (const auto& c : cases)
    EXPECT_EQ(Lower(c.stmts, c.family), std::string("error: ") + c.error)
        << c.desc;
}

TEST_F(NftRuleTest, KeysMustFitTheRegisters) {
  plan::Key four6{F(Field::kIp6Saddr), F(Field::kIp6Daddr), F(Field::kIp6Saddr),
                  F(Field::kIp6Daddr)};
  EXPECT_EQ(Lower({SetMeta(plan::Jhash{four6, 2, 0, 0})}),
            "error: chain c: statement 1: key of 64 bytes does not fit in "
            "the registers");
  plan::Key five6 = four6;
  five6.push_back(F(Field::kIp6Saddr));
  EXPECT_EQ(Lower({plan::Update{"flows", five6, 0}}),
            "error: chain c: statement 1: key of 80 bytes does not fit in "
            "the registers");
}

TEST_F(NftRuleTest, ModulusAndOffsetMustFit) {
  EXPECT_EQ(Lower({SetCt(plan::Numgen{false, 0, 0})}),
            "error: chain c: statement 1: numgen modulus is 0");
  EXPECT_EQ(Lower({SetCt(plan::Jhash{{F(Field::kCtMark)}, 16, 0, 0xfffffff8})}),
            "error: chain c: statement 1: jhash offset 4294967288 + modulus "
            "16 exceeds 32 bits");
  // The largest range that fits is accepted.
  EXPECT_EQ(Lower({SetCt(plan::Numgen{true, 8, 0xfffffff8})}).find("error"),
            std::string::npos);
}

TEST_F(NftRuleTest, CommentTooLong) {
  EXPECT_EQ(Lower({Accept()}, plan::TableFamily::kInet, std::string(129, 'x')),
            "error: chain c, rule \"" + std::string(129, 'x') +
                "\": comment too long, 128 characters maximum allowed");
}

}  // namespace
}  // namespace lvsnft::testing
