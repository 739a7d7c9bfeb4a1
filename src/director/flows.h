// DR/TUN flows: the entries of the dynamic flow table (flows4 / flows6),
// attributed to a service and real server of the applied config.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/addr.h"
#include "config/config.h"
#include "kernel/live.h"

namespace lvsnft::netlink {

/// One flow of the flow table.
struct Flow {
  const Service* service = nullptr;  ///< Points into the config.
  size_t server = 0;                 ///< Index into its real_servers.
  IpAddr client, vip;
  uint16_t client_port = 0, vport = 0;
  uint64_t expires_ms = 0;  ///< Time left before the entry times out.
};

/// Every entry of the netdev tables' flow sets whose VIP, target id and
/// destination port belong to a DR/TUN service of `cfg` (entries of other
/// owners, e.g. a config that changed since, are skipped).
std::vector<Flow> DecodeFlows(const Config& cfg,
                              const std::vector<LiveTable>& live);

}  // namespace lvsnft::netlink
