#include "kernel/rtnl/rtnl_sock.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace lvsnft::netlink {
namespace {

constexpr size_t kBufSize = 64 * 1024;

int AttrTrampoline(const nlattr* a, void* data) {
  (*static_cast<const AttrFn*>(data))(a);
  return MNL_CB_OK;
}

// Reads NLMSGERR_ATTR_MSG from the TLVs behind an error message, if any.
std::string ExtackText(const nlmsghdr* nlh) {
  if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return "";
  const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
  size_t offset = sizeof(nlmsgerr);
  if (!(nlh->nlmsg_flags & NLM_F_CAPPED)) {
    offset += NLMSG_ALIGN(err->msg.nlmsg_len - sizeof(nlmsghdr));
  }
  std::string text;
  ForEachAttr(nlh, offset, [&](const nlattr* attr) {
    if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG &&
        mnl_attr_validate(attr, MNL_TYPE_NUL_STRING) == 0) {
      text = mnl_attr_get_str(attr);
    }
  });
  return text;
}

// Outcome of processing one received datagram.
enum class Step { kMore, kDone };

}  // namespace

void ForEachAttr(const nlmsghdr* nlh, size_t offset, const AttrFn& fn) {
  mnl_attr_parse(nlh, static_cast<unsigned>(offset), AttrTrampoline,
                 const_cast<AttrFn*>(&fn));
}

void ForEachNested(const nlattr* nest, const AttrFn& fn) {
  mnl_attr_parse_nested(nest, AttrTrampoline, const_cast<AttrFn*>(&fn));
}

std::string NlError::Text() const {
  std::string t = std::strerror(-err);
  if (!extack.empty()) t += " (" + extack + ")";
  return t;
}

Result<std::unique_ptr<RtnlSocket>> RtnlSocket::Open() {
  mnl_socket* nl = mnl_socket_open(NETLINK_ROUTE);
  if (nl == nullptr) {
    return Status::Error(std::string("cannot open rtnetlink socket: ") +
                         std::strerror(errno));
  }
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
    int e = errno;
    mnl_socket_close(nl);
    return Status::Error(std::string("cannot bind rtnetlink socket: ") +
                         std::strerror(e));
  }
  int one = 1;
  // Best effort: older kernels simply give no extended ack text.
  mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
  return std::unique_ptr<RtnlSocket>(
      new RtnlSocket(nl, mnl_socket_get_portid(nl)));
}

RtnlSocket::RtnlSocket(mnl_socket* nl, uint32_t portid)
    : nl_(nl),
      portid_(portid),
      seq_(static_cast<uint32_t>(time(nullptr))),
      send_(kBufSize),
      recv_(kBufSize) {}

RtnlSocket::~RtnlSocket() { mnl_socket_close(nl_); }

nlmsghdr* RtnlSocket::Begin(uint16_t type, uint16_t flags) {
  std::memset(send_.data(), 0, send_.size());
  nlmsghdr* nlh = mnl_nlmsg_put_header(send_.data());
  nlh->nlmsg_type = type;
  nlh->nlmsg_flags = NLM_F_REQUEST | flags;
  nlh->nlmsg_seq = ++seq_;
  return nlh;
}

NlError RtnlSocket::Run(nlmsghdr* nlh, const MsgFn& fn) {
  const bool dump = (nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP;
  if (!dump) nlh->nlmsg_flags |= NLM_F_ACK;
  const uint32_t seq = nlh->nlmsg_seq;
  if (mnl_socket_sendto(nl_, nlh, nlh->nlmsg_len) < 0) {
    return {-errno, ""};
  }
  NlError result;
  bool interrupted = false;
  for (;;) {
    ssize_t n = mnl_socket_recvfrom(nl_, recv_.data(), recv_.size());
    if (n < 0) return {-errno, ""};
    Step step = Step::kMore;
    const auto* m = reinterpret_cast<const nlmsghdr*>(recv_.data());
    int len = static_cast<int>(n);
    for (; mnl_nlmsg_ok(m, len); m = mnl_nlmsg_next(m, &len)) {
      if (m->nlmsg_pid != portid_ || m->nlmsg_seq != seq) continue;
      if (m->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
      if (m->nlmsg_type == NLMSG_ERROR) {
        const auto* e = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(m));
        if (e->error != 0) result = {e->error, ExtackText(m)};
        step = Step::kDone;
      } else if (m->nlmsg_type == NLMSG_DONE) {
        int err = *static_cast<const int*>(mnl_nlmsg_get_payload(m));
        if (err < 0) result = {err, ""};
        step = Step::kDone;
      } else if (m->nlmsg_type >= NLMSG_MIN_TYPE) {
        fn(m);
      }
    }
    if (step == Step::kDone) break;
  }
  if (result.err == 0 && interrupted) result = {-EAGAIN, "dump interrupted"};
  return result;
}

}  // namespace lvsnft::netlink
