// Connection tracking entries behind an interface, so that `status`,
// `connections` and the daemon's metrics can read lvsnft's NAT and FULLNAT
// connections from the real kernel (NfConnTrack in kernel/ct, over
// libnetfilter-conntrack) or from an in-memory list (FakeConnTrack in
// kernel/sim, for unit tests).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/addr.h"
#include "base/status.h"

namespace lvsnft::netlink {

/// One tracked connection as the director sees it.
struct CtEntry {
  uint8_t l4proto = 0;   ///< IPPROTO_TCP, IPPROTO_UDP, IPPROTO_SCTP.
  std::string state;     ///< TCP/SCTP state ("ESTABLISHED"); "" for UDP.
  uint32_t timeout = 0;  ///< Seconds until the entry expires.
  uint32_t mark = 0;     ///< ct mark (lvsnft: the scheduler slot).
  IpAddr client;         ///< Original source.
  uint16_t client_port = 0;
  IpAddr vip;  ///< Original destination.
  uint16_t vport = 0;
  IpAddr server;  ///< Reply source: the real server after DNAT.
  uint16_t server_port = 0;
  /// ipvsadm's ActiveConn: a TCP or SCTP connection in state
  /// ESTABLISHED. Every other entry (other TCP or SCTP states, UDP) is
  /// InActConn.
  bool active() const;
};

/// Which entries Delete removes: ct mark (mark & mask) == mark, the given
/// layer-4 protocols, and reply source `server`:`server_port` (the real
/// server after DNAT).
struct CtFilter {
  uint32_t mark = 0;
  uint32_t mask = 0;
  std::vector<uint8_t> l4protos;  ///< IPPROTO_*; empty = none.
  IpAddr server;
  uint16_t server_port = 0;
  /// True when `e` is one of the entries the filter names.
  bool Matches(const CtEntry& e) const;
};

/// Reads the connection tracking table of the current network namespace.
class ConnTrack {
 public:
  virtual ~ConnTrack() = default;
  /// Every entry whose ct mark satisfies (ct mark & mask) == mark, in the
  /// kernel's order.
  virtual Result<std::vector<CtEntry>> List(uint32_t mark, uint32_t mask) = 0;
  /// Deletes every entry `f` matches; returns how many were deleted (an
  /// entry that expired meanwhile is not an error).
  virtual Result<size_t> Delete(const CtFilter& f) = 0;
};

/// lvsnft's slot marks: 0x40000000-0x7fffffff, i.e. (mark & kSlotMask) ==
/// kSlotMark. Other marks belong to someone else.
inline constexpr uint32_t kSlotMark = 0x40000000u;
/// The mask that goes with kSlotMark.
inline constexpr uint32_t kSlotMask = 0xc0000000u;

}  // namespace lvsnft::netlink
