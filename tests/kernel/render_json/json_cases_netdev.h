// Case for render_json_cases.cc: docs/LAYOUT.md's DR/TUN netdev table.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "json_case_kit.h"

namespace lvsnft::jsoncases {

/// The flow key: 4-tuple of family `v6` plus the target id in the mark.
inline Key FlowKey(bool v6) {
  using enum Field;
  return {F(v6 ? kIp6Saddr : kIpSaddr), F(v6 ? kIp6Daddr : kIpDaddr),
          F(kThSport), F(kThDport), F(kMetaMark)};
}

/// One service chain: flow stickiness per target, Maglev slot selection,
/// drop when nothing matched.
inline Chain DrServiceChain(const std::string& name, bool v6,
                            const std::vector<uint32_t>& tids,
                            const std::string& slots,
                            const std::string& targets) {
  using enum Field;
  std::vector<Rule> rules;
  for (uint32_t tid : tids) {
    char chain[16];
    std::snprintf(chain, sizeof(chain), "rs_%x", tid);
    rules.push_back(
        R({SetMark{kMetaMark, tid},
           Lookup{FlowKey(v6), v6 ? "flows6" : "flows4"}, Goto(chain)}));
  }
  Key hash = {F(v6 ? kIp6Saddr : kIpSaddr), F(kThSport)};
  rules.push_back(R({SetMark{kMetaMark, Jhash{hash, 3, 0x5eed, 0x10}},
                     SetMark{kMetaMark, MapOf{kMetaMark, slots}},
                     VmapLookup{{F(kMetaMark)}, targets}},
                    "new flow: maglev"));
  rules.push_back(R({SetMark{kMetaMark, 0u}, Drop()}));
  return Ch(name, rules);
}

/// The chain of one real server: refresh the flow, reset the mark, forward.
inline Chain RsChain(uint32_t tid, const char* rip, bool v6, uint64_t to_ms) {
  char name[16];
  std::snprintf(name, sizeof(name), "rs_%x", tid);
  Fwd fwd{Ip(rip), "lvjs0"};
  return Ch(name, {R({Update{v6 ? "flows6" : "flows4", FlowKey(v6), to_ms},
                      SetMark{Field::kMetaMark, 0u}, Counter{}, fwd}),
                   R({SetMark{Field::kMetaMark, 0u}, Counter{}, fwd},
                     "flow table full")});
}

/// The DR/TUN netdev table of docs/LAYOUT.md.
inline Plan NetdevLayoutPlan() {
  using enum DataType;
  Set svc4 = VM("svc4", kDispatch4,
                {To(El({Pr(6), Ad("192.168.1.100"), Po(80)}), Goto("svc_dr")),
                 To(Range({Pr(17), Ad("192.168.1.100"), Po(5000)},
                          {Pr(17), Ad("192.168.1.100"), Po(5010)}),
                    Goto("svc_dr"))});
  Set svc6 =
      VM("svc6", kDispatch6,
         {To(El({Pr(6), Ad("2001:db8::100"), Po(80)}), Goto("svc_dr6"))});
  svc4.interval = svc6.interval = svc4.counter = svc6.counter = true;
  Set flows4 =
      S("flows4", {kIpv4Addr, kIpv4Addr, kInetService, kInetService, kMark});
  Set flows6 =
      S("flows6", {kIpv6Addr, kIpv6Addr, kInetService, kInetService, kMark});
  for (Set* f : {&flows4, &flows6}) {
    f->dynamic = f->timeout = true;
    f->timeout_ms = 120000;
    f->size = 65536;
  }
  Set slots =
      M("slots", {kMark}, {kMark},
        {To(El({Mk(0x10)}), {Mk(0x1111)}), To(El({Mk(0x11)}), {Mk(0x2222)}),
         To(El({Mk(0x12)}), {Mk(0x1111)}), To(El({Mk(0x20)}), {Mk(0x3333)})});
  Set targets = VM("targets", {kMark},
                   {To(El({Mk(0x1111)}), Goto("rs_1111")),
                    To(El({Mk(0x2222)}), Goto("rs_2222")),
                    To(El({Mk(0x3333)}), Goto("rs_3333"))});
  using enum Field;
  Chain ingress = Ch(
      "ingress_lvjs0",
      {R({Eq(F(kMetaProtocol), Raw({8, 0})),
          VmapLookup{{F(kMetaL4proto), F(kIpDaddr), F(kThDport)}, "svc4"}}),
       R({Eq(F(kMetaProtocol), Raw({0x86, 0xdd})),
          VmapLookup{{F(kMetaL4proto), F(kIp6Daddr), F(kThDport)}, "svc6"}})},
      Base("filter", Hook::kIngress, -500, "lvjs0"));
  return OneTable(
      TableFamily::kNetdev, kOwnerComment,
      {svc4, svc6, flows4, flows6, slots, targets},
      {ingress,
       DrServiceChain("svc_dr", false, {0x1111, 0x2222}, "slots", "targets"),
       DrServiceChain("svc_dr6", true, {0x3333}, "slots", "targets"),
       RsChain(0x1111, "192.168.1.10", false, 0),
       RsChain(0x2222, "192.168.1.11", false, 0),
       RsChain(0x3333, "2001:db8::10", true, 30000)});
}

/// docs/LAYOUT.md netdev table: loads identically but for the table comment.
inline Case NetdevLayoutCase() {
  return {"layout_netdev",
          "LAYOUT.md DR/TUN netdev table: ingress chain on a veth, dispatch "
          "vmaps, flows4/flows6, maglev slots and targets, rs chains with fwd",
          NetdevLayoutPlan(), Head("netdev") + R"(table netdev lvsnft {
  comment "managed by lvsnft"
  map svc4 { type inet_proto . ipv4_addr . inet_service : verdict; flags interval; counter;
    elements = { tcp . 192.168.1.100 . 80 : goto svc_dr, udp . 192.168.1.100 . 5000-5010 : goto svc_dr }; }
  map svc6 { type inet_proto . ipv6_addr . inet_service : verdict; flags interval; counter;
    elements = { tcp . 2001:db8::100 . 80 : goto svc_dr6 }; }
  set flows4 { type ipv4_addr . ipv4_addr . inet_service . inet_service . mark; size 65536; flags dynamic,timeout; timeout 2m; }
  set flows6 { type ipv6_addr . ipv6_addr . inet_service . inet_service . mark; size 65536; flags dynamic,timeout; timeout 2m; }
  map slots { type mark : mark; elements = { 0x10 : 0x1111, 0x11 : 0x2222, 0x12 : 0x1111, 0x20 : 0x3333 }; }
  map targets { type mark : verdict; elements = { 0x1111 : goto rs_1111, 0x2222 : goto rs_2222, 0x3333 : goto rs_3333 }; }
  chain ingress_lvjs0 {
    type filter hook ingress device "lvjs0" priority -500; policy accept;
    meta protocol ip meta l4proto . ip daddr . th dport vmap @svc4
    meta protocol ip6 meta l4proto . ip6 daddr . th dport vmap @svc6
  }
  chain svc_dr {
    meta mark set 0x1111 ip saddr . ip daddr . th sport . th dport . meta mark @flows4 goto rs_1111
    meta mark set 0x2222 ip saddr . ip daddr . th sport . th dport . meta mark @flows4 goto rs_2222
    meta mark set jhash ip saddr . th sport mod 3 seed 0x5eed offset 0x10 meta mark set meta mark map @slots meta mark vmap @targets comment "new flow: maglev"
    meta mark set 0x0 drop
  }
  chain svc_dr6 {
    meta mark set 0x3333 ip6 saddr . ip6 daddr . th sport . th dport . meta mark @flows6 goto rs_3333
    meta mark set jhash ip6 saddr . th sport mod 3 seed 0x5eed offset 0x10 meta mark set meta mark map @slots meta mark vmap @targets comment "new flow: maglev"
    meta mark set 0x0 drop
  }
  chain rs_1111 {
    update @flows4 { ip saddr . ip daddr . th sport . th dport . meta mark } meta mark set 0x0 counter fwd ip to 192.168.1.10 device "lvjs0"
    meta mark set 0x0 counter fwd ip to 192.168.1.10 device "lvjs0" comment "flow table full"
  }
  chain rs_2222 {
    update @flows4 { ip saddr . ip daddr . th sport . th dport . meta mark } meta mark set 0x0 counter fwd ip to 192.168.1.11 device "lvjs0"
    meta mark set 0x0 counter fwd ip to 192.168.1.11 device "lvjs0" comment "flow table full"
  }
  chain rs_3333 {
    update @flows6 { ip6 saddr . ip6 daddr . th sport . th dport . meta mark timeout 30s } meta mark set 0x0 counter fwd ip6 to 2001:db8::10 device "lvjs0"
    meta mark set 0x0 counter fwd ip6 to 2001:db8::10 device "lvjs0" comment "flow table full"
  }
}
)",
          Expect::kNoComments};
}

}  // namespace lvsnft::jsoncases
