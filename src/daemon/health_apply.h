// What health results do to the daemon's input: the pure step between the
// config file and the runtime overrides (file -> health -> overrides, so
// the operator has the last word). docs/health-checks.md "What a result
// changes" describes the rules; HealthInput feeds it from the engine.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "config/config.h"

namespace lvsnft::daemon {

/// The checked state of one real server.
struct ServerHealth {
  bool up = true;
  std::optional<int> weight;  ///< exec dynamic weight, when reported.
};

/// The health of `rs` of `svc`; nullopt when the server is not checked.
using HealthLookup = std::function<std::optional<ServerHealth>(
    const Service& svc, const RealServer& rs)>;

/// Per service name: whether its quorum is held (the hysteresis memory).
/// A service not in the map starts from its plain quorum test.
using QuorumMemory = std::map<std::string, bool>;

/// Rewrites `cfg` (the file's config) for the health results:
/// - a down server gets state `down` (on_failure remove) or `drain`;
/// - an exec dynamic weight replaces the weight;
/// - quorum: the sum of weights of servers in state up after health, lost
///   below quorum - hysteresis, regained at quorum + hysteresis (remembered
///   in `quorum`); while lost, or when no server is up, a sorry_server
///   replaces the live servers;
/// - no server up (and some were up in the file) and no sorry_server:
///   all_down drop leaves them out, panic restores every server as the
///   file gives it.
void ApplyHealth(Config& cfg, const HealthLookup& lookup, QuorumMemory& quorum);

/// Sum of the weights of the servers of `svc` in state up (after health).
uint64_t LiveWeight(const Service& svc);

}  // namespace lvsnft::daemon
