// Oracle cases for inet tables: the NAT / FULLNAT layout of docs/LAYOUT.md.
#include "compiler/plan.h"
#include "nft_oracle_cases.h"
#include "nft_plan_builders.h"

namespace lvsnft::testing {
namespace {

using plan::Hook;
using plan::TableFamily;
using DT = plan::DataType;

constexpr uint32_t kBase = 0x4c560000;

const char* const kDispatchText = R"(table inet lvsnft {
  comment "managed by lvsnft"
  map svc4 {
    type inet_proto . ipv4_addr . inet_service : verdict
    flags interval
    counter
    comment "dispatch v4"
    elements = { tcp . 192.168.10.100 . 80 : jump svc_web,
                 udp . 192.168.10.100 . 1000-2000 : goto svc_dns }
  }
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept;
    comment "dispatch"
    meta nfproto ipv4 meta l4proto . ip daddr . th dport vmap @svc4 comment "dispatch v4"
  }
  chain output {
    type nat hook output priority -100; policy accept;
    meta nfproto ipv4 meta l4proto . ip daddr . th dport vmap @svc4
  }
  chain svc_web { counter accept; }
  chain svc_dns { counter drop; }
}
)";

OracleCase Dispatch() {
  plan::Set svc4 =
      Set("svc4", {DT::kInetProto, DT::kIpv4Addr, DT::kInetService});
  svc4.verdict_map = true;
  svc4.interval = true;
  svc4.counter = true;
  svc4.comment = "dispatch v4";
  svc4.elements = {
      V({Proto(6), Addr("192.168.10.100"), Port(80)}, Jump("svc_web")),
      V({Proto(17), Addr("192.168.10.100"), Port(1000)}, Goto("svc_dns"),
        {Proto(17), Addr("192.168.10.100"), Port(2000)})};
  plan::Key key{F(Field::kMetaL4proto), F(Field::kIpDaddr), F(Field::kThDport)};
  auto dispatch = [&](std::string comment) {
    return R({NfprotoIs(2), plan::VmapLookup{key, "svc4"}}, comment);
  };
  return {"inet_dispatch",
          "interval concat verdict map with counter and comment, jump/goto "
          "elements with a port range, nat base chains, chain and rule "
          "comments, table comment, counter, accept, drop",
          Table(TableFamily::kInet, "lvsnft", {svc4},
                {Base("prerouting", "nat", Hook::kPrerouting, -100,
                      {dispatch("dispatch v4")}, "", "dispatch"),
                 Base("output", "nat", Hook::kOutput, -100, {dispatch("")}),
                 Chain("svc_web", {R({plan::Counter{}, Accept()})}),
                 Chain("svc_dns", {R({plan::Counter{}, Drop()})})},
                "managed by lvsnft"),
          kDispatchText};
}

const char* const kBackendsText = R"(table inet lvsnft {
  map be4 {
    type mark : ipv4_addr; counter
    elements = { 0x4c560000 : 192.168.1.10, 0x4c560001 : 192.168.1.11, 0x4c560010 : 192.168.1.12 }
  }
  map bep { type mark : inet_service; elements = { 0x4c560000 : 8080, 0x4c560001 : 8081 }; }
  map canon { type mark : mark; elements = { 0x4c560001 : 0x4c560000 }; }
  map pairs {
    type mark : ipv4_addr . inet_service; counter
    elements = { 0x4c560000 : 192.168.1.10 . 8080, 0x4c560001 : 192.168.1.11 . 8081 }
  }
  chain svc_web {
    meta l4proto tcp ct mark set numgen inc mod 4 offset 0x4c560000 dnat ip to ct mark map @be4 : ct mark map @bep
  }
  chain svc_rnd {
    ct mark set numgen random mod 3 offset 17 ct mark set ct mark map @canon dnat ip to ct mark map @be4
  }
  chain svc_one {
    dnat ip to 192.168.1.20
  }
}
)";

// The shared backend maps of docs/LAYOUT.md: slot -> address, slot -> port.
std::vector<plan::Set> BackendSets() {
  plan::Set be4 = Set("be4", {DT::kMark}, {DT::kIpv4Addr});
  be4.counter = true;
  be4.elements = {E({Mark(kBase)}, {Addr("192.168.1.10")}),
                  E({Mark(kBase + 1)}, {Addr("192.168.1.11")}),
                  E({Mark(kBase + 16)}, {Addr("192.168.1.12")})};
  plan::Set bep = Set("bep", {DT::kMark}, {DT::kInetService});
  bep.elements = {E({Mark(kBase)}, {Port(8080)}),
                  E({Mark(kBase + 1)}, {Port(8081)})};
  plan::Set canon = Set("canon", {DT::kMark}, {DT::kMark});
  canon.elements = {E({Mark(kBase + 1)}, {Mark(kBase)})};
  // Concatenated data, not used by NAT: covers its set encoding.
  plan::Set pairs =
      Set("pairs", {DT::kMark}, {DT::kIpv4Addr, DT::kInetService});
  pairs.counter = true;
  pairs.elements = {E({Mark(kBase)}, {Addr("192.168.1.10"), Port(8080)}),
                    E({Mark(kBase + 1)}, {Addr("192.168.1.11"), Port(8081)})};
  return {be4, bep, canon, pairs};
}

OracleCase Backends() {
  plan::NatAddrMap with_port{Field::kCtMark, "be4", "bep"};
  plan::NatAddrMap addr_only{Field::kCtMark, "be4", ""};
  return {
      "inet_backends",
      "backend maps mark : addr with counter, mark : port, mark : mark, "
      "a map with concatenated data addr . port (not used by nat), ct "
      "mark set numgen inc|random, ct mark set ct mark map, dnat ip to "
      "ct mark map with a port map (port in reg 2, flags 0x2) and without "
      "(no flags), dnat ip to an address",
      Table(TableFamily::kInet, "lvsnft", BackendSets(),
            {Chain("svc_web", {R({L4Is(6), SetCt(plan::Numgen{false, 4, kBase}),
                                  Dnat(with_port)})}),
             Chain("svc_rnd", {R({SetCt(plan::Numgen{true, 3, 17}),
                                  SetCt(plan::MapOf{Field::kCtMark, "canon"}),
                                  Dnat(addr_only)})}),
             Chain("svc_one", {R({Dnat(A("192.168.1.20"))})})}),
      kBackendsText};
}

const char* const kPersistenceText = R"(table inet lvsnft {
  map be4 { type mark : ipv4_addr; }
  map bep { type mark : inet_service; }
  set persist4 { type ipv4_addr . mark; flags dynamic,timeout; timeout 5m; size 65535; }
  chain svc_web {
    meta l4proto tcp ct mark set 0x4c560000 ip saddr & 255.255.255.0 . ct mark @persist4 update @persist4 { ip saddr & 255.255.255.0 . ct mark } dnat ip to ct mark map @be4 : ct mark map @bep
    meta l4proto tcp ct mark set numgen inc mod 2 offset 0x4c560000 update @persist4 { ip saddr & 255.255.255.0 . ct mark timeout 10m } dnat ip to ct mark map @be4 : ct mark map @bep
  }
}
)";

OracleCase Persistence() {
  plan::Set be4 = Set("be4", {DT::kMark}, {DT::kIpv4Addr});
  plan::Set bep = Set("bep", {DT::kMark}, {DT::kInetService});
  plan::Set persist = Set("persist4", {DT::kIpv4Addr, DT::kMark});
  persist.dynamic = persist.timeout = true;
  persist.timeout_ms = 300000;
  persist.size = 65535;
  plan::Key key{F(Field::kIpSaddr, AddrMask("255.255.255.0")),
                F(Field::kCtMark)};
  plan::NatAddrMap to_be4{Field::kCtMark, "be4", "bep"};
  return {
      "inet_persistence",
      "dynamic timeout set with size, masked concat lookup with the "
      "implicit meta nfproto dependency, update with and without "
      "timeout, ct mark set constant, dnat to address and port maps after "
      "a dynset",
      Table(
          TableFamily::kInet, "lvsnft", {be4, bep, persist},
          {Chain("svc_web",
                 {R({L4Is(6), SetCt(kBase), plan::Lookup{key, "persist4"},
                     plan::Update{"persist4", key, 0}, Dnat(to_be4)}),
                  R({L4Is(6), SetCt(plan::Numgen{false, 2, kBase}),
                     plan::Update{"persist4", key, 600000}, Dnat(to_be4)})})}),
      kPersistenceText};
}

const char* const kFullnatText = R"(table inet lvsnft {
  set fullnat4 {
    type mark; flags interval
    elements = { 0x4c560000-0x4c56000f, 0x4c560020, 0x10 }
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    meta nfproto ipv4 ct mark @fullnat4 snat ip to 192.168.1.100
    meta nfproto ipv4 ct mark @fullnat4 snat ip to numgen inc mod 2 map { 0 : 192.168.1.100, 1 : 192.168.1.101 }
    meta nfproto ipv4 ct mark @fullnat4 masquerade
  }
}
)";

OracleCase Fullnat() {
  plan::Set fn = Set("fullnat4", {DT::kMark});
  fn.interval = true;
  fn.elements = {Range({Mark(kBase)}, {Mark(kBase + 15)}),
                 E({Mark(kBase + 32)}), E({Mark(0x10)})};
  plan::Lookup in_fn{{F(Field::kCtMark)}, "fullnat4"};
  plan::NatRoundRobin rr{{A("192.168.1.100"), A("192.168.1.101")}};
  return {"inet_fullnat",
          "interval mark set (sorted segments, leading end element, "
          "big-endian keys, byteorder in the lookup), snat ip to address, "
          "snat to numgen map (anonymous map), masquerade",
          Table(TableFamily::kInet, "lvsnft", {fn},
                {Base("postrouting", "nat", Hook::kPostrouting, 100,
                      {R({NfprotoIs(2), in_fn, Snat(A("192.168.1.100"))}),
                       R({NfprotoIs(2), in_fn, Snat(rr)}),
                       R({NfprotoIs(2), in_fn, Masquerade()})})}),
          kFullnatText};
}

}  // namespace

std::vector<OracleCase> InetOracleCases() {
  std::vector<OracleCase> out{Dispatch(), Backends(), Persistence(), Fullnat()};
  for (auto& c : InetV6OracleCases()) out.push_back(std::move(c));
  for (auto& c : InetFieldOracleCases()) out.push_back(std::move(c));
  return out;
}

}  // namespace lvsnft::testing
