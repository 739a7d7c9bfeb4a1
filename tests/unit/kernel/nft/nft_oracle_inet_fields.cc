// Oracle cases for inet tables beyond the layout: IPv6, every field form
// (hashes, plain matches) and interval sets.
#include "compiler/plan.h"
#include "nft_oracle_cases.h"
#include "nft_plan_builders.h"

namespace lvsnft::testing {
namespace {

using plan::Hook;
using plan::TableFamily;
using DT = plan::DataType;
constexpr uint32_t kBase = 0x4c560100;
constexpr IpFamily kV6 = IpFamily::kV6;

std::vector<plan::Set> V6Sets() {
  plan::Set svc6 =
      Set("svc6", {DT::kInetProto, DT::kIpv6Addr, DT::kInetService});
  svc6.verdict_map = svc6.interval = svc6.counter = true;
  svc6.elements = {
      V({Proto(6), Addr("2001:db8::100"), Port(443)}, Jump("svc_web6"))};
  plan::Set be6 = Set("be6", {DT::kMark}, {DT::kIpv6Addr});
  be6.counter = true;
  be6.elements = {E({Mark(kBase)}, {Addr("2001:db8:1::10")}),
                  E({Mark(kBase + 1)}, {Addr("2001:db8:1::11")})};
  plan::Set bep = Set("bep", {DT::kMark}, {DT::kInetService});
  bep.elements = {E({Mark(kBase)}, {Port(8443)})};
  // Concatenated data with a 16-byte address, not used by NAT.
  plan::Set pairs6 =
      Set("pairs6", {DT::kMark}, {DT::kIpv6Addr, DT::kInetService});
  pairs6.elements = {E({Mark(kBase)}, {Addr("2001:db8:1::10"), Port(8443)})};
  plan::Set persist = Set("persist6", {DT::kIpv6Addr, DT::kMark});
  persist.dynamic = persist.timeout = true;
  persist.timeout_ms = 3600000;
  return {svc6, be6, bep, pairs6, persist};
}

const char* const kV6Text = R"(table inet lvsnft {
  map svc6 {
    type inet_proto . ipv6_addr . inet_service : verdict; flags interval; counter
    elements = { tcp . 2001:db8::100 . 443 : jump svc_web6 }
  }
  map be6 { type mark : ipv6_addr; counter; elements = { 0x4c560100 : 2001:db8:1::10, 0x4c560101 : 2001:db8:1::11 }; }
  map bep { type mark : inet_service; elements = { 0x4c560100 : 8443 }; }
  map pairs6 { type mark : ipv6_addr . inet_service; elements = { 0x4c560100 : 2001:db8:1::10 . 8443 }; }
  set persist6 { type ipv6_addr . mark; flags dynamic,timeout; timeout 1h; }
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    meta nfproto ipv6 meta l4proto . ip6 daddr . th dport vmap @svc6
  }
  chain svc_web6 {
    meta l4proto tcp ct mark set 0x4c560100 ip6 saddr & ffff:ffff:ffff:ffff:: . ct mark @persist6 update @persist6 { ip6 saddr & ffff:ffff:ffff:ffff:: . ct mark } dnat ip6 to ct mark map @be6 : ct mark map @bep
    meta l4proto tcp ct mark set numgen inc mod 1 offset 0x4c560100 dnat ip6 to ct mark map @be6 : ct mark map @bep
    ct mark set 0x4c560101 dnat ip6 to ct mark map @be6
    dnat ip6 to 2001:db8:1::20
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    meta nfproto ipv6 snat ip6 to 2001:db8::1
    meta nfproto ipv6 snat ip6 to numgen inc mod 2 map { 0 : 2001:db8::1, 1 : 2001:db8::2 }
  }
}
)";

OracleCase V6() {
  plan::Key key{F(Field::kMetaL4proto), F(Field::kIp6Daddr),
                F(Field::kThDport)};
  plan::Key pkey{F(Field::kIp6Saddr, AddrMask("ffff:ffff:ffff:ffff::")),
                 F(Field::kCtMark)};
  plan::NatAddrMap be6{Field::kCtMark, "be6", "bep"};
  plan::NatAddrMap addr_only{Field::kCtMark, "be6", ""};
  plan::NatRoundRobin rr{{A("2001:db8::1"), A("2001:db8::2")}};
  return {
      "inet_ipv6",
      "IPv6: dispatch vmap, dnat ip6 to an address map with a port map "
      "(port in reg 2, flags 0x2) and without (no flags), a map with "
      "concatenated data addr6 . port (not used by nat), masked ip6 saddr "
      "in a dynamic set, dnat ip6 to an address, snat ip6 to an address "
      "and round robin",
      Table(TableFamily::kInet, "lvsnft", V6Sets(),
            {Base("prerouting", "nat", Hook::kPrerouting, -100,
                  {R({NfprotoIs(10), plan::VmapLookup{key, "svc6"}})}),
             Chain("svc_web6",
                   {R({L4Is(6), SetCt(kBase), plan::Lookup{pkey, "persist6"},
                       plan::Update{"persist6", pkey, 0}, Dnat(be6, kV6)}),
                    R({L4Is(6), SetCt(plan::Numgen{false, 1, kBase}),
                       Dnat(be6, kV6)}),
                    R({SetCt(kBase + 1), Dnat(addr_only, kV6)}),
                    R({Dnat(A("2001:db8:1::20"), kV6)})}),
             Base("postrouting", "nat", Hook::kPostrouting, 100,
                  {R({NfprotoIs(10), Snat(A("2001:db8::1"), kV6)}),
                   R({NfprotoIs(10), Snat(rr, kV6)})})}),
      kV6Text};
}

std::vector<plan::Rule> FieldRules() {
  auto j = [](plan::Key k, uint32_t mod, uint32_t seed, uint32_t off) {
    return plan::Jhash{std::move(k), mod, seed, off};
  };
  return {
      R({NfprotoIs(2), SetCt(j({F(Field::kIpSaddr)}, 4093, 0x1234, 100))}),
      R({SetCt(j({F(Field::kIpSaddr), F(Field::kThSport)}, 7, 0, 0))}),
      R({SetCt(j({F(Field::kIp6Daddr), F(Field::kThDport)}, 10, 0xdeadbeef,
                 0x4c560000))}),
      R({SetMeta(j({F(Field::kMetaL4proto), F(Field::kIpSaddr),
                    F(Field::kIpDaddr), F(Field::kThSport), F(Field::kThDport)},
                   65521, 1, 0))}),
      R({Match(F(Field::kThDport), Port(80)), Accept()}),
      R({Match(F(Field::kThSport), Port(1024)), Drop()}),
      R({Match(F(Field::kMetaMark, MarkMask(0xffff0000)), Mark(0x4c560000)),
         Return()}),
      R({Match(F(Field::kCtMark), Mark(0x4c560003)), Jump("other")}),
      R({Match(F(Field::kIpDaddr), Addr("10.0.0.1")), Accept()}),
      R({Match(F(Field::kIpSaddr, AddrMask("255.255.0.0")), Addr("10.1.0.0")),
         Goto("other")}),
      R({Match(F(Field::kIp6Saddr), Addr("2001:db8::7")), Accept()}),
      R({L4Is(17), Match(F(Field::kMetaProtocol), Ethertype(0x0800)),
         SetMeta(1u), plan::Counter{}}),
  };
}

const char* const kFieldsText = R"(table inet t {
  chain c {
    meta nfproto ipv4 ct mark set jhash ip saddr mod 4093 seed 0x1234 offset 100
    ct mark set jhash ip saddr . th sport mod 7 seed 0x0 offset 0
    ct mark set jhash ip6 daddr . th dport mod 10 seed 0xdeadbeef offset 0x4c560000
    meta mark set jhash meta l4proto . ip saddr . ip daddr . th sport . th dport mod 65521 seed 0x1 offset 0
    th dport 80 accept
    th sport 1024 drop
    meta mark & 0xffff0000 == 0x4c560000 return
    ct mark 0x4c560003 jump other
    ip daddr 10.0.0.1 accept
    ip saddr & 255.255.0.0 == 10.1.0.0 goto other
    ip6 saddr 2001:db8::7 accept
    meta l4proto udp meta protocol ip meta mark set 0x1 counter
  }
  chain other {
  }
}
)";

OracleCase Fields() {
  return {"inet_fields",
          "jhash of one field, of concatenations (2 and 5 fields, ip6), "
          "seeds and offsets; cmp on th sport/dport, masked meta mark, ct "
          "mark, ip daddr, masked ip saddr, ip6 saddr (implicit meta "
          "nfproto), meta l4proto, meta protocol; meta mark set constant; "
          "jump, goto, return",
          Table(TableFamily::kInet, "t", {},
                {Chain("c", FieldRules()), Chain("other", {})}),
          kFieldsText};
}

std::vector<plan::Set> IntervalSets() {
  plan::Set m1 = Set("m1", {DT::kMark});
  m1.verdict_map = m1.interval = true;
  m1.elements = {V({Mark(0x4c560000)}, Jump("a"), {Mark(0x4c5600ff)}),
                 V({Mark(0x4c560100)}, Goto("b"))};
  plan::Set ms = Set("ms", {DT::kMark, DT::kIpv4Addr});
  ms.interval = true;
  ms.elements = {Range({Mark(0x4c560000), Addr("10.0.0.0")},
                       {Mark(0x4c5600ff), Addr("10.0.0.255")}),
                 E({Mark(1), Addr("10.1.1.1")})};
  plan::Set open = Set("open", {DT::kMark});
  open.interval = true;
  open.elements = {Range({Mark(0xffff0000)}, {Mark(0xffffffff)}),
                   Range({Mark(0)}, {Mark(0xff)})};
  plan::Set ports = Set("ports", {DT::kInetService});
  ports.interval = true;
  ports.elements = {E({Port(80)}), Range({Port(8000)}, {Port(8080)})};
  plan::Set protos = Set("protos", {DT::kInetProto});
  protos.elements = {E({Proto(6)}), E({Proto(17)})};
  return {m1, ms, open, ports, protos};
}

const char* const kIntervalsText = R"(table inet t {
  map m1 {
    type mark : verdict; flags interval
    elements = { 0x4c560000-0x4c5600ff : jump a, 0x4c560100 : goto b }
  }
  set ms {
    type mark . ipv4_addr; flags interval
    elements = { 0x4c560000-0x4c5600ff . 10.0.0.0-10.0.0.255, 0x1 . 10.1.1.1 }
  }
  set open { type mark; flags interval; elements = { 0xffff0000-0xffffffff, 0x0-0xff }; }
  set ports { type inet_service; flags interval; elements = { 80, 8000-8080 }; }
  set protos { type inet_proto; elements = { tcp, udp }; }
  chain a { accept; }
  chain b { drop; }
  chain c {
    meta mark vmap @m1
    meta mark . ip saddr @ms accept
    ct mark @open accept
    th dport @ports accept
    meta l4proto @protos accept
  }
}
)";

OracleCase Intervals() {
  auto look = [](plan::Key k, const char* s) { return plan::Lookup{k, s}; };
  return {
      "inet_intervals",
      "interval verdict map on marks (end elements without verdict), "
      "concatenated interval set with a mark (big-endian key, key_end, "
      "byteorder of the mark), open interval up to 0xffffffff starting "
      "at 0, interval port set, plain inet_proto set",
      Table(TableFamily::kInet, "t", IntervalSets(),
            {Chain("a", {R({Accept()})}), Chain("b", {R({Drop()})}),
             Chain("c",
                   {R({plan::VmapLookup{{F(Field::kMetaMark)}, "m1"}}),
                    R({look({F(Field::kMetaMark), F(Field::kIpSaddr)}, "ms"),
                       Accept()}),
                    R({look({F(Field::kCtMark)}, "open"), Accept()}),
                    R({look({F(Field::kThDport)}, "ports"), Accept()}),
                    R({look({F(Field::kMetaL4proto)}, "protos"), Accept()})})}),
      kIntervalsText};
}

}  // namespace

std::vector<OracleCase> InetV6OracleCases() { return {V6()}; }

std::vector<OracleCase> InetFieldOracleCases() {
  return {Fields(), Intervals()};
}

}  // namespace lvsnft::testing
