// tcp: a non-blocking connect; up when it completes within the timeout.
// The connection is then reset (SO_LINGER 0), leaving no TIME_WAIT.
#include <unistd.h>

#include <cerrno>

#include "health/probe_internal.h"

namespace lvsnft::health {
namespace {

class TcpProbe : public ProbeBase {
 public:
  TcpProbe(event_base* base, Done done) : ProbeBase(base, std::move(done)) {}
  ~TcpProbe() override { Close(); }

  void Start(const CheckSpec& spec) {
    sockaddr_storage sa;
    socklen_t len = ToSockaddr(spec.address, spec.port, &sa);
    fd_ = socket(sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) return FinishSoon(Fail(ErrnoReason("socket", errno)));
    if (connect(fd_, reinterpret_cast<sockaddr*>(&sa), len) == 0)
      return Connected();
    if (errno != EINPROGRESS) {
      int err = errno;
      Close();
      return FinishSoon(Fail(ErrnoReason("connect", err)));
    }
    ev_ = event_new(base_, fd_, EV_WRITE, &TcpProbe::OnWritable, this);
    event_add(ev_, nullptr);
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

  void Close() {
    if (ev_) event_free(ev_);
    ev_ = nullptr;
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
  }

  int fd_ = -1;
  event* ev_ = nullptr;
};

}  // namespace

std::unique_ptr<Probe> StartTcp(const ProbeEnv& env, const CheckSpec& spec,
                                Probe::Done done) {
  auto p = std::make_unique<TcpProbe>(env.base, std::move(done));
  p->Start(spec);
  return p;
}

}  // namespace lvsnft::health
