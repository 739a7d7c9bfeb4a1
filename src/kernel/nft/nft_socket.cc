#include "kernel/nft/nft_socket.h"

#include <libmnl/libmnl.h>
#include <libnftnl/common.h>
#include <libnftnl/gen.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <sys/socket.h>
#include <time.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

namespace lvsnft::netlink {

namespace {

constexpr size_t kRecvBuf = 1 << 16;
// SO_NETNS_COOKIE (Linux 5.14); older libc headers may lack the name.
constexpr int kSoNetnsCookie = 71;

// An NLMSG_ERROR with its extended-ACK attributes (offset, message).
BatchError ParseError(const nlmsghdr* nlh) {
  auto* err = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
  BatchError out{nlh->nlmsg_seq, -err->error, 0, ""};
  if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS)) return out;
  size_t off = sizeof(nlmsgerr);
  if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
    off += err->msg.nlmsg_len - sizeof(nlmsghdr);
  const auto* base = static_cast<const char*>(mnl_nlmsg_get_payload(nlh));
  size_t total = mnl_nlmsg_get_payload_len(nlh);
  while (off + sizeof(nlattr) <= total) {
    const auto* a = reinterpret_cast<const nlattr*>(base + off);
    if (a->nla_len < sizeof(nlattr) || off + a->nla_len > total) break;
    const char* v = base + off + NLA_HDRLEN;
    if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_OFFS) {
      std::memcpy(&out.offset, v, sizeof(uint32_t));
    } else if ((a->nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
      out.message.assign(v, strnlen(v, a->nla_len - NLA_HDRLEN));
    }
    off += NLA_ALIGN(a->nla_len);
  }
  return out;
}

}  // namespace

std::string ErrnoText(int err) { return std::strerror(err); }

Result<std::unique_ptr<NftSocket>> NftSocket::Open() {
  mnl_socket* nl = mnl_socket_open(NETLINK_NETFILTER);
  if (!nl) {
    return Status::Error("cannot open netfilter netlink socket: " +
                         ErrnoText(errno));
  }
  if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
    int e = errno;
    mnl_socket_close(nl);
    return Status::Error("cannot bind netfilter netlink socket: " +
                         ErrnoText(e));
  }
  int one = 1;
  // Extended ACKs name the offending attribute in kernel error replies.
  mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
  return std::unique_ptr<NftSocket>(new NftSocket(
      nl, mnl_socket_get_portid(nl), static_cast<uint32_t>(time(nullptr))));
}

NftSocket::~NftSocket() { mnl_socket_close(nl_); }

Result<uint32_t> NftSocket::GenId() {
  uint32_t gen = 0;
  bool got = false;
  Status s = Dump(
      [](char* buf, uint32_t seq) {
        return nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETGEN, AF_UNSPEC, 0, seq);
      },
      [&](const nlmsghdr* nlh) {
        nftnl_gen* g = nftnl_gen_alloc();
        if (nftnl_gen_nlmsg_parse(nlh, g) == 0) {
          gen = nftnl_gen_get_u32(g, NFTNL_GEN_ID);
          got = true;
        }
        nftnl_gen_free(g);
      },
      [] {});
  if (!s.ok()) return s;
  if (!got) return Status::Error("kernel sent no ruleset generation id");
  return gen;
}

Result<std::string> NftSocket::Instance() {
  std::ifstream f("/proc/sys/kernel/random/boot_id");
  std::string boot;
  if (!std::getline(f, boot) || boot.empty()) {
    return Status::Error("cannot read /proc/sys/kernel/random/boot_id");
  }
  uint64_t cookie = 0;
  socklen_t len = sizeof(cookie);
  if (getsockopt(mnl_socket_get_fd(nl_), SOL_SOCKET, kSoNetnsCookie, &cookie,
                 &len) != 0) {
    return Status::Error("cannot read the network namespace cookie: " +
                         ErrnoText(errno));
  }
  return boot + "/" + std::to_string(cookie);
}

Status NftSocket::Dump(
    const std::function<nlmsghdr*(char* buf, uint32_t seq)>& build,
    const std::function<void(const nlmsghdr*)>& on_msg,
    const std::function<void()>& on_restart) {
  std::vector<char> buf(kRecvBuf);
  for (int attempt = 0; attempt < 10; ++attempt) {
    uint32_t seq = NextSeq();
    nlmsghdr* req = build(buf.data(), seq);
    if (mnl_socket_sendto(nl_, req, req->nlmsg_len) < 0) {
      return Status::Error("netlink send failed: " + ErrnoText(errno));
    }
    bool interrupted = false, done = false;
    while (!done) {
      ssize_t n = mnl_socket_recvfrom(nl_, buf.data(), buf.size());
      if (n < 0)
        return Status::Error("netlink receive failed: " + ErrnoText(errno));
      for (auto* nlh = reinterpret_cast<nlmsghdr*>(buf.data());
           mnl_nlmsg_ok(nlh, static_cast<int>(n));
           nlh = mnl_nlmsg_next(nlh, reinterpret_cast<int*>(&n))) {
        if (nlh->nlmsg_seq != seq) continue;
        if (nlh->nlmsg_flags & NLM_F_DUMP_INTR) interrupted = true;
        if (nlh->nlmsg_type == NLMSG_DONE) {
          done = true;
        } else if (nlh->nlmsg_type == NLMSG_ERROR) {
          auto* err = static_cast<nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
          if (err->error != 0) {
            return Status::Error("kernel refused dump: " +
                                 ErrnoText(-err->error));
          }
          done = true;  // ACK of a non-dump request.
        } else {
          on_msg(nlh);
          if (!(nlh->nlmsg_flags & NLM_F_MULTI)) done = true;
        }
      }
    }
    if (!interrupted) return Status();
    on_restart();
  }
  return Status::Error("ruleset kept changing during the dump (10 attempts)");
}

Status NftSocket::SizeBuffers(size_t send_bytes, size_t messages) {
  // The kernel doubles the value; a netlink message must fit in sk_sndbuf.
  int snd = static_cast<int>(std::max<size_t>(send_bytes + 65536, 1 << 20));
  // A reply (ACK or error) skb costs about 1 KiB of receive buffer in
  // truesize; only messages with NLM_F_ACK or an error get one.
  int rcv = static_cast<int>(std::max<size_t>(messages * 1024, 4 << 20));
  int fd = mnl_socket_get_fd(nl_);
  if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &snd, sizeof(snd)) < 0 &&
      setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &snd, sizeof(snd)) < 0) {
    return Status::Error("cannot size the netlink send buffer: " +
                         ErrnoText(errno));
  }
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcv, sizeof(rcv)) < 0 &&
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv)) < 0) {
    return Status::Error("cannot size the netlink receive buffer: " +
                         ErrnoText(errno));
  }
  return Status();
}

Result<BatchReply> NftSocket::SendBatch(const std::vector<iovec>& pages,
                                        size_t bytes, size_t messages) {
  Status sized = SizeBuffers(bytes, messages);
  if (!sized.ok()) return sized;
  sockaddr_nl snl{};
  snl.nl_family = AF_NETLINK;
  msghdr msg{};
  msg.msg_name = &snl;
  msg.msg_namelen = sizeof(snl);
  msg.msg_iov = const_cast<iovec*>(pages.data());
  msg.msg_iovlen = pages.size();
  if (sendmsg(mnl_socket_get_fd(nl_), &msg, 0) < 0) {
    return Status::Error("sending the nftables batch failed: " +
                         ErrnoText(errno));
  }
  // The kernel handles a batch synchronously inside sendmsg: every reply is
  // already queued, so read until the queue is empty.
  BatchReply reply;
  std::vector<char> buf(kRecvBuf);
  while (true) {
    ssize_t n =
        recv(mnl_socket_get_fd(nl_), buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (n < 0 && errno == ENOBUFS) {
      return Status::Error(
          "netlink replies were lost (ENOBUFS); result unknown");
    }
    if (n < 0)
      return Status::Error("netlink receive failed: " + ErrnoText(errno));
    int len = static_cast<int>(n);
    for (auto* nlh = reinterpret_cast<nlmsghdr*>(buf.data());
         mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
      if (nlh->nlmsg_type != NLMSG_ERROR) continue;
      auto* err = static_cast<nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
      if (err->error == 0) {
        ++reply.acks;
      } else {
        reply.errors.push_back(ParseError(nlh));
      }
    }
  }
  return reply;
}

}  // namespace lvsnft::netlink
