// One running probe: its schedule, attempts and rise/fall state.
#pragma once

#include <event2/event.h>

#include <chrono>
#include <memory>
#include <random>

#include "health/engine.h"
#include "health/probe.h"
#include "health/reaper.h"
#include "health/rise_fall.h"
#include "health/tls_contexts.h"

namespace lvsnft::health {

/// What every checker of an engine uses.
struct Shared {
  Shared(event_base* base, Engine::OnTransition cb, EngineOptions o);
  Reaper reaper;
  TlsContexts tls;
  ProbeEnv env;
  Engine::OnTransition on_transition;
  EngineOptions options;
  std::mt19937_64 rng;
  int in_callback = 0;  ///< Transition callbacks running (nesting).
};

/// Schedules attempts of one spec and feeds their results to RiseFall.
class Checker {
 public:
  /// Starts scheduling `key` (first attempt after the start spread).
  Checker(Shared& shared, const Key& key);
  ~Checker();
  Checker(const Checker&) = delete;
  Checker& operator=(const Checker&) = delete;
  /// Where the probe stands.
  const TargetStatus& status() const { return state_.status(); }
  /// Stops the schedule and any attempt in flight (before destruction
  /// from inside a transition callback).
  void Stop();

 private:
  static void OnTimer(evutil_socket_t, short, void* arg);
  void StartAttempt();
  void Finished(ProbeResult r);
  void ScheduleNext();
  void Arm(std::chrono::steady_clock::duration delay);

  Shared& shared_;
  const Key key_;
  Matchers matchers_;
  RiseFall state_;
  event* timer_ = nullptr;
  std::unique_ptr<Probe> probe_;  ///< Set while an attempt runs.
  std::chrono::steady_clock::time_point started_;  ///< Of this attempt.
  std::chrono::steady_clock::time_point due_;      ///< When it was due.
};

}  // namespace lvsnft::health
