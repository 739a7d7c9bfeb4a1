// Oracle cases for netdev tables: the DR / TUN layout of docs/LAYOUT.md.
#include "compiler/plan.h"
#include "nft_oracle_cases.h"
#include "nft_plan_builders.h"

namespace lvsnft::testing {
namespace {

using plan::Hook;
using plan::TableFamily;
using DT = plan::DataType;

std::vector<plan::Set> DrSets() {
  plan::Set svc4 =
      Set("svc4", {DT::kInetProto, DT::kIpv4Addr, DT::kInetService});
  svc4.verdict_map = svc4.interval = svc4.counter = true;
  svc4.elements = {
      V({Proto(6), Addr("192.168.1.100"), Port(80)}, Jump("svc_web"))};
  plan::Set flows =
      Set("flows4", {DT::kIpv4Addr, DT::kIpv4Addr, DT::kInetService,
                     DT::kInetService, DT::kMark});
  flows.dynamic = flows.timeout = true;
  flows.timeout_ms = 30000;
  flows.size = 65536;
  plan::Set slots = Set("slots", {DT::kMark}, {DT::kMark});
  slots.elements = {E({Mark(0x4c560000)}, {Mark(0x1234)}),
                    E({Mark(0x4c560001)}, {Mark(0x5678)})};
  plan::Set targets = Set("targets", {DT::kMark});
  targets.verdict_map = true;
  targets.elements = {V({Mark(0x1234)}, Goto("rs_1234")),
                      V({Mark(0x5678)}, Goto("rs_5678"))};
  return {svc4, flows, slots, targets};
}

plan::Key FlowKey() {
  return {F(Field::kIpSaddr), F(Field::kIpDaddr), F(Field::kThSport),
          F(Field::kThDport), F(Field::kMetaMark)};
}

plan::Chain RsChain(uint32_t tid, const char* rip) {
  std::string name = "rs_" + std::to_string(tid == 0x1234 ? 1234 : 5678);
  plan::Fwd fwd{A(rip), kOracleDevice};
  return Chain(name, {R({plan::Update{"flows4", FlowKey(), 0}, SetMeta(0u),
                         plan::Counter{}, fwd}),
                      R({SetMeta(0u), plan::Counter{}, fwd})});
}

plan::Chain SvcChain() {
  plan::Jhash h{
      {F(Field::kIpSaddr), F(Field::kThSport)}, 2, 0x5eed, 0x4c560000};
  return Chain("svc_web",
               {R({SetMeta(0x1234u), plan::Lookup{FlowKey(), "flows4"},
                   Goto("rs_1234")}),
                R({SetMeta(0x5678u), plan::Lookup{FlowKey(), "flows4"},
                   Goto("rs_5678")}),
                R({SetMeta(h), SetMeta(plan::MapOf{Field::kMetaMark, "slots"}),
                   plan::VmapLookup{{F(Field::kMetaMark)}, "targets"}}),
                R({SetMeta(0u), Drop()})});
}

const char* const kDrText = R"(table netdev lvsnft {
  comment "managed by lvsnft"
  map svc4 {
    type inet_proto . ipv4_addr . inet_service : verdict; flags interval; counter
    elements = { tcp . 192.168.1.100 . 80 : jump svc_web }
  }
  set flows4 {
    type ipv4_addr . ipv4_addr . inet_service . inet_service . mark
    flags dynamic,timeout; timeout 30s; size 65536
  }
  map slots { type mark : mark; elements = { 0x4c560000 : 0x00001234, 0x4c560001 : 0x00005678 }; }
  map targets { type mark : verdict; elements = { 0x00001234 : goto rs_1234, 0x00005678 : goto rs_5678 }; }
  chain ingress_vA {
    type filter hook ingress device "vA" priority -500; policy accept;
    comment "director ingress"
    meta protocol ip meta l4proto . ip daddr . th dport vmap @svc4
  }
  chain svc_web {
    meta mark set 0x00001234 ip saddr . ip daddr . th sport . th dport . meta mark @flows4 goto rs_1234
    meta mark set 0x00005678 ip saddr . ip daddr . th sport . th dport . meta mark @flows4 goto rs_5678
    meta mark set jhash ip saddr . th sport mod 2 seed 0x5eed offset 0x4c560000 meta mark set meta mark map @slots meta mark vmap @targets
    meta mark set 0x0 drop
  }
  chain rs_1234 {
    update @flows4 { ip saddr . ip daddr . th sport . th dport . meta mark } meta mark set 0x0 counter fwd ip to 192.168.1.10 device "vA"
    meta mark set 0x0 counter fwd ip to 192.168.1.10 device "vA"
  }
  chain rs_5678 {
    update @flows4 { ip saddr . ip daddr . th sport . th dport . meta mark } meta mark set 0x0 counter fwd ip to 192.168.1.11 device "vA"
    meta mark set 0x0 counter fwd ip to 192.168.1.11 device "vA"
  }
}
)";

OracleCase Dr() {
  plan::Key key{F(Field::kMetaL4proto), F(Field::kIpDaddr), F(Field::kThDport)};
  plan::Match ip = Match(F(Field::kMetaProtocol), Ethertype(0x0800));
  return {"netdev_dr",
          "netdev ingress base chain with device and comment, dispatch vmap "
          "after meta protocol ip, flow set lookups (5-field concat with "
          "meta mark), goto, jhash into meta mark, meta mark map, verdict "
          "map on meta mark, update of a dynamic set, counter, fwd ip",
          Table(TableFamily::kNetdev, "lvsnft", DrSets(),
                {Base("ingress_vA", "filter", Hook::kIngress, -500,
                      {R({ip, plan::VmapLookup{key, "svc4"}})}, kOracleDevice,
                      "director ingress"),
                 SvcChain(), RsChain(0x1234, "192.168.1.10"),
                 RsChain(0x5678, "192.168.1.11")},
                "managed by lvsnft"),
          kDrText};
}

const char* const kFieldsText = R"(table netdev t {
  set f6 { type ipv6_addr . inet_service; flags dynamic,timeout; timeout 1m; comment "v6 flows"; }
  chain c {
    ip saddr 10.0.0.1 accept
    ip6 daddr 2001:db8::1 th dport 443 accept comment "https v6"
    meta protocol ip6 ip6 saddr & ffff:ffff:: == 2001:db8:: accept
    th sport 53 meta l4proto udp accept
    meta mark 0x1 accept
    meta protocol ip6 fwd ip6 to 2001:db8::2 device "vA"
    update @f6 { ip6 saddr . th sport timeout 5s }
  }
}
)";

OracleCase Fields() {
  plan::Set f6 = Set("f6", {DT::kIpv6Addr, DT::kInetService});
  f6.dynamic = f6.timeout = true;
  f6.timeout_ms = 60000;
  f6.comment = "v6 flows";
  plan::Key fkey{F(Field::kIp6Saddr), F(Field::kThSport)};
  plan::Match ip6 = Match(F(Field::kMetaProtocol), Ethertype(0x86dd));
  return {
      "netdev_fields",
      "netdev fields: implicit meta protocol ip / ip6 before ip and ip6 "
      "fields, masked ip6 saddr, th sport, meta l4proto, meta mark, "
      "fwd ip6, update with timeout, set comment, rule comment",
      Table(
          TableFamily::kNetdev, "t", {f6},
          {Chain("c",
                 {R({Match(F(Field::kIpSaddr), Addr("10.0.0.1")), Accept()}),
                  R({Match(F(Field::kIp6Daddr), Addr("2001:db8::1")),
                     Match(F(Field::kThDport), Port(443)), Accept()},
                    "https v6"),
                  R({ip6,
                     Match(F(Field::kIp6Saddr, AddrMask("ffff:ffff::")),
                           Addr("2001:db8::")),
                     Accept()}),
                  R({Match(F(Field::kThSport), Port(53)), L4Is(17), Accept()}),
                  R({Match(F(Field::kMetaMark), Mark(1)), Accept()}),
                  R({ip6, plan::Fwd{A("2001:db8::2"), kOracleDevice}}),
                  R({plan::Update{"f6", fkey, 5000}})})}),
      kFieldsText};
}

}  // namespace

std::vector<OracleCase> NetdevOracleCases() { return {Dr(), Fields()}; }

}  // namespace lvsnft::testing
