#include "kernel/ct/nf_conntrack.h"

#include <arpa/inet.h>
#include <libnetfilter_conntrack/libnetfilter_conntrack.h>
#include <netinet/in.h>

#include <cerrno>
#include <cstring>

namespace lvsnft::netlink {
namespace {

// conntrack(8)'s names of the TCP states (TCP_CONNTRACK_*).
const char* TcpState(uint8_t s) {
  static const char* const kNames[] = {
      "NONE",       "SYN_SENT", "SYN_RECV",  "ESTABLISHED", "FIN_WAIT",
      "CLOSE_WAIT", "LAST_ACK", "TIME_WAIT", "CLOSE",       "SYN_SENT2"};
  return s < sizeof kNames / sizeof *kNames ? kNames[s] : "UNKNOWN";
}

// conntrack(8)'s names of the SCTP states (SCTP_CONNTRACK_*).
const char* SctpState(uint8_t s) {
  static const char* const kNames[] = {
      "NONE",           "CLOSED",         "COOKIE_WAIT",   "COOKIE_ECHOED",
      "ESTABLISHED",    "SHUTDOWN_SENT",  "SHUTDOWN_RECD", "SHUTDOWN_ACK_SENT",
      "HEARTBEAT_SENT", "HEARTBEAT_ACKED"};
  return s < sizeof kNames / sizeof *kNames ? kNames[s] : "UNKNOWN";
}

IpAddr Addr(const nf_conntrack* ct, bool v6, int attr4, int attr6) {
  IpAddr a;
  a.family = v6 ? IpFamily::kV6 : IpFamily::kV4;
  const void* p =
      nfct_get_attr(ct, static_cast<nf_conntrack_attr>(v6 ? attr6 : attr4));
  if (p) std::memcpy(a.bytes.data(), p, a.size());
  return a;
}

uint16_t Port(const nf_conntrack* ct, int attr) {
  return ntohs(nfct_get_attr_u16(ct, static_cast<nf_conntrack_attr>(attr)));
}

CtEntry Convert(const nf_conntrack* ct) {
  CtEntry e;
  bool v6 = nfct_get_attr_u8(ct, ATTR_L3PROTO) == AF_INET6;
  e.l4proto = nfct_get_attr_u8(ct, ATTR_L4PROTO);
  if (e.l4proto == IPPROTO_TCP && nfct_attr_is_set(ct, ATTR_TCP_STATE))
    e.state = TcpState(nfct_get_attr_u8(ct, ATTR_TCP_STATE));
  else if (e.l4proto == IPPROTO_SCTP && nfct_attr_is_set(ct, ATTR_SCTP_STATE))
    e.state = SctpState(nfct_get_attr_u8(ct, ATTR_SCTP_STATE));
  else if (e.l4proto == IPPROTO_UDP)
    e.state = "UDP";
  e.timeout = nfct_get_attr_u32(ct, ATTR_TIMEOUT);
  e.mark = nfct_get_attr_u32(ct, ATTR_MARK);
  e.client = Addr(ct, v6, ATTR_ORIG_IPV4_SRC, ATTR_ORIG_IPV6_SRC);
  e.vip = Addr(ct, v6, ATTR_ORIG_IPV4_DST, ATTR_ORIG_IPV6_DST);
  e.server = Addr(ct, v6, ATTR_REPL_IPV4_SRC, ATTR_REPL_IPV6_SRC);
  e.client_port = Port(ct, ATTR_ORIG_PORT_SRC);
  e.vport = Port(ct, ATTR_ORIG_PORT_DST);
  e.server_port = Port(ct, ATTR_REPL_PORT_SRC);
  return e;
}

int OnEntry(nf_conntrack_msg_type, nf_conntrack* ct, void* data) {
  static_cast<std::vector<CtEntry>*>(data)->push_back(Convert(ct));
  return NFCT_CB_CONTINUE;
}

// Dump callback of Delete: keeps a copy of each matching entry (the
// handle cannot run a query from inside a dump).
struct Doomed {
  const CtFilter* filter;
  std::vector<nf_conntrack*> entries;
};

int OnDoomed(nf_conntrack_msg_type, nf_conntrack* ct, void* data) {
  auto* d = static_cast<Doomed*>(data);
  if (d->filter->Matches(Convert(ct))) d->entries.push_back(nfct_clone(ct));
  return NFCT_CB_CONTINUE;
}

class NfConnTrack : public ConnTrack {
 public:
  explicit NfConnTrack(nfct_handle* h) : h_(h) {}
  ~NfConnTrack() override { nfct_close(h_); }

  Result<std::vector<CtEntry>> List(uint32_t mark, uint32_t mask) override {
    std::vector<CtEntry> out;
    Status s = Dump(mark, mask, OnEntry, &out);
    if (!s.ok()) return s;
    return out;
  }

  Result<size_t> Delete(const CtFilter& f) override {
    Doomed d{&f, {}};
    Status s = Dump(f.mark, f.mask, OnDoomed, &d);
    size_t deleted = 0;
    for (nf_conntrack* ct : d.entries) {
      if (ct && nfct_query(h_, NFCT_Q_DESTROY, ct) == 0) ++deleted;
      if (ct) nfct_destroy(ct);  // ENOENT: expired meanwhile.
    }
    if (!s.ok()) return s;
    return deleted;
  }

 private:
  Status Dump(uint32_t mark, uint32_t mask,
              int (*cb)(nf_conntrack_msg_type, nf_conntrack*, void*),
              void* data) {
    nfct_filter_dump* f = nfct_filter_dump_create();
    if (!f) return Status::Error("conntrack: out of memory");
    nfct_filter_dump_mark m{mark, mask};
    nfct_filter_dump_set_attr(f, NFCT_FILTER_DUMP_MARK, &m);
    nfct_callback_register(h_, NFCT_T_ALL, cb, data);
    int rc = nfct_query(h_, NFCT_Q_DUMP_FILTER, f);
    int err = errno;
    nfct_callback_unregister(h_);
    nfct_filter_dump_destroy(f);
    if (rc != 0)
      return Status::Error(std::string("cannot dump conntrack: ") +
                           strerror(err));
    return Status();
  }

  nfct_handle* h_;
};

}  // namespace

Result<std::unique_ptr<ConnTrack>> OpenConnTrack() {
  nfct_handle* h = nfct_open(CONNTRACK, 0);
  if (!h)
    return Status::Error(std::string("cannot open conntrack netlink: ") +
                         strerror(errno));
  return std::unique_ptr<ConnTrack>(new NfConnTrack(h));
}

}  // namespace lvsnft::netlink
