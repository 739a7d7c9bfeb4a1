// DR/TUN: deleting the per-flow entries (flows4 / flows6) of real servers
// a health check took out, so that a flow that moved to another server
// while one was down is not pinned back to it when it returns, and dead
// entries do not fill the table until they idle out.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "base/status.h"
#include "config/config.h"
#include "kernel/delta.h"
#include "kernel/live.h"
#include "kernel/nft_kernel.h"

namespace lvsnft::netlink {

/// The flow-table entries of one real server of one DR/TUN service: the
/// destination is the service's VIP and one of its ports, the mark part
/// is the server's target id.
struct FlowOwner {
  IpAddr vip;
  std::vector<PortRange> ports;
  uint32_t target_id = 0;
};

/// The owner for real server `rs` of DR/TUN service `svc` of `cfg` (the
/// target id hashes the server address with its device: the director's
/// interface for DR, the server's ipip device for TUN).
FlowOwner OwnerOf(const Config& cfg, const Service& svc, const RealServer& rs);

/// One kDelElems change per flow set of the netdev table in `live` that
/// holds elements of any of `owners` (empty: nothing to delete).
std::vector<Change> FlowDeletions(const std::vector<LiveTable>& live,
                                  const std::vector<FlowOwner>& owners);

/// What FlushFlows did.
struct FlowFlush {
  size_t deleted = 0;  ///< Elements deleted.
  /// The ruleset generation the committed transaction was guarded by
  /// (nullopt: nothing committed); the generation after it is the next.
  std::optional<uint32_t> based_on;
};

/// The generation id after a commit on top of `g` (the kernel skips 0).
inline uint32_t NextGenId(uint32_t g) { return g + 1 == 0 ? 1 : g + 1; }

/// Reads the flow sets and deletes the elements of `owners` in one
/// transaction guarded by the generation id read before the dump. An
/// element may time out between dump and commit (the kernel then refuses
/// the whole batch) and the ruleset may change: both are retried with a
/// fresh dump, up to 3 attempts.
Result<FlowFlush> FlushFlows(NftKernel& nft,
                             const std::vector<FlowOwner>& owners);

}  // namespace lvsnft::netlink
