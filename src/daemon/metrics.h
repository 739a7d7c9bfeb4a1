// The daemon's counters and their Prometheus text exposition
// (node_exporter / HAProxy exporter naming: lvsnft_<thing>_<unit>).
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "config/config.h"

namespace lvsnft::daemon {

/// Upper bounds (seconds) of the sync duration histogram buckets.
constexpr std::array<double, 9> kSyncBuckets = {
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5};

/// Everything the daemon counts.
struct DaemonStats {
  uint64_t syncs_ok = 0, syncs_failed = 0;
  uint64_t reloads_ok = 0, reloads_failed = 0;
  uint64_t drift_repairs = 0;
  uint64_t generation = 0;        ///< Config generation: +1 per accepted input.
  double last_sync_time = 0;      ///< Unix time of the last sync (0: none).
  double last_sync_duration = 0;  ///< Seconds.
  std::string last_sync_result;   ///< "" / "ok" / the error message.
  uint32_t last_genid = 0;        ///< Ruleset generation after the sync.
  std::array<uint64_t, kSyncBuckets.size()>
      sync_buckets{};  ///< Not cumulative.
  uint64_t sync_count = 0;
  double sync_seconds = 0;

  /// Records one sync of `seconds` that ended at unix time `now`.
  void RecordSync(bool ok, double seconds, double now,
                  const std::string& result);
};

/// The metrics page: counters from `s`, backend gauges from `effective`
/// (the config after health and overrides, as last applied).
std::string RenderMetrics(const DaemonStats& s, const Config& effective);

}  // namespace lvsnft::daemon
