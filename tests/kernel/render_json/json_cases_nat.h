// Cases for render_json_cases.cc: dnat/snat/masquerade (plain and
// through maps) and fwd statements.
#pragma once

#include <vector>

#include "json_case_kit.h"

namespace lvsnft::jsoncases {

/// A NAT statement.
inline Nat NatTo(NatKind k, IpFamily f, NatTarget t) { return {k, f, t}; }

/// Chains of the nat case: DNAT in prerouting, SNAT/masquerade in
/// postrouting, for both families.
inline std::vector<Chain> NatChains() {
  using enum Field;
  using enum NatKind;
  using enum IpFamily;
  Match v4 = Eq(F(kMetaNfproto), Raw({2}));
  Match v6 = Eq(F(kMetaNfproto), Raw({10}));
  NatRoundRobin rr4{{Ip("192.168.1.100"), Ip("192.168.1.101")}};
  NatRoundRobin rr6{{Ip("2001:db8::100"), Ip("2001:db8::101")}};
  Chain pre = Ch("pre",
                 {R({v4, SetMark{kCtMark, Numgen{false, 2, 0x4c560000}},
                     NatTo(kDnat, kV4, NatAddrMap{kCtMark, "be4a", ""})}),
                  R({v6, NatTo(kDnat, kV6, NatAddrMap{kMetaMark, "be6a", ""})}),
                  R({v4, NatTo(kDnat, kV4, Ip("192.168.1.10"))}),
                  R({v6, NatTo(kDnat, kV6, Ip("2001:db8::10"))})},
                 Base("nat", Hook::kPrerouting, -100));
  Lookup fn{{F(kCtMark)}, "fullnat4"};
  Chain post =
      Ch("post",
         {R({v4, fn, NatTo(kSnat, kV4, Ip("192.168.1.100"))}),
          R({v4, fn, NatTo(kSnat, kV4, rr4)}), R({v6, NatTo(kSnat, kV6, rr6)}),
          R({v6, NatTo(kSnat, kV6, Ip("2001:db8::100"))}),
          R({v4, NatTo(kMasquerade, kV4, std::monostate{})})},
         Base("nat", Hook::kPostrouting, 100));
  return {pre, post};
}

/// NAT statements of every target kind, IPv4 and IPv6.
inline Case NatCase() {
  Set be4a = M("be4a", {DataType::kMark}, {DataType::kIpv4Addr},
               {To(El({Mk(0x4c560000)}), {Ad("192.168.1.10")}),
                To(El({Mk(0x4c560001)}), {Ad("192.168.1.11")})});
  be4a.counter = true;
  Set be6a = M("be6a", {DataType::kMark}, {DataType::kIpv6Addr},
               {To(El({Mk(7)}), {Ad("2001:db8::10")})});
  Set full = S("fullnat4", {DataType::kMark},
               {Range({Mk(0x4c560000)}, {Mk(0x4c56ffff)})});
  full.interval = true;
  return {"nat",
          "dnat/snat to an address, to a mark-keyed map, round robin "
          "(numgen map), masquerade; IPv4 and IPv6",
          OneTable(TableFamily::kInet, "", {be4a, be6a, full}, NatChains()),
          Head("inet") + R"(table inet lvsnft {
  map be4a { type mark : ipv4_addr; counter; elements = { 0x4c560000 : 192.168.1.10, 0x4c560001 : 192.168.1.11 }; }
  map be6a { type mark : ipv6_addr; elements = { 0x7 : 2001:db8::10 }; }
  set fullnat4 { type mark; flags interval; elements = { 0x4c560000-0x4c56ffff }; }
  chain pre {
    type nat hook prerouting priority dstnat; policy accept;
    meta nfproto ipv4 ct mark set numgen inc mod 2 offset 0x4c560000 dnat ip to ct mark map @be4a
    meta nfproto ipv6 dnat ip6 to meta mark map @be6a
    meta nfproto ipv4 dnat ip to 192.168.1.10
    meta nfproto ipv6 dnat ip6 to 2001:db8::10
  }
  chain post {
    type nat hook postrouting priority srcnat; policy accept;
    meta nfproto ipv4 ct mark @fullnat4 snat ip to 192.168.1.100
    meta nfproto ipv4 ct mark @fullnat4 snat ip to numgen inc mod 2 map { 0 : 192.168.1.100, 1 : 192.168.1.101 }
    meta nfproto ipv6 snat ip6 to numgen inc mod 2 map { 0 : 2001:db8::100, 1 : 2001:db8::101 }
    meta nfproto ipv6 snat ip6 to 2001:db8::100
    meta nfproto ipv4 masquerade
  }
}
)"};
}

/// What nft 1.0.6 prints for a map with concatenated data (`"map": [..]`).
inline const char* kNotAMap = "internal:0:0-0: Error: set is not a map\n\n";

/// A map with concatenated data: not declarable in nft 1.0.6 JSON.
inline Case NatPortMapCase() {
  Set be4 =
      M("be4", {DataType::kMark}, {DataType::kIpv4Addr, DataType::kInetService},
        {To(El({Mk(0x4c560000)}), {Ad("192.168.1.10"), Po(8080)})});
  return {"nat_port_map",
          "KNOWN LIMIT: a map with concatenated data (mark : ipv4_addr . "
          "inet_service) cannot be declared in nft 1.0.6 JSON",
          OneTable(TableFamily::kInet, "", {be4}, {}),
          Head("inet") + R"(table inet lvsnft {
  map be4 { type mark : ipv4_addr . inet_service; elements = { 0x4c560000 : 192.168.1.10 . 8080 }; }
}
)",
          Expect::kFail,
          kNotAMap};
}

/// fwd in a netdev ingress chain.
inline Case FwdCase() {
  Chain in = Ch("in",
                {R({Eq(F(Field::kMetaProtocol), Raw({8, 0})), Counter{},
                    Fwd{Ip("192.168.1.10"), "lvjs0"}}),
                 R({Eq(F(Field::kMetaProtocol), Raw({0x86, 0xdd})),
                    Fwd{Ip("2001:db8::10"), "lvjs0"}})},
                Base("filter", Hook::kIngress, -500, "lvjs0"));
  return {"fwd",
          "netdev ingress base chain on a device; fwd ip/ip6 to ... device",
          OneTable(TableFamily::kNetdev, "", {}, {in}),
          Head("netdev") + R"(table netdev lvsnft {
  chain in {
    type filter hook ingress device "lvjs0" priority -500; policy accept;
    meta protocol ip counter fwd ip to 192.168.1.10 device "lvjs0"
    meta protocol ip6 fwd ip6 to 2001:db8::10 device "lvjs0"
  }
}
)"};
}

}  // namespace lvsnft::jsoncases
