// What changed between two configurations, in operator terms: services and
// real servers added, removed or changed (weight, state, port, ...).
#pragma once

#include <string>
#include <vector>

#include "config/config.h"

namespace lvsnft {

/// One change, attached to a service (and a real server, if any).
struct ConfigChange {
  enum class Kind { kAdded, kRemoved, kChanged };
  Kind kind = Kind::kChanged;
  std::string service;
  std::string real_server;  ///< "" for service-level changes.
  std::string field;        ///< Changed field ("weight", "state", ...).
  std::string before, after;
};

/// Changes from `before` to `after`, ordered by service (in `after` order,
/// removed services last) and then by real server.
std::vector<ConfigChange> DiffConfigs(const Config& before,
                                      const Config& after);

/// "+", "-" or "~".
const char* ChangeSign(ConfigChange::Kind k);

}  // namespace lvsnft
