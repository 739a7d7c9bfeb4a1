// Desired real-server state: which services name this host as a real
// server, and what the host needs for them (README.md mode table,
// docs/rs-setup.md):
//   DR  : VIP/32 (IPv4) or /128 (IPv6) on lo; arp_ignore=1, arp_announce=2
//         on `all` and on every interface carrying the real-server address.
//   TUN : ipip loaded, tunl0 up with the VIP/32; rp_filter=0 on `all` and
//         tunl0; the arp settings of DR.
//   NAT : no VIP; the default route must point at the director (warning).
//   FULLNAT: nothing.
// Pure: works on a HostView (links, addresses, routes) given by the caller.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "kernel/host_net.h"

namespace lvsnft::rs {

/// The parts of the host that the computation looks at.
struct HostView {
  std::vector<netlink::Link> links;
  std::vector<netlink::Addr> addrs;
  std::vector<netlink::Route> routes;  ///< Default routes, both families.
};

/// One service in which this host is a real server.
struct Role {
  std::string service;
  Mode mode = Mode::kDr;
  IpAddr vip;
  IpAddr rip;  ///< This host's address in the service.
};

/// An address the host must carry.
struct WantAddress {
  std::string device;  ///< "lo" or "tunl0".
  IpAddr addr;
  int prefix = 32;
  std::string why;  ///< e.g. "dr VIP of web".
  bool operator==(const WantAddress& o) const {
    return device == o.device && addr == o.addr && prefix == o.prefix;
  }
};

/// How a sysctl's current value is compared with the wanted one.
enum class Compare {
  kExact,    ///< current == value.
  kAtLeast,  ///< integer current >= value (stricter settings are kept).
};

/// A sysctl the host must have.
struct WantSysctl {
  std::string path;  ///< Below /proc/sys, e.g. "net/ipv4/conf/all/rp_filter".
  std::string value;
  Compare compare = Compare::kExact;
  std::string why;
  /// True when `current` satisfies this requirement.
  bool SatisfiedBy(const std::string& current) const;
};

/// Everything the host needs; also the notes and warnings to print.
struct Desired {
  std::vector<Role> roles;
  std::vector<WantSysctl> sysctls;     ///< Unique paths, in a stable order.
  std::vector<WantAddress> addresses;  ///< Unique, in a stable order.
  bool tunl0 = false;                  ///< ipip loaded and tunl0 up.
  std::vector<std::string> notes;
  std::vector<std::string> warnings;
};

/// The tunnel device that receives decapsulated TUN traffic.
inline constexpr const char* kTunl0 = "tunl0";

/// Finds the roles of this host: real servers whose address is in `self`,
/// or, when `self` is empty, on one of the host's interfaces. Errors: no
/// match; a VIP that is local (dr/tun) in one service and translated
/// (nat/fullnat) in another; TUN with an IPv6 VIP.
Result<std::vector<Role>> FindRoles(const Config& cfg, const HostView& host,
                                    const std::vector<IpAddr>& self);

/// Computes the desired state for `roles`. `director` is the address the
/// NAT default route must use (else the director's local addresses).
Desired ComputeDesired(const Config& cfg, const std::vector<Role>& roles,
                       const HostView& host, std::optional<IpAddr> director);

}  // namespace lvsnft::rs
