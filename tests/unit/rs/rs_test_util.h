// Helpers shared by the rs-setup unit tests: configs built in C++ and fake
// hosts shaped like the topologies of tests/lib/topo.sh.
#pragma once

#include <initializer_list>
#include <string>
#include <vector>

#include "config/config.h"
#include "kernel/sim/sim_host.h"

namespace lvsnft::rs::testing {

/// Parses an address that the test knows to be valid.
inline IpAddr A(const char* text) { return *IpAddr::Parse(text); }

/// A service with `mode` and real servers at `rips`.
inline Service Svc(const std::string& name, const char* vip, Mode mode,
                   std::initializer_list<const char*> rips) {
  Service s;
  s.name = name;
  s.vip = A(vip);
  s.mode = mode;
  PortRange p;
  p.first = p.last = 80;
  s.ports.push_back(p);
  for (const char* r : rips) {
    RealServer rs;
    rs.address = A(r);
    s.real_servers.push_back(rs);
  }
  return s;
}

/// A config holding `services`.
inline Config Cfg(std::vector<Service> services) {
  Config c;
  c.director.interface = "eth0";
  c.services = std::move(services);
  return c;
}

/// Sysctls of a freshly booted Linux host (the values rs-setup looks at).
inline void SeedDefaults(netlink::FakeHost& h) {
  for (const char* dev : {"all", "default"}) {
    h.SetSysctl(netlink::Ipv4ConfPath(dev, "arp_ignore"), "0");
    h.SetSysctl(netlink::Ipv4ConfPath(dev, "arp_announce"), "0");
    h.SetSysctl(netlink::Ipv4ConfPath(dev, "rp_filter"), "2");
  }
  h.SetSysctl(netlink::Ipv4ConfPath("lo", "arp_ignore"), "0");
  h.SetSysctl(netlink::Ipv4ConfPath("lo", "arp_announce"), "0");
  h.SetSysctl(netlink::Ipv4ConfPath("lo", "rp_filter"), "0");
}

/// A real server: lo plus eth0 carrying `rip`/24 (and default sysctls).
inline int RealServerHost(netlink::FakeHost& h, const char* rip,
                          int prefix = 24) {
  SeedDefaults(h);
  int eth0 = h.AddLink("eth0", "veth");
  h.AddAddress(eth0, A(rip), prefix);
  return eth0;
}

}  // namespace lvsnft::rs::testing
