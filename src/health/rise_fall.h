// Rise/fall counting: turns a stream of probe results into up/down
// transitions (after `rise` successes or `fall` failures in a row) and
// dynamic weight changes. Pure: the clock is passed in.
#pragma once

#include <chrono>
#include <optional>

#include "health/check_spec.h"

namespace lvsnft::health {

/// The state of one probe and its counters.
class RiseFall {
 public:
  using Clock = std::chrono::system_clock;
  /// Starts in `initial` at `now`, nothing checked yet.
  RiseFall(int rise, int fall, State initial, Clock::time_point now);
  /// Counts one result; returns the transition it causes, if any.
  std::optional<Transition> Feed(const ProbeResult& r, Clock::time_point now);
  /// True while results in a row point to a change that has not happened
  /// yet (the time for fast_interval).
  bool Between() const;
  /// Where the probe stands.
  const TargetStatus& status() const { return s_; }

 private:
  std::optional<Transition> Success(const ProbeResult& r,
                                    Clock::time_point now);
  std::optional<Transition> Failure(const ProbeResult& r,
                                    Clock::time_point now);

  int rise_;
  int fall_;
  TargetStatus s_;
};

}  // namespace lvsnft::health
