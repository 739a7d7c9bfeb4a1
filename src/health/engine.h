// The checker engine: runs health checks on the caller's libevent loop.
// One probe per distinct CheckSpec (target + definition), shared by every
// subscriber (reference-counted); rise/fall counting, fast_interval while
// a target is between states, a random first check within the interval
// and a small jitter on every later one.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "health/check_spec.h"

struct event_base;

namespace lvsnft::health {

class Checker;
struct Shared;

/// How the engine schedules.
struct EngineOptions {
  /// Each next check moves by up to +-jitter * interval (random).
  double jitter = 0.05;
  /// First check at a random point of [0, interval); false: at once.
  bool spread_start = true;
  /// Seed of the schedule's randomness; 0 = from std::random_device.
  uint64_t seed = 0;
  /// Called from the loop after every attempt (metrics: durations,
  /// failures); `key` stays valid while the probe runs. May be empty.
  std::function<void(const Key& key, const ProbeResult& r)> on_result;
};

/// Runs every subscribed check; reports up/down and weight transitions.
/// The process must ignore SIGPIPE (the daemon does): an http request may
/// be written to a connection the server has just reset.
class Engine {
 public:
  /// Called from the loop for each transition of a probe.
  using OnTransition = std::function<void(const Key&, Transition)>;
  Engine(event_base* base, OnTransition on_transition, EngineOptions o = {});
  /// Stops every probe (closes sockets, kills and reaps exec children).
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Subscribes to `spec`: starts its probe, or counts one more subscriber
  /// of the running probe with an equal spec (its state is kept). Error
  /// (nothing started) when Validate rejects the spec. An https spec's
  /// TLS context is loaded here if it is not yet.
  Status Add(const CheckSpec& spec);
  /// Drops one subscriber; the last one stops the probe. False when the
  /// spec is not subscribed. May be called from the transition callback.
  bool Remove(const CheckSpec& spec);
  /// A probe's status; nullopt when not subscribed.
  std::optional<TargetStatus> StatusOf(const Key& key) const;
  /// Subscribers of a probe (0 when not subscribed).
  int Subscribers(const Key& key) const;
  /// Number of running probes.
  size_t size() const { return checkers_.size(); }
  /// Calls `fn` for every probe (in key order).
  void ForEach(
      const std::function<void(const Key&, const TargetStatus&)>& fn) const;
  /// Exec children not yet reaped (tests, status).
  size_t PendingChildren() const;
  /// Drops the loaded TLS contexts: the next https attempts read their
  /// ca_file / client_cert / client_key again (the daemon's config reload).
  void ReloadTls();
  /// TLS contexts loaded (one per distinct CA file and client identity).
  size_t TlsContextCount() const;

 private:
  struct Entry {
    std::unique_ptr<Checker> checker;
    int subscribers = 0;
  };
  std::unique_ptr<Shared> shared_;
  std::map<Key, Entry> checkers_;
  /// Stopped checkers, destroyed outside transition callbacks.
  std::vector<std::unique_ptr<Checker>> retired_;
};

}  // namespace lvsnft::health
