// Cases for render_json_cases.cc: matches on every field (inet and
// netdev), lookups, verdict maps, mark assignments and set updates.
#pragma once

#include <vector>

#include "json_case_kit.h"

namespace lvsnft::jsoncases {

/// Match on every field of an inet table.
inline Case MatchInet() {
  using enum Field;
  std::vector<Rule> rules = {
      R({Eq(F(kMetaNfproto), Raw({2})), Eq(F(kMetaProtocol), Raw({8, 0})),
         Eq(F(kMetaL4proto), Pr(6)), Eq(F(kMetaMark), Mk(0x4c560001)),
         Eq(F(kCtMark), Mk(5)), Eq(F(kIpSaddr), Ad("10.0.0.1")),
         Eq(F(kIpDaddr), Ad("10.0.0.2")), Eq(F(kThSport), Po(1024)),
         Eq(F(kThDport), Po(80)), Accept()}),
      R({Eq(F(kMetaNfproto), Raw({10})),
         Eq(F(kMetaProtocol), Raw({0x86, 0xdd})), Eq(F(kMetaL4proto), Pr(132)),
         Eq(F(kIp6Saddr), Ad("2001:db8::1")),
         Eq(F(kIp6Daddr), Ad("2001:db8::2")), Drop()}),
      R({Eq(F(kMetaMark, MarkMask(0xffff0000)), Mk(0x4c560000)),
         Eq(F(kCtMark, MarkMask(0xff)), Mk(1)),
         Eq(F(kIpSaddr, IpMask("255.255.255.0")), Ad("10.0.0.0")),
         Eq(F(kThSport, {0xff, 0}), Po(0x100)), Accept()}),
      R({Eq(F(kIp6Saddr, IpMask("ffff:ffff::")), Ad("2001:db8::")),
         Eq(F(kMetaL4proto), Pr(200)), Accept()}),
      R({Eq(F(kMetaProtocol), Raw({0x88, 0xa8})), Accept()}),
  };
  return {"match_inet",
          "Match on every field in an inet table, with masks and unnamed "
          "protocol numbers",
          OneTable(TableFamily::kInet, "", {}, {Ch("c", rules)}),
          Head("inet") + R"(table inet lvsnft {
  chain c {
    meta nfproto ipv4 meta protocol ip meta l4proto tcp meta mark 0x4c560001 ct mark 0x5 ip saddr 10.0.0.1 ip daddr 10.0.0.2 th sport 1024 th dport 80 accept
    meta nfproto ipv6 meta protocol ip6 meta l4proto sctp ip6 saddr 2001:db8::1 ip6 daddr 2001:db8::2 drop
    meta mark & 0xffff0000 == 0x4c560000 ct mark & 0xff == 0x1 ip saddr & 255.255.255.0 == 10.0.0.0 th sport & 0xff00 == 0x100 accept
    ip6 saddr & ffff:ffff:: == 2001:db8:: meta l4proto 200 accept
    meta protocol 0x88a8 accept
  }
}
)"};
}

/// Match on every field of a netdev table.
inline Case MatchNetdev() {
  using enum Field;
  std::vector<Rule> rules = {
      R({Eq(F(kMetaProtocol), Raw({8, 0})), Eq(F(kMetaL4proto), Pr(6)),
         Eq(F(kMetaMark), Mk(1)), Eq(F(kIpSaddr), Ad("10.0.0.1")),
         Eq(F(kIpDaddr), Ad("10.0.0.2")), Eq(F(kThSport), Po(1024)),
         Eq(F(kThDport), Po(80)), Accept()}),
      R({Eq(F(kMetaProtocol), Raw({0x86, 0xdd})), Eq(F(kMetaL4proto), Pr(17)),
         Eq(F(kIp6Saddr), Ad("2001:db8::1")),
         Eq(F(kIp6Daddr), Ad("2001:db8::2")), Drop()}),
      R({Eq(F(kMetaMark, MarkMask(0xff00)), Mk(0x100)),
         Eq(F(kIpDaddr, IpMask("255.255.0.0")), Ad("10.1.0.0")),
         Eq(F(kThDport, {0xff, 0xf0}), Po(0x50)), Accept()}),
      R({Eq(F(kIp6Daddr, IpMask("ffff:ffff:ffff:ffff::")), Ad("2001:db8::")),
         Accept()}),
  };
  return {"match_netdev", "Match on every netdev field, with masks",
          OneTable(TableFamily::kNetdev, "", {}, {Ch("c", rules)}),
          Head("netdev") + R"(table netdev lvsnft {
  chain c {
    meta protocol ip meta l4proto tcp meta mark 0x1 ip saddr 10.0.0.1 ip daddr 10.0.0.2 th sport 1024 th dport 80 accept
    meta protocol ip6 meta l4proto udp ip6 saddr 2001:db8::1 ip6 daddr 2001:db8::2 drop
    meta mark & 0xff00 == 0x100 ip daddr & 255.255.0.0 == 10.1.0.0 th dport & 0xfff0 == 0x50 accept
    ip6 daddr & ffff:ffff:ffff:ffff:: == 2001:db8:: accept
  }
}
)"};
}

/// Set lookups.
inline Case LookupCase() {
  using enum Field;
  using enum DataType;
  Set marks = S("marks", {kMark},
                {Range({Mk(0x4c560000)}, {Mk(0x4c56ffff)}), El({Mk(0x10)})});
  marks.interval = true;
  Set ranges =
      S("ranges", {kIpv4Addr, kInetService},
        {Range({Ad("10.0.0.0"), Po(1000)}, {Ad("10.0.0.255"), Po(2000)}),
         El({Ad("10.1.0.1"), Po(80)})});
  ranges.interval = true;
  std::vector<Set> sets = {
      S("ports", {kInetService}, {El({Po(80)}), El({Po(443)})}), marks,
      S("tuples4", {kIpv4Addr, kInetService}, {El({Ad("10.0.0.1"), Po(80)})}),
      S("nets6", {kIpv6Addr, kMark}, {El({Ad("2001:db8::"), Mk(1)})}), ranges};
  std::vector<Rule> rules = {
      R({Lookup{{F(kThDport)}, "ports"}, Accept()}),
      R({Lookup{{F(kCtMark)}, "marks"}, Accept()}),
      R({Lookup{{F(kIpDaddr), F(kThDport)}, "tuples4"}, Accept()}),
      R({Lookup{{F(kIp6Saddr, IpMask("ffff:ffff::")), F(kMetaMark)}, "nets6"},
         Accept()}),
      R({Lookup{{F(kIpSaddr), F(kThSport)}, "ranges"}, Drop()}),
  };
  return {"lookup",
          "Set lookups: one field, concatenations, masks, interval sets with "
          "ranges inside concatenations",
          OneTable(TableFamily::kInet, "", sets, {Ch("c", rules)}),
          Head("inet") + R"(table inet lvsnft {
  set ports { type inet_service; elements = { 80, 443 }; }
  set marks { type mark; flags interval; elements = { 0x4c560000-0x4c56ffff, 0x10 }; }
  set tuples4 { type ipv4_addr . inet_service; elements = { 10.0.0.1 . 80 }; }
  set nets6 { type ipv6_addr . mark; elements = { 2001:db8:: . 0x1 }; }
  set ranges { type ipv4_addr . inet_service; flags interval; elements = { 10.0.0.0-10.0.0.255 . 1000-2000, 10.1.0.1 . 80 }; }
  chain c {
    th dport @ports accept
    ct mark @marks accept
    ip daddr . th dport @tuples4 accept
    ip6 saddr & ffff:ffff:: . meta mark @nets6 accept
    ip saddr . th sport @ranges drop
  }
}
)"};
}

/// Verdict maps.
inline Case VmapCase() {
  using enum Field;
  Set disp = VM("disp", kDispatch4,
                {To(El({Pr(6), Ad("10.0.0.1"), Po(80)}), Goto("a")),
                 To(Range({Pr(17), Ad("10.0.0.1"), Po(1000)},
                          {Pr(17), Ad("10.0.0.1"), Po(2000)}),
                    Jump("a")),
                 To(El({Pr(132), Ad("10.0.0.2"), Po(9)}), Accept()),
                 To(El({Pr(6), Ad("10.0.0.3"), Po(1)}), Drop()),
                 To(El({Pr(6), Ad("10.0.0.4"), Po(2)}), Return())});
  disp.interval = true;
  disp.counter = true;
  std::vector<Set> sets = {
      disp, VM("single", {DataType::kMark}, {To(El({Mk(1)}), Goto("a"))})};
  std::vector<Chain> chains = {
      Ch("c",
         {R({VmapLookup{{F(kMetaL4proto), F(kIpDaddr), F(kThDport)}, "disp"}}),
          R({VmapLookup{{F(kMetaMark)}, "single"}})}),
      Ch("a", {R({Accept()})})};
  return {"vmap",
          "Verdict maps: concatenated interval key with a range, every "
          "verdict kind as data, per-element counters; one-field key",
          OneTable(TableFamily::kInet, "", sets, chains),
          Head("inet") + R"(table inet lvsnft {
  map disp {
    type inet_proto . ipv4_addr . inet_service : verdict
    flags interval
    counter
    elements = { tcp . 10.0.0.1 . 80 : goto a, udp . 10.0.0.1 . 1000-2000 : jump a, sctp . 10.0.0.2 . 9 : accept, tcp . 10.0.0.3 . 1 : drop, tcp . 10.0.0.4 . 2 : return }
  }
  map single { type mark : verdict; elements = { 0x1 : goto a }; }
  chain c {
    meta l4proto . ip daddr . th dport vmap @disp
    meta mark vmap @single
  }
  chain a {
    accept
  }
}
)"};
}

/// Mark assignments from every source.
inline Case SetMarkCase() {
  using enum Field;
  Jhash h6{{F(kIp6Saddr, IpMask("ffff:ffff:ffff:ffff::")), F(kThSport)},
           4093,
           0xdeadbeef,
           0xf0000000};
  std::vector<Rule> rules = {
      R({SetMark{kMetaMark, 1u}}),
      R({SetMark{kCtMark, 0xdeadbeefu}}),
      R({SetMark{kCtMark, Numgen{false, 4, 0x4c560000}}}),
      R({SetMark{kMetaMark, Numgen{true, 7, 0}}}),
      R({SetMark{kCtMark, Jhash{{F(kIpSaddr)}, 13, 0, 0}}}),
      R({SetMark{kMetaMark, h6}}),
      R({SetMark{kCtMark, MapOf{kCtMark, "canon"}}}),
      R({SetMark{kMetaMark, MapOf{kMetaMark, "canon"}}}),
  };
  Set canon = M("canon", {DataType::kMark}, {DataType::kMark},
                {To(El({Mk(0x4c560001)}), {Mk(0x4c560000)})});
  return {"setmark",
          "meta/ct mark set: constants, numgen inc/random, jhash of one "
          "field and of a masked concatenation (seed 0 and above 2^31), map",
          OneTable(TableFamily::kInet, "", {canon}, {Ch("c", rules)}),
          Head("inet") + R"(table inet lvsnft {
  map canon { type mark : mark; elements = { 0x4c560001 : 0x4c560000 }; }
  chain c {
    meta mark set 0x1
    ct mark set 0xdeadbeef
    ct mark set numgen inc mod 4 offset 0x4c560000
    meta mark set numgen random mod 7
    ct mark set jhash ip saddr mod 13 seed 0x0
    meta mark set jhash ip6 saddr & ffff:ffff:ffff:ffff:: . th sport mod 4093 seed 0xdeadbeef offset 0xf0000000
    ct mark set ct mark map @canon
    meta mark set meta mark map @canon
  }
}
)"};
}

/// update @set statements.
inline Case UpdateCase() {
  using enum Field;
  using enum DataType;
  Set persist = S("persist4", {kIpv4Addr, kMark});
  persist.dynamic = persist.timeout = true;
  persist.timeout_ms = 300000;
  persist.size = 65535;
  Set seen = S("seen", {kIpv4Addr});
  seen.dynamic = true;
  Key masked = {F(kIpSaddr, IpMask("255.255.255.0")), F(kCtMark)};
  std::vector<Rule> rules = {
      R({Update{"persist4", masked, 600000}}),
      R({Update{"persist4", {F(kIpSaddr), F(kMetaMark)}, 0}}),
      R({Update{"seen", {F(kIpDaddr)}, 0}}),
  };
  return {"update",
          "update @set: masked concatenation with timeout, without timeout, "
          "one field; sets with flags dynamic(,timeout), timeout, size",
          OneTable(TableFamily::kInet, "", {persist, seen}, {Ch("c", rules)}),
          Head("inet") + R"(table inet lvsnft {
  set persist4 { type ipv4_addr . mark; size 65535; flags dynamic,timeout; timeout 5m; }
  set seen { type ipv4_addr; flags dynamic; }
  chain c {
    update @persist4 { ip saddr & 255.255.255.0 . ct mark timeout 10m }
    update @persist4 { ip saddr . meta mark }
    update @seen { ip daddr }
  }
}
)"};
}

}  // namespace lvsnft::jsoncases
