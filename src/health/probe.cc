#include <arpa/inet.h>
#include <netinet/in.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "health/probe_internal.h"

namespace lvsnft::health {

ProbeBase::ProbeBase(event_base* base, Done done)
    : base_(base), done_(std::move(done)) {}

ProbeBase::~ProbeBase() {
  if (soon_) event_free(soon_);
}

void ProbeBase::Finish(ProbeResult r) {
  Done done = std::move(done_);
  done_ = nullptr;
  if (done) done(std::move(r));  // May destroy this probe.
}

void ProbeBase::FinishSoon(ProbeResult r) {
  pending_ = std::move(r);
  if (!soon_) soon_ = evtimer_new(base_, &ProbeBase::OnSoon, this);
  timeval now{0, 0};
  evtimer_add(soon_, &now);
}

void ProbeBase::OnSoon(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<ProbeBase*>(arg);
  self->Finish(std::move(self->pending_));
}

int SocketProbe::OpenAndConnect(int type, const CheckSpec& spec) {
  sockaddr_storage sa;
  socklen_t len = ToSockaddr(spec.address, spec.port, &sa);
  fd_ = socket(sa.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd_ < 0) return errno;
  if (connect(fd_, reinterpret_cast<sockaddr*>(&sa), len) == 0) return 0;
  return errno;
}

void SocketProbe::Watch(short what, event_callback_fn cb) {
  ev_ = event_new(base_, fd_, what, cb, this);
  event_add(ev_, nullptr);
}

void SocketProbe::Close() {
  if (ev_) event_free(ev_);
  ev_ = nullptr;
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

socklen_t ToSockaddr(const IpAddr& addr, uint16_t port, sockaddr_storage* out) {
  std::memset(out, 0, sizeof(*out));
  if (addr.family == IpFamily::kV4) {
    auto* sin = reinterpret_cast<sockaddr_in*>(out);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(port);
    std::memcpy(&sin->sin_addr, addr.bytes.data(), 4);
    return sizeof(*sin);
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(out);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(port);
  std::memcpy(&sin6->sin6_addr, addr.bytes.data(), 16);
  return sizeof(*sin6);
}

ProbeResult Fail(std::string reason) {
  ProbeResult r;
  r.reason = std::move(reason);
  return r;
}

std::string ErrnoReason(const char* what, int err) {
  if (err == ECONNREFUSED) return "connection refused";
  return std::string(what) + ": " + std::strerror(err);
}

Matchers CompileMatchers(const CheckSpec& spec) {
  Matchers m;
  if (!spec.body_regex.empty()) m.body.emplace(spec.body_regex);
  if (!spec.expect_regex.empty()) m.expect.emplace(spec.expect_regex);
  return m;
}

std::unique_ptr<Probe> StartProbe(const ProbeEnv& env, const CheckSpec& spec,
                                  const Matchers& m, Probe::Done done) {
  switch (spec.type) {
    case CheckType::kTcp:
      return StartTcp(env, spec, std::move(done));
    case CheckType::kUdp:
      return StartUdp(env, spec, m, std::move(done));
    case CheckType::kHttp:
    case CheckType::kHttps:
      return StartHttp(env, spec, m, std::move(done));
    case CheckType::kExec:
      return StartExec(env, spec, std::move(done));
  }
  return nullptr;
}

}  // namespace lvsnft::health
