// A NETLINK_ROUTE socket with request/response and dump helpers (libmnl).
// Internal to src/kernel/rtnl: the rest of the project uses HostNet.
#pragma once

#include <libmnl/libmnl.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"

namespace lvsnft::netlink {

/// Called once per reply message of a dump or request.
using MsgFn = std::function<void(const nlmsghdr*)>;

/// Called once per attribute.
using AttrFn = std::function<void(const nlattr*)>;

/// Calls `fn` for each attribute of `nlh` after `offset` payload bytes.
void ForEachAttr(const nlmsghdr* nlh, size_t offset, const AttrFn& fn);
/// Calls `fn` for each attribute nested in `nest`.
void ForEachNested(const nlattr* nest, const AttrFn& fn);

/// The kernel's answer to one request: 0 or a negative errno, plus the
/// extended-ack text when the kernel gave one.
struct NlError {
  int err = 0;
  std::string extack;
  /// strerror(-err), followed by " (EXTACK)" when present.
  std::string Text() const;
};

/// An open rtnetlink socket; requests are answered in order.
class RtnlSocket {
 public:
  /// Opens, binds and enables extended acks.
  static Result<std::unique_ptr<RtnlSocket>> Open();
  ~RtnlSocket();
  RtnlSocket(const RtnlSocket&) = delete;
  RtnlSocket& operator=(const RtnlSocket&) = delete;

  /// Starts a new message of `type` with `flags` (NLM_F_REQUEST is added)
  /// in the send buffer and returns it.
  nlmsghdr* Begin(uint16_t type, uint16_t flags);
  /// Sends the message built with Begin (NLM_F_ACK is added unless it is a
  /// dump) and feeds every reply to `fn` until the kernel is done. Dumps
  /// interrupted by a concurrent change (NLM_F_DUMP_INTR) report EAGAIN.
  NlError Run(nlmsghdr* nlh, const MsgFn& fn);

 private:
  RtnlSocket(mnl_socket* nl, uint32_t portid);
  mnl_socket* nl_;
  uint32_t portid_;
  uint32_t seq_;
  std::vector<char> send_;
  std::vector<char> recv_;
};

}  // namespace lvsnft::netlink
