// The inet half of the kernel test plan: services web (NAT, wrr), tls
// (NAT with persistence), dns (FULLNAT, random) and range (source hash,
// no port mapping) in the layout of docs/LAYOUT.md.
#include "nft_kernel_plan.h"
#include "nft_plan_builders.h"

namespace lvsnft::testing {
namespace {

using plan::Hook;
using plan::TableFamily;
using DT = plan::DataType;

constexpr uint32_t kWeb = 0x4c560000, kTls = 0x4c560010, kDns = 0x4c560020,
                   kRange = 0x4c560030;

plan::Element Owned(plan::Element e, const char* svc, const char* rs = "") {
  e.service = svc;
  e.real_server = rs;
  return e;
}

plan::Set Svc4() {
  plan::Set s = Set("svc4", {DT::kInetProto, DT::kIpv4Addr, DT::kInetService});
  s.verdict_map = s.interval = s.counter = true;
  s.comment = "dispatch v4";
  auto vip = [](uint8_t p, const char* a, uint16_t port) {
    return std::vector<plan::Value>{Proto(p), Addr(a), Port(port)};
  };
  s.elements = {Owned(V(vip(6, "192.168.10.100", 80), Jump("svc_web")), "web"),
                Owned(V(vip(6, "192.168.10.100", 443), Jump("svc_tls")), "tls"),
                Owned(V(vip(17, "192.168.10.101", 53), Jump("svc_dns")), "dns"),
                Owned(V(vip(6, "192.168.10.102", 8000), Jump("svc_range"),
                        vip(6, "192.168.10.102", 8099)),
                      "range")};
  return s;
}

// One backend slot: its address in be4 and, for port mapping, its port.
struct Slot {
  uint32_t mark;
  const char* svc;
  const char* rs;
  uint16_t port;  ///< 0: no port mapping (the range service).
};

const Slot kSlots[] = {
    {kWeb, "web", "192.168.1.10", 8080},
    {kWeb + 1, "web", "192.168.1.11", 8080},
    {kWeb + 2, "web", "192.168.1.10", 8080},
    {kWeb + 3, "web", "192.168.1.10", 8080},
    {kTls, "tls", "192.168.1.10", 8443},
    {kTls + 1, "tls", "192.168.1.11", 8443},
    {kTls + 2, "tls", "192.168.1.10", 8443},
    {kDns, "dns", "192.168.2.12", 5353},
    {kDns + 1, "dns", "192.168.2.13", 5353},
    {kRange, "range", "192.168.1.14", 0},
    {kRange + 1, "range", "192.168.1.15", 0},
};

plan::Set Be4() {
  plan::Set s = Set("be4", {DT::kMark}, {DT::kIpv4Addr});
  s.counter = true;
  for (const Slot& x : kSlots)
    s.elements.push_back(Owned(E({Mark(x.mark)}, {Addr(x.rs)}), x.svc, x.rs));
  return s;
}

plan::Set Bep() {
  plan::Set s = Set("bep", {DT::kMark}, {DT::kInetService});
  for (const Slot& x : kSlots) {
    if (x.port == 0) continue;
    s.elements.push_back(Owned(E({Mark(x.mark)}, {Port(x.port)}), x.svc, x.rs));
  }
  return s;
}

std::vector<plan::Set> Sets() {
  plan::Set canon = Set("canon", {DT::kMark}, {DT::kMark});
  canon.elements = {E({Mark(kTls)}, {Mark(kTls)}),
                    E({Mark(kTls + 1)}, {Mark(kTls + 1)}),
                    E({Mark(kTls + 2)}, {Mark(kTls)})};
  plan::Set persist = Set("persist4", {DT::kIpv4Addr, DT::kMark});
  persist.dynamic = persist.timeout = true;
  persist.timeout_ms = 300000;
  persist.size = 65535;
  plan::Set fullnat = Set("fullnat4", {DT::kMark});
  fullnat.interval = true;
  fullnat.elements = {Owned(Range({Mark(kDns)}, {Mark(kDns + 15)}), "dns")};
  return {Svc4(), Be4(), Bep(), canon, persist, fullnat};
}

plan::Rule Dispatch() {
  plan::Key key{F(Field::kMetaL4proto), F(Field::kIpDaddr), F(Field::kThDport)};
  return R({NfprotoIs(2), plan::VmapLookup{key, "svc4"}}, "dispatch v4");
}

plan::Rule Svc(std::vector<plan::Stmt> s, const char* svc,
               std::string comment) {
  plan::Rule r = R(std::move(s), std::move(comment));
  r.service = svc;
  return r;
}

std::vector<plan::Rule> TlsRules() {
  plan::Key pk{F(Field::kIpSaddr, AddrMask("255.255.255.0")),
               F(Field::kCtMark)};
  plan::NatAddrMap be4{Field::kCtMark, "be4", "bep"};
  auto sticky = [&](uint32_t slot, const char* rs) {
    return Svc({L4Is(6), SetCt(slot), plan::Lookup{pk, "persist4"},
                plan::Update{"persist4", pk, 0}, Dnat(be4)},
               "tls", std::string("tls: persistent to ") + rs);
  };
  return {sticky(kTls, "192.168.1.10"), sticky(kTls + 1, "192.168.1.11"),
          Svc({L4Is(6), SetCt(plan::Numgen{false, 3, kTls}),
               SetCt(plan::MapOf{Field::kCtMark, "canon"}),
               plan::Update{"persist4", pk, 0}, Dnat(be4)},
              "tls", "tls: schedule")};
}

std::vector<plan::Chain> Chains() {
  plan::NatAddrMap be4{Field::kCtMark, "be4", "bep"};
  plan::NatAddrMap addr_only{Field::kCtMark, "be4", ""};
  plan::Lookup fn{{F(Field::kCtMark)}, "fullnat4"};
  plan::NatRoundRobin locals{{A("192.168.1.100"), A("192.168.1.101")}};
  plan::Jhash sh{{F(Field::kIpSaddr)}, 2, 0x1, kRange};
  plan::Chain web = Chain(
      "svc_web", {Svc({L4Is(6), SetCt(plan::Numgen{false, 4, kWeb}), Dnat(be4)},
                      "web", "web: wrr")});
  web.service = "web";
  return {
      Base("prerouting", "nat", Hook::kPrerouting, -100, {Dispatch()}, "",
           "dispatch"),
      Base("output", "nat", Hook::kOutput, -100, {Dispatch()}),
      Base("postrouting", "nat", Hook::kPostrouting, 100,
           {R({NfprotoIs(2), fn, Snat(locals)}, "fullnat source")}),
      web,
      Chain("svc_tls", TlsRules()),
      Chain("svc_dns",
            {Svc({L4Is(17), SetCt(plan::Numgen{true, 2, kDns}), Dnat(be4)},
                 "dns", "dns: random")}),
      Chain("svc_range",
            {Svc({SetCt(sh), Dnat(addr_only)}, "range", "range: sh")}),
  };
}

const char* const kInetText = R"(table inet lvsnft {
  comment "managed by lvsnft"
  map svc4 {
    type inet_proto . ipv4_addr . inet_service : verdict; flags interval; counter; comment "dispatch v4"
    elements = { tcp . 192.168.10.100 . 80 : jump svc_web, tcp . 192.168.10.100 . 443 : jump svc_tls,
                 udp . 192.168.10.101 . 53 : jump svc_dns, tcp . 192.168.10.102 . 8000-8099 : jump svc_range }
  }
  map be4 {
    type mark : ipv4_addr; counter
    elements = { 0x4c560000 : 192.168.1.10, 0x4c560001 : 192.168.1.11,
                 0x4c560002 : 192.168.1.10, 0x4c560003 : 192.168.1.10,
                 0x4c560010 : 192.168.1.10, 0x4c560011 : 192.168.1.11,
                 0x4c560012 : 192.168.1.10,
                 0x4c560020 : 192.168.2.12, 0x4c560021 : 192.168.2.13,
                 0x4c560030 : 192.168.1.14, 0x4c560031 : 192.168.1.15 }
  }
  map bep {
    type mark : inet_service
    elements = { 0x4c560000 : 8080, 0x4c560001 : 8080, 0x4c560002 : 8080, 0x4c560003 : 8080,
                 0x4c560010 : 8443, 0x4c560011 : 8443, 0x4c560012 : 8443,
                 0x4c560020 : 5353, 0x4c560021 : 5353 }
  }
  map canon { type mark : mark; elements = { 0x4c560010 : 0x4c560010, 0x4c560011 : 0x4c560011, 0x4c560012 : 0x4c560010 }; }
  set persist4 { type ipv4_addr . mark; flags dynamic,timeout; timeout 5m; size 65535; }
  set fullnat4 { type mark; flags interval; elements = { 0x4c560020-0x4c56002f }; }
  chain prerouting {
    type nat hook prerouting priority dstnat; policy accept; comment "dispatch"
    meta nfproto ipv4 meta l4proto . ip daddr . th dport vmap @svc4 comment "dispatch v4"
  }
  chain output {
    type nat hook output priority -100; policy accept;
    meta nfproto ipv4 meta l4proto . ip daddr . th dport vmap @svc4 comment "dispatch v4"
  }
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    meta nfproto ipv4 ct mark @fullnat4 snat ip to numgen inc mod 2 map { 0 : 192.168.1.100, 1 : 192.168.1.101 } comment "fullnat source"
  }
  chain svc_web {
    meta l4proto tcp ct mark set numgen inc mod 4 offset 0x4c560000 dnat ip to ct mark map @be4 : ct mark map @bep comment "web: wrr"
  }
  chain svc_tls {
    meta l4proto tcp ct mark set 0x4c560010 ip saddr & 255.255.255.0 . ct mark @persist4 update @persist4 { ip saddr & 255.255.255.0 . ct mark } dnat ip to ct mark map @be4 : ct mark map @bep comment "tls: persistent to 192.168.1.10"
    meta l4proto tcp ct mark set 0x4c560011 ip saddr & 255.255.255.0 . ct mark @persist4 update @persist4 { ip saddr & 255.255.255.0 . ct mark } dnat ip to ct mark map @be4 : ct mark map @bep comment "tls: persistent to 192.168.1.11"
    meta l4proto tcp ct mark set numgen inc mod 3 offset 0x4c560010 ct mark set ct mark map @canon update @persist4 { ip saddr & 255.255.255.0 . ct mark } dnat ip to ct mark map @be4 : ct mark map @bep comment "tls: schedule"
  }
  chain svc_dns {
    meta l4proto udp ct mark set numgen random mod 2 offset 0x4c560020 dnat ip to ct mark map @be4 : ct mark map @bep comment "dns: random"
  }
  chain svc_range {
    ct mark set jhash ip saddr mod 2 seed 0x1 offset 0x4c560030 dnat ip to ct mark map @be4 comment "range: sh"
  }
}
)";

}  // namespace

plan::Table KernelInetTable() {
  return Table(TableFamily::kInet, "lvsnft", Sets(), Chains(),
               "managed by lvsnft");
}

std::string KernelInetText() { return kInetText; }

}  // namespace lvsnft::testing
