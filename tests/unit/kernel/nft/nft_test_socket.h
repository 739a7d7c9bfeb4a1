// A minimal NETLINK_NETFILTER client for the kernel tests: reads the
// ruleset generation and sends a built batch in one sendmsg. (Production
// sending lives in the apply code; this is the test's own.)
#pragma once

#include <libmnl/libmnl.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kernel/nft/nft_batch.h"

namespace lvsnft::testing {

/// One NLMSG_ERROR reply of the kernel.
struct KernelReply {
  uint32_t seq = 0;
  int error = 0;                   ///< errno, 0 for an ack.
  std::optional<uint32_t> offset;  ///< NLMSGERR_ATTR_OFFS (extended ack).
};

/// A bound NETLINK_NETFILTER socket with extended acks on.
class TestNfSocket {
 public:
  TestNfSocket();
  ~TestNfSocket();
  TestNfSocket(const TestNfSocket&) = delete;
  TestNfSocket& operator=(const TestNfSocket&) = delete;

  /// True when the socket could be opened and bound.
  bool ok() const { return nl_ != nullptr; }
  /// The ruleset generation id (NFT_MSG_GETGEN); nullopt on failure.
  std::optional<uint32_t> Genid();
  /// Sends all pages of `b` in one sendmsg and collects the replies until
  /// every object message answered or the kernel stays silent for 1 s.
  std::vector<KernelReply> Send(const netlink::Batch& b);

 private:
  std::vector<KernelReply> Collect(size_t expected);
  mnl_socket* nl_ = nullptr;
};

/// "seq N: description: strerror" for each failed reply.
std::string DescribeErrors(const netlink::Batch& b,
                           const std::vector<KernelReply>& replies);

}  // namespace lvsnft::testing
