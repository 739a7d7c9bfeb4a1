// A netlink socket subscribed to multicast groups, for learning that the
// kernel changed (nftables ruleset, addresses, links). The messages are
// only drained, not decoded: the daemon re-reads what it needs.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "base/status.h"

namespace lvsnft::netlink {

/// A non-blocking netlink socket joined to some multicast groups.
class NetlinkWatch {
 public:
  /// Opens a `protocol` socket (NETLINK_NETFILTER, NETLINK_ROUTE) in the
  /// current network namespace and joins `groups`.
  static Result<std::unique_ptr<NetlinkWatch>> Open(
      int protocol, const std::vector<unsigned>& groups);
  ~NetlinkWatch();
  NetlinkWatch(const NetlinkWatch&) = delete;
  NetlinkWatch& operator=(const NetlinkWatch&) = delete;

  /// The socket, to poll for readability.
  int fd() const { return fd_; }
  /// Reads every pending message; returns how many datagrams were read.
  /// A receive-buffer overrun (ENOBUFS) counts as one: something changed.
  size_t Drain();

 private:
  explicit NetlinkWatch(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace lvsnft::netlink
