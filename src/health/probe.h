// One probe attempt in flight (tcp, http, https, udp or exec), started on
// the caller's libevent loop. Never blocks: results arrive from the loop.
#pragma once

#include <functional>
#include <memory>
#include <regex>

#include "health/check_spec.h"

struct event_base;

namespace lvsnft::health {

class Reaper;
class TlsContexts;

/// What probes share: the loop, the exec reaper and the TLS contexts.
struct ProbeEnv {
  event_base* base = nullptr;
  Reaper* reaper = nullptr;
  TlsContexts* tls = nullptr;  ///< One context per CA / client identity.
};

/// Compiled parts of a spec, built once per probe key.
struct Matchers {
  std::optional<std::regex> body;    ///< http(s) body_regex.
  std::optional<std::regex> expect;  ///< udp expect_regex.
};

/// An attempt in flight. Destroying it cancels the attempt and closes its
/// file descriptors (an exec child is killed and still reaped).
class Probe {
 public:
  /// Called once with the result, always from the loop (never from inside
  /// StartProbe). The probe may be destroyed inside the callback.
  using Done = std::function<void(ProbeResult)>;
  virtual ~Probe() = default;
  /// The attempt's time is up: the result to count (usually a failure such
  /// as "connect timeout"; an udp check without `expect` succeeds). The
  /// caller destroys the probe right after; `done` is not called.
  virtual ProbeResult OnTimeout() = 0;
};

/// Starts one attempt of `spec`. Latency is measured by the caller.
std::unique_ptr<Probe> StartProbe(const ProbeEnv& env, const CheckSpec& spec,
                                  const Matchers& m, Probe::Done done);

/// Compiles the spec's regexes (Validate accepted them).
Matchers CompileMatchers(const CheckSpec& spec);

}  // namespace lvsnft::health
