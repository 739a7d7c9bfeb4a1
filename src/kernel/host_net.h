// Host networking objects (links, addresses, routes, ipip tunnels) behind an
// interface, so that the code deciding what to change can run against the
// real kernel (RtnlHost, rtnetlink over libmnl) or an in-memory fake
// (FakeHost in kernel/sim/sim_host.h, used by unit tests and --dry-run).
//
// Links are addressed by ifindex for changes and carry their name for
// messages. Errors are one-line Status messages that name the object and
// the kernel's reason ("cannot add 10.0.0.1/32 to lo: Operation not
// permitted").
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/addr.h"
#include "base/status.h"

namespace lvsnft::netlink {

/// One network device as listed by RTM_GETLINK.
struct Link {
  int index = 0;
  std::string name;
  uint32_t flags = 0;  ///< IFF_* (IFF_UP, IFF_LOOPBACK, ...).
  std::string kind;    ///< IFLA_INFO_KIND ("ipip", "veth"); "" if none.
  uint32_t mtu = 0;
  /// True when IFF_UP is set.
  bool up() const;
};

/// One address assigned to a link (RTM_GETADDR).
struct Addr {
  int ifindex = 0;
  IpAddr addr;        ///< IFA_LOCAL for IPv4, IFA_ADDRESS for IPv6.
  int prefix = 0;     ///< Prefix length.
  uint8_t proto = 0;  ///< IFA_PROTO: who added it (0: not said).
  bool operator==(const Addr&) const = default;
};

/// IFA_PROTO value lvsnft puts on the addresses (VIPs) it adds to the
/// director, so that they are recognisable in the kernel without the state
/// file (`ip addr` shows "proto 76"). Linux >= 5.18 keeps it; older kernels
/// ignore the attribute.
inline constexpr uint8_t kLvsnftAddrProto = 76;

/// One next hop of a default route in the main table.
struct Route {
  IpFamily family = IpFamily::kV4;
  int ifindex = 0;                ///< Output device; 0 if not given.
  std::optional<IpAddr> gateway;  ///< Absent for on-link default routes.
  uint32_t metric = 0;            ///< RTA_PRIORITY.
};

/// Parameters of an IPv4-in-IPv4 tunnel device.
struct IpipParams {
  std::string name;              ///< At most 15 bytes.
  std::optional<IpAddr> remote;  ///< Absent: any (wildcard).
  std::optional<IpAddr> local;   ///< Absent: any.
  int link = 0;                  ///< Underlying ifindex; 0: none.
  uint8_t ttl = 0;               ///< 0: inherit from the inner packet.
  uint8_t tos = 0;               ///< Outer TOS; 1: inherit (iproute2).
  bool pmtudisc = true;          ///< Path MTU discovery (DF on outer).
  bool up = true;                ///< Create with IFF_UP set.
};

/// Kernel networking objects of one network namespace.
class HostNet {
 public:
  virtual ~HostNet() = default;
  /// All links, ordered by ifindex.
  virtual Result<std::vector<Link>> ListLinks() = 0;
  /// All addresses of `family` (all families when nullopt), every link.
  virtual Result<std::vector<Addr>> ListAddresses(
      std::optional<IpFamily> family) = 0;
  /// Adds `addr/prefix` (scope global; IPv6 without DAD) to link `ifindex`,
  /// tagged with IFA_PROTO `proto` unless 0; an existing address is an
  /// error.
  virtual Status AddAddress(int ifindex, const IpAddr& addr, int prefix,
                            uint8_t proto = 0) = 0;
  /// Removes `addr/prefix` from link `ifindex`.
  virtual Status DeleteAddress(int ifindex, const IpAddr& addr, int prefix) = 0;
  /// Creates an ipip device; returns its ifindex. Loads the ipip module
  /// (and so creates tunl0) when needed.
  virtual Result<int> CreateIpip(const IpipParams& params) = 0;
  /// Deletes a link (the kernel ignores this for fallback devices: tunl0).
  virtual Status DeleteLink(int ifindex) = 0;
  /// Sets or clears IFF_UP.
  virtual Status SetLinkUp(int ifindex, bool up) = 0;
  /// Sets the MTU of a link.
  virtual Status SetMtu(int ifindex, uint32_t mtu) = 0;
  /// Default routes (destination prefix length 0) of the main table, one
  /// entry per next hop.
  virtual Result<std::vector<Route>> DefaultRoutes(IpFamily family) = 0;
};

/// Finds a link by name in `links`; nullptr if absent.
const Link* FindLink(const std::vector<Link>& links, std::string_view name);
/// Finds a link by index in `links`; nullptr if absent.
const Link* FindLink(const std::vector<Link>& links, int ifindex);
/// "ADDR/PREFIX" text.
std::string AddrText(const IpAddr& addr, int prefix);
/// Checks an interface name: 1..15 bytes, no '/', whitespace or ':'.
Status CheckLinkName(std::string_view name);

}  // namespace lvsnft::netlink
