// The health-check input of the daemon: one engine subscription per
// (service, real server) with a check, the transitions (logged, counted,
// reported to the loop so that it schedules a sync) and ApplyTo, the step
// between the config file and the runtime overrides.
#pragma once

#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "config/config.h"
#include "daemon/health_apply.h"
#include "daemon/health_flush.h"
#include "health/engine.h"

struct event_base;

namespace lvsnft::daemon {

/// The engine's spec for a resolved config check.
health::CheckSpec ToCheckSpec(const HealthCheck& c);

/// Upper bounds (seconds) of the check duration histogram buckets.
constexpr std::array<double, 8> kCheckBuckets = {0.001, 0.005, 0.01, 0.05,
                                                 0.1,   0.5,   1,    5};

/// A checked real server of a service.
struct CheckedServer {
  std::string service;
  std::string server;  ///< ServerRef of the real server ("10.0.0.2:80").
  IpAddr address;
  std::optional<uint16_t> port;
  health::CheckSpec spec;
};

/// Check durations of one probe (a histogram; buckets not cumulative).
struct CheckDurations {
  std::array<uint64_t, kCheckBuckets.size()> buckets{};
  uint64_t count = 0;
  double seconds = 0;
};

/// Owns the engine; one per daemon, on the daemon's event_base.
class HealthInput {
 public:
  /// Called for each up/down or weight change of a server of `service`.
  using OnChange = std::function<void(const std::string& service)>;
  HealthInput(event_base* base, OnChange on_change,
              health::EngineOptions o = {});

  /// Subscribes the checks of `cfg` (the file's config): the new set is
  /// added before the old one is removed, so equal specs keep their state.
  void Update(const Config& cfg);
  /// Rewrites `cfg` for the current results (ApplyHealth).
  void ApplyTo(Config& cfg);
  /// The same for one service (a sync of named services only).
  void ApplyToService(Service& svc);
  /// The checked servers, in config order.
  const std::vector<CheckedServer>& servers() const { return servers_; }
  /// True when the config of the last Update named a health check (one
  /// that could not be started counts too).
  bool NamesChecks() const { return names_checks_; }
  /// The engine's status of a server's probe.
  std::optional<health::TargetStatus> StatusOf(const CheckedServer& s) const;
  /// Durations measured by a server's probe (null before the first).
  const CheckDurations* DurationsOf(const CheckedServer& s) const;
  /// Quorum state per service with a quorum (after the last ApplyTo).
  const QuorumMemory& quorum() const { return quorum_; }
  /// Servers taken down since the last call (their conntrack entries
  /// are deleted once the sync has committed).
  std::vector<DeadServer> TakeDead() { return std::exchange(dead_, {}); }

 private:
  void OnTransition(const health::Key& key, const health::Transition& t);
  void OnResult(const health::Key& key, const health::ProbeResult& r);
  std::optional<ServerHealth> Lookup(const Service& svc,
                                     const RealServer& rs) const;

  /// (service, address, port) of a checked server.
  using ServerKey = std::tuple<std::string, IpAddr, std::optional<uint16_t>>;

  OnChange on_change_;
  std::vector<CheckedServer> servers_;
  bool names_checks_ = false;
  /// Indexes into servers_, so that applying the results and routing a
  /// transition cost O(log n) each, not a scan of every checked server
  /// (quadratic with 10k checked servers: 0.4-0.8 s per health sync).
  std::map<ServerKey, size_t> by_server_;
  std::multimap<health::Key, size_t> by_probe_;
  std::map<health::Key, CheckDurations> durations_;
  QuorumMemory quorum_;
  std::vector<DeadServer> dead_;
  std::unique_ptr<health::Engine> engine_;  ///< Last: stopped first.
};

/// The `health` array of the status reply (JSON text).
std::string HealthStatusJson(const HealthInput& h);
/// The health metric families (Prometheus text).
std::string RenderHealthMetrics(const HealthInput& h, const Config& effective);

}  // namespace lvsnft::daemon
