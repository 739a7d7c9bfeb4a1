// The netdev half of the kernel test plan: one DR service with two real
// servers, Maglev slots, a flow set and per-server forwarding chains.
#include "nft_kernel_plan.h"
#include "nft_plan_builders.h"

namespace lvsnft::testing {
namespace {

using plan::Hook;
using plan::TableFamily;
using DT = plan::DataType;

constexpr uint32_t kSlots = 0x4c560040;
constexpr uint32_t kTidA = 0x0a0b0c0d, kTidB = 0x01020304;

plan::Key FlowKey() {
  return {F(Field::kIpSaddr), F(Field::kIpDaddr), F(Field::kThSport),
          F(Field::kThDport), F(Field::kMetaMark)};
}

std::vector<plan::Set> Sets() {
  plan::Set svc4 =
      Set("svc4", {DT::kInetProto, DT::kIpv4Addr, DT::kInetService});
  svc4.verdict_map = svc4.interval = svc4.counter = true;
  svc4.elements = {
      V({Proto(6), Addr("192.168.1.100"), Port(80)}, Jump("svc_dr"))};
  plan::Set flows =
      Set("flows4", {DT::kIpv4Addr, DT::kIpv4Addr, DT::kInetService,
                     DT::kInetService, DT::kMark});
  flows.dynamic = flows.timeout = true;
  flows.timeout_ms = 60000;
  flows.size = 65536;
  plan::Set slots = Set("slots", {DT::kMark}, {DT::kMark});
  const uint32_t table[] = {kTidA, kTidB, kTidA, kTidB, kTidA, kTidA, kTidB};
  for (uint32_t i = 0; i < 7; ++i)
    slots.elements.push_back(E({Mark(kSlots + i)}, {Mark(table[i])}));
  plan::Set targets = Set("targets", {DT::kMark});
  targets.verdict_map = true;
  targets.elements = {V({Mark(kTidA)}, Goto("rs_0a0b0c0d")),
                      V({Mark(kTidB)}, Goto("rs_01020304"))};
  return {svc4, flows, slots, targets};
}

plan::Chain Rs(const char* name, const char* rip) {
  plan::Fwd fwd{A(rip), kKernelDevice};
  return Chain(name, {R({plan::Update{"flows4", FlowKey(), 0}, SetMeta(0u),
                         plan::Counter{}, fwd}),
                      R({SetMeta(0u), plan::Counter{}, fwd})});
}

std::vector<plan::Chain> Chains() {
  plan::Key key{F(Field::kMetaL4proto), F(Field::kIpDaddr), F(Field::kThDport)};
  plan::Jhash h{{F(Field::kIpSaddr), F(Field::kThSport)}, 7, 0x5eed, kSlots};
  return {
      Base("ingress_vA", "filter", Hook::kIngress, -500,
           {R({Match(F(Field::kMetaProtocol), Ethertype(0x0800)),
               plan::VmapLookup{key, "svc4"}})},
           kKernelDevice),
      Chain("svc_dr",
            {R({SetMeta(kTidA), plan::Lookup{FlowKey(), "flows4"},
                Goto("rs_0a0b0c0d")}),
             R({SetMeta(kTidB), plan::Lookup{FlowKey(), "flows4"},
                Goto("rs_01020304")}),
             R({SetMeta(h), SetMeta(plan::MapOf{Field::kMetaMark, "slots"}),
                plan::VmapLookup{{F(Field::kMetaMark)}, "targets"}}),
             R({SetMeta(0u), Drop()})}),
      Rs("rs_0a0b0c0d", "192.168.1.10"),
      Rs("rs_01020304", "192.168.1.11"),
  };
}

const char* const kNetdevText = R"(table netdev lvsnft {
  comment "managed by lvsnft"
  map svc4 {
    type inet_proto . ipv4_addr . inet_service : verdict; flags interval; counter
    elements = { tcp . 192.168.1.100 . 80 : jump svc_dr }
  }
  set flows4 {
    type ipv4_addr . ipv4_addr . inet_service . inet_service . mark
    flags dynamic,timeout; timeout 1m; size 65536
  }
  map slots {
    type mark : mark
    elements = { 0x4c560040 : 0x0a0b0c0d, 0x4c560041 : 0x01020304, 0x4c560042 : 0x0a0b0c0d,
                 0x4c560043 : 0x01020304, 0x4c560044 : 0x0a0b0c0d, 0x4c560045 : 0x0a0b0c0d,
                 0x4c560046 : 0x01020304 }
  }
  map targets { type mark : verdict; elements = { 0x0a0b0c0d : goto rs_0a0b0c0d, 0x01020304 : goto rs_01020304 }; }
  chain ingress_vA {
    type filter hook ingress device "vA" priority -500; policy accept;
    meta protocol ip meta l4proto . ip daddr . th dport vmap @svc4
  }
  chain svc_dr {
    meta mark set 0x0a0b0c0d ip saddr . ip daddr . th sport . th dport . meta mark @flows4 goto rs_0a0b0c0d
    meta mark set 0x01020304 ip saddr . ip daddr . th sport . th dport . meta mark @flows4 goto rs_01020304
    meta mark set jhash ip saddr . th sport mod 7 seed 0x5eed offset 0x4c560040 meta mark set meta mark map @slots meta mark vmap @targets
    meta mark set 0x0 drop
  }
  chain rs_0a0b0c0d {
    update @flows4 { ip saddr . ip daddr . th sport . th dport . meta mark } meta mark set 0x0 counter fwd ip to 192.168.1.10 device "vA"
    meta mark set 0x0 counter fwd ip to 192.168.1.10 device "vA"
  }
  chain rs_01020304 {
    update @flows4 { ip saddr . ip daddr . th sport . th dport . meta mark } meta mark set 0x0 counter fwd ip to 192.168.1.11 device "vA"
    meta mark set 0x0 counter fwd ip to 192.168.1.11 device "vA"
  }
}
)";

}  // namespace

plan::Table KernelNetdevTable() {
  return Table(TableFamily::kNetdev, "lvsnft", Sets(), Chains(),
               "managed by lvsnft");
}

std::string KernelNetdevText() { return kNetdevText; }

}  // namespace lvsnft::testing
