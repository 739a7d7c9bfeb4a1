// The nftables netlink socket: dumps, the generation id, and sending one
// atomic batch. The only place that talks NETLINK_NETFILTER.
#pragma once

#include <sys/uio.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

struct mnl_socket;
struct nlmsghdr;

namespace lvsnft::netlink {

/// A per-message error reported by the kernel for a batch.
struct BatchError {
  uint32_t seq = 0;
  int error = 0;  ///< Positive errno.
  uint32_t offset =
      0;  ///< Extended ACK: offset of the bad attribute (0: none).
  std::string message;  ///< Extended ACK: kernel's message, if any.
};

/// What the kernel answered to a batch.
struct BatchReply {
  std::vector<BatchError> errors;  ///< Empty: the transaction committed.
  size_t acks = 0;                 ///< Number of ACKs received.
};

/// A NETLINK_NETFILTER socket.
class NftSocket {
 public:
  /// Opens and binds the socket (in the caller's current network namespace).
  static Result<std::unique_ptr<NftSocket>> Open();
  ~NftSocket();
  NftSocket(const NftSocket&) = delete;
  NftSocket& operator=(const NftSocket&) = delete;

  /// The ruleset generation id (NFT_MSG_GETGEN).
  Result<uint32_t> GenId();
  /// "BOOT_ID/NETNS_COOKIE": the ruleset instance the generation id counts
  /// in (procfs boot id; SO_NETNS_COOKIE of this socket, never reused).
  Result<std::string> Instance();

  /// Sends a dump request built by `build` (which receives a buffer and a
  /// sequence number and returns the message) and calls `on_msg` for every
  /// reply message. Restarts the whole dump (calling `on_restart` first)
  /// when the kernel flags it NLM_F_DUMP_INTR.
  Status Dump(const std::function<nlmsghdr*(char* buf, uint32_t seq)>& build,
              const std::function<void(const nlmsghdr*)>& on_msg,
              const std::function<void()>& on_restart);

  /// Sends all pages of a batch in one sendmsg (one transaction) and drains
  /// every reply. `bytes` is the total length and `messages` the number of
  /// messages (each may get a reply); socket buffers are sized to them.
  Result<BatchReply> SendBatch(const std::vector<iovec>& pages, size_t bytes,
                               size_t messages);

  /// Allocates a sequence number.
  uint32_t NextSeq() { return seq_++; }
  /// The next sequence number, without allocating it.
  uint32_t PeekSeq() const { return seq_; }
  /// Marks every sequence number up to `last` as used.
  void SkipSeqs(uint32_t last) { seq_ = last + 1; }

 private:
  NftSocket(mnl_socket* nl, uint32_t portid, uint32_t seq)
      : nl_(nl), portid_(portid), seq_(seq) {}
  Status SizeBuffers(size_t send_bytes, size_t messages);

  mnl_socket* nl_;
  uint32_t portid_;
  uint32_t seq_;
};

/// Text of an errno for messages ("Operation not permitted").
std::string ErrnoText(int err);

}  // namespace lvsnft::netlink
