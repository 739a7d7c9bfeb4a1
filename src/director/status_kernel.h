// What the kernel's lvsnft tables themselves say about the virtual
// services, without any config: `lvsnft status` shows this, and uses the
// remembered config only to add labels where it agrees with the kernel.
#pragma once

#include <string>
#include <vector>

#include "kernel/live.h"

namespace lvsnft::netlink {

/// One virtual service as found in the kernel.
struct KernelService {
  std::string name;      ///< From its chain's comment ("service NAME").
  std::string mode;      ///< nat, fullnat, dr or tun.
  std::string protocol;  ///< tcp, udp, sctp (or the number).
  std::string vip;
  std::string ports;  ///< "80,8000-8080".
};

/// The services of the dispatch maps (svc4, svc4r, svc6, svc6r) of every
/// table in `live`, in table then name order. The mode comes from the
/// table (inet: NAT or FULLNAT, netdev: DR or TUN), the FULLNAT slot sets
/// (fullnat4/6 hold the slot blocks of FULLNAT services) and the devices
/// of the forwarding targets (ipip tunnels lvt-*: TUN).
std::vector<KernelService> ServicesInKernel(const std::vector<LiveTable>& live);

}  // namespace lvsnft::netlink
