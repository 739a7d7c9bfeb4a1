// udp: a connected socket sends the payload. With `expect`, up when a
// reply matching it arrives in time; without, up unless an ICMP error
// (port unreachable) comes back within the timeout (keepalived's UDP_CHECK).
#include <cerrno>

#include "health/probe_internal.h"

namespace lvsnft::health {
namespace {

class UdpProbe : public SocketProbe {
 public:
  UdpProbe(event_base* base, const Matchers& m, Done done)
      : SocketProbe(base, std::move(done)), m_(m) {}

  void Start(const CheckSpec& spec) {
    int err = OpenAndConnect(SOCK_DGRAM, spec);
    if (err == 0 && send(fd_, spec.payload.data(), spec.payload.size(), 0) < 0)
      err = errno;
    if (err != 0) {
      Close();
      return FinishSoon(Fail(UdpReason(err)));
    }
    Watch(EV_READ | EV_PERSIST, &UdpProbe::OnRead);
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

  const Matchers& m_;
};

}  // namespace

std::unique_ptr<Probe> StartUdp(const ProbeEnv& env, const CheckSpec& spec,
                                const Matchers& m, Probe::Done done) {
  auto p = std::make_unique<UdpProbe>(env.base, m, std::move(done));
  p->Start(spec);
  return p;
}

}  // namespace lvsnft::health
