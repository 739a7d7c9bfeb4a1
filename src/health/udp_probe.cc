// udp: a connected socket sends the payload. With `expect`, up when a
// reply matching it arrives in time; without, up unless an ICMP error
// (port unreachable) comes back within the timeout (keepalived's UDP_CHECK).
#include <unistd.h>

#include <cerrno>

#include "health/probe_internal.h"

namespace lvsnft::health {
namespace {

class UdpProbe : public ProbeBase {
 public:
  UdpProbe(event_base* base, const Matchers& m, Done done)
      : ProbeBase(base, std::move(done)), m_(m) {}
  ~UdpProbe() override { Close(); }

  void Start(const CheckSpec& spec) {
    sockaddr_storage sa;
    socklen_t len = ToSockaddr(spec.address, spec.port, &sa);
    fd_ = socket(sa.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return FinishSoon(Fail(ErrnoReason("socket", errno)));
    if (connect(fd_, reinterpret_cast<sockaddr*>(&sa), len) != 0 ||
        send(fd_, spec.payload.data(), spec.payload.size(), 0) < 0) {
      int err = errno;
      Close();
      return FinishSoon(Fail(UdpReason(err)));
    }
    ev_ = event_new(base_, fd_, EV_READ | EV_PERSIST, &UdpProbe::OnRead, this);
    event_add(ev_, nullptr);
  }

  ProbeResult OnTimeout() override {
    if (m_.expect) return Fail("no reply");
    ProbeResult r;
    r.ok = true;
    return r;
  }

 private:
  static std::string UdpReason(int err) {
    return err == ECONNREFUSED ? "port unreachable" : ErrnoReason("udp", err);
  }

  static void OnRead(evutil_socket_t fd, short, void* arg) {
    auto* self = static_cast<UdpProbe*>(arg);
    char buf[2048];
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    ProbeResult r;
    if (n < 0) {
      r = Fail(UdpReason(errno));
    } else if (self->m_.expect &&
               !std::regex_search(buf, buf + n, *self->m_.expect)) {
      r = Fail("reply does not match");
    } else {
      r.ok = true;
    }
    self->Close();
    self->Finish(std::move(r));
  }

  void Close() {
    if (ev_) event_free(ev_);
    ev_ = nullptr;
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  const Matchers& m_;
  int fd_ = -1;
  event* ev_ = nullptr;
};

}  // namespace

std::unique_ptr<Probe> StartUdp(const ProbeEnv& env, const CheckSpec& spec,
                                const Matchers& m, Probe::Done done) {
  auto p = std::make_unique<UdpProbe>(env.base, m, std::move(done));
  p->Start(spec);
  return p;
}

}  // namespace lvsnft::health
