// Cases for render_json_cases.cc: the full layouts of docs/LAYOUT.md.
#pragma once

#include <string>
#include <vector>

#include "json_case_kit.h"

namespace lvsnft::jsoncases {

/// Sets of the NAT layout: dispatch vmaps per family, backend maps, canon
/// map, persistence set, fullnat range. `port_map` adds the port map bep
/// (mark : inet_service) next to the address map be4a (mark : ipv4_addr).
inline std::vector<Set> NatLayoutSets(bool port_map) {
  using enum DataType;
  Set svc4 = VM("svc4", kDispatch4,
                {To(El({Pr(6), Ad("192.168.10.100"), Po(80)}), Goto("svc_web")),
                 To(Range({Pr(6), Ad("192.168.10.100"), Po(8000)},
                          {Pr(6), Ad("192.168.10.100"), Po(8010)}),
                    Goto("svc_web"))});
  Set svc6 =
      VM("svc6", kDispatch6,
         {To(El({Pr(6), Ad("2001:db8:10::100"), Po(80)}), Goto("svc_web6"))});
  svc4.interval = svc6.interval = svc4.counter = svc6.counter = true;
  std::vector<Element> be;
  std::vector<Element> canon;
  std::vector<Element> ports;
  for (uint32_t i = 0; i < 4; ++i) {
    be.push_back(To(El({Mk(0x4c560000 + i)}),
                    {Ad(i == 1 ? "192.168.1.11" : "192.168.1.10")}));
    ports.push_back(To(El({Mk(0x4c560000 + i)}), {Po(8080)}));
    canon.push_back(To(El({Mk(0x4c560000 + i)}), {Mk(0x4c560000 + (i == 1))}));
  }
  Set be4 = M("be4a", {kMark}, {kIpv4Addr}, be);
  Set be6a = M("be6a", {kMark}, {kIpv6Addr},
               {To(El({Mk(0x4c560010)}), {Ad("2001:db8:1::10")})});
  be4.counter = be6a.counter = true;
  Set persist = S("persist4", {kIpv4Addr, kMark});
  persist.dynamic = persist.timeout = true;
  persist.timeout_ms = 300000;
  persist.size = 65535;
  Set full6 =
      S("fullnat6", {kMark}, {Range({Mk(0x4c560010)}, {Mk(0x4c56001f)})});
  full6.interval = true;
  std::vector<Set> sets = {
      svc4,    svc6, be4, be6a, M("canon", {kMark}, {kMark}, canon),
      persist, full6};
  if (port_map) sets.push_back(M("bep", {kMark}, {kInetService}, ports));
  return sets;
}

/// The service chains of the NAT layout: persistence rules per server,
/// then the scheduler (wrr over slots for IPv4, sh for IPv6).
inline std::vector<Chain> NatServiceChains(bool port_map) {
  using enum Field;
  const std::string be = "be4a";
  const std::string bep = port_map ? "bep" : "";
  Key client = {F(kIpSaddr, IpMask("255.255.255.0")), F(kCtMark)};
  auto sticky = [&](uint32_t slot, const char* rs) {
    NatTarget t = NatAddrMap{kCtMark, be, bep};
    if (!port_map) t = Ip(rs);
    return R({Eq(F(kMetaL4proto), Pr(6)), SetMark{kCtMark, slot},
              Lookup{client, "persist4"}, Update{"persist4", client, 0},
              Nat{NatKind::kDnat, IpFamily::kV4, t}},
             std::string("web: persistent ") + rs);
  };
  Rule sched = R(
      {Eq(F(kMetaL4proto), Pr(6)),
       SetMark{kCtMark, Numgen{false, 4, 0x4c560000}},
       SetMark{kCtMark, MapOf{kCtMark, "canon"}}, Update{"persist4", client, 0},
       Nat{NatKind::kDnat, IpFamily::kV4, NatAddrMap{kCtMark, be, bep}}},
      "web: schedule wrr");
  Rule sched6 =
      R({SetMark{kCtMark, Jhash{{F(kIp6Saddr)}, 1, 0x5eed, 0x4c560010}},
         Counter{},
         Nat{NatKind::kDnat, IpFamily::kV6, NatAddrMap{kCtMark, "be6a", ""}}},
        "web6: schedule sh");
  return {Ch("svc_web",
             {sticky(0x4c560000, "192.168.1.10"),
              sticky(0x4c560001, "192.168.1.11"), sched},
             std::nullopt, "service web"),
          Ch("svc_web6", {sched6}, std::nullopt, "service web6")};
}

/// The NAT + FULLNAT inet table of docs/LAYOUT.md: dispatch from prerouting and
/// output, fullnat SNAT and masquerade in postrouting, service chains.
inline Plan NatLayoutPlan(bool port_map) {
  using enum Field;
  Match v4 = Eq(F(kMetaNfproto), Raw({2}));
  Match v6 = Eq(F(kMetaNfproto), Raw({10}));
  std::vector<Rule> dispatch = {
      R({v4, VmapLookup{{F(kMetaL4proto), F(kIpDaddr), F(kThDport)}, "svc4"}},
        "dispatch IPv4"),
      R({v6, VmapLookup{{F(kMetaL4proto), F(kIp6Daddr), F(kThDport)}, "svc6"}},
        "dispatch IPv6")};
  Chain post =
      Ch("postrouting",
         {R({v6, Lookup{{F(kCtMark)}, "fullnat6"},
             Nat{NatKind::kSnat, IpFamily::kV6, Ip("2001:db8:1::100")}},
            "fullnat web6"),
          R({v4, Eq(F(kCtMark, MarkMask(0xffff0000)), Mk(0x4c570000)),
             Nat{NatKind::kMasquerade, IpFamily::kV4, std::monostate{}}})},
         Base("nat", Hook::kPostrouting, 100));
  std::vector<Chain> chains = {
      Ch("prerouting", dispatch, Base("nat", Hook::kPrerouting, -100)),
      Ch("output", dispatch, Base("nat", Hook::kOutput, -100)), post};
  for (Chain& c : NatServiceChains(port_map)) chains.push_back(c);
  return OneTable(TableFamily::kInet, kOwnerComment, NatLayoutSets(port_map),
                  chains);
}

/// The nft text of NatLayoutPlan; `be` is the backend map's declaration and
/// `rs0`/`rs1` the DNAT targets of the two persistence rules.
inline std::string NatLayoutText(const std::string& be, const std::string& rs0,
                                 const std::string& rs1,
                                 const std::string& sched,
                                 const std::string& ports = "") {
  const std::string dispatch = R"(
    meta nfproto ipv4 meta l4proto . ip daddr . th dport vmap @svc4 comment "dispatch IPv4"
    meta nfproto ipv6 meta l4proto . ip6 daddr . th dport vmap @svc6 comment "dispatch IPv6"
)";
  const std::string client = "ip saddr & 255.255.255.0 . ct mark";
  auto sticky = [&](const char* slot, const std::string& to, const char* rs) {
    return "    meta l4proto tcp ct mark set " + std::string(slot) + " " +
           client + " @persist4 update @persist4 { " + client +
           " } dnat ip to " + to + " comment \"web: persistent " + rs + "\"\n";
  };
  return Head("inet") + R"(table inet lvsnft {
  comment "managed by lvsnft"
  map svc4 { type inet_proto . ipv4_addr . inet_service : verdict; flags interval; counter;
    elements = { tcp . 192.168.10.100 . 80 : goto svc_web, tcp . 192.168.10.100 . 8000-8010 : goto svc_web }; }
  map svc6 { type inet_proto . ipv6_addr . inet_service : verdict; flags interval; counter;
    elements = { tcp . 2001:db8:10::100 . 80 : goto svc_web6 }; }
)" + be + R"(
  map be6a { type mark : ipv6_addr; counter; elements = { 0x4c560010 : 2001:db8:1::10 }; }
  map canon { type mark : mark; elements = { 0x4c560000 : 0x4c560000, 0x4c560001 : 0x4c560001, 0x4c560002 : 0x4c560000, 0x4c560003 : 0x4c560000 }; }
  set persist4 { type ipv4_addr . mark; size 65535; flags dynamic,timeout; timeout 5m; }
  set fullnat6 { type mark; flags interval; elements = { 0x4c560010-0x4c56001f }; }
)" + ports +
         R"(
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;)" +
         dispatch + R"(  }
  chain output {
    type nat hook output priority -100; policy accept;)" +
         dispatch + R"(  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    meta nfproto ipv6 ct mark @fullnat6 snat ip6 to 2001:db8:1::100 comment "fullnat web6"
    meta nfproto ipv4 ct mark & 0xffff0000 == 0x4c570000 masquerade
  }
  chain svc_web {
    comment "service web"
)" + sticky("0x4c560000", rs0, "192.168.1.10") +
         sticky("0x4c560001", rs1, "192.168.1.11") +
         "    meta l4proto tcp ct mark set numgen inc mod 4 offset 0x4c560000 "
         "ct mark set ct mark map @canon update @persist4 { " +
         client + " } dnat ip to " + sched + R"( comment "web: schedule wrr"
  }
  chain svc_web6 {
    comment "service web6"
    ct mark set jhash ip6 saddr mod 1 seed 0x5eed offset 0x4c560010 counter dnat ip6 to ct mark map @be6a comment "web6: schedule sh"
  }
}
)";
}

/// Elements of the IPv4 backend map in nft syntax; `port` follows each
/// address (" . 8080" or "").
inline std::string BackendElements(const char* port) {
  std::string s;
  for (int i = 0; i < 4; ++i) {
    if (i) s += ", ";
    s += "0x4c56000" + std::to_string(i) + " : " +
         (i == 1 ? "192.168.1.11" : "192.168.1.10") + port;
  }
  return s;
}

/// docs/LAYOUT.md NAT table with be4a: loads identically.
inline Case NatLayoutCase() {
  return {"layout_nat",
          "LAYOUT.md NAT/FULLNAT inet table (backend map without port "
          "mapping): dispatch vmaps, backend/canon maps, persistence, "
          "fullnat postrouting",
          NatLayoutPlan(false),
          NatLayoutText("  map be4a { type mark : ipv4_addr; counter; "
                        "elements = { " +
                            BackendElements("") + " }; }",
                        "192.168.1.10", "192.168.1.11", "ct mark map @be4a"),
          Expect::kNoComments};
}

/// docs/LAYOUT.md NAT table with port mapping: an address map and a port map
/// (nft 1.0.6 JSON cannot declare maps with concatenated data).
inline Case NatLayoutPortMapCase() {
  const std::string to = "ct mark map @be4a : ct mark map @bep";
  return {"layout_nat_port_map",
          "LAYOUT.md NAT table with port mapping: dnat to address map : port "
          "map",
          NatLayoutPlan(true),
          NatLayoutText("  map be4a { type mark : ipv4_addr; counter; "
                        "elements = { " +
                            BackendElements("") + " }; }",
                        to, to, to,
                        "  map bep { type mark : inet_service; elements = { "
                        "0x4c560000 : 8080, 0x4c560001 : 8080, 0x4c560002 : "
                        "8080, 0x4c560003 : 8080 }; }"),
          Expect::kNoComments};
}

}  // namespace lvsnft::jsoncases
