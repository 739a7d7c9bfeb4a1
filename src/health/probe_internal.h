// Shared by the probe implementations: a base that delivers results from
// the loop, socket helpers and one factory per type.
#pragma once

#include <event2/event.h>
#include <sys/socket.h>

#include <string>

#include "health/probe.h"

namespace lvsnft::health {

/// A probe that can finish now but reports from the loop (a zero timer).
class ProbeBase : public Probe {
 public:
  ProbeBase(event_base* base, Done done);
  ~ProbeBase() override;

 protected:
  /// Reports `r` right away (the probe may be gone afterwards).
  void Finish(ProbeResult r);
  /// Reports `r` on the next loop turn.
  void FinishSoon(ProbeResult r);
  event_base* base_;

 private:
  static void OnSoon(evutil_socket_t, short, void* arg);
  Done done_;
  event* soon_ = nullptr;
  ProbeResult pending_;
};

/// A probe over one non-blocking socket connected to the target.
class SocketProbe : public ProbeBase {
 public:
  using ProbeBase::ProbeBase;
  ~SocketProbe() override { Close(); }

 protected:
  /// Opens a socket of `type` and connects it to the target: 0 or an
  /// errno value (EINPROGRESS: a tcp connect under way).
  int OpenAndConnect(int type, const CheckSpec& spec);
  /// Calls `cb` (with this probe) when the socket is ready for `what`.
  void Watch(short what, event_callback_fn cb);
  /// Closes the socket and its event (again: no-op).
  void Close();
  int fd_ = -1;

 private:
  event* ev_ = nullptr;
};

/// A socket address for `addr`:`port`; returns its length.
socklen_t ToSockaddr(const IpAddr& addr, uint16_t port, sockaddr_storage* out);
/// A failure result with `reason`.
ProbeResult Fail(std::string reason);
/// "connection refused" for ECONNREFUSED, else "<what>: strerror(err)".
std::string ErrnoReason(const char* what, int err);

std::unique_ptr<Probe> StartTcp(const ProbeEnv& env, const CheckSpec& spec,
                                Probe::Done done);
std::unique_ptr<Probe> StartUdp(const ProbeEnv& env, const CheckSpec& spec,
                                const Matchers& m, Probe::Done done);
std::unique_ptr<Probe> StartHttp(const ProbeEnv& env, const CheckSpec& spec,
                                 const Matchers& m, Probe::Done done);
std::unique_ptr<Probe> StartExec(const ProbeEnv& env, const CheckSpec& spec,
                                 Probe::Done done);

}  // namespace lvsnft::health
