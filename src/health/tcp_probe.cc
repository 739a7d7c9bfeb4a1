// tcp: a non-blocking connect; up when it completes within the timeout.
// The connection is then reset (SO_LINGER 0), leaving no TIME_WAIT.
#include <cerrno>

#include "health/probe_internal.h"

namespace lvsnft::health {
namespace {

class TcpProbe : public SocketProbe {
 public:
  using SocketProbe::SocketProbe;

  void Start(const CheckSpec& spec) {
    int err = OpenAndConnect(SOCK_STREAM, spec);
    if (err == 0) return Connected();
    if (err == EINPROGRESS) return Watch(EV_WRITE, &TcpProbe::OnWritable);
    Close();
    FinishSoon(Fail(ErrnoReason("connect", err)));
  }

  ProbeResult OnTimeout() override { return Fail("connect timeout"); }

 private:
  static void OnWritable(evutil_socket_t fd, short, void* arg) {
    auto* self = static_cast<TcpProbe*>(arg);
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    if (err != 0) {
      self->Close();
      return self->Finish(Fail(ErrnoReason("connect", err)));
    }
    self->Connected();
  }

  void Connected() {
    // Close with a reset, as HAProxy's checks do: no TIME_WAIT left on
    // the director by thousands of checks a second.
    linger no_wait{1, 0};
    setsockopt(fd_, SOL_SOCKET, SO_LINGER, &no_wait, sizeof(no_wait));
    Close();
    ProbeResult r;
    r.ok = true;
    FinishSoon(std::move(r));
  }
};

}  // namespace

std::unique_ptr<Probe> StartTcp(const ProbeEnv& env, const CheckSpec& spec,
                                Probe::Done done) {
  auto p = std::make_unique<TcpProbe>(env.base, std::move(done));
  p->Start(spec);
  return p;
}

}  // namespace lvsnft::health
