// The removal side effects of a health check, after the sync that took a
// dead server out has committed: NAT/FULLNAT lose its conntrack entries
// (UDP always, TCP/SCTP with flush_conntrack), so clients stop waiting on
// a server that will never answer (as kube-proxy does); DR/TUN lose its
// per-flow table entries, so flows that move elsewhere meanwhile are not
// pinned back to it when it returns.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "config/config.h"
#include "director/flow_flush.h"
#include "kernel/conntrack.h"
#include "kernel/nft_kernel.h"

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

/// The flow-table entries of `dead` in `effective`; nullopt unless the
/// service is DR/TUN with on_failure remove and the server is in state
/// down.
std::optional<netlink::FlowOwner> DeadServerFlows(const Config& effective,
                                                  const DeadServer& dead);

/// Where dead servers' entries are deleted (null: not there).
struct FlushTargets {
  netlink::ConnTrack* conntrack = nullptr;
  netlink::NftKernel* nft = nullptr;
};

/// Deletes the entries of every server of `dead` (logged): conntrack per
/// server, flow-table entries of all of them in one transaction. Returns
/// the ruleset generation that transaction was guarded by, when one
/// committed (the generation after it is the daemon's own write).
std::optional<uint32_t> FlushDeadServers(const Config& effective,
                                         const std::vector<DeadServer>& dead,
                                         const FlushTargets& to);

}  // namespace lvsnft::daemon
