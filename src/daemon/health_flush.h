// The removal side effect of a health check: after the sync that took a
// dead NAT/FULLNAT server out has committed, its conntrack entries are
// deleted (UDP always, TCP/SCTP with flush_conntrack), so clients stop
// waiting on a server that will never answer (as kube-proxy does).
#pragma once

#include <string>
#include <vector>

#include "config/config.h"
#include "kernel/conntrack.h"

namespace lvsnft::daemon {

/// A server a check has just taken down.
struct DeadServer {
  std::string service;
  IpAddr address;
  std::optional<uint16_t> port;
};

/// The filter for `dead` in `effective` (the config as synced); nullopt
/// when nothing is to be deleted: not NAT/FULLNAT, on_failure drain, the
/// server not in state down (an override kept it), TCP/SCTP without
/// flush_conntrack, or no single server port.
std::optional<netlink::CtFilter> DeadServerFilter(const Config& effective,
                                                  const DeadServer& dead);

/// Deletes the entries of every server of `dead` (logged).
void FlushDeadServers(const Config& effective,
                      const std::vector<DeadServer>& dead,
                      netlink::ConnTrack& ct);

}  // namespace lvsnft::daemon
