#include "nft_test_socket.h"

#include <libnftnl/common.h>
#include <libnftnl/gen.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <poll.h>
#include <sys/socket.h>

#include <cstring>

namespace lvsnft::testing {
namespace {

int GenidCb(const nlmsghdr* nlh, void* data) {
  nftnl_gen* gen = nftnl_gen_alloc();
  if (gen == nullptr) return MNL_CB_ERROR;
  if (nftnl_gen_nlmsg_parse(nlh, gen) == 0)
    *static_cast<uint32_t*>(data) = nftnl_gen_get_u32(gen, NFTNL_GEN_ID);
  nftnl_gen_free(gen);
  return MNL_CB_OK;
}

KernelReply ParseError(const nlmsghdr* nlh) {
  KernelReply r;
  r.seq = nlh->nlmsg_seq;
  const auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
  r.error = -err->error;
  if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return r;
  // TLVs follow the echoed request (only its header when capped).
  size_t echoed =
      (nlh->nlmsg_flags & NLM_F_CAPPED) ? sizeof(nlmsghdr) : err->msg.nlmsg_len;
  size_t start = sizeof(nlmsghdr) + sizeof(int) + echoed;
  const auto* p = reinterpret_cast<const char*>(nlh) + MNL_ALIGN(start);
  const char* end = reinterpret_cast<const char*>(nlh) + nlh->nlmsg_len;
  while (p + sizeof(nlattr) <= end) {
    const auto* a = reinterpret_cast<const nlattr*>(p);
    if (a->nla_len < sizeof(nlattr)) break;
    if (mnl_attr_get_type(a) == NLMSGERR_ATTR_OFFS)
      r.offset = mnl_attr_get_u32(a);
    p += MNL_ALIGN(a->nla_len);
  }
  return r;
}

}  // namespace

TestNfSocket::TestNfSocket() {
  nl_ = mnl_socket_open(NETLINK_NETFILTER);
  if (nl_ == nullptr) return;
  int on = 1;
  mnl_socket_setsockopt(nl_, NETLINK_EXT_ACK, &on, sizeof(on));
  if (mnl_socket_bind(nl_, 0, MNL_SOCKET_AUTOPID) < 0) {
    mnl_socket_close(nl_);
    nl_ = nullptr;
  }
}

TestNfSocket::~TestNfSocket() {
  if (nl_ != nullptr) mnl_socket_close(nl_);
}

std::optional<uint32_t> TestNfSocket::Genid() {
  char buf[MNL_SOCKET_BUFFER_SIZE];
  nlmsghdr* nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, 0, 1);
  if (mnl_socket_sendto(nl_, nlh, nlh->nlmsg_len) < 0) return std::nullopt;
  ssize_t n = mnl_socket_recvfrom(nl_, buf, sizeof(buf));
  uint32_t genid = 0;
  if (n <= 0 ||
      mnl_cb_run(buf, n, 1, mnl_socket_get_portid(nl_), GenidCb, &genid) < 0)
    return std::nullopt;
  return genid;
}

std::vector<KernelReply> TestNfSocket::Send(const netlink::Batch& b) {
  std::vector<iovec> iov = b.Iovecs();
  size_t total = 0;
  for (const auto& v : iov) total += v.iov_len;
  int size = static_cast<int>(total * 2);
  setsockopt(mnl_socket_get_fd(nl_), SOL_SOCKET, SO_SNDBUFFORCE, &size,
             sizeof(size));
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  msghdr msg{};
  msg.msg_name = &kernel;
  msg.msg_namelen = sizeof(kernel);
  msg.msg_iov = iov.data();
  msg.msg_iovlen = iov.size();
  if (sendmsg(mnl_socket_get_fd(nl_), &msg, 0) < 0)
    return {{0, errno, std::nullopt}};
  // BATCH_BEGIN and BATCH_END are not acknowledged.
  return Collect(b.messages() - 2);
}

std::vector<KernelReply> TestNfSocket::Collect(size_t expected) {
  std::vector<KernelReply> out;
  std::vector<char> buf(1 << 20);
  pollfd pfd{mnl_socket_get_fd(nl_), POLLIN, 0};
  while (out.size() < expected && poll(&pfd, 1, 1000) > 0) {
    ssize_t n = mnl_socket_recvfrom(nl_, buf.data(), buf.size());
    if (n <= 0) break;
    auto* nlh = reinterpret_cast<const nlmsghdr*>(buf.data());
    int len = static_cast<int>(n);
    for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
      if (nlh->nlmsg_type == NLMSG_ERROR) out.push_back(ParseError(nlh));
    }
  }
  return out;
}

std::string DescribeErrors(const netlink::Batch& b,
                           const std::vector<KernelReply>& replies) {
  std::string out;
  for (const auto& r : replies) {
    if (r.error == 0) continue;
    out += "seq " + std::to_string(r.seq) + ": " +
           b.MessageText(r.seq, r.offset) + ": " + std::strerror(r.error) +
           "\n";
  }
  return out;
}

}  // namespace lvsnft::testing
