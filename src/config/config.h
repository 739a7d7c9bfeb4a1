// The typed configuration model (config v1), produced by the parser and
// validated by the checker. Every value remembers where it came from so
// that later stages can still report precise locations.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/addr.h"
#include "config/boxed.h"
#include "config/diag.h"
#include "config/health_check.h"

namespace lvsnft {

/// Forwarding method of a virtual service (README.md, mode table).
enum class Mode { kNat, kDr, kTun, kFullNat };
/// Transport protocol of a virtual service.
enum class Proto { kTcp, kUdp, kSctp };
/// Real-server selection algorithm.
enum class Scheduler { kRr, kWrr, kRandom, kSh, kDh, kMh };
/// Administrative state of a real server.
enum class RsState { kUp, kDrain, kDown };

/// Names as written in the config ("nat", "tcp", "wrr", "drain", ...).
const char* ModeName(Mode m);
const char* ProtoName(Proto p);
const char* SchedulerName(Scheduler s);
const char* RsStateName(RsState s);
/// IANA protocol number (6, 17, 132).
uint8_t ProtoNumber(Proto p);
/// True for sh, dh and mh: schedulers that need no per-connection state.
bool IsHashScheduler(Scheduler s);
/// True for dr and tun: modes forwarded at netdev ingress, without conntrack.
bool IsStatelessMode(Mode m);

/// An inclusive port range; a single port has first == last.
struct PortRange {
  uint16_t first = 0;
  uint16_t last = 0;
  Origin origin;
  bool single() const { return first == last; }
};

/// One real server (IPVS: destination) of a service.
struct RealServer {
  IpAddr address;
  std::optional<uint16_t> port;  ///< Absent: same port as the VIP.
  uint32_t weight = 1;           ///< 0..65535; 0 behaves like drain.
  RsState state = RsState::kUp;
  Boxed<HealthCheckSpec> health_check;  ///< Override of the service's.
  Origin origin;                        ///< The real-server object itself.
  Origin address_origin;                ///< The "address" member.
  Origin port_origin;                   ///< The "port" member (if present).
};

/// Client affinity (IPVS: persistent service).
struct Persistence {
  uint32_t timeout_s = 300;  ///< Idle time after which affinity is lost.
  int netmask = -1;          ///< Prefix length of the client key; -1 = host.
  Origin origin;
};

/// One virtual service: VIP + protocol + ports -> real servers.
struct Service {
  std::string name;
  IpAddr vip;
  Proto protocol = Proto::kTcp;
  std::vector<PortRange> ports;
  Mode mode = Mode::kNat;
  Scheduler scheduler = Scheduler::kWrr;
  bool scheduler_given = false;
  uint32_t mh_table_size = 4093;  ///< Maglev lookup table size (prime).
  bool mh_port = true;            ///< mh hashes source port as well.
  std::optional<Persistence> persistence;
  std::vector<RealServer> real_servers;
  Boxed<HealthCheckSpec> health_check;  ///< Default of its servers.
  HealthPolicy health;
  Origin origin, name_origin, vip_origin, mode_origin, scheduler_origin;
  Origin mh_table_size_origin;
};

/// The check real server `rs` of `s` gets: its own health_check merged
/// over the service's (MergeHealthCheck), defaults filled in, the target
/// defaulting to the server's address and port (or the service's only
/// port). nullopt when no check applies or the merged check is incomplete
/// (no type, or no port for a type that needs one; LoadConfig rejects
/// those).
std::optional<HealthCheck> EffectiveHealthCheck(const Service& s,
                                                const RealServer& rs);

/// Director-wide settings.
struct Director {
  std::string interface;  ///< Client-facing interface (DR/TUN ingress, VIPs).
  std::vector<IpAddr> local_addresses;        ///< FULLNAT source addresses.
  std::vector<Origin> local_address_origins;  ///< One per local address.
  bool manage_vips = true;  ///< False: another system (VRRP) owns the VIPs.
  uint32_t flow_timeout_s = 900;      ///< DR/TUN per-flow table idle timeout.
  uint32_t flow_table_size = 262144;  ///< 0 disables the per-flow table.
  Origin origin, interface_origin, flow_table_size_origin;
};

/// A whole configuration file.
struct Config {
  int version = 1;
  Director director;
  std::vector<Service> services;
};

}  // namespace lvsnft
